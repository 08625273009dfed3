// `ast2graph parse PATH... [-o OUT] [--format F]`: the graph of a code base, written to files.
#include <cstdio>

#include "ast2graph/export.h"
#include "cli/commands.h"
#include "cli/common_options.h"

namespace ast2graph::cli {

void AddParseCommand(CLI::App& app, int* exit_code) {
  struct Options {
    CommonOptions common;
    std::string out = "-";
    std::string format = "jsonl";
    size_t batch_size = 0;
    bool no_semantics = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("parse", "Write the graph of PATHs to files");
  AddCommonOptions(cmd, &opts->common);
  cmd->add_option("-o,--output", opts->out, "Output file or directory (csv); - for stdout")
      ->capture_default_str();
  cmd->add_option("--format,-f", opts->format, "jsonl | csv | cypher | graphml | dot | json")
      ->check(CLI::IsMember({"jsonl", "csv", "cypher", "graphml", "dot", "json"}))
      ->capture_default_str();
  cmd->add_option(
      "--batch-size", opts->batch_size,
      "Rows per UNWIND batch (cypher) / records per part (csv); default by project size");
  cmd->add_flag("--no-semantics", opts->no_semantics, "Only CHILD edges: skip NEXT and DEPENDS_ON");
  cmd->callback([opts, exit_code] {
    pipeline::DiscoverOptions discover;
    pipeline::PipelineOptions run;
    auto found = PrepareRun("parse", opts->common, &discover, &run, exit_code);
    if (!found) return;
    run.semantics = !opts->no_semantics;
    exporters::Format format;
    exporters::ParseFormat(opts->format, &format);
    exporters::ExportOptions export_options;
    // --batch-size is the cypher UNWIND batch; csv parts keep the exporter's own default (0).
    if (format == exporters::Format::kCypher) {
      export_options.batch_size = opts->batch_size != 0
                                      ? opts->batch_size
                                      : pipeline::PresetFor(found->files.size()).batch_size;
    } else if (format == exporters::Format::kCsv) {
      export_options.batch_size = opts->batch_size;
    }
    auto sink = exporters::MakeExporter(format, opts->out, export_options);
    if (!sink.ok()) {
      std::fprintf(stderr, "ast2graph parse: %s\n", sink.status().ToString().c_str());
      *exit_code = 1;
      return;
    }
    pipeline::RunSummary summary = pipeline::Run(*found, run, sink.value().get());
    Status reported = pipeline::Report(summary, run);
    *exit_code = ExitStatus(summary, run);
    if (!reported.ok() && *exit_code == 0) *exit_code = 1;
  });
}

}  // namespace ast2graph::cli
