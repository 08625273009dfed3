#include "graph/cypher.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace ast2graph::graph::cypher {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

constexpr std::array<std::string_view, 6> kSchema = {
    "CREATE CONSTRAINT ast2graph_astnode_id IF NOT EXISTS "
    "FOR (n:`ASTNode`) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT ast2graph_sourcefile_id IF NOT EXISTS "
    "FOR (n:`SourceFile`) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT ast2graph_externalmodule_id IF NOT EXISTS "
    "FOR (n:`ExternalModule`) REQUIRE n.id IS UNIQUE",
    "CREATE INDEX ast2graph_astnode_source_id IF NOT EXISTS FOR (n:`ASTNode`) ON (n.source_id)",
    "CREATE INDEX ast2graph_astnode_node_type IF NOT EXISTS FOR (n:`ASTNode`) ON (n.node_type)",
    "CREATE INDEX ast2graph_sourcefile_source_id IF NOT EXISTS "
    "FOR (n:`SourceFile`) ON (n.source_id)",
};

void AppendU4(std::string* out, uint32_t v) {
  char buf[6] = {
      '\\', 'u', kHex[(v >> 12) & 0xF], kHex[(v >> 8) & 0xF], kHex[(v >> 4) & 0xF], kHex[v & 0xF]};
  out->append(buf, 6);
}

void AppendU8(std::string* out, uint32_t v) {
  char buf[10] = {'\\', 'U'};
  for (int i = 0; i < 8; ++i) buf[2 + i] = kHex[(v >> (28 - 4 * i)) & 0xF];
  out->append(buf, 10);
}

void AppendInt(std::string* out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr - buf);
}

void AppendIdLiteral(std::string* out, Id id) {
  size_t n = out->size();
  out->resize(n + 34);
  char* p = out->data() + n;
  p[0] = '\'';
  id.WriteHex(p + 1);
  p[33] = '\'';
}

/// Length and kind of the UTF-8 sequence at p (*p >= 0x80): 0 = invalid byte, 1 = valid,
/// 2 = 3-byte surrogate (WTF-8); `cp` gets the code point of a surrogate.
int ClassifyUtf8(const unsigned char* p, const unsigned char* end, size_t* len, uint32_t* cp) {
  size_t avail = static_cast<size_t>(end - p);
  auto cont = [&](size_t i) { return i < avail && (p[i] & 0xC0) == 0x80; };
  unsigned char c = p[0];
  *len = 1;
  if (c >= 0xC2 && c <= 0xDF && cont(1)) {
    *len = 2;
    *cp = (c & 0x1Fu) << 6 | (p[1] & 0x3Fu);
    return 1;
  }
  if (c >= 0xE0 && c <= 0xEF && cont(1) && cont(2)) {
    uint32_t v = (c & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu);
    if (v >= 0x800) {
      *len = 3;
      *cp = v;
      return v >= 0xD800 && v <= 0xDFFF ? 2 : 1;
    }
  }
  if (c >= 0xF0 && c <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    uint32_t v = (c & 0x07u) << 18 | (p[1] & 0x3Fu) << 12 | (p[2] & 0x3Fu) << 6 | (p[3] & 0x3Fu);
    if (v >= 0x10000 && v <= 0x10FFFF) {
      *len = 4;
      *cp = v;
      return 1;
    }
  }
  return 0;
}

bool IsPlainKey(std::string_view key) {
  if (key.empty()) return false;
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

template <typename NameOf>
void AppendProps(std::string* out, const FileGraph& file, uint32_t begin, uint32_t count,
                 NameOf name_of) {
  for (uint32_t i = begin; i < begin + count; ++i) {
    const Prop& p = file.props[i];
    out->append(", ");
    AppendKey(out, name_of(p.key));
    out->append(": ");
    switch (p.type) {
      case PropType::kString:
        AppendString(out, p.text);
        break;
      case PropType::kInt:
        AppendInt(out, p.integer);
        break;
      case PropType::kStringList:
        out->push_back('[');
        const std::span<const std::string_view> items = ListOf(file, p);
        for (size_t j = 0; j < items.size(); ++j) {
          if (j > 0) out->append(", ");
          AppendString(out, items[j]);
        }
        out->push_back(']');
        break;
    }
  }
}

}  // namespace

std::span<const std::string_view> SchemaStatements() { return kSchema; }

