#include "cli/common_options.h"

#include <cstdio>

namespace ast2graph::cli {

void AddCommonOptions(CLI::App* cmd, CommonOptions* o) {
  cmd->add_option("PATH", o->paths, "Files and directories to read (*.py)")->required();
  cmd->add_option("--root", o->root,
                  "Directory source_ids are relative to (default: common directory of the PATHs)");
  cmd->add_option("--exclude", o->excludes, "Skip paths matching this glob (repeatable)");
  cmd->add_flag("--include-stubs", o->include_stubs, "Also read *.pyi files");
  cmd->add_option("--jobs,-j", o->jobs, "Worker threads (default: all cores)");
  cmd->add_option("--memory-limit", o->memory_limit, "Bound on memory for files in flight")
      ->capture_default_str();
  cmd->add_option("--on-error", o->on_error, "continue | fail-fast | collect")
      ->check(CLI::IsMember({"continue", "fail-fast", "collect"}))
      ->capture_default_str();
  cmd->add_option("--max-file-size", o->max_file_size, "Skip larger files (AST_1003)")
      ->capture_default_str();
  cmd->add_option("--max-nodes", o->max_nodes, "Reject files with more AST nodes (AST_1004)");
  cmd->add_option("--shard", o->shard, "I/N: only files whose source_id hashes to shard I of N");
  cmd->add_option("--progress", o->progress, "never | always | auto (a terminal)")
      ->check(CLI::IsMember({"never", "always", "auto"}))
      ->capture_default_str();
  cmd->add_option("--metrics", o->metrics, "Write run metrics as JSON to FILE");
  cmd->add_option("--errors", o->errors, "Write every failed file as JSON Lines to FILE");
}

Status ResolveCommonOptions(const CommonOptions& in, pipeline::DiscoverOptions* discover,
                            pipeline::PipelineOptions* run) {
  discover->root = in.root;
  discover->excludes = in.excludes;
  discover->include_stubs = in.include_stubs;
  if (!in.shard.empty()) {
    unsigned i = 0, n = 0;
    char extra = 0;
    if (std::sscanf(in.shard.c_str(), "%u/%u%c", &i, &n, &extra) != 2 || n == 0 || i >= n) {
      return Status(ErrorCode::kUsage, "--shard wants I/N with 0 <= I < N, got " + in.shard);
    }
    discover->shard_index = i;
    discover->shard_count = n;
  }
  run->jobs = in.jobs;
  if (!pipeline::ParseSize(in.memory_limit, &run->memory_limit)) {
    return Status(ErrorCode::kUsage, "bad --memory-limit: " + in.memory_limit);
  }
  if (!pipeline::ParseSize(in.max_file_size, &run->max_file_size)) {
    return Status(ErrorCode::kUsage, "bad --max-file-size: " + in.max_file_size);
  }
  run->max_nodes = in.max_nodes;
  run->on_error = in.on_error == "fail-fast" ? pipeline::OnError::kFailFast
                  : in.on_error == "collect" ? pipeline::OnError::kCollect
                                             : pipeline::OnError::kContinue;
  run->progress = in.progress == "never"    ? pipeline::ProgressMode::kNever
                  : in.progress == "always" ? pipeline::ProgressMode::kAlways
                                            : pipeline::ProgressMode::kAuto;
  run->metrics_path = in.metrics;
  run->errors_path = in.errors;
  return Status::Ok();
}

namespace {

/// Discovers the files, or prints the usage error and returns nullopt.
std::optional<pipeline::Discovery> DiscoverOrReport(const CommonOptions& in,
                                                    const pipeline::DiscoverOptions& discover) {
  auto found = pipeline::Discover(in.paths, discover);
  if (!found.ok()) {
    std::fprintf(stderr, "ast2graph: %s\n", found.status().message().c_str());
    return std::nullopt;
  }
  for (const std::string& p : found->problems) std::fprintf(stderr, "warning: %s\n", p.c_str());
  return std::move(found.value());
}

}  // namespace

std::optional<pipeline::Discovery> PrepareRun(const std::string& command, const CommonOptions& in,
                                              pipeline::DiscoverOptions* discover,
                                              pipeline::PipelineOptions* run, int* exit_code,
                                              const Status& extra) {
  run->command = command;
  Status s = ResolveCommonOptions(in, discover, run);
  if (s.ok()) s = extra;
  if (!s.ok()) {
    std::fprintf(stderr, "ast2graph %s: %s\n", command.c_str(), s.message().c_str());
    *exit_code = 2;
    return std::nullopt;
  }
  auto found = DiscoverOrReport(in, *discover);
  if (!found) *exit_code = 2;
  return found;
}

int ExitStatus(const pipeline::RunSummary& summary, const pipeline::PipelineOptions& options) {
  if (!summary.sink_status.ok()) return 1;
  bool failed = summary.files_ok < summary.files;
  if (failed && options.on_error != pipeline::OnError::kContinue) return 1;
  return 0;
}

}  // namespace ast2graph::cli
