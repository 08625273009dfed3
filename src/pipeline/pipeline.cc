#include "pipeline/pipeline.h"

#include <fcntl.h>
#include <malloc.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "ast2graph/export.h"
#include "ast2graph/parse.h"
#include "ast2graph/semantic.h"
#include "base/cpu_time.h"
#include "graph/builder.h"
#include "pipeline/progress.h"
#include "semantic/resolver.h"

namespace ast2graph::pipeline {

namespace {

/// Estimated peak bytes a file costs while in flight (source, arena, tree, graph records); the
/// factor was measured on the 3.13 stdlib (see docs/pipeline.md).
constexpr uint64_t kBytesPerSourceByte = 160;
constexpr uint64_t kMinFileCost = 256 * 1024;

enum Stage { kRead, kParse, kAnalyse, kBuild, kWrite, kStageCount };
constexpr const char* kStageNames[kStageCount] = {"read", "parse", "analyse", "build", "write"};

struct Item {
  size_t index;
  graph::SourceInfo info;
  graph::BuiltFile built;
  /// The graph as output bytes, when the sink formats on worker threads (then `built.graph` is
  /// released on the worker and only these bytes wait for the in-order write).
  std::unique_ptr<exporters::FormattedGraph> formatted;
  /// Counts of the graph, taken on the worker: nodes by label / node type, edges by type.
  std::vector<std::pair<std::string, uint64_t>> nodes_by_type;
  std::array<uint64_t, 3> edges_by_type{};
  uint64_t graph_nodes = 0;
  std::optional<FileFailure> failure;
  uint64_t ast_nodes = 0;
  bool parsed_ok = false;
  std::array<double, kStageCount> cpu{};
};

uint32_t CountLines(std::string_view bytes) {
  if (bytes.empty()) return 0;
  auto n = static_cast<uint32_t>(std::count(bytes.begin(), bytes.end(), '\n'));
  if (bytes.back() != '\n') ++n;
  return n;
}

/// Reads a regular file whole. Anything else named *.py (a FIFO, a device, a directory given as a
/// file) is an IO_2001 failure rather than a read that could block forever: the file is opened
/// non-blocking and checked with fstat before the first read.
bool ReadFile(const std::string& path, uint64_t max_size, std::string* out, ErrorCode* code,
              std::string* message) {
  *code = ErrorCode::kIo;
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    *message = std::string("cannot open: ") + std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    *message = S_ISDIR(st.st_mode) ? "cannot read: is a directory" : "not a regular file";
    ::close(fd);
    return false;
  }
  out->clear();
  if (static_cast<uint64_t>(st.st_size) <= max_size) out->reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *message = std::string("read failed: ") + std::strerror(errno);
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    out->append(buf, static_cast<size_t>(n));
    if (out->size() > max_size) {
      ::close(fd);
      *code = ErrorCode::kTooLarge;
      *message = "file larger than --max-file-size (" + std::to_string(max_size) + " bytes)";
      return false;
    }
  }
  ::close(fd);
  return true;
}

/// Counts the graph's records by type, and formats it when the sink can (then frees it).
void Prepare(const exporters::FormattingSink* formatter, Item* item) {
  const graph::FileGraph& g = item->built.graph;
  item->graph_nodes = g.nodes.size();
  std::unordered_map<std::string_view, uint64_t> by_type;
  for (const graph::NodeRecord& n : g.nodes) {
    std::string_view type = n.label == graph::NodeLabel::kASTNode
                                ? n.node_type
                                : std::string_view(graph::NodeLabelName(n.label));
    by_type[type]++;
  }
  item->nodes_by_type.reserve(by_type.size());
  for (const auto& [type, count] : by_type) item->nodes_by_type.emplace_back(type, count);
  for (const graph::EdgeRecord& e : g.edges) item->edges_by_type[static_cast<size_t>(e.type)]++;
  // A graph larger than a slice is left to the in-order stage, which formats and writes it a
  // slice at a time: its bytes whole would wait in memory beside the other files in flight.
  if (formatter != nullptr &&
      g.nodes.size() + g.edges.size() <= exporters::FormattingSink::kSliceRecords) {
    item->formatted = formatter->Format(g);
    item->built.graph = graph::FileGraph();
  }
}

