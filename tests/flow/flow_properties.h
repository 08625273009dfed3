// Properties every result of semantic::Analyze must have (issue 6): checked after every flow
// snapshot and on the whole CPython standard library.
#pragma once

#include <string>
#include <vector>

#include "ast2graph/parse.h"
#include "ast2graph/semantic.h"

namespace ast2graph::flowtest {

struct PropertyStats {
  size_t statements = 0;
  size_t reachable = 0;
  size_t next_edges = 0;
  size_t data_edges = 0;
};

/// Appends one line per violation to `errors` (at most `max_errors`):
///  - every statement in reachable code has an incoming NEXT: the first statement of every
///    scope, the first statement of every body a reachable compound statement may enter, and
///    the statement after a reachable statement that can complete normally;
///  - every statement with an incoming NEXT has an outgoing one, and only reached statements
///    have outgoing ones;
///  - every NEXT joins statements (or the scope node) of one scope;
///  - every data edge goes from a Name load (or an augmented target) to a definition of the same
///    name.
void CheckProperties(const ParsedModule& module, const semantic::FileSemantics& sem,
                     std::vector<std::string>* errors, PropertyStats* stats, size_t max_errors = 20);

}  // namespace ast2graph::flowtest