void AppendNodeStatement(std::string* out, NodeLabel label, std::string_view node_type,
                         std::string_view rows) {
  out->append("UNWIND ");
  out->append(rows);
  out->append(" AS r MERGE (n:");
  AppendQuotedName(out, NodeLabelName(label));
  out->append(" {id: r.id}) SET n += r");
  if (label == NodeLabel::kASTNode && !node_type.empty()) {
    out->append(", n:");
    AppendQuotedName(out, node_type);
  }
}

void AppendRelationshipStatement(std::string* out, EdgeType type, NodeLabel start, NodeLabel end,
                                 std::string_view rows) {
  out->append("UNWIND ");
  out->append(rows);
  out->append(" AS r MERGE (a:");
  AppendQuotedName(out, NodeLabelName(start));
  out->append(" {id: r.src}) MERGE (b:");
  AppendQuotedName(out, NodeLabelName(end));
  out->append(" {id: r.dst}) MERGE (a)-[e:");
  AppendQuotedName(out, EdgeTypeName(type));
  out->append(" {id: r.props.id}]->(b) SET e += r.props");
}

std::string NodeStatement(NodeLabel label, std::string_view node_type) {
  std::string s;
  AppendNodeStatement(&s, label, node_type, kRowsParameter);
  return s;
}

std::string RelationshipStatement(EdgeType type, NodeLabel start, NodeLabel end) {
  std::string s;
  AppendRelationshipStatement(&s, type, start, end, kRowsParameter);
  return s;
}

void AppendString(std::string* out, std::string_view s) {
  out->push_back('\'');
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  const auto* run = p;
  auto flush = [&] { out->append(reinterpret_cast<const char*>(run), p - run); };
  while (p < end) {
    unsigned char c = *p;
    if (c >= 0x20 && c < 0x80 && c != '\'' && c != '"' && c != '\\') {
      ++p;
      continue;
    }
    if (c >= 0x80) {
      size_t len;
      uint32_t cp = 0;
      int kind = ClassifyUtf8(p, end, &len, &cp);
      flush();
      if (kind == 0) {
        AppendU4(out, 0xFFFD);
      } else if (cp >= 0x10000) {
        AppendU8(out, cp);
      } else {
        AppendU4(out, cp);  // BMP characters and lone surrogates alike
      }
      p += len;
      run = p;
      continue;
    }
    flush();
    switch (c) {
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        AppendU4(out, c);
        break;  // quotes and other controls
    }
    ++p;
    run = p;
  }
  flush();
  out->push_back('\'');
}

void AppendQuotedName(std::string* out, std::string_view name) {
  out->push_back('`');
  for (char c : name) {
    if (c == '`') out->push_back('`');
    out->push_back(c);
  }
  out->push_back('`');
}

void AppendKey(std::string* out, std::string_view key) {
  if (IsPlainKey(key)) {
    out->append(key);
  } else {
    AppendQuotedName(out, key);
  }
}

void AppendNodeRow(std::string* out, const FileGraph& file, const NodeRecord& node) {
  out->append("{id: ");
  AppendIdLiteral(out, node.id);
  AppendProps(out, file, node.prop_begin, node.prop_count,
              [](uint8_t key) { return NodePropName(static_cast<NodeProp>(key)); });
  out->push_back('}');
}

void AppendRelationshipRow(std::string* out, const FileGraph& file, const EdgeRecord& edge) {
  out->append("{src: ");
  AppendIdLiteral(out, edge.start);
  out->append(", dst: ");
  AppendIdLiteral(out, edge.end);
  out->append(", props: {id: ");
  AppendIdLiteral(out, edge.id);
  AppendProps(out, file, edge.prop_begin, edge.prop_count,
              [](uint8_t key) { return EdgePropName(static_cast<EdgeProp>(key)); });
  out->append("}}");
}

void EndpointLabels::Reset(const FileGraph& file) {
  entries_.clear();
  for (const NodeRecord& n : file.nodes) {
    if (n.label != NodeLabel::kASTNode) entries_.push_back({n.id, n.label});
  }
  auto less = [](const Entry& a, const Entry& b) {
    return a.id.hi != b.id.hi ? a.id.hi < b.id.hi : a.id.lo < b.id.lo;
  };
  std::sort(entries_.begin(), entries_.end(), less);
}

NodeLabel EndpointLabels::Of(Id id) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), id, [](const Entry& e, Id v) {
    return e.id.hi != v.hi ? e.id.hi < v.hi : e.id.lo < v.lo;
  });
  if (it != entries_.end() && it->id == id) return it->label;
  return NodeLabel::kASTNode;
}

}  // namespace ast2graph::graph::cypher