void Process(const SourceFile& file, const PipelineOptions& options, Item* item) {
  double t0 = ThreadCpuSeconds();
  graph::SourceInfo& info = item->info;
  info.source_id = file.source_id;
  info.path = file.path;
  info.module = file.module;
  auto fail = [&](ErrorCode code, std::string message, uint32_t line, uint32_t col) {
    info.status = code;
    info.error =
        line > 0 ? std::to_string(line) + ":" + std::to_string(col) + ": " + message : message;
    item->failure = FileFailure{file.source_id, file.path, code, std::move(message), line, col};
  };

  std::string bytes;
  ErrorCode code = ErrorCode::kOk;
  std::string message;
  if (file.size > options.max_file_size) {
    fail(ErrorCode::kTooLarge,
         "file larger than --max-file-size (" + std::to_string(options.max_file_size) + " bytes)",
         0, 0);
    info.size = file.size;
  } else if (!ReadFile(file.path, options.max_file_size, &bytes, &code, &message)) {
    fail(code, message, 0, 0);
    info.size = code == ErrorCode::kTooLarge ? bytes.size() : 0;
  } else {
    info.size = bytes.size();
    info.content_hash = graph::ContentHash(bytes);
    info.lines = CountLines(bytes);
  }
  double t1 = ThreadCpuSeconds();
  item->cpu[kRead] += t1 - t0;

  std::shared_ptr<ParsedModule> module;
  if (!item->failure) {
    ParseOptions parse_options;
    parse_options.max_nodes = options.max_nodes;
    module = std::make_shared<ParsedModule>(Parse(bytes, parse_options));
    if (!module->ok()) {
      const ParseError& e = module->error();
      ErrorCode c = e.kind == ParseErrorKind::kDecode         ? ErrorCode::kDecode
                    : e.kind == ParseErrorKind::kTooManyNodes ? ErrorCode::kTooManyNodes
                                                              : ErrorCode::kSyntax;
      fail(c, e.message, e.lineno, e.offset);
    } else {
      item->parsed_ok = true;
      item->ast_nodes = module->node_count();
    }
  }
  double t2 = ThreadCpuSeconds();
  item->cpu[kParse] += t2 - t1;
  bytes.clear();
  bytes.shrink_to_fit();
  if (options.depth == Depth::kParseOnly) return;

  std::optional<semantic::FileSemantics> semantics;
  if (item->parsed_ok && options.semantics) {
    semantic::ModuleContext context{file.module, file.is_package};
    semantics = semantic::Analyze(*module, context);
  }
  double t3 = ThreadCpuSeconds();
  item->cpu[kAnalyse] += t3 - t2;
  graph::BuildFileGraph(info, item->parsed_ok ? module : nullptr, semantics ? &*semantics : nullptr,
                        &item->built);
  item->cpu[kBuild] += ThreadCpuSeconds() - t3;
}

/// Cross-file references wait here, with their module and name interned, until every module's
/// export table is known; then they are resolved and written as one last graph.
class CrossFileLinks {
 public:
  void AddFile(const SourceFile& file, graph::BuiltFile& built) {
    std::vector<semantic::ExportRow> rows;
    rows.reserve(built.exports.size());
    for (const graph::ExportEntry& e : built.exports) {
      rows.push_back({e.name, e.node, e.from_module, e.from_name, e.flags});
    }
    resolver_.AddModule(file.module, graph::NodeId(file.source_id, ""), rows);
    for (graph::PendingRef& r : built.pending) {
      pending_.push_back({r.from, Intern(r.module),
                          Intern(r.name) << 2 | static_cast<uint32_t>(r.type)});
    }
    file_ends_.push_back(pending_.size());
  }

