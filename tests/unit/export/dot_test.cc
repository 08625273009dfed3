// dot: Graphviz renders it (`dot -Tsvg`) without a warning, with one node per graph node (the
// shared ExternalModule once), one edge per relationship, readable labels and a style per type.
#include <gtest/gtest.h>

#include "export_test_util.h"

namespace a2gtest {
namespace {

using ast2graph::exporters::Format;

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

TEST(Dot, LabelsAndStyles) {
  std::string dir = MakeTempDir();
  ASSERT_TRUE(Export(Format::kDot, dir + "/g.dot", SampleFile("pkg/mod.py", "'a\"b'")).ok());
  std::string dot = ReadFile(dir + "/g.dot");
  EXPECT_TRUE(dot.starts_with("digraph ast2graph {\n"));
  EXPECT_TRUE(dot.ends_with("}\n"));
  EXPECT_NE(dot.find("subgraph \"cluster_0\" {\n    label=\"pkg/mod.py\";"), std::string::npos);
  EXPECT_NE(dot.find("[label=\"FunctionDef f\"]"), std::string::npos);
  EXPECT_NE(dot.find("[label=\"Name x (Load)\"]"), std::string::npos);
  EXPECT_NE(dot.find("[label=\"Constant 1\"]"), std::string::npos);
  EXPECT_NE(dot.find("[label=\"BinOp Add\"]"), std::string::npos);
  EXPECT_NE(dot.find("[label=\"Constant 'a\\\"b'\"]"), std::string::npos) << "quote escaped";
  EXPECT_NE(dot.find("[label=\"SourceFile pkg/mod.py\", shape=folder"), std::string::npos);
  EXPECT_NE(dot.find("[label=\"ExternalModule os\", shape=component"), std::string::npos);
  EXPECT_NE(dot.find("[label=\"body[0]\"]"), std::string::npos);
  EXPECT_NE(dot.find("[label=\"module\"]"), std::string::npos);
  EXPECT_EQ(Count(dot, "[color=blue, fontcolor=blue, label=\""), 3u);    // NEXT
  EXPECT_EQ(Count(dot, "[style=dashed, color=red, fontcolor=red"), 2u);  // DEPENDS_ON
  EXPECT_NE(dot.find("label=\"import os\"]"), std::string::npos);
}

TEST(Dot, LongValuesAreCut) {
  std::string dir = MakeTempDir();
  std::string long_value(200, 'x');
  ASSERT_TRUE(Export(Format::kDot, dir + "/g.dot", SampleFile("a.py", long_value)).ok());
  std::string dot = ReadFile(dir + "/g.dot");
  EXPECT_NE(dot.find("\"Constant " + std::string(40, 'x') + "\xE2\x80\xA6\""), std::string::npos);
  EXPECT_EQ(dot.find(std::string(41, 'x')), std::string::npos);
}

TEST(Dot, GraphvizRendersHostileInputWithoutWarnings) {
  if (!HaveCommand("dot")) GTEST_SKIP() << "graphviz not installed (tools/install-deps.sh)";
  Files files;
  std::vector<std::string> hostile = HostileStrings();
  for (size_t i = 0; i < hostile.size(); ++i) {
    files.push_back(SampleFile("pkg/m" + std::to_string(i) + ".py\"\\", hostile[i]));
  }
  std::string dir = MakeTempDir();
  ASSERT_TRUE(Export(Format::kDot, dir + "/g.dot", files).ok());
  std::string out;
  ASSERT_EQ(RunCommand("dot -Tsvg '" + dir + "/g.dot' -o '" + dir + "/g.svg'", &out), 0) << out;
  EXPECT_EQ(out, "") << "graphviz warned";
  std::string svg = ReadFile(dir + "/g.svg");
  EXPECT_NE(svg.find(">FunctionDef f</text>"), std::string::npos);
  EXPECT_NE(svg.find(">Name x (Load)</text>"), std::string::npos);
  EXPECT_EQ(Count(svg, "<g id=\"clust"), files.size());

  // Graphviz's own reading of the graph: every node once, every edge.
  ASSERT_EQ(RunCommand("dot -Tplain '" + dir + "/g.dot'", &out), 0);
  size_t nodes = 0, edges = 0, expected_nodes = 0, expected_edges = 0;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    nodes += line.starts_with("node ");
    edges += line.starts_with("edge ");
  }
  for (const FileGraph& g : files) {
    expected_nodes += g.nodes.size();
    expected_edges += g.edges.size();
  }
  EXPECT_EQ(nodes, expected_nodes - (files.size() - 1));
  EXPECT_EQ(edges, expected_edges);
}

}  // namespace
}  // namespace a2gtest
