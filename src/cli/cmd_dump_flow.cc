// `ast2graph dump-flow FILE`: the control flow (NEXT) and dependencies (DEPENDS_ON, references
// to other modules, exports) semantic::Analyze finds in FILE, in the readable form the flow
// snapshot tests use (`3 -> 5 [true]`, `use y@7:4 <- def y@5:8`). A debugging aid.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "ast2graph/parse.h"
#include "ast2graph/semantic.h"
#include "cli/commands.h"
#include "semantic/flow_dump.h"

namespace ast2graph::cli {

namespace {

struct DumpFlowArgs {
  std::string file;
  std::string module;
  bool package = false;
};

}  // namespace

void AddDumpFlowCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<DumpFlowArgs>();
  CLI::App* cmd = app.add_subcommand(
      "dump-flow", "Print the control flow and dependencies of FILE (NEXT, DEPENDS_ON)");
  cmd->add_option("FILE", args->file, "Python source file")->required();
  cmd->add_option("--module", args->module,
                  "dotted module name of FILE, for relative imports (default: its stem)");
  cmd->add_flag("--package", args->package, "FILE is a package's __init__.py");
  cmd->callback([args, exit_code] {
    std::ifstream in(args->file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "ast2graph dump-flow: cannot read %s\n", args->file.c_str());
      *exit_code = 1;
      return;
    }
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ParsedModule module = Parse(bytes);
    if (!module.ok()) {
      std::string msg = FormatParseError(args->file, module.error());
      std::fwrite(msg.data(), 1, msg.size(), stderr);
      *exit_code = 1;
      return;
    }
    semantic::ModuleContext context;
    std::filesystem::path path(args->file);
    context.is_package = args->package || path.stem() == "__init__";
    context.module_name = args->module;
    if (context.module_name.empty()) {
      context.module_name =
          context.is_package ? path.parent_path().filename().string() : path.stem().string();
    }
    semantic::FileSemantics sem = semantic::Analyze(module, context);
    std::string out;
    semantic::DumpFlow(module, sem, &out);
    std::fwrite(out.data(), 1, out.size(), stdout);
    *exit_code = 0;
  });
}

}  // namespace ast2graph::cli
