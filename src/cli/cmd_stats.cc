// `ast2graph stats PATH... [--json] [--parse-only]`: counts and timings, no graph written.
#include <cstdio>

#include "cli/commands.h"
#include "cli/common_options.h"

namespace ast2graph::cli {

void AddStatsCommand(CLI::App& app, int* exit_code) {
  struct Options {
    CommonOptions common;
    bool json = false;
    bool parse_only = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("stats", "Count files, nodes and edges of PATHs");
  AddCommonOptions(cmd, &opts->common);
  cmd->add_flag("--json", opts->json, "Print the metrics JSON on stdout");
  cmd->add_flag("--parse-only", opts->parse_only, "Only parse: no semantics, no graph");
  cmd->callback([opts, exit_code] {
    pipeline::DiscoverOptions discover;
    pipeline::PipelineOptions run;
    auto found = PrepareRun("stats", opts->common, &discover, &run, exit_code);
    if (!found) return;
    run.depth = opts->parse_only ? pipeline::Depth::kParseOnly : pipeline::Depth::kGraph;
    if (opts->json && run.metrics_path.empty()) run.metrics_path = "-";
    pipeline::RunSummary summary = pipeline::Run(*found, run, nullptr);
    Status reported = pipeline::Report(summary, run);
    *exit_code = ExitStatus(summary, run);
    if (!reported.ok() && *exit_code == 0) *exit_code = 1;
  });
}

}  // namespace ast2graph::cli
