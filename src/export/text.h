// Text encoding helpers shared by the exporters: numbers, ids and string escaping for JSON,
// CSV, XML and DOT. Every function appends to a std::string buffer (no allocation per record once
// the buffer has grown) and copies runs of safe bytes at once.
//
// Our strings are UTF-8, except that Python str constants may hold lone surrogates, which reach
// us in their 3-byte WTF-8 form (ED A0..BF xx). Each escaper says what it does with those and
// with bytes that are not UTF-8 at all (which the graph should never hold, but output must stay
// valid whatever the input).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "ast2graph/graph.h"

namespace ast2graph::exporters {

/// What a non-ASCII byte sequence at some position is.
enum class Utf8Kind : uint8_t { kValid, kSurrogate, kInvalid };
struct Utf8Seq {
  Utf8Kind kind;
  uint8_t length;  // bytes consumed: the sequence, or 1 for an invalid byte
  uint32_t code_point;
};
/// Decodes the sequence starting at p (p < end, *p >= 0x80). Overlong forms, code points above
/// U+10FFFF and truncated sequences are kInvalid; 3-byte surrogates are kSurrogate.
Utf8Seq DecodeUtf8(const char* p, const char* end);

/// The UTF-8 encoding of U+FFFD, which replaces what a format cannot carry.
inline constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";

void AppendInt(std::string* out, int64_t value);
/// The raw forms, for a writer that sized its buffer: write at `p`, return the end.
inline constexpr size_t kMaxIntChars = 20;  // "-9223372036854775808"
char* WriteInt(char* p, int64_t value);
/// 32 lowercase hex digits.
void AppendId(std::string* out, graph::Id id);

/// `"..."` per RFC 8259 as CPython's json.dumps(ensure_ascii=False) writes it: `"` `\` and
/// controls escaped (\b \f \n \r \t, else \u00xx), other UTF-8 copied; lone surrogates become
/// \udxxx escapes, invalid bytes \ufffd.
void AppendJsonString(std::string* out, std::string_view s);
/// At most JsonStringBound(s) bytes (every byte may become a 6-byte \u escape).
inline size_t JsonStringBound(std::string_view s) { return 2 + 6 * s.size(); }
char* WriteJsonString(char* p, std::string_view s);

/// A CSV field for neo4j-admin import: always quoted, `"` doubled (RFC 4180; neo4j-admin's
/// default --legacy-style-quoting=false gives `\` no meaning). Newlines stay raw inside the quotes
/// (import.sh passes --multiline-fields=true). Lone surrogates and invalid bytes become U+FFFD
/// (neo4j-admin reads UTF-8, which cannot carry them).
void AppendCsvString(std::string* out, std::string_view s);
/// At most CsvStringBound(s) bytes (a quote doubles, an invalid byte becomes 3-byte U+FFFD).
inline size_t CsvStringBound(std::string_view s) { return 2 + 3 * s.size(); }
char* WriteCsvString(char* p, std::string_view s);

/// Appends what `write(char* p) -> char*` writes at the end of `b`, at most `max` bytes: one size
/// change for a whole record instead of a capacity check and a copy call per piece.
template <typename Write>
void AppendRaw(std::string* b, size_t max, Write&& write) {
  const size_t old = b->size();
  b->resize(old + max);
  char* end = write(b->data() + old);
  b->resize(static_cast<size_t>(end - b->data()));
}
/// For AppendRaw's writers: `s`, or an id's 32 hex digits, at `p`; return the end.
inline char* Put(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}
inline char* Put(char* p, const graph::Id& id) {
  id.WriteHex(p);
  return p + 32;
}

/// XML 1.0 character data or attribute value: & < > " ' as entities, CR and TAB as character
/// references (so parsers keep them), LF kept; characters XML 1.0 forbids (C0 controls other than
/// TAB/LF/CR, U+FFFE, U+FFFF, lone surrogates) and invalid bytes are replaced by U+FFFD.
void AppendXmlText(std::string* out, std::string_view s);

/// The inside of a DOT double-quoted string: `"` and `\` backslash-escaped (so a backslash in the
/// data never starts a Graphviz escape like \n or \N), LF as \n, other controls, lone surrogates
/// and invalid bytes as U+FFFD.
void AppendDotText(std::string* out, std::string_view s);

/// Truncates to at most `max_chars` code points (not splitting a sequence), adding "…" when cut.
std::string_view TruncateUtf8(std::string_view s, size_t max_chars, bool* truncated);

}  // namespace ast2graph::exporters
