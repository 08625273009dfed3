#include <cstdio>
#include <string>

#include "cli/commands.h"

namespace ast2graph::cli {

void AddPendingCommand(CLI::App& app, const char* name, const char* description,
                       const char* usage, int issue, int* exit_code) {
  CLI::App* cmd = app.add_subcommand(name, std::string(description) +
                                               " (not available yet: lands with issue #" +
                                               std::to_string(issue) + ")");
  cmd->footer(std::string("Usage: ") + usage);
  cmd->allow_extras();
  cmd->callback([name, issue, exit_code] {
    std::fprintf(stderr, "ast2graph %s: not available yet (lands with issue #%d)\n", name, issue);
    *exit_code = 2;
  });
}

int Main(int argc, char** argv) {
  CLI::App app{"ast2graph: turns Python code bases into property graphs (AST, control flow, "
               "data flow, imports, calls) for Neo4j and other graph tools."};
  app.set_version_flag("--version", "ast2graph " A2G_VERSION);
  app.require_subcommand(1);
  int exit_code = 0;

  AddParseCommand(app, &exit_code);
  AddPendingCommand(app, "load", "Load the graph of PATHs into Neo4j over Bolt",
                    "ast2graph load PATH... --uri bolt://HOST:7687 [--database DB]", 7, &exit_code);
  AddPendingCommand(app, "link", "Resolve cross-file edges inside the database",
                    "ast2graph link --uri URI [--database DB] [--user U]", 7, &exit_code);
  AddStatsCommand(app, &exit_code);
  AddDumpAstCommand(app, &exit_code);
  AddDumpScopesCommand(app, &exit_code);
  AddDumpFlowCommand(app, &exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    // --help and --version are successes; every other parse failure is a usage error.
    return rc == 0 ? 0 : 2;
  }
  return exit_code;
}

}  // namespace ast2graph::cli
