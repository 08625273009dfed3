// Python's repr() of constant values, as ast.dump prints them.
#pragma once

#include <string>
#include <string_view>

#include "ast2graph/ast.h"

namespace ast2graph::ast {

/// repr(value): str quoting and escaping with isprintable, bytes, ints, floats (shortest
/// round-trip, Python's exponent format), complex, True/False/None, Ellipsis.
void ReprConstant(const Constant& value, std::string* out);
/// repr() of a str given as UTF-8/WTF-8.
void ReprStr(std::string_view text, std::string* out);

}  // namespace ast2graph::ast
