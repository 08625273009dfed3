// The Python 3.13 tokenizer: decoded UTF-8 source -> a vector of tokens with byte ranges.
//
// It follows CPython's Parser/lexer rules: INDENT/DEDENT from a stack of indentation columns
// (tab stops of 8, checked against tab stops of 1 for TabError), blank and comment lines ignored,
// implicit joining inside brackets, backslash continuation, PEP 701 f-strings as FSTRING_START /
// FSTRING_MIDDLE / expression tokens / FSTRING_END, hard keywords as their own kinds (soft
// keywords stay kName). Tokens are plain 12-byte values; nothing is allocated per token.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ast2graph::lex {

enum class TokenKind : uint8_t {
#define A2G_TOKEN(name, text) k##name,
#define A2G_PUNCT(name, text) k##name,
#define A2G_KEYWORD(name, text) k##name,
#include "lex/token_kinds.def"
  kCount
};

/// "name", "(", "while", ... for messages and tests.
const char* TokenKindName(TokenKind kind);

/// Token flags.
enum : uint8_t {
  kTokenNonAscii = 1,  ///< kName with non-ASCII characters (needs NFKC normalization)
  kTokenDedentLine = 2,  ///< kIndent/kDedent: CPython gives these no column (errors use the line)
  kTokenEscapedBrace = 4,  ///< kFStringMiddle ending in "{{" or "}}": the text holds one brace too many
};

/// One token: [begin, end) in bytes of the decoded source.
struct Token {
  uint32_t begin;
  uint32_t end;
  TokenKind kind;
  uint8_t flags;
  uint16_t reserved;
};

/// A tokenizer error, located as CPython's SyntaxError locates it.
struct TokenError {
  std::string message;
  uint32_t lineno = 0;  ///< 1-based
  uint32_t offset = 0;  ///< 1-based column in characters, as SyntaxError.offset
  /// The line SyntaxError.text shows when it is not `lineno` (0): CPython shows the first line
  /// of its tokenizer's buffer, which for an error inside a multi-line f-string is where the
  /// f-string began.
  uint32_t text_lineno = 0;
  /// The error is "'X' was never closed" found at end of file. CPython lets an earlier parser
  /// error win over it when the bracket was opened on a line before that error's line.
  bool unclosed_bracket = false;
  uint32_t bracket_line = 0;
  /// The error happened inside an f-string; CPython then keeps an earlier parser error.
  bool in_fstring = false;
  /// CPython reports this error only when its parser reaches it (indentation, TabError, line
  /// continuation, EOF errors are status codes, not exceptions, in its tokenizer).
  bool only_if_reached = false;
  /// For an only_if_reached error inside brackets: the innermost open bracket ('(', '[' or '{',
  /// 0 = none) and where "'X' was never closed" would be reported for it. CPython's scan of
  /// the rest of the file after a parser error reports that instead when the bracket was opened
  /// on a line before the parser's error.
  char open_bracket = 0;
  uint32_t open_bracket_line = 0;
  uint32_t open_bracket_offset = 0;
};

/// Nesting limits, as CPython's tokenizer has them.
inline constexpr int kMaxIndent = 100;         // MAXINDENT: "too many levels of indentation"
inline constexpr int kMaxLevel = 200;          // MAXLEVEL: "too many nested parentheses"
inline constexpr int kMaxFStringLevel = 150;   // MAXFSTRINGLEVEL: "too many nested f-strings"
inline constexpr int kMaxFStringExprNesting = 3;  // MAX_EXPR_NESTING

/// Tokenizes `text` (decoded UTF-8, newlines already "\n", no NUL bytes). Always ends the vector
/// with kEndMarker on success. On failure returns false, fills `error`, and leaves the tokens
/// read before the error followed by one kError token (so a parser can fail on an earlier token
/// first, as CPython's does).
bool Tokenize(const std::string& text, std::vector<Token>* tokens, TokenError* error);

/// "'(' was never closed" for `bracket`.
std::string NeverClosedMessage(char bracket);
/// Computes CPython's 1-based character column of byte `pos` on its line (chars before it + 1).
uint32_t CharColumn(std::string_view text, uint32_t pos);
/// 1-based line number of byte `pos`.
uint32_t LineOf(std::string_view text, uint32_t pos);

}  // namespace ast2graph::lex