  /// Resolves every reference and writes ExternalModule nodes and cross-file edges to `sink`, in
  /// graphs of about kChunkEdges edges (whole files each), so that memory does not grow with the
  /// project: each graph carries the ExternalModule nodes its edges point to (sorted by name), and
  /// the sinks write each such node once.
  Status Write(graph::GraphSink* sink, uint64_t* edges, uint64_t* nodes) {
    resolver_.Freeze();
    auto link = std::make_unique<graph::LinkGraphBuilder>();
    size_t in_chunk = 0;
    auto flush = [&]() -> Status {
      graph::FileGraph g;
      link->Finish(&g);
      link = std::make_unique<graph::LinkGraphBuilder>();
      in_chunk = 0;
      *edges += g.edges.size();
      *nodes += g.nodes.size();
      if (sink == nullptr || (g.nodes.empty() && g.edges.empty())) return Status::Ok();
      return sink->Write(g);
    };
    std::vector<semantic::Resolution> found;
    size_t file = 0;
    for (size_t i = 0; i < pending_.size(); ++i) {
      if (file < file_ends_.size() && i >= file_ends_[file]) {
        while (file < file_ends_.size() && i >= file_ends_[file]) ++file;
        written_.clear();  // a duplicate has the same use node, so it is in the same file
        if (in_chunk >= kChunkEdges) {
          Status s = flush();
          if (!s.ok()) return s;
        }
      }
      const Pending& p = pending_[i];
      found.clear();
      const std::string& module = strings_[p.module];
      const std::string& name = strings_[p.name()];
      resolver_.Resolve(p.type(), module, name, &found);
      std::string_view label = name.empty() ? std::string_view(module) : std::string_view(name);
      for (const semantic::Resolution& r : found) {
        bool external = r.kind == semantic::Resolution::kExternal;
        graph::Id to = external ? graph::ExternalModuleId(r.external) : r.node;
        // One edge per (use, target, type), as its id says: a call whose name is bound in two
        // branches (`from _ctypes import dlopen as f` / `LoadLibrary as f`) reaches the same
        // target twice; the first reference (in source order) names the edge.
        graph::Id id = graph::EdgeId(graph::EdgeType::kDependsOn, p.from, to,
                                     {semantic::DependsTypeName(p.type())});
        if (!written_.insert(id).second) continue;
        if (external) {
          link->AddExternal(p.from, r.external, p.type(), label);
        } else {
          link->AddEdge(p.from, r.node, p.type(), label);
        }
        ++in_chunk;
      }
    }
    return flush();
  }

 private:
  /// A reference waiting for every export table: 24 bytes (the type rides in the low bits of
  /// the name's string id). A project holds millions of them (a tenth of its DEPENDS_ON edges).
  struct Pending {
    graph::Id from;
    uint32_t module;
    uint32_t name_and_type;  // string id << 2 | DependsType
    uint32_t name() const { return name_and_type >> 2; }
    semantic::DependsType type() const {
      return static_cast<semantic::DependsType>(name_and_type & 3);
    }
  };
  static_assert(sizeof(Pending) == 24);

  uint32_t Intern(const std::string& s) {
    auto [it, added] = ids_.try_emplace(s, static_cast<uint32_t>(strings_.size()));
    if (added) strings_.push_back(s);
    return it->second;
  }
  semantic::Resolver resolver_;
  // In blocks, never reallocated: a vector doubling at the peak would hold both copies.
  std::deque<Pending> pending_;
  static constexpr size_t kChunkEdges = 16384;
  std::vector<size_t> file_ends_;  // pending_ index where each file's refs end
  std::unordered_set<graph::Id, graph::IdHash> written_;  // edge ids written for the current file
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<std::string> strings_;
};

uint64_t PeakRssBytes() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<uint64_t>(ru.ru_maxrss) * 1024;
}

}  // namespace

Preset PresetFor(size_t file_count) {
  if (file_count < 100) return {"small", 1000, 2};
  if (file_count < 1000) return {"medium", 1000, 3};
  if (file_count < 10000) return {"large", 5000, 4};
  return {"xlarge", 10000, 4};
}

