// The options every file-processing command shares (DESIGN.md section 7), registered once.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "pipeline/discover.h"
#include "pipeline/pipeline.h"

namespace ast2graph::cli {

struct CommonOptions {
  std::vector<std::string> paths;
  std::string root;
  std::vector<std::string> excludes;
  bool include_stubs = false;
  unsigned jobs = 0;
  std::string memory_limit = "512MB";
  std::string on_error = "continue";
  std::string max_file_size = "10MB";
  uint64_t max_nodes = 0;
  std::string shard;
  std::string progress = "auto";
  std::string metrics;
  std::string errors;
};

/// Adds PATH... and the common options to `cmd`.
void AddCommonOptions(CLI::App* cmd, CommonOptions* options);

/// Turns the parsed options into discovery and pipeline settings; a bad value is a usage error.
Status ResolveCommonOptions(const CommonOptions& in, pipeline::DiscoverOptions* discover,
                            pipeline::PipelineOptions* run);

/// The start of every file-processing command: resolves the common options (plus `extra`, a
/// command's own check) and discovers the files. On a usage error it prints
/// "ast2graph COMMAND: message", sets *exit_code to 2 and returns nullopt.
std::optional<pipeline::Discovery> PrepareRun(const std::string& command, const CommonOptions& in,
                                              pipeline::DiscoverOptions* discover,
                                              pipeline::PipelineOptions* run, int* exit_code,
                                              const Status& extra = Status::Ok());

/// Exit status of a run: 0, or 1 with --on-error collect/fail-fast when a file failed, or when
/// the output could not be written.
int ExitStatus(const pipeline::RunSummary& summary, const pipeline::PipelineOptions& options);

}  // namespace ast2graph::cli
