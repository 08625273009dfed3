// Semantic analysis of one parsed module: control flow (NEXT) and dependencies (DEPENDS_ON),
// as DESIGN.md section 3 defines them. The graph builder turns these into relationships; the
// pipeline resolves cross-file references after all files are parsed, from small per-module
// tables, never by keeping every file's tree in memory.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ast2graph/ast.h"
#include "ast2graph/id.h"

namespace ast2graph {
class ParsedModule;
}

namespace ast2graph::semantic {

enum class NextKind : uint8_t {
  kEntry, kNext, kTrue, kFalse, kCase, kLoop, kBreak, kContinue, kReturn, kRaise, kException,
  kFinally, kExit
};
/// "entry", "next", ... as the NEXT relationship's `kind` property.
const char* NextKindName(NextKind kind);

enum class DependsType : uint8_t { kData, kImport, kCall, kInherit };
/// "data", "import", "call", "inherit" as the DEPENDS_ON relationship's `type` property.
const char* DependsTypeName(DependsType type);

/// Control flow between two statements (or a scope node and a statement) of one scope.
struct NextEdge {
  const ast::Node* from;
  const ast::Node* to;
  NextKind kind;
};

/// A dependency inside the file: a use to what it depends on.
struct DependsEdge {
  const ast::Node* from;
  const ast::Node* to;
  DependsType type;
  std::string_view name;  ///< the name the dependency is about (views the module's arena)
};

/// A dependency on another module, resolved after every file is known: `module` is an absolute
/// dotted name (relative imports already resolved), `name` a top-level name in it ("" for the
/// module itself), or a dotted path from it when a call or base goes through attributes
/// (`import pkg` then `pkg.sub.f()` gives module "pkg", name "sub.f"). Resolve these with
/// semantic::Resolver (src/semantic/resolver.h).
struct ExternalRef {
  const ast::Node* from;
  DependsType type;
  std::string module;
  std::string name;
};

/// One top-level name a module defines (FunctionDef, ClassDef, assignment, import alias, ...),
/// or re-exports from another module (`from .x import y` in a package's __init__.py). These are
/// the module-level definitions that reach the end of the module (and those made by `global` in
/// its functions); a name may have several. `from m import *` is the row name "*",
/// from_module m, from_name "*"; `import a.b` re-exports module "a" as "a" (from_name "").
struct ModuleExport {
  std::string name;
  const ast::Node* node;      ///< the defining node in this module
  std::string from_module;    ///< non-empty for a re-export: where the name comes from
  std::string from_name;
};

/// What Analyze needs to know about the project: its modules' dotted names.
struct ModuleContext {
  std::string module_name;  ///< "pkg.sub.mod"; "pkg" for pkg/__init__.py
  bool is_package = false;  ///< the file is a package's __init__.py
};

struct FileSemantics {
  std::vector<NextEdge> next;
  std::vector<DependsEdge> depends;
  std::vector<ExternalRef> external;
  std::vector<ModuleExport> exports;
};

/// Scopes, control flow and def-use of one module. `module` must be ok(). Threads may analyze
/// different modules at once, not the same one (the analysis keeps numbers in Node::aux).
FileSemantics Analyze(const ParsedModule& module, const ModuleContext& context);

}  // namespace ast2graph::semantic
