// json: the upstream Python ast2graph document layout, deterministic, and byte-identical to what
// upstream's json.dumps(indent=2, sort_keys=True, ensure_ascii=False) makes of the same data
// (checked with python3 when present; the structure checks below need no Python).
#include <gtest/gtest.h>

#include "export_test_util.h"
#include "json_reader.h"

namespace a2gtest {
namespace {

using ast2graph::exporters::Format;

/// Hostile strings Python can print as UTF-8 (no lone surrogates: json.dumps would write them raw).
std::vector<std::string> PrintableHostile() {
  std::vector<std::string> out;
  for (const std::string& s : HostileStrings()) {
    if (s.find("\xED\xA0") == std::string::npos && s.find('\xFF') == std::string::npos) {
      out.push_back(s);
    }
  }
  return out;
}

TEST(Json, UpstreamDocumentForOneFile) {
  std::string dir = MakeTempDir();
  FileGraph g = SampleFile("pkg/mod.py", "'hi'");
  ASSERT_TRUE(Export(Format::kJson, dir + "/g.json", g).ok());
  std::string text = ReadFile(dir + "/g.json");
  Json doc;
  std::string error;
  ASSERT_TRUE(JsonReader::Parse(text, &doc, &error)) << error;
  ASSERT_EQ(doc.kind, Json::kObject);
  std::vector<std::string> keys;
  for (const auto& m : doc.members) keys.push_back(m.first);
  EXPECT_EQ(keys,
            (std::vector<std::string>{"edges", "metadata", "nodes", "source_info", "version"}));
  EXPECT_EQ(doc.Get("version")->text, "1.0.0");
  EXPECT_EQ(text.find("created_at"), std::string::npos);
  EXPECT_EQ(text.find("export_id"), std::string::npos);
  EXPECT_EQ(text.find("parsed_at"), std::string::npos);

  // Nodes: every AST node and the ExternalModule; the SourceFile is source_info instead.
  const Json* nodes = doc.Get("nodes");
  ASSERT_EQ(nodes->items.size(), g.nodes.size() - 1);
  for (size_t i = 0; i < nodes->items.size(); ++i) {
    const Json& n = nodes->items[i];
    const NodeRecord& r = g.nodes[i + 1];
    EXPECT_EQ(n.Get("id")->text, r.id.Hex());
    for (const char* k :
         {"ast_node_info", "label", "metadata", "properties", "source_location", "type"}) {
      EXPECT_NE(n.Get(k), nullptr) << k;
    }
    EXPECT_EQ(n.Get("metadata")->members.size(), 0u);
    EXPECT_EQ(n.Get("properties")->Get("type")->text, n.Get("type")->text);
  }
  const Json& fn = nodes->items[1];
  EXPECT_EQ(fn.Get("type")->text, "FunctionDef");
  EXPECT_EQ(fn.Get("label")->text, "f");
  ASSERT_EQ(fn.Get("source_location")->items.size(), 4u);
  EXPECT_EQ(fn.Get("source_location")->items[2].integer, 2);
  EXPECT_EQ(fn.Get("ast_node_info")->Get("lineno")->integer, 1);
  EXPECT_EQ(nodes->items[0].Get("label")->text, "Module") << "no value: the type";
  EXPECT_EQ(nodes->items[0].Get("source_location")->kind, Json::kNull);
  EXPECT_EQ(nodes->items.back().Get("type")->text, "ExternalModule");
  EXPECT_EQ(nodes->items.back().Get("label")->text, "os");

  // Edges: all but the SourceFile's.
  const Json* edges = doc.Get("edges");
  ASSERT_EQ(edges->items.size(), g.edges.size() - 1);
  const Json& e = edges->items[0];
  EXPECT_EQ(e.Get("type")->text, "CHILD");
  EXPECT_EQ(e.Get("edge_type")->text, "CHILD");
  EXPECT_EQ(e.Get("label")->text, "child");
  EXPECT_EQ(e.Get("source")->text, g.edges[1].start.Hex());
  EXPECT_EQ(e.Get("target")->text, g.edges[1].end.Hex());
  EXPECT_EQ(e.Get("metadata")->Get("field")->text, "body");
  EXPECT_EQ(e.Get("metadata")->Get("index")->integer, 0);

  const Json* meta = doc.Get("metadata");
  EXPECT_EQ(meta->Get("node_count")->integer, static_cast<int64_t>(nodes->items.size()));
  EXPECT_EQ(meta->Get("total_edges")->integer, static_cast<int64_t>(edges->items.size()));
  EXPECT_EQ(meta->Get("source_file")->text, "pkg/mod.py");
  ASSERT_EQ(meta->Get("edge_types")->items.size(), 3u);
  EXPECT_EQ(meta->Get("edge_types")->items[0].text, "CHILD");
  EXPECT_EQ(meta->Get("edge_types")->items[1].text, "DEPENDS_ON");

  const Json* info = doc.Get("source_info");
  EXPECT_EQ(info->Get("source_id")->text, "pkg/mod.py");
  EXPECT_EQ(info->Get("file_path")->text, "pkg/mod.py");
  EXPECT_EQ(info->Get("file_hash")->text, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(info->Get("size_bytes")->integer, 5000000000);
  EXPECT_EQ(info->Get("line_count")->integer, 3);
  EXPECT_EQ(info->Get("status")->text, "ok");

  // Deterministic.
  ASSERT_TRUE(Export(Format::kJson, dir + "/again.json", g).ok());
  EXPECT_EQ(ReadFile(dir + "/again.json"), text);
}

TEST(Json, SeveralFilesMakeAnArrayAndNoneAnEmptyOne) {
  std::string dir = MakeTempDir();
  Files files;
  files.push_back(SampleFile("a.py"));
  files.push_back(SampleFile("b.py"));
  files.push_back(SampleFile("c.py"));
  ASSERT_TRUE(Export(Format::kJson, dir + "/g.json", files).ok());
  Json doc;
  std::string error;
  ASSERT_TRUE(JsonReader::Parse(ReadFile(dir + "/g.json"), &doc, &error)) << error;
  ASSERT_EQ(doc.kind, Json::kArray);
  ASSERT_EQ(doc.items.size(), 3u);
  EXPECT_EQ(doc.items[0].Get("source_info")->Get("source_id")->text, "a.py");
  EXPECT_EQ(doc.items[2].Get("source_info")->Get("source_id")->text, "c.py");

  ASSERT_TRUE(Export(Format::kJson, dir + "/none.json", Files()).ok());
  EXPECT_EQ(ReadFile(dir + "/none.json"), "[]\n");
}

TEST(Json, LoneSurrogatesStayValidJson) {
  std::string dir = MakeTempDir();
  ASSERT_TRUE(
      Export(Format::kJson, dir + "/g.json", SampleFile("a.py", "x\xED\xB2\x80y\xFF")).ok());
  std::string text = ReadFile(dir + "/g.json");
  EXPECT_NE(text.find("\"x\\udc80y\\ufffd\""), std::string::npos);
  Json doc;
  std::string error;
  EXPECT_TRUE(JsonReader::Parse(text, &doc, &error)) << error;
}

TEST(Json, ByteIdenticalToPythonJsonDumps) {
  std::string python = FindPython("json");
  if (python.empty()) GTEST_SKIP() << "no python3";
  std::string dir = MakeTempDir();
  WriteFile(dir + "/fmt.py",
            "import json, sys\n"
            "data = json.load(open(sys.argv[1], encoding='utf-8'))\n"
            "text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + '\\n'\n"
            "sys.stdout.buffer.write(text.encode('utf-8'))\n");
  std::vector<std::string> hostile = PrintableHostile();
  for (size_t n : {size_t{1}, hostile.size()}) {
    Files files;
    for (size_t i = 0; i < n; ++i) {
      files.push_back(SampleFile("pkg/m" + std::to_string(i) + ".py", hostile[i]));
    }
    std::string path = dir + "/g" + std::to_string(n) + ".json";
    ASSERT_TRUE(Export(Format::kJson, path, files).ok());
    std::string expected;
    ASSERT_EQ(RunCommand("'" + python + "' '" + dir + "/fmt.py' '" + path + "'", &expected), 0)
        << expected;
    EXPECT_EQ(ReadFile(path), expected) << n << " file(s)";
  }
}

}  // namespace
}  // namespace a2gtest
