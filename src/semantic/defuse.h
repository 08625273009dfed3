// Def-use of one module (DESIGN.md section 3, DEPENDS_ON): reaching definitions over each
// scope's flow graph give `data` edges; imports, calls and base classes that resolve statically
// give `import`, `call` and `inherit` edges or references to other modules; the module's
// top-level names become its export table for the cross-file resolver.
#pragma once

#include <span>
#include <vector>

#include "ast2graph/semantic.h"
#include "semantic/cfg.h"
#include "semantic/symtable.h"

namespace ast2graph::semantic {

/// Fills out->depends, out->external and out->exports from the flows of every def/class scope of
/// the module (flows[0] is the Module's) and its symbol table.
void AnalyzeDefUse(const SymbolTable& table, std::span<const ScopeFlow> flows,
                   const ModuleContext& context, FileSemantics* out);

}  // namespace ast2graph::semantic
