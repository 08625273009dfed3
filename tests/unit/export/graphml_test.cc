// graphml: well-formed XML (xmllint), valid against the subset schema graphml_subset.xsd, and
// loaded by networkx with every value and type intact (hostile strings as documented: what XML
// 1.0 cannot carry becomes U+FFFD).
#include <gtest/gtest.h>

#include <regex>

#include "export/sinks.h"
#include "export_test_util.h"
#include "json_reader.h"

namespace a2gtest {
namespace {

using ast2graph::exporters::Format;

const std::string kXsd = std::string(A2G_SOURCE_DIR) + "/tests/unit/export/graphml_subset.xsd";

/// What XML 1.0 keeps of `s` (see AppendXmlText).
std::string XmlKept(std::string_view s) {
  std::string in = Sanitized(s, /*keep_surrogates=*/false);
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      out += "\xEF\xBF\xBD";
    } else if (in.compare(i, 3, "\xEF\xBF\xBE") == 0 || in.compare(i, 3, "\xEF\xBF\xBF") == 0) {
      out += "\xEF\xBF\xBD";
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

Files HostileFiles() {
  Files files;
  std::vector<std::string> hostile = HostileStrings();
  for (size_t i = 0; i < hostile.size(); ++i) {
    files.push_back(SampleFile("pkg/m" + std::to_string(i) + ".py", hostile[i]));
  }
  return files;
}

TEST(Graphml, WellFormedAndValidAgainstTheSubsetSchema) {
  if (!HaveCommand("xmllint")) GTEST_SKIP() << "xmllint not installed (tools/install-deps.sh)";
  std::string dir = MakeTempDir();
  std::string path = dir + "/g.graphml";
  ASSERT_TRUE(Export(Format::kGraphml, path, HostileFiles()).ok());
  std::string out;
  EXPECT_EQ(RunCommand("xmllint --noout '" + path + "'", &out), 0) << out;
  EXPECT_EQ(RunCommand("xmllint --noout --schema '" + kXsd + "' '" + path + "'", &out), 0) << out;

  // Integer keys hold integers.
  std::string text = ReadFile(path);
  std::regex int_data(
      "<data key=\"n_(lineno|col_offset|end_lineno|end_col_offset|size|lines)\">"
      "([^<]*)</data>");
  size_t checked = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), int_data);
       it != std::sregex_iterator(); ++it) {
    EXPECT_TRUE(std::regex_match((*it)[2].str(), std::regex("-?[0-9]+"))) << (*it)[0];
    ++checked;
  }
  EXPECT_GT(checked, 100u);
  EXPECT_NE(text.find("<key id=\"n_size\" for=\"node\" attr.name=\"size\" attr.type=\"long\"/>"),
            std::string::npos);
  EXPECT_NE(text.find("<key id=\"n_lineno\" for=\"node\" attr.name=\"lineno\" attr.type=\"int\"/>"),
            std::string::npos);
}

TEST(Graphml, TheSchemaCheckCanFail) {
  if (!HaveCommand("xmllint")) GTEST_SKIP() << "xmllint not installed (tools/install-deps.sh)";
  GraphMaker m("a.py");
  Id a = m.Node(NodeLabel::kASTNode, "Module", "", {});
  m.Edge(EdgeType::kChild, a, TestId("nowhere"), {});
  std::string dir = MakeTempDir();
  ASSERT_TRUE(Export(Format::kGraphml, dir + "/g.graphml", m.Take()).ok());
  std::string out;
  EXPECT_NE(RunCommand("xmllint --noout --schema '" + kXsd + "' '" + dir + "/g.graphml'", &out), 0)
      << "an edge to a node that is not in the document must fail the subset schema";
}

