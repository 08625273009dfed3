#include <string>

#include "cli/commands.h"

namespace ast2graph::cli {

int Main(int argc, char** argv) {
  CLI::App app{
      "ast2graph: turns Python code bases into property graphs (AST, control flow, "
      "data flow, imports, calls) for Neo4j and other graph tools."};
  app.set_version_flag("--version", "ast2graph " A2G_VERSION);
  app.require_subcommand(1);
  int exit_code = 0;

  AddParseCommand(app, &exit_code);
  AddLoadCommand(app, &exit_code);
  AddLinkCommand(app, &exit_code);
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
