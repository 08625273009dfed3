// The connection options `load` and `link` share (DESIGN.md section 5), registered once.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "ast2graph/neo4j.h"

namespace ast2graph::cli {

struct Neo4jOptions {
  std::string uri;
  std::string user;
  std::string database;
  bool verbose = false;
};

/// Adds --uri, --user, --database and --verbose to `cmd`. There is deliberately no password
/// flag: command lines are visible to every user of the machine.
void AddNeo4jOptions(CLI::App* cmd, Neo4jOptions* options);

/// Flags first, then NEO4J_URI / NEO4J_USERNAME / NEO4J_DATABASE, and the password from
/// NEO4J_PASSWORD or NEO4J_PASSWORD_FILE. A bad URI or password file is a usage error.
Result<neo4j::ConnectOptions> ResolveNeo4jOptions(const Neo4jOptions& options);

}  // namespace ast2graph::cli
