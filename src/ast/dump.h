// ast.dump(tree, include_attributes=True[, indent=N]) of CPython 3.13, byte for byte.
#pragma once

#include <string>

#include "ast2graph/ast.h"

namespace ast2graph::ast {

/// Appends the dump of `node` to `out`. `indent` < 0 prints on one line (indent=None).
void Dump(const Node* node, const LineTable& lines, int indent, std::string* out);

}  // namespace ast2graph::ast
