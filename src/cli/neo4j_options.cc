#include "cli/neo4j_options.h"

namespace ast2graph::cli {

void AddNeo4jOptions(CLI::App* cmd, Neo4jOptions* o) {
  cmd->add_option("--uri", o->uri,
                  "bolt://, bolt+s://, bolt+ssc://, neo4j://, neo4j+s://, neo4j+ssc:// HOST[:PORT] "
                  "(default $NEO4J_URI, else bolt://localhost:7687)");
  cmd->add_option("--user,-u", o->user, "User name (default $NEO4J_USERNAME, else neo4j)");
  cmd->add_option("--database,-d", o->database,
                  "Database (default $NEO4J_DATABASE, else the server's default)");
  cmd->add_flag("--verbose", o->verbose, "Log retries and phases on stderr (never secrets)");
  cmd->footer(
      "The password is read from $NEO4J_PASSWORD or from the file named by "
      "$NEO4J_PASSWORD_FILE (mode 0600 or stricter), never from the command line.\n"
      "Exit status: 0 done, 1 some files failed (with --on-error collect|fail-fast), 2 usage, "
      "3 Neo4j unreachable or refused.");
}

Result<neo4j::ConnectOptions> ResolveNeo4jOptions(const Neo4jOptions& o) {
  return neo4j::FromEnvironment(o.uri, o.user, o.database);
}

}  // namespace ast2graph::cli
