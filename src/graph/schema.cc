// The property schema and names of include/ast2graph/graph.h.
#include <cstdio>

#include "ast2graph/graph.h"

namespace ast2graph::graph {

namespace {
constexpr const char* kNodePropNames[] = {
#define A2G_X(name, type) #name,
    A2G_NODE_PROPERTIES(A2G_X)
#undef A2G_X
};
constexpr PropType kNodePropTypes[] = {
#define A2G_X(name, type) PropType::type,
    A2G_NODE_PROPERTIES(A2G_X)
#undef A2G_X
};
constexpr const char* kEdgePropNames[] = {
#define A2G_X(name, type) #name,
    A2G_EDGE_PROPERTIES(A2G_X)
#undef A2G_X
};
constexpr PropType kEdgePropTypes[] = {
#define A2G_X(name, type) PropType::type,
    A2G_EDGE_PROPERTIES(A2G_X)
#undef A2G_X
};
constexpr char kHexDigits[] = "0123456789abcdef";
}  // namespace

void Id::WriteHex(char* out) const {
  for (int i = 0; i < 16; ++i) out[i] = kHexDigits[(hi >> (60 - 4 * i)) & 0xF];
  for (int i = 0; i < 16; ++i) out[16 + i] = kHexDigits[(lo >> (60 - 4 * i)) & 0xF];
}

std::string Id::Hex() const {
  std::string s(32, '0');
  WriteHex(s.data());
  return s;
}

const char* NodePropName(NodeProp p) { return kNodePropNames[static_cast<size_t>(p)]; }
PropType NodePropType(NodeProp p) { return kNodePropTypes[static_cast<size_t>(p)]; }
const char* EdgePropName(EdgeProp p) { return kEdgePropNames[static_cast<size_t>(p)]; }
PropType EdgePropType(EdgeProp p) { return kEdgePropTypes[static_cast<size_t>(p)]; }

const char* NodeLabelName(NodeLabel l) {
  switch (l) {
    case NodeLabel::kSourceFile: return "SourceFile";
    case NodeLabel::kASTNode: return "ASTNode";
    case NodeLabel::kExternalModule: return "ExternalModule";
  }
  return "";
}

const char* EdgeTypeName(EdgeType t) {
  switch (t) {
    case EdgeType::kChild: return "CHILD";
    case EdgeType::kNext: return "NEXT";
    case EdgeType::kDependsOn: return "DEPENDS_ON";
  }
  return "";
}

}  // namespace ast2graph::graph
