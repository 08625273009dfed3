// The values of string, bytes and number literals, as CPython 3.13 computes them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ast2graph::lex {

struct LiteralError {
  std::string message;    ///< CPython's message, e.g. "(unicode error) 'unicodeescape' codec ..."
  /// Byte offset in the literal body of the escape (or non-ASCII byte) at fault. CPython's
  /// SyntaxError for these errors covers the whole string token; the positions it quotes inside
  /// `message` count in its own rewritten buffer, as CPython computes them.
  uint32_t position = 0;
};

/// Decodes the body of a str literal (between the quotes; prefix letters already stripped),
/// processing escapes unless `raw`. Output is UTF-8, lone surrogates ("\ud800") in their 3-byte
/// WTF-8 form. Invalid escapes like "\d" are kept as CPython keeps them (a warning, not an error).
/// The body may hold invalid UTF-8 (DecodeSource passes such bytes through, as CPython does):
/// that fails with CPython's "(unicode error) 'utf-8' codec can't decode ..." message.
bool DecodeStrLiteral(std::string_view body, bool raw, std::string* out, LiteralError* error);
/// Same for bytes literals; the body must be ASCII ("bytes can only contain ASCII literal
/// characters" otherwise). Output is the raw bytes.
bool DecodeBytesLiteral(std::string_view body, bool raw, std::string* out, LiteralError* error);

enum class NumberKind : uint8_t { kInt, kFloat, kImaginary };

struct NumberValue {
  NumberKind kind = NumberKind::kInt;
  double number = 0;    ///< float value, or the imaginary part
  /// kInt: the value's decimal digits, any size, no sign. A 0x/0o/0b literal of more than
  /// 65,536 significant bits (about 19,700 decimal digits; CPython's own repr() refuses ints
  /// over 4,300 digits) is kept as a lower-case hex literal "0x..." instead, so that evaluating
  /// a hostile multi-megabyte literal stays linear.
  std::string decimal;
};

/// Evaluates a NUMBER token as it appears in source (underscores, 0x/0o/0b, exponents, 'j').
/// Fails with CPython's message when CPython rejects the value itself (e.g. decimal literals over
/// sys.int_info.str_digits_check_threshold digits: "Exceeds the limit (4300 digits) ...").
bool ParseNumber(std::string_view token, NumberValue* out, std::string* error);

}  // namespace ast2graph::lex
