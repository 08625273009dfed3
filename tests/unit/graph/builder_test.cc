// The graph of one file: ids, properties, CHILD edges, failed files (DESIGN.md section 3).
#include "graph/builder.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "ast2graph/parse.h"

namespace ast2graph::graph {
namespace {

std::string PropText(const FileGraph& g, const NodeRecord& n, NodeProp key) {
  for (uint32_t i = 0; i < n.prop_count; ++i) {
    const Prop& p = g.props[n.prop_begin + i];
    if (p.key != static_cast<uint8_t>(key)) continue;
    if (p.type == PropType::kInt) return std::to_string(p.integer);
    if (p.type == PropType::kString) return std::string(p.text);
    std::string joined;
    for (uint32_t j = 0; j < p.list_count; ++j) {
      if (j) joined += "|";
      joined += g.list_items[p.list_begin + j];
    }
    return joined;
  }
  return "<absent>";
}

std::string EdgeProp(const FileGraph& g, const EdgeRecord& e, graph::EdgeProp key) {
  for (uint32_t i = 0; i < e.prop_count; ++i) {
    const Prop& p = g.props[e.prop_begin + i];
    if (p.key != static_cast<uint8_t>(key)) continue;
    return p.type == PropType::kInt ? std::to_string(p.integer) : std::string(p.text);
  }
  return "<absent>";
}

SourceInfo Info(const std::string& source_id, std::string_view bytes) {
  SourceInfo info;
  info.source_id = source_id;
  info.path = "/src/" + source_id;
  info.module = "pkg.mod";
  info.size = bytes.size();
  info.content_hash = ContentHash(bytes);
  info.lines = 3;
  return info;
}

BuiltFile Build(std::string_view source, const std::string& source_id = "pkg/mod.py") {
  auto module = std::make_shared<ParsedModule>(Parse(source));
  EXPECT_TRUE(module->ok()) << module->error().message;
  BuiltFile out;
  BuildFileGraph(Info(source_id, source), module, nullptr, &out);
  return out;
}

TEST(IdTest, HexMatchesPrintf) {
  // WriteHex converts sixteen digits at a time; every nibble value in every position.
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < 2000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const Id id{x, ~x ^ (x << 7)};
    char want[33];
    std::snprintf(want, sizeof want, "%016llx%016llx", static_cast<unsigned long long>(id.hi),
                  static_cast<unsigned long long>(id.lo));
    ASSERT_EQ(id.Hex(), want) << i;
  }
  EXPECT_EQ((Id{0, 0}.Hex()), std::string(32, '0'));
  EXPECT_EQ((Id{~0ull, ~0ull}.Hex()), std::string(32, 'f'));
}

TEST(IdTest, HexAndKnownHash) {
  Id id{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  EXPECT_EQ(id.Hex(), "0123456789abcdeffedcba9876543210");
  // Ids depend only on source_id and field path.
  EXPECT_EQ(NodeId("a.py", "body.0"), NodeId("a.py", "body.0"));
  EXPECT_NE(NodeId("a.py", "body.0"), NodeId("a.py", "body.1"));
  EXPECT_NE(NodeId("a.py", "body.0"), NodeId("b.py", "body.0"));
  EXPECT_NE(SourceFileId("a.py"), NodeId("a.py", ""));
  EXPECT_NE(EdgeId(EdgeType::kChild, Id{1, 2}, Id{3, 4}, {"body", "0"}),
            EdgeId(EdgeType::kChild, Id{1, 2}, Id{3, 4}, {"body", "1"}));
}

TEST(BuilderTest, SourceFileThenPreOrderNodesWithChildEdges) {
  BuiltFile b = Build("x = f(1, y)\n");
  const FileGraph& g = b.graph;
  ASSERT_GE(g.nodes.size(), 2u);
  EXPECT_EQ(g.nodes[0].label, NodeLabel::kSourceFile);
  EXPECT_EQ(g.nodes[0].id, SourceFileId("pkg/mod.py"));
  EXPECT_EQ(PropText(g, g.nodes[0], NodeProp::status), "ok");
  EXPECT_EQ(PropText(g, g.nodes[0], NodeProp::module), "pkg.mod");
  EXPECT_EQ(PropText(g, g.nodes[0], NodeProp::error_code), "<absent>");
  std::vector<std::string> types;
  for (size_t i = 1; i < g.nodes.size(); ++i) types.emplace_back(g.nodes[i].node_type);
  EXPECT_EQ(types, (std::vector<std::string>{"Module", "Assign", "Name", "Call", "Name",
                                             "Constant", "Name"}));
  EXPECT_EQ(b.ast_nodes, 7u);
  EXPECT_EQ(g.nodes[1].id, NodeId("pkg/mod.py", ""));
  EXPECT_EQ(g.nodes[2].id, NodeId("pkg/mod.py", "body.0"));
  EXPECT_EQ(g.nodes[3].id, NodeId("pkg/mod.py", "body.0.targets.0"));
  EXPECT_EQ(g.nodes[5].id, NodeId("pkg/mod.py", "body.0.value.func"));
  EXPECT_EQ(g.nodes[6].id, NodeId("pkg/mod.py", "body.0.value.args.0"));

  // One CHILD edge per AST node, from its parent; the file owns the Module.
  ASSERT_EQ(g.edges.size(), 7u);
  EXPECT_EQ(g.edges[0].start, g.nodes[0].id);
  EXPECT_EQ(g.edges[0].end, g.nodes[1].id);
  EXPECT_EQ(EdgeProp(g, g.edges[0], EdgeProp::field), "module");
  EXPECT_EQ(EdgeProp(g, g.edges[0], EdgeProp::index), "<absent>");
  EXPECT_EQ(EdgeProp(g, g.edges[1], EdgeProp::field), "body");
  EXPECT_EQ(EdgeProp(g, g.edges[1], EdgeProp::index), "0");
  std::set<std::string> ids;
  for (const NodeRecord& n : g.nodes) ids.insert(n.id.Hex());
  for (const EdgeRecord& e : g.edges) {
    EXPECT_EQ(e.type, EdgeType::kChild);
    EXPECT_TRUE(ids.count(e.start.Hex()));
    EXPECT_TRUE(ids.count(e.end.Hex()));
  }
}

TEST(BuilderTest, PropertiesFollowTheModel) {
  BuiltFile b = Build("from ..a import b as c\nimport os, sys\nx.y += 'é'\nz = a < b == c\nglobal g, h\n");
  const FileGraph& g = b.graph;
  auto find = [&](std::string_view type) -> const NodeRecord& {
    for (const NodeRecord& n : g.nodes)
      if (n.node_type == type) return n;
    ADD_FAILURE() << "no " << type;
    return g.nodes[0];
  };
  EXPECT_EQ(PropText(g, find("ImportFrom"), NodeProp::value), "..a");
  EXPECT_EQ(PropText(g, find("ImportFrom"), NodeProp::level), "2");
  EXPECT_EQ(PropText(g, find("alias"), NodeProp::value), "b");
  EXPECT_EQ(PropText(g, find("alias"), NodeProp::asname), "c");
  EXPECT_EQ(PropText(g, find("Import"), NodeProp::value), "os,sys");
  EXPECT_EQ(PropText(g, find("AugAssign"), NodeProp::op), "Add");
  EXPECT_EQ(PropText(g, find("Attribute"), NodeProp::value), "y");
  EXPECT_EQ(PropText(g, find("Attribute"), NodeProp::ctx), "Store");
  EXPECT_EQ(PropText(g, find("Constant"), NodeProp::value), "'é'");
  EXPECT_EQ(PropText(g, find("Compare"), NodeProp::value), "Lt,Eq");
  EXPECT_EQ(PropText(g, find("Global"), NodeProp::names), "g|h");
  const NodeRecord& constant = find("Constant");
  EXPECT_EQ(PropText(g, constant, NodeProp::lineno), "3");
  EXPECT_EQ(PropText(g, constant, NodeProp::col_offset), "7");
  EXPECT_EQ(PropText(g, constant, NodeProp::end_col_offset), "11");  // bytes, as CPython
  EXPECT_EQ(PropText(g, find("Module"), NodeProp::lineno), "<absent>");
}

TEST(BuilderTest, NoneListItemsAreSkippedButKeepTheirIndex) {
  BuiltFile b = Build("d = {**a, 'k': v}\n");
  const FileGraph& g = b.graph;
  bool saw_key1 = false, saw_key0 = false;
  for (const NodeRecord& n : g.nodes) {
    if (n.id == NodeId("pkg/mod.py", "body.0.value.keys.1")) saw_key1 = true;
    if (n.id == NodeId("pkg/mod.py", "body.0.value.keys.0")) saw_key0 = true;
  }
  EXPECT_TRUE(saw_key1);
  EXPECT_FALSE(saw_key0);
}

TEST(BuilderTest, FailedFileIsOnlyItsSourceFile) {
  SourceInfo info = Info("bad.py", "def (");
  info.status = ErrorCode::kSyntax;
  info.error = "1:5: invalid syntax";
  BuiltFile out;
  BuildFileGraph(info, nullptr, nullptr, &out);
  ASSERT_EQ(out.graph.nodes.size(), 1u);
  EXPECT_TRUE(out.graph.edges.empty());
  EXPECT_EQ(PropText(out.graph, out.graph.nodes[0], NodeProp::status), "syntax_error");
  EXPECT_EQ(PropText(out.graph, out.graph.nodes[0], NodeProp::error_code), "AST_1001");
  EXPECT_EQ(PropText(out.graph, out.graph.nodes[0], NodeProp::error), "1:5: invalid syntax");
}

TEST(BuilderTest, DeepTreesDoNotRecurse) {
  // 20,000 nested unary minus (about what the parser accepts before "too complex"), built by
  // hand: the builder walks with its own stack and keeps only pending paths.
  auto module = std::make_shared<ParsedModule>();
  module->set_text("x\n");
  ast::Arena& arena = module->arena();
  ast::Node* inner = ast::NewNode(arena, ast::Kind::Name, 0, 1);
  inner->fields[ast::NameFields::id].str = ast::NewStr(arena, "x");
  constexpr int kDepth = 20000;
  for (int i = 0; i < kDepth; ++i) {
    ast::Node* op = ast::NewNode(arena, ast::Kind::UnaryOp, 0, 1);
    op->fields[ast::UnaryOpFields::op].integer = static_cast<int64_t>(ast::Singleton::USub);
    op->fields[ast::UnaryOpFields::operand].node = inner;
    inner = op;
  }
  ast::Node* expr = ast::NewNode(arena, ast::Kind::Expr, 0, 1);
  expr->fields[ast::ExprFields::value].node = inner;
  ast::Node* root = ast::NewNode(arena, ast::Kind::Module, 0, 0);
  ast::List* body = ast::NewList(arena, 1);
  body->items[0].node = expr;
  root->fields[ast::ModuleFields::body].list = body;
  module->set_root(root);
  BuiltFile out;
  BuildFileGraph(Info("deep.py", "x\n"), module, nullptr, &out);
  EXPECT_EQ(out.ast_nodes, kDepth + 3u);
  EXPECT_EQ(out.graph.edges.size(), kDepth + 3u);
}

}  // namespace
}  // namespace ast2graph::graph
