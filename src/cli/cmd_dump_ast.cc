// `ast2graph dump-ast FILE [--indent N]`: CPython 3.13's ast.dump(..., include_attributes=True).
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "ast/dump.h"
#include "ast2graph/parse.h"
#include "cli/commands.h"

namespace ast2graph::cli {

void AddDumpAstCommand(CLI::App& app, int* exit_code) {
  struct Options {
    std::string file;
    int indent = -1;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd =
      app.add_subcommand("dump-ast", "Print the AST of FILE exactly as CPython 3.13's ast.dump");
  cmd->add_option("FILE", opts->file, "Python source file")->required();
  cmd->add_option("--indent", opts->indent, "indent as ast.dump(indent=N)");
  cmd->callback([opts, exit_code] {
    std::ifstream in(opts->file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "ast2graph dump-ast: cannot read %s\n", opts->file.c_str());
      *exit_code = 1;
      return;
    }
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ParsedModule module = Parse(bytes);
    if (!module.ok()) {
      std::string msg = FormatParseError(opts->file, module.error());
      std::fwrite(msg.data(), 1, msg.size(), stderr);
      *exit_code = 1;
      return;
    }
    std::string out;
    ast::Dump(module.root(), module.lines(), opts->indent, &out);
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
    *exit_code = 0;
  });
}

}  // namespace ast2graph::cli
