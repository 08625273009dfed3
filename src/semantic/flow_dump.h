// A readable listing of what semantic::Analyze found in one file, for `ast2graph dump-flow` and
// the snapshot tests: NEXT edges as `3 -> 5 [true]`, data edges as `use y@7:4 <- def y@5:8`.
#pragma once

#include <string>

#include "ast2graph/parse.h"
#include "ast2graph/semantic.h"

namespace ast2graph::semantic {

/// Appends the listing of `sem` to `out`. Statements are named by line (`line:col` when two
/// statements of the listing start on one line), a scope node by `<module>`, `<def f>` or
/// `<class C>` where it begins or ends its own flow; other nodes as `what name@line:col`.
void DumpFlow(const ParsedModule& module, const FileSemantics& sem, std::string* out);

}  // namespace ast2graph::semantic
