// Unicode facts Python 3.13 relies on: identifier characters, NFKC, printable characters and
// character names. Tables follow CPython 3.13's Unicode version (15.1).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ast2graph::lex {

/// Decodes one UTF-8 (or WTF-8, for lone surrogates) code point at text[*pos], advancing *pos.
/// Returns -1 on malformed input (and advances by one byte).
int32_t NextCodePoint(std::string_view text, size_t* pos);
/// Appends the UTF-8 form of `cp` (WTF-8 for surrogates U+D800..U+DFFF).
void AppendUtf8(char32_t cp, std::string* out);
/// Checks `bytes` as CPython's strict UTF-8 decoder does (no surrogates, no overlong forms).
/// Returns true when they are valid. Otherwise sets `message` to str(UnicodeDecodeError), e.g.
/// "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte" (positions relative
/// to `bytes`, the error range exactly as CPython reports it), and `error_offset`, if given, to
/// the offset of the first byte of the offending sequence.
bool CheckUtf8(std::string_view bytes, std::string* message, size_t* error_offset = nullptr);

/// Python identifier rules (XID_Start plus '_', XID_Continue), after NFKC as the tokenizer
/// checks them.
bool IsIdentifierStart(char32_t cp);
bool IsIdentifierContinue(char32_t cp);
/// NFKC-normalizes an identifier as CPython does for non-ASCII names (ASCII is returned as is).
std::string NormalizeIdentifier(std::string_view utf8);
/// Python's str.isprintable() for one character (repr escapes what is not printable).
bool IsPrintable(char32_t cp);
/// Looks a character up by its Unicode name or alias, as "\N{...}" does (case-insensitive).
bool LookupCharacterName(std::string_view name, char32_t* cp);

}  // namespace ast2graph::lex
