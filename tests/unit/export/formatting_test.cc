// FormattingSink (jsonl, csv): graphs formatted on other threads, in any order, then appended in
// source order give the bytes Write() gives, with each ExternalModule node written once.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "export/sinks.h"
#include "export_test_util.h"

namespace a2gtest {
namespace {

using ast2graph::exporters::ExportOptions;
using ast2graph::exporters::Format;
using ast2graph::exporters::FormattedGraph;
using ast2graph::exporters::FormattingSink;

Files ThreeFiles() {
  Files files;
  files.push_back(SampleFile("a.py"));
  files.push_back(SampleFile("b.py", "q\"uote\nnew line"));
  files.push_back(SampleFile("c.py"));
  return files;
}

/// Formats every file on its own thread (last file first), then appends them in order.
ast2graph::Status FormatThenAppend(Format format, const std::string& out, const Files& files) {
  auto sink = ast2graph::exporters::MakeExporter(format, out, ExportOptions{});
  if (!sink.ok()) return sink.status();
  auto* formatter = dynamic_cast<FormattingSink*>(sink->get());
  if (formatter == nullptr) return ast2graph::Status(ast2graph::ErrorCode::kOutput, "no Format");
  std::vector<std::unique_ptr<FormattedGraph>> formatted(files.size());
  for (size_t i = files.size(); i-- > 0;) {
    std::thread([&, i] { formatted[i] = formatter->Format(files[i]); }).join();
  }
  for (auto& f : formatted) {
    if (ast2graph::Status s = formatter->Append(*f); !s.ok()) return s;
  }
  return formatter->Finish();
}

size_t CountLinesStartingWith(const std::string& text, const std::string& prefix) {
  size_t n = 0;
  for (size_t at = 0; at < text.size();) {
    if (text.compare(at, prefix.size(), prefix) == 0) ++n;
    size_t nl = text.find('\n', at);
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  return n;
}

TEST(FormattingSink, JsonlFormattedAnywhereEqualsWrite) {
  std::string root = MakeTempDir();
  Files files = ThreeFiles();
  ASSERT_TRUE(Export(Format::kJsonl, root + "/written.jsonl", files).ok());
  ASSERT_TRUE(FormatThenAppend(Format::kJsonl, root + "/formatted.jsonl", files).ok());
  std::string written = ReadFile(root + "/written.jsonl");
  EXPECT_EQ(ReadFile(root + "/formatted.jsonl"), written);
  std::string ext = TestId("external:os").Hex();
  EXPECT_EQ(CountLinesStartingWith(written, "{\"type\":\"node\",\"id\":\"" + ext + "\""), 1u);
  // Every record of the three files is there, the shared ExternalModule node once.
  EXPECT_EQ(static_cast<size_t>(std::count(written.begin(), written.end(), '\n')),
            3 * (files[0].nodes.size() + files[0].edges.size()) - 2);
}

TEST(FormattingSink, CsvFormattedAnywhereEqualsWrite) {
  std::string root = MakeTempDir();
  Files files = ThreeFiles();
  ASSERT_TRUE(Export(Format::kCsv, root + "/written", files).ok());
  ASSERT_TRUE(FormatThenAppend(Format::kCsv, root + "/formatted", files).ok());
  std::vector<std::string> names = ListDir(root + "/written");
  ASSERT_EQ(ListDir(root + "/formatted"), names);
  for (const std::string& name : names) {
    EXPECT_EQ(ReadFile(root + "/formatted/" + name), ReadFile(root + "/written/" + name)) << name;
  }
  std::string nodes = ReadFile(root + "/written/nodes-00001.csv");
  EXPECT_EQ(CountLinesStartingWith(nodes, TestId("external:os").Hex() + ",ExternalModule,"), 1u);
  std::string edges = ReadFile(root + "/written/relationships-00001.csv");
  EXPECT_EQ(static_cast<size_t>(std::count(edges.begin(), edges.end(), '\n')),
            3 * files[0].edges.size() + 1);  // + the raw newline of b.py's hostile edge name
}

}  // namespace
}  // namespace a2gtest

namespace a2gtest {
namespace {

/// A graph of more than two slices: nodes (ExternalModule ones among them, repeated) and edges
/// whose endpoints carry different labels.
FileGraph ManySlices() {
  FileGraph g;
  g.source_id = "big.py";
  std::string_view type = g.Own("Name");
  constexpr size_t kNodes = FormattingSink::kSliceRecords + 1000;
  g.nodes.push_back({Id{1, 0}, NodeLabel::kSourceFile, {}, 0, 0});
  for (size_t i = 1; i < kNodes; ++i) {
    bool external = i % 20000 == 0;
    g.nodes.push_back({external ? Id{9, 9} : Id{7, i},
                       external ? NodeLabel::kExternalModule : NodeLabel::kASTNode,
                       external ? std::string_view() : type, 0, 0});
  }
  for (size_t i = 1; i < kNodes; ++i) {
    g.edges.push_back({Id{8, i}, EdgeType::kChild, g.nodes[i - 1].id, g.nodes[i].id, 0, 0});
  }
  return g;
}

TEST(FormattingSink, WriteInSlicesEqualsOneFormat) {
  for (Format format : {Format::kJsonl, Format::kCsv}) {
    std::string root = MakeTempDir();
    FileGraph g = ManySlices();
    ASSERT_TRUE(Export(format, root + "/sliced", g).ok());
    auto sink = ast2graph::exporters::MakeExporter(format, root + "/whole", ExportOptions{});
    ASSERT_TRUE(sink.ok());
    auto* formatter = dynamic_cast<FormattingSink*>(sink->get());
    ASSERT_NE(formatter, nullptr);
    ASSERT_TRUE(formatter->Append(*formatter->Format(g)).ok());
    ASSERT_TRUE(formatter->Finish().ok());
    if (format == Format::kJsonl) {
      std::string sliced = ReadFile(root + "/sliced");
      EXPECT_EQ(ReadFile(root + "/whole"), sliced);
      EXPECT_EQ(CountLinesStartingWith(sliced, "{\"type\":\"node\",\"id\":\"" + Id{9, 9}.Hex()), 1u);
      EXPECT_EQ(static_cast<size_t>(std::count(sliced.begin(), sliced.end(), '\n')),
                g.nodes.size() + g.edges.size() - 2);  // three ExternalModule records, one kept
    } else {
      std::vector<std::string> names = ListDir(root + "/sliced");
      ASSERT_EQ(ListDir(root + "/whole"), names);
      for (const std::string& name : names) {
        EXPECT_EQ(ReadFile(root + "/whole/" + name), ReadFile(root + "/sliced/" + name)) << name;
      }
    }
  }
}

}  // namespace
}  // namespace a2gtest
