// Exporter throughput on a synthetic stream: NODES AST nodes in files of 1,000 nodes, each node
// with the properties a real Name/Call/Constant carries and a CHILD edge, plus one NEXT edge per
// ten nodes. Prints records (nodes + relationships) per second and MB/s for every format.
//   export_perf [NODES=1000000] [DIR=$TMPDIR or /tmp]   (DIR "-" writes to /dev/null via stdout)
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <filesystem>
#include <string>

#include "ast2graph/export.h"
#include "ast2graph/graph.h"

namespace {

using namespace ast2graph;  // NOLINT(google-build-using-namespace)
using graph::EdgeProp;
using graph::FileGraph;
using graph::Id;
using graph::NodeProp;
using graph::Prop;
using graph::PropType;

constexpr size_t kNodesPerFile = 1000;
constexpr const char* kTypes[] = {"Name", "Call",        "Attribute", "Constant", "Assign",
                                  "Expr", "FunctionDef", "arg",       "Return",   "If"};

void Str(FileGraph* g, uint8_t key, std::string_view text) {
  Prop p{};
  p.key = key;
  p.type = PropType::kString;
  p.text = text;
  g->props.push_back(p);
}
void Int(FileGraph* g, uint8_t key, int64_t v) {
  Prop p{};
  p.key = key;
  p.type = PropType::kInt;
  p.integer = v;
  g->props.push_back(p);
}

FileGraph MakeFile(size_t file_index) {
  FileGraph g;
  g.source_id = "pkg/sub/module_" + std::to_string(file_index) + ".py";
  std::string_view sid = g.Own(g.source_id);
  auto node_key = [](NodeProp p) { return static_cast<uint8_t>(p); };
  auto edge_key = [](EdgeProp p) { return static_cast<uint8_t>(p); };
  for (size_t i = 0; i < kNodesPerFile; ++i) {
    auto begin = static_cast<uint32_t>(g.props.size());
    const char* type = kTypes[i % 10];
    Str(&g, node_key(NodeProp::node_type), type);
    Str(&g, node_key(NodeProp::source_id), sid);
    Str(&g, node_key(NodeProp::value), i % 10 == 3 ? "'a string constant'" : "some_name");
    Int(&g, node_key(NodeProp::lineno), static_cast<int64_t>(i / 8 + 1));
    Int(&g, node_key(NodeProp::col_offset), static_cast<int64_t>(i % 40));
    Int(&g, node_key(NodeProp::end_lineno), static_cast<int64_t>(i / 8 + 1));
    Int(&g, node_key(NodeProp::end_col_offset), static_cast<int64_t>(i % 40 + 9));
    if (i % 10 == 0) Str(&g, node_key(NodeProp::ctx), "Load");
    Id id{file_index * 1000003 + 7, i * 2654435761u + 1};
    g.nodes.push_back({id, graph::NodeLabel::kASTNode, type, begin,
                       static_cast<uint32_t>(g.props.size() - begin)});
  }
  for (size_t i = 1; i < kNodesPerFile; ++i) {
    auto begin = static_cast<uint32_t>(g.props.size());
    Str(&g, edge_key(EdgeProp::field), "body");
    Int(&g, edge_key(EdgeProp::index), static_cast<int64_t>(i % 7));
    g.edges.push_back({Id{i, file_index}, graph::EdgeType::kChild, g.nodes[(i - 1) / 3].id,
                       g.nodes[i].id, begin, 2});
    if (i % 10 == 0) {
      begin = static_cast<uint32_t>(g.props.size());
      Str(&g, edge_key(EdgeProp::kind), "next");
      g.edges.push_back({Id{i, file_index + 1}, graph::EdgeType::kNext, g.nodes[i - 1].id,
                         g.nodes[i].id, begin, 1});
    }
  }
  return g;
}

}  // namespace

int main(int argc, char** argv) {
  size_t nodes = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  std::string dir = argc > 2 ? argv[2] : (std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp");
  size_t files = (nodes + kNodesPerFile - 1) / kNodesPerFile;
  // A few distinct files, written round-robin: the stream has `files` graphs in all.
  std::deque<FileGraph> templates;
  for (size_t i = 0; i < 16; ++i) templates.push_back(MakeFile(i));
  size_t records_per_file = templates[0].nodes.size() + templates[0].edges.size();
  if (dir == "-") {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    close(null);
  }
  std::fprintf(stderr, "%zu files, %zu nodes, %zu records -> %s\n", files, files * kNodesPerFile,
               files * records_per_file, dir.c_str());
  for (exporters::Format f :
       {exporters::Format::kJsonl, exporters::Format::kCsv, exporters::Format::kCypher,
        exporters::Format::kGraphml, exporters::Format::kDot, exporters::Format::kJson}) {
    if (dir == "-" && f == exporters::Format::kCsv) continue;
    std::string out = dir == "-" ? "-" : dir + "/export_perf." + exporters::FormatName(f);
    exporters::ExportOptions options;
    options.batch_size = f == exporters::Format::kCsv ? 0 : 1000;
    auto start = std::chrono::steady_clock::now();
    std::clock_t cpu_start = std::clock();
    auto sink = exporters::MakeExporter(f, out, options);
    if (!sink.ok()) {
      std::fprintf(stderr, "%s\n", sink.status().ToString().c_str());
      return 1;
    }
    for (size_t i = 0; i < files; ++i) {
      if (Status s = (*sink)->Write(templates[i % templates.size()]); !s.ok()) {
        std::fprintf(stderr, "%s\n", s.ToString().c_str());
        return 1;
      }
    }
    if (Status s = (*sink)->Finish(); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    uintmax_t bytes = 0;
    std::error_code ec;
    if (out != "-") {
      if (std::filesystem::is_directory(out, ec)) {
        for (const auto& e : std::filesystem::directory_iterator(out, ec)) bytes += e.file_size(ec);
      } else {
        bytes = std::filesystem::file_size(out, ec);
      }
    }
    double records = static_cast<double>(files * records_per_file);
    // CPU time too: on a busy machine it says more about the exporter than wall time.
    std::fprintf(stderr,
                 "%-8s wall %6.3f s %5.2f M records/s | cpu %6.3f s %5.2f M records/s | "
                 "%7.1f MB %6.1f MB/s\n",
                 exporters::FormatName(f), secs, records / secs / 1e6, cpu, records / cpu / 1e6,
                 static_cast<double>(bytes) / 1e6, static_cast<double>(bytes) / 1e6 / secs);
    if (out != "-") std::filesystem::remove_all(out, ec);
  }
  return 0;
}
