// Source decoding as CPython's tokenizer does it (PEP 263, PEP 3120).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ast2graph::lex {

struct DecodeError {
  std::string message;  ///< CPython's SyntaxError message, e.g. "unknown encoding: foo"
  uint32_t lineno = 0;  ///< 1-based line CPython reports
  uint32_t offset = 0;  ///< 1-based column CPython reports (0 when it reports none)
  bool is_syntax_error = false;  ///< true: CPython raises SyntaxError (e.g. NUL bytes) rather than a decode failure
};

/// Decodes the bytes of a source file to UTF-8 as CPython 3.13's `ast.parse(bytes)` does: a UTF-8
/// BOM, a PEP 263 coding cookie on line 1 or 2 (every codec the 3.13 stdlib uses at least), else
/// UTF-8 strictly. Newlines "\r\n" and lone "\r" become "\n". Returns false and fills `error` when
/// CPython would refuse the bytes (invalid UTF-8, unknown encoding, BOM with a non-UTF-8 cookie,
/// NUL bytes).
bool DecodeSource(std::string_view bytes, std::string* utf8, DecodeError* error);

}  // namespace ast2graph::lex
