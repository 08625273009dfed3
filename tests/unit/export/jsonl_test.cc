// jsonl: every line parses as JSON in APOC's apoc.export.json layout and carries exactly the
// graph's records and properties, hostile strings included.
#include <gtest/gtest.h>

#include <set>

#include "export/sinks.h"
#include "export_test_util.h"
#include "json_reader.h"

namespace a2gtest {
namespace {

using ast2graph::exporters::Format;

/// "name=value" lines of a record's properties: strings as text, ints in decimal, lists as
/// [a|b]; `fix` maps each string as the format is documented to.
template <typename Fix>
std::set<std::string> ExpectedProps(const FileGraph& g, std::span<const Prop> props, bool node,
                                    Fix fix) {
  std::set<std::string> out;
  for (const Prop& p : props) {
    std::string name = node ? ast2graph::graph::NodePropName(static_cast<NodeProp>(p.key))
                            : ast2graph::graph::EdgePropName(static_cast<EdgeProp>(p.key));
    switch (p.type) {
      case PropType::kString:
        out.insert(name + "=" + fix(p.text));
        break;
      case PropType::kInt:
        out.insert(name + "=" + std::to_string(p.integer));
        break;
      case PropType::kStringList: {
        std::string v = "[";
        for (uint32_t i = 0; i < p.list_count; ++i) {
          if (i > 0) v += "|";
          v += fix(g.list_items[p.list_begin + i]);
        }
        out.insert(name + "=" + v + "]");
        break;
      }
    }
  }
  return out;
}

std::set<std::string> JsonProps(const Json& props) {
  std::set<std::string> out;
  for (const auto& [k, v] : props.members) {
    if (k == "id") continue;
    switch (v.kind) {
      case Json::kString:
        out.insert(k + "=" + v.text);
        break;
      case Json::kInt:
        out.insert(k + "=" + std::to_string(v.integer));
        break;
      case Json::kArray: {
        std::string s = "[";
        for (size_t i = 0; i < v.items.size(); ++i) s += (i ? "|" : "") + v.items[i].text;
        out.insert(k + "=" + s + "]");
        break;
      }
      default:
        out.insert(k + "=?");
        break;
    }
  }
  return out;
}

std::string Hex(Id id) { return id.Hex(); }

TEST(Jsonl, ApocLayoutWithEveryRecordAndProperty) {
  Files files;
  std::vector<std::string> hostile = HostileStrings();
  for (size_t i = 0; i < hostile.size(); ++i) {
    files.push_back(SampleFile("pkg/m" + std::to_string(i) + ".py", hostile[i]));
  }
  std::string dir = MakeTempDir();
  ASSERT_TRUE(Export(Format::kJsonl, dir + "/g.jsonl", files).ok());
  std::string text = ReadFile(dir + "/g.jsonl");
  ASSERT_FALSE(text.empty());
  ASSERT_EQ(text.back(), '\n');

  // What we expect, keyed by id.
  std::map<std::string, const NodeRecord*> nodes;
  std::map<std::string, const FileGraph*> owner;
  std::map<std::string, const EdgeRecord*> edges;
  for (const FileGraph& f : files) {
    for (const NodeRecord& n : f.nodes) {
      nodes[Hex(n.id)] = &n;
      owner[Hex(n.id)] = &f;
    }
    for (const EdgeRecord& e : f.edges) {
      edges[Hex(e.id)] = &e;
      owner[Hex(e.id)] = &f;
    }
  }
  auto fix = [](std::string_view s) { return Sanitized(s, /*keep_surrogates=*/true); };

  std::set<std::string> seen_nodes, seen_edges;
  size_t start = 0;
  int line_no = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    Json j;
    std::string error;
    ASSERT_TRUE(JsonReader::Parse(line, &j, &error)) << "line " << line_no << ": " << error;
    ASSERT_EQ(j.kind, Json::kObject);
    const Json* type = j.Get("type");
    const Json* id = j.Get("id");
    const Json* props = j.Get("properties");
    ASSERT_TRUE(type && id && props);
    ASSERT_EQ(props->Get("id")->text, id->text) << "properties carry the id";
    if (type->text == "node") {
      EXPECT_EQ(j.members[0].first, "type");
      ASSERT_TRUE(seen_nodes.insert(id->text).second) << "node written twice: " << line;
      ASSERT_TRUE(nodes.count(id->text)) << line;
      const NodeRecord& n = *nodes[id->text];
      const FileGraph& g = *owner[id->text];
      const Json* labels = j.Get("labels");
      ASSERT_TRUE(labels);
      ASSERT_GE(labels->items.size(), 1u);
      EXPECT_EQ(labels->items[0].text, ast2graph::graph::NodeLabelName(n.label));
      if (n.label == NodeLabel::kASTNode) {
        ASSERT_EQ(labels->items.size(), 2u);
        EXPECT_EQ(labels->items[1].text, n.node_type);
      } else {
        EXPECT_EQ(labels->items.size(), 1u);
      }
      EXPECT_EQ(JsonProps(*props),
                ExpectedProps(g, ast2graph::exporters::PropsOf(g, n), true, fix));
    } else {
      ASSERT_EQ(type->text, "relationship") << line;
      ASSERT_TRUE(seen_edges.insert(id->text).second);
      ASSERT_TRUE(edges.count(id->text));
      const EdgeRecord& e = *edges[id->text];
      const FileGraph& g = *owner[id->text];
      EXPECT_EQ(j.Get("label")->text, ast2graph::graph::EdgeTypeName(e.type));
      const Json* s = j.Get("start");
      const Json* t = j.Get("end");
      ASSERT_TRUE(s && t);
      EXPECT_EQ(s->Get("id")->text, Hex(e.start));
      EXPECT_EQ(t->Get("id")->text, Hex(e.end));
      ASSERT_TRUE(seen_nodes.count(s->Get("id")->text)) << "start written before its edges";
      ASSERT_TRUE(seen_nodes.count(t->Get("id")->text)) << "end written before its edges";
      EXPECT_EQ(s->Get("labels")->items.at(0).text,
                ast2graph::graph::NodeLabelName(nodes[Hex(e.start)]->label));
      EXPECT_EQ(t->Get("labels")->items.at(0).text,
                ast2graph::graph::NodeLabelName(nodes[Hex(e.end)]->label));
      EXPECT_EQ(JsonProps(*props),
                ExpectedProps(g, ast2graph::exporters::PropsOf(g, e), false, fix));
    }
  }
  // Every node once (the shared ExternalModule too), every edge once.
  EXPECT_EQ(seen_nodes.size(), nodes.size());
  EXPECT_EQ(seen_edges.size(), edges.size());
  size_t external_lines = 0;
  for (size_t p = text.find("\"labels\":[\"ExternalModule\"]}"); p != std::string::npos;
       p = text.find("\"labels\":[\"ExternalModule\"]}", p + 1)) {
    ++external_lines;
  }
  EXPECT_EQ(external_lines, files.size()) << "one per DEPENDS_ON end, none as a node duplicate";
}

TEST(Jsonl, ExactLineLayout) {
  GraphMaker m("a.py");
  Id mod = m.NodeWithId(NodeLabel::kASTNode, "Module", Id{1, 2},
                        {{NodeProp::node_type, Str("Module")}, {NodeProp::source_id, Str("a.py")}});
  Id sf = m.NodeWithId(NodeLabel::kSourceFile, "", Id{0, 1}, {{NodeProp::lines, Int(0)}});
  m.Edge(EdgeType::kChild, sf, mod, {{EdgeProp::field, Str("module")}});
  FileGraph g = m.Take();
  g.edges[0].id = Id{0, 3};
  std::string dir = MakeTempDir();
  ASSERT_TRUE(Export(Format::kJsonl, dir + "/g.jsonl", g).ok());
  std::string one = "00000000000000000000000000000001";
  std::string two = "00000000000000010000000000000002";
  std::string three = "00000000000000000000000000000003";
  EXPECT_EQ(ReadFile(dir + "/g.jsonl"),
            "{\"type\":\"node\",\"id\":\"" + two +
                "\",\"labels\":[\"ASTNode\",\"Module\"],\"properties\":{\"id\":\"" + two +
                "\",\"node_type\":\"Module\",\"source_id\":\"a.py\"}}\n"
                "{\"type\":\"node\",\"id\":\"" +
                one + "\",\"labels\":[\"SourceFile\"],\"properties\":{\"id\":\"" + one +
                "\",\"lines\":0}}\n"
                "{\"type\":\"relationship\",\"id\":\"" +
                three + "\",\"label\":\"CHILD\",\"start\":{\"id\":\"" + one +
                "\",\"labels\":[\"SourceFile\"]},\"end\":{\"id\":\"" + two +
                "\",\"labels\":[\"ASTNode\"]},\"properties\":{\"id\":\"" + three +
                "\",\"field\":\"module\"}}\n");
}

TEST(Jsonl, NoFilesGiveAnEmptyFile) {
  std::string dir = MakeTempDir();
  ASSERT_TRUE(Export(Format::kJsonl, dir + "/g.jsonl", Files()).ok());
  EXPECT_EQ(ReadFile(dir + "/g.jsonl"), "");
}

}  // namespace
}  // namespace a2gtest
