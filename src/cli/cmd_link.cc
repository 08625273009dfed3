// `ast2graph link --uri URI`: cross-file edges resolved inside the database after sharded loads
// (DESIGN.md section 6; what is linked is described at neo4j::Link).
#include <cstdio>

#include "ast2graph/neo4j.h"
#include "cli/commands.h"
#include "cli/neo4j_options.h"

namespace ast2graph::cli {

void AddLinkCommand(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<Neo4jOptions>();
  CLI::App* cmd = app.add_subcommand("link", "Resolve cross-file edges inside the database");
  AddNeo4jOptions(cmd, opts.get());
  cmd->callback([opts, exit_code] {
    Result<neo4j::ConnectOptions> connect = ResolveNeo4jOptions(*opts);
    if (!connect.ok()) {
      std::fprintf(stderr, "ast2graph link: %s\n", connect.status().message().c_str());
      *exit_code = 2;
      return;
    }
    Result<neo4j::LinkReport> report = neo4j::Link(*connect);
    if (!report.ok()) {
      const ErrorCode code = report.status().code();
      std::fprintf(stderr, "ast2graph link: %s\n", report.status().ToString().c_str());
      *exit_code = code == ErrorCode::kNeo4jConnection || code == ErrorCode::kNeo4jAuth ? 3 : 1;
      return;
    }
    std::fprintf(stderr,
                 "ast2graph link: %llu import edges linked, %llu ExternalModule nodes "
                 "removed\n",
                 static_cast<unsigned long long>(report->edges_created),
                 static_cast<unsigned long long>(report->external_modules_removed));
    *exit_code = 0;
  });
}

}  // namespace ast2graph::cli
