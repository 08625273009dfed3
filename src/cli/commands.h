// Each `ast2graph` command registers itself on the CLI11 app from its own cmd_*.cc file, so the
// layers' owners never edit the same file. A command stores its exit status in *exit_code.
#pragma once

#include <CLI/CLI.hpp>

namespace ast2graph::cli {

/// `parse`: the graph of a code base, written to files (cmd_parse.cc).
void AddParseCommand(CLI::App& app, int* exit_code);
/// `load`: the graph of a code base, written into Neo4j over Bolt (cmd_load.cc).
void AddLoadCommand(CLI::App& app, int* exit_code);
/// `link`: cross-file edges resolved inside the database after sharded loads (cmd_link.cc).
void AddLinkCommand(CLI::App& app, int* exit_code);
/// `stats`: counts and timings without writing a graph (cmd_stats.cc).
void AddStatsCommand(CLI::App& app, int* exit_code);

/// `dump-ast FILE [--indent N]`: CPython's ast.dump of FILE (cmd_dump_ast.cc).
void AddDumpAstCommand(CLI::App& app, int* exit_code);

/// `dump-scopes FILE`: CPython 3.13's symtable of FILE (cmd_dump_scopes.cc).
void AddDumpScopesCommand(CLI::App& app, int* exit_code);

/// `dump-flow FILE`: NEXT and DEPENDS_ON of FILE, readable (cmd_dump_flow.cc).
void AddDumpFlowCommand(CLI::App& app, int* exit_code);

/// Runs the CLI; returns the process exit status.
int Main(int argc, char** argv);

}  // namespace ast2graph::cli
