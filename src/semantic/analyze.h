// Analyze with the CPU time of its phases, for benchmarks (issue #6 compares the cost of the
// semantic passes with parsing).
#pragma once

#include "ast2graph/semantic.h"

namespace ast2graph::semantic {

/// Thread CPU seconds spent in each phase of Analyze, added to by AnalyzeTimed.
struct PhaseTimes {
  double scopes = 0;  ///< the symbol table
  double flows = 0;   ///< control flow of every def/class scope (NEXT)
  double defuse = 0;  ///< reaching definitions, imports, calls, bases, exports (DEPENDS_ON)
};

/// Analyze, adding the time of each phase to *times (which may be null: then it is Analyze).
FileSemantics AnalyzeTimed(const ParsedModule& module, const ModuleContext& context,
                           PhaseTimes* times);

}  // namespace ast2graph::semantic
