// Source decoding as CPython's tokenizer does it (PEP 263, PEP 3120).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ast2graph::lex {

struct DecodeError {
  std::string message;  ///< CPython's SyntaxError message, e.g. "unknown encoding: foo"
  /// 1-based line CPython reports. Every error DecodeSource finds is reported by CPython 3.13
  /// with line 0 (encoding problems) or no line at all (NUL bytes): both are 0 here.
  uint32_t lineno = 0;
  uint32_t offset = 0;  ///< 1-based column CPython reports (0 when it reports none)
  /// true: CPython raises this SyntaxError. false: CPython would decode the file but ast2graph
  /// cannot ("encoding not supported by ast2graph: NAME", for multi-byte and stateful codecs
  /// such as shift_jis, gbk, utf-16, idna): report it as a decode error, not a syntax error.
  bool is_syntax_error = false;
};

/// Decodes the bytes of a source file to UTF-8 as CPython 3.13's `ast.parse(bytes)` does: a UTF-8
/// BOM, a PEP 263 coding cookie on line 1 or 2 (every codec the 3.13 stdlib uses at least), else
/// UTF-8. Newlines "\r\n" and lone "\r" become "\n". Returns false and fills `error` when
/// CPython would refuse the bytes (unknown encoding, bytes the cookie's codec cannot decode, BOM
/// with a non-UTF-8 cookie, NUL bytes).
///
/// Like CPython, the UTF-8 default is not checked here: without a cookie (or with one that
/// CPython normalizes to "utf-8": utf-8, UTF_8, utf-8-unix, ...) the bytes are passed through,
/// and invalid UTF-8 is an error only where it is decoded: in a string literal (DecodeStrLiteral
/// reports it), in an identifier (the tokenizer: CPython says "(unicode error) 'utf-8' codec
/// can't decode byte 0xff in position 0: invalid start byte", positions within the identifier;
/// see CheckUtf8), not in a comment. A cookie such as "utf8" that is not normalized decodes the
/// whole text strictly. The output never has the BOM, nor the newline CPython appends to a
/// source that does not end with one.
bool DecodeSource(std::string_view bytes, std::string* utf8, DecodeError* error);

}  // namespace ast2graph::lex
