// `ast2graph load PATH... --uri URI`: the graph of a code base, written into Neo4j over Bolt
// (DESIGN.md section 5). The same pipeline as `parse`, with the Neo4j writer as its sink.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <thread>

#include "ast2graph/neo4j.h"
#include "cli/commands.h"
#include "cli/common_options.h"
#include "cli/neo4j_options.h"

namespace ast2graph::cli {

namespace {

/// A failure that means the server is unreachable or refuses us: exit status 3.
bool IsServerFailure(ErrorCode code) {
  return code == ErrorCode::kNeo4jConnection || code == ErrorCode::kNeo4jAuth;
}

/// Files the writer could not store join the run's failures, so that nothing is lost silently:
/// they appear in the summary, in --errors and in the exit status.
void MergeWriterFailures(const std::vector<neo4j::FileFailure>& failures,
                         const pipeline::Discovery& discovery, pipeline::RunSummary* summary) {
  std::map<std::string, const pipeline::SourceFile*> by_id;
  for (const pipeline::SourceFile& f : discovery.files) by_id[f.source_id] = &f;
  std::set<std::string> listed;
  for (const pipeline::FileFailure& f : summary->failures) listed.insert(f.source_id);
  for (const neo4j::FileFailure& f : failures) {
    if (f.source_id.empty() || !listed.insert(f.source_id).second) continue;
    auto it = by_id.find(f.source_id);
    pipeline::FileFailure failure;
    failure.source_id = f.source_id;
    failure.path = it != by_id.end() ? it->second->path : f.source_id;
    failure.code = f.status.code();
    failure.message = f.status.message();
    summary->failures.push_back(std::move(failure));
    summary->failures_by_code[ErrorCodeString(f.status.code())]++;
    if (summary->files_ok > 0) summary->files_ok--;
  }
}

std::vector<std::pair<std::string, double>> LoadMetrics(const neo4j::WriterMetrics& m) {
  return {
      {"files_written", static_cast<double>(m.files_written)},
      {"files_skipped", static_cast<double>(m.files_skipped)},
      {"files_replaced", static_cast<double>(m.files_replaced)},
      {"files_pruned", static_cast<double>(m.files_pruned)},
      {"rows", static_cast<double>(m.rows)},
      {"batches", static_cast<double>(m.batches)},
      {"rows_per_second", m.RowsPerSecond()},
      {"writer_cpu_ms_per_1000_rows", m.CpuMsPer1000Rows()},
      {"server_available_ms", static_cast<double>(m.server_available_ms)},
      {"server_consumed_ms", static_cast<double>(m.server_consumed_ms)},
  };
}

}  // namespace

void AddLoadCommand(CLI::App& app, int* exit_code) {
  struct Options {
    CommonOptions common;
    Neo4jOptions neo4j;
    std::string mode = "incremental";
    bool prune = false;
    size_t batch_size = 0;
    int connections = 0;
    int retries = 5;
    bool no_semantics = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("load", "Load the graph of PATHs into Neo4j over Bolt");
  AddCommonOptions(cmd, &opts->common);
  AddNeo4jOptions(cmd, &opts->neo4j);
  cmd->add_option("--mode", opts->mode,
                  "incremental (skip unchanged files, replace changed ones) | overwrite (clear "
                  "the project first)")
      ->check(CLI::IsMember({"incremental", "overwrite"}))
      ->capture_default_str();
  cmd->add_flag("--prune", opts->prune, "Delete stored files that are gone from the project");
  cmd->add_option("--batch-size", opts->batch_size,
                  "Rows per UNWIND transaction (default by project size)");
  cmd->add_option("--connections", opts->connections,
                  "Parallel Bolt connections, at most 2 x cores (default min(8, 2 x cores))");
  cmd->add_option("--retries", opts->retries, "Attempts after a transient failure")
      ->capture_default_str();
  cmd->add_flag("--no-semantics", opts->no_semantics, "Only CHILD edges: skip NEXT and DEPENDS_ON");
  cmd->callback([opts, exit_code] {
    pipeline::DiscoverOptions discover;
    pipeline::PipelineOptions run;
    Result<neo4j::ConnectOptions> connect = ResolveNeo4jOptions(opts->neo4j);
    auto found = PrepareRun("load", opts->common, &discover, &run, exit_code, connect.status());
    if (!found) return;
    run.semantics = !opts->no_semantics;

    neo4j::WriterOptions writer_options;
    writer_options.connect = *connect;
    writer_options.mode =
        opts->mode == "overwrite" ? neo4j::LoadMode::kOverwrite : neo4j::LoadMode::kIncremental;
    writer_options.prune = opts->prune;
    writer_options.batch_size = opts->batch_size != 0
                                    ? opts->batch_size
                                    : pipeline::PresetFor(found->files.size()).batch_size;
    // DESIGN.md section 6: min(--connections, 2 x cores); 0 lets the writer choose.
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    writer_options.connections = std::min(opts->connections, 2 * cores);
    writer_options.retries = std::max(0, opts->retries);
    if (discover.shard_count > 1) {
      // Other shards load into the same database: overwrite and prune touch only ours.
      const uint32_t index = discover.shard_index, count = discover.shard_count;
      writer_options.owns = [index, count](std::string_view source_id) {
        return pipeline::InShard(std::string(source_id), index, count);
      };
    }
    if (opts->neo4j.verbose) {
      writer_options.log = [](std::string_view line) {
        std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
      };
    }
    Result<std::unique_ptr<neo4j::Writer>> writer = neo4j::MakeWriter(writer_options);
    if (!writer.ok()) {
      std::fprintf(stderr, "ast2graph load: %s\n", writer.status().ToString().c_str());
      *exit_code = IsServerFailure(writer.status().code()) ? 3 : 1;
      return;
    }

    pipeline::RunSummary summary = pipeline::Run(*found, run, writer->get());
    const neo4j::WriterMetrics& m = (*writer)->metrics();
    summary.sink_metrics = LoadMetrics(m);
    summary.retries = m.retries;
    MergeWriterFailures((*writer)->failures(), *found, &summary);
    Status reported = pipeline::Report(summary, run);
    *exit_code = ExitStatus(summary, run);
    if (!summary.sink_status.ok() && IsServerFailure(summary.sink_status.code())) *exit_code = 3;
    if (!reported.ok() && *exit_code == 0) *exit_code = 1;
  });
}

}  // namespace ast2graph::cli
