// The bounded parallel pipeline: read -> parse -> analyse -> build on --jobs workers, results
// re-sequenced into source_id order for the single writer (DESIGN.md section 6).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ast2graph/graph.h"
#include "ast2graph/status.h"
#include "pipeline/discover.h"

namespace ast2graph::pipeline {

enum class OnError { kContinue, kFailFast, kCollect };
enum class ProgressMode { kAuto, kNever, kAlways };
/// How far each file goes: parse only (stats --parse-only), or the whole graph.
enum class Depth { kParseOnly, kGraph };

struct PipelineOptions {
  unsigned jobs = 0;                     ///< 0: all cores
  uint64_t memory_limit = 512ull << 20;  ///< bytes of files in flight, estimated
  OnError on_error = OnError::kContinue;
  uint64_t max_file_size = 10ull << 20;
  uint64_t max_nodes = 0;  ///< 0: unlimited
  ProgressMode progress = ProgressMode::kAuto;
  Depth depth = Depth::kGraph;
  bool semantics = true;          ///< NEXT and DEPENDS_ON edges
  std::string metrics_path;       ///< --metrics FILE (JSON)
  std::string errors_path;        ///< --errors FILE (JSONL)
  std::string command = "parse";  ///< for the metrics file
};

/// A file that failed, with its code: in the summary, --errors and its SourceFile node.
struct FileFailure {
  std::string source_id;
  std::string path;
  ErrorCode code;
  std::string message;
  uint32_t line = 0;
  uint32_t column = 0;
};

struct RunSummary {
  uint64_t files = 0;
  uint64_t files_ok = 0;
  uint64_t bytes = 0;
  uint64_t lines = 0;
  uint64_t ast_nodes = 0;
  uint64_t graph_nodes = 0;
  std::map<std::string, uint64_t> nodes_by_type;
  std::array<uint64_t, 3> edges_by_type{};  ///< by graph::EdgeType
  std::map<std::string, uint64_t> failures_by_code;
  std::vector<FileFailure> failures;
  double wall_seconds = 0;
  std::map<std::string, double> stage_cpu_seconds;  ///< read, parse, analyse, build, write
  uint64_t peak_rss_bytes = 0;
  unsigned jobs = 0;
  bool stopped_early = false;  ///< fail-fast stopped the run
  Status sink_status;          ///< the writer's failure, if any
  /// Counters of the sink (e.g. the Neo4j writer's rows, batches, server time), written under
  /// the command's name in --metrics and shown in the summary; `retries` is reported on its own.
  std::vector<std::pair<std::string, double>> sink_metrics;
  uint64_t retries = 0;
};

/// The defaults the seed's worker optimizer chose, by project size (small < 100 files, medium
/// < 1,000, large < 10,000, xlarge beyond); every value can be overridden.
struct Preset {
  const char* name;
  size_t batch_size;
  unsigned tokens_per_job;
};
Preset PresetFor(size_t file_count);

/// Runs the pipeline over `files`, writing each file's graph to `sink` (may be null: count only).
/// Never throws. Returns the summary; the sink's failure is in summary.sink_status.
RunSummary Run(const Discovery& discovery, const PipelineOptions& options, graph::GraphSink* sink);

/// Writes the summary to stderr (human) and, when asked, the metrics and errors files.
Status Report(const RunSummary& summary, const PipelineOptions& options);

/// "512MB", "10M", "1G", "4096" -> bytes; false when malformed.
bool ParseSize(std::string_view text, uint64_t* bytes);

}  // namespace ast2graph::pipeline