RunSummary Run(const Discovery& discovery, const PipelineOptions& options, graph::GraphSink* sink) {
  RunSummary summary;
  auto wall_start = std::chrono::steady_clock::now();
  // Every file's tree, graph and output bytes are allocated and freed once per file, from worker
  // threads. glibc would hand large freed blocks back to the kernel (munmap, heap trimming) and
  // fault them in again for the next file; a fixed mmap threshold and a high trim threshold keep
  // them in the process (peak RSS does not grow: the same blocks are reused).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  unsigned jobs =
      options.jobs != 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  summary.jobs = jobs;
  const std::vector<SourceFile>& files = discovery.files;
  Preset preset = PresetFor(files.size());

  // Files in flight: enough to keep every worker busy, few enough that the largest file's
  // estimated cost times the number in flight stays within the memory limit.
  uint64_t largest = kMinFileCost;
  for (const SourceFile& f : files) {
    largest =
        std::max<uint64_t>(largest, std::min(f.size, options.max_file_size) * kBytesPerSourceByte);
  }
  size_t tokens = std::clamp<uint64_t>(options.memory_limit / largest, 1,
                                       static_cast<uint64_t>(jobs) * preset.tokens_per_job);

  Progress progress(options.progress, files.size(), discovery.files);
  std::atomic<bool> stop{false};
  size_t next = 0;
  std::array<double, kStageCount> cpu{};
  std::mutex cpu_mutex;
  CrossFileLinks links;
  // Exporters that can format on the workers do so; other sinks (Neo4j) get the graph in order.
  auto* formatter = dynamic_cast<exporters::FormattingSink*>(sink);

  tbb::task_arena arena(static_cast<int>(jobs));
  arena.execute([&] {
    tbb::parallel_pipeline(
        tokens,
        tbb::make_filter<void, Item*>(tbb::filter_mode::serial_in_order,
                                      [&](tbb::flow_control& fc) -> Item* {
                                        if (next >= files.size() || stop.load()) {
                                          fc.stop();
                                          return nullptr;
                                        }
                                        auto* item = new Item();
                                        item->index = next++;
                                        return item;
                                      }) &
            tbb::make_filter<Item*, Item*>(tbb::filter_mode::parallel,
                                           [&](Item* item) {
                                             Process(files[item->index], options, item);
                                             if (options.depth == Depth::kGraph) {
                                               double t0 = ThreadCpuSeconds();
                                               Prepare(formatter, item);
                                               item->cpu[kWrite] += ThreadCpuSeconds() - t0;
                                             }
                                             return item;
                                           }) &
            tbb::make_filter<Item*, void>(tbb::filter_mode::serial_in_order, [&](Item* raw) {
              std::unique_ptr<Item> item(raw);
              double t0 = ThreadCpuSeconds();
              summary.files++;
              summary.bytes += item->info.size;
              summary.lines += item->info.lines;
              summary.ast_nodes += item->ast_nodes;
              if (item->failure) {
                summary.failures_by_code[ErrorCodeString(item->failure->code)]++;
                summary.failures.push_back(*item->failure);
                if (options.on_error == OnError::kFailFast) stop = true;
              } else {
                summary.files_ok++;
              }
              if (options.depth == Depth::kGraph) {
                summary.graph_nodes += item->graph_nodes;
                for (const auto& [type, count] : item->nodes_by_type) {
                  summary.nodes_by_type[std::string(type)] += count;
                }
                for (size_t t = 0; t < item->edges_by_type.size(); ++t) {
                  summary.edges_by_type[t] += item->edges_by_type[t];
                }
                if (sink != nullptr && summary.sink_status.ok()) {
                  Status s = item->formatted ? formatter->Append(*item->formatted)
                                             : sink->Write(item->built.graph);
                  if (!s.ok()) {
                    summary.sink_status = s;
                    stop = true;
                  }
                }
                if (item->parsed_ok && options.semantics) {
                  links.AddFile(files[item->index], item->built);
                }
              }
              item->cpu[kWrite] += ThreadCpuSeconds() - t0;
              {
                std::lock_guard<std::mutex> lock(cpu_mutex);
                for (int s = 0; s < kStageCount; ++s) cpu[s] += item->cpu[s];
              }
              progress.Advance(item->info.size);
            }));
  });
  progress.Finish();
  summary.stopped_early = stop.load() && summary.files < files.size();
  if (options.depth == Depth::kGraph && options.semantics && summary.sink_status.ok() &&
      !summary.stopped_early) {
    double t0 = ThreadCpuSeconds();
    uint64_t link_edges = 0;
    summary.sink_status = links.Write(sink, &link_edges, &summary.graph_nodes);
    summary.edges_by_type[static_cast<size_t>(graph::EdgeType::kDependsOn)] += link_edges;
    cpu[kWrite] += ThreadCpuSeconds() - t0;
  }
  if (sink != nullptr && summary.sink_status.ok() && !summary.stopped_early) {
    summary.sink_status = sink->Finish();
  }
  for (int s = 0; s < kStageCount; ++s) summary.stage_cpu_seconds[kStageNames[s]] = cpu[s];
  summary.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  summary.peak_rss_bytes = PeakRssBytes();
  return summary;
}

bool ParseSize(std::string_view text, uint64_t* bytes) {
  if (text.empty()) return false;
  size_t i = 0;
  uint64_t value = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    value = value * 10 + static_cast<uint64_t>(text[i] - '0');
    ++i;
  }
  if (i == 0) return false;
  std::string unit(text.substr(i));
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  uint64_t mult = 1;
  if (unit.empty() || unit == "B") {
    mult = 1;
  } else if (unit == "K" || unit == "KB" || unit == "KIB") {
    mult = 1ull << 10;
  } else if (unit == "M" || unit == "MB" || unit == "MIB") {
    mult = 1ull << 20;
  } else if (unit == "G" || unit == "GB" || unit == "GIB") {
    mult = 1ull << 30;
  } else {
    return false;
  }
  *bytes = value * mult;
  return true;
}

}  // namespace ast2graph::pipeline