TEST(Graphml, NetworkxLoadsEveryValue) {
  std::string python = FindPython("networkx");
  if (python.empty()) GTEST_SKIP() << "no python3 with networkx (tools/install-deps.sh)";
  Files files = HostileFiles();
  std::string dir = MakeTempDir();
  std::string path = dir + "/g.graphml";
  ASSERT_TRUE(Export(Format::kGraphml, path, files).ok());
  WriteFile(dir + "/load.py",
            "import json, sys\n"
            "import networkx as nx\n"
            "g = nx.read_graphml(sys.argv[1], force_multigraph=True)\n"
            "out = {'directed': g.is_directed(), 'nodes': {}, 'edges': {}}\n"
            "for n, d in g.nodes(data=True):\n"
            "    out['nodes'][n] = d\n"
            "for u, v, k, d in g.edges(keys=True, data=True):\n"
            "    out['edges'][str(k)] = dict(d, _source=u, _target=v)\n"
            "print(json.dumps(out, ensure_ascii=True))\n");
  std::string out;
  ASSERT_EQ(RunCommand("'" + python + "' '" + dir + "/load.py' '" + path + "'", &out), 0) << out;
  Json j;
  std::string error;
  ASSERT_TRUE(JsonReader::Parse(out, &j, &error)) << error << "\n" << out.substr(0, 500);
  EXPECT_TRUE(j.Get("directed")->boolean);
  const Json* nodes = j.Get("nodes");
  const Json* edges = j.Get("edges");

  size_t node_total = 0, edge_total = 0;
  for (const FileGraph& g : files) {
    for (const NodeRecord& n : g.nodes) {
      const Json* got = nodes->Get(n.id.Hex());
      ASSERT_NE(got, nullptr) << n.id.Hex();
      std::string labels = std::string(":") + ast2graph::graph::NodeLabelName(n.label) +
                           (n.label == NodeLabel::kASTNode ? ":" + std::string(n.node_type) : "");
      EXPECT_EQ(got->Get("labels")->text, labels);
      size_t attrs = 1;
      for (const Prop& p : ast2graph::exporters::PropsOf(g, n)) {
        const char* name = ast2graph::graph::NodePropName(static_cast<NodeProp>(p.key));
        const Json* v = got->Get(name);
        if (v == nullptr && p.type == PropType::kString && p.text.empty()) {
          continue;  // networkx drops an empty <data> element (the file has it)
        }
        ASSERT_NE(v, nullptr) << name;
        ++attrs;
        switch (p.type) {
          case PropType::kString:
            EXPECT_EQ(v->kind, Json::kString);
            EXPECT_EQ(v->text, XmlKept(p.text)) << name;
            break;
          case PropType::kInt:
            EXPECT_EQ(v->kind, Json::kInt) << name << " is typed";
            EXPECT_EQ(v->integer, p.integer);
            break;
          case PropType::kStringList: {
            Json list;
            ASSERT_TRUE(JsonReader::Parse(v->text, &list, &error)) << error;
            ASSERT_EQ(list.items.size(), p.list_count);
            for (uint32_t i = 0; i < p.list_count; ++i) {
              EXPECT_EQ(list.items[i].text, g.list_items[p.list_begin + i]);
            }
            break;
          }
        }
      }
      EXPECT_EQ(got->members.size(), attrs) << "no extra attributes";
    }
    for (const EdgeRecord& e : g.edges) {
      ++edge_total;
      const Json* got = edges->Get(e.id.Hex());
      ASSERT_NE(got, nullptr);
      EXPECT_EQ(got->Get("_source")->text, e.start.Hex());
      EXPECT_EQ(got->Get("_target")->text, e.end.Hex());
      EXPECT_EQ(got->Get("label")->text, ast2graph::graph::EdgeTypeName(e.type));
      for (const Prop& p : ast2graph::exporters::PropsOf(g, e)) {
        const Json* v = got->Get(ast2graph::graph::EdgePropName(static_cast<EdgeProp>(p.key)));
        if (v == nullptr && p.type == PropType::kString && p.text.empty()) continue;
        ASSERT_NE(v, nullptr);
        if (p.type == PropType::kInt) {
          EXPECT_EQ(v->integer, p.integer);
        } else {
          EXPECT_EQ(v->text, XmlKept(p.text));
        }
      }
    }
    node_total += g.nodes.size();
  }
  EXPECT_EQ(nodes->members.size(), node_total - (files.size() - 1)) << "ExternalModule once";
  EXPECT_EQ(edges->members.size(), edge_total);
}

TEST(Graphml, EmptyGraph) {
  if (!HaveCommand("xmllint")) GTEST_SKIP() << "xmllint not installed (tools/install-deps.sh)";
  std::string dir = MakeTempDir();
  ASSERT_TRUE(Export(Format::kGraphml, dir + "/g.graphml", Files()).ok());
  std::string out;
  EXPECT_EQ(RunCommand("xmllint --noout --schema '" + kXsd + "' '" + dir + "/g.graphml'", &out), 0)
      << out;
}

}  // namespace
}  // namespace a2gtest
