// `ast2graph dump-scopes FILE`: the scopes and symbols of FILE as CPython 3.13's symtable module
// sees them (DESIGN.md section 2). A file the parser or the symbol table rejects exits 1 with
// `PATH:LINE:COL: SyntaxError: MESSAGE`, the source line and a caret on stderr, as dump-ast.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "ast2graph/parse.h"
#include "cli/commands.h"
#include "semantic/symtable.h"

namespace ast2graph::cli {

void AddDumpScopesCommand(CLI::App& app, int* exit_code) {
  auto file = std::make_shared<std::string>();
  CLI::App* cmd =
      app.add_subcommand("dump-scopes", "Print the scopes of FILE as CPython 3.13's symtable");
  cmd->add_option("FILE", *file, "Python source file")->required();
  cmd->callback([file, exit_code] {
    std::ifstream in(*file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "ast2graph dump-scopes: cannot read %s\n", file->c_str());
      *exit_code = 1;
      return;
    }
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ParsedModule module = Parse(bytes);
    ParseError error;
    std::unique_ptr<semantic::SymbolTable> table;
    if (module.ok()) {
      table = semantic::BuildSymbolTable(module, &error);
    } else {
      error = module.error();
    }
    if (!table) {
      std::string msg = FormatParseError(*file, error);
      std::fwrite(msg.data(), 1, msg.size(), stderr);
      *exit_code = 1;
      return;
    }
    std::string out;
    semantic::DumpScopes(*table, &out);
    std::fwrite(out.data(), 1, out.size(), stdout);
    *exit_code = 0;
  });
}

}  // namespace ast2graph::cli
