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
/// repr() of a bytes value: b'...' with \xNN for bytes outside printable ASCII.
void ReprBytes(std::string_view bytes, std::string* out);
/// repr() of a float: shortest round-trip digits, exponent form below 1e-4 and from 1e16
/// ('1e-05', '1e+16', '0.0001', '1.5', 'inf').
void ReprFloat(double value, std::string* out);
/// repr() of complex(0, imag) as literals produce it: '1j', '1.5j', '1e+16j', 'infj'.
void ReprImaginary(double imag, std::string* out);

}  // namespace ast2graph::ast
