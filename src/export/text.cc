#include "export/text.h"

#include <array>
#include <charconv>
#include <cstring>

namespace ast2graph::exporters {

namespace {

constexpr char kHex[] = "0123456789abcdef";

/// A 256-entry table: true for bytes a format copies as they are.
using SafeTable = std::array<bool, 256>;

constexpr SafeTable MakeTable(std::string_view special) {
  SafeTable t{};
  for (int c = 0x20; c < 0x80; ++c) t[c] = true;
  t[0x7F] = true;
  for (char c : special) t[static_cast<unsigned char>(c)] = false;
  return t;
}

constexpr SafeTable kJsonSafe = MakeTable("\"\\");
constexpr SafeTable kCsvSafe = [] {
  SafeTable t = MakeTable("\"");
  // Controls are legal inside a quoted neo4j-admin field; only the quote needs doubling.
  for (int c = 0; c < 0x20; ++c) t[c] = true;
  return t;
}();
constexpr SafeTable kXmlSafe = [] {
  SafeTable t = MakeTable("&<>\"'");
  t['\n'] = true;
  return t;
}();
constexpr SafeTable kDotSafe = MakeTable("\"\\");

/// Writes into a buffer the caller has sized (the raw counterpart of a std::string output).
struct RawOut {
  char* p;
  void append(const char* s, size_t n) {
    std::memcpy(p, s, n);
    p += n;
  }
  void push_back(char c) { *p++ = c; }
};

template <typename Out>
void AppendU4(Out* out, uint32_t v) {
  char buf[6] = {
      '\\', 'u', kHex[(v >> 12) & 0xF], kHex[(v >> 8) & 0xF], kHex[(v >> 4) & 0xF], kHex[v & 0xF]};
  out->append(buf, 6);
}

/// The shared loop: copies runs of bytes that `safe` accepts and valid UTF-8 sequences, and hands
/// every other ASCII byte to on_ascii(c) and every surrogate / invalid sequence to on_bad(seq).
/// `accept(code_point)` may refuse valid characters too (XML forbids U+FFFE and U+FFFF); they
/// then go to on_bad like invalid sequences.
template <typename Out, typename OnAscii, typename OnBad, typename Accept>
inline void Escape(Out* out, std::string_view s, const SafeTable& safe, OnAscii on_ascii,
                   OnBad on_bad, Accept accept) {
  const char* p = s.data();
  const char* end = p + s.size();
  const char* run = p;
  while (p < end) {
    unsigned char c = static_cast<unsigned char>(*p);
    if (safe[c]) {
      ++p;
      continue;
    }
    if (c >= 0x80) {
      Utf8Seq seq = DecodeUtf8(p, end);
      if (seq.kind == Utf8Kind::kValid && accept(seq.code_point)) {
        p += seq.length;
        continue;
      }
      out->append(run, p - run);
      on_bad(seq);
      p += seq.length;
      run = p;
      continue;
    }
    out->append(run, p - run);
    on_ascii(static_cast<char>(c));
    ++p;
    run = p;
  }
  out->append(run, p - run);
}

template <typename Out, typename OnAscii, typename OnBad>
inline void Escape(Out* out, std::string_view s, const SafeTable& safe, OnAscii on_ascii,
                   OnBad on_bad) {
  Escape(out, s, safe, on_ascii, on_bad, [](uint32_t) { return true; });
}

}  // namespace

Utf8Seq DecodeUtf8(const char* p, const char* end) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  size_t avail = static_cast<size_t>(end - p);
  unsigned char c = u[0];
  auto cont = [&](size_t i) { return i < avail && (u[i] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) {
    if (cont(1)) return {Utf8Kind::kValid, 2, (c & 0x1Fu) << 6 | (u[1] & 0x3Fu)};
  } else if (c >= 0xE0 && c <= 0xEF) {
    if (cont(1) && cont(2)) {
      uint32_t cp = (c & 0x0Fu) << 12 | (u[1] & 0x3Fu) << 6 | (u[2] & 0x3Fu);
      if (cp >= 0x800) {
        if (cp >= 0xD800 && cp <= 0xDFFF) return {Utf8Kind::kSurrogate, 3, cp};
        return {Utf8Kind::kValid, 3, cp};
      }
    }
  } else if (c >= 0xF0 && c <= 0xF4) {
    if (cont(1) && cont(2) && cont(3)) {
      uint32_t cp = (c & 0x07u) << 18 | (u[1] & 0x3Fu) << 12 | (u[2] & 0x3Fu) << 6 | (u[3] & 0x3Fu);
      if (cp >= 0x10000 && cp <= 0x10FFFF) return {Utf8Kind::kValid, 4, cp};
    }
  }
  return {Utf8Kind::kInvalid, 1, 0xFFFD};
}

void AppendInt(std::string* out, int64_t value) {
  char buf[kMaxIntChars];
  out->append(buf, static_cast<size_t>(WriteInt(buf, value) - buf));
}

char* WriteInt(char* p, int64_t value) { return std::to_chars(p, p + kMaxIntChars, value).ptr; }

void AppendId(std::string* out, graph::Id id) {
  char buf[32];
  id.WriteHex(buf);
  out->append(buf, 32);
}

/// JSON string escaping into any output (std::string or RawOut).
template <typename Out>
void EscapeJson(Out* out, std::string_view s) {
  out->push_back('"');
  Escape(
      out, s, kJsonSafe,
      [out](char c) {
        switch (c) {
          case '"':
            out->append("\\\"", 2);
            break;
          case '\\':
            out->append("\\\\", 2);
            break;
          case '\n':
            out->append("\\n", 2);
            break;
          case '\r':
            out->append("\\r", 2);
            break;
          case '\t':
            out->append("\\t", 2);
            break;
          case '\b':
            out->append("\\b", 2);
            break;
          case '\f':
            out->append("\\f", 2);
            break;
          default:
            AppendU4(out, static_cast<unsigned char>(c));
            break;
        }
      },
      [out](const Utf8Seq& seq) { AppendU4(out, seq.code_point); });
  out->push_back('"');
}

void AppendJsonString(std::string* out, std::string_view s) { EscapeJson(out, s); }

char* WriteJsonString(char* p, std::string_view s) {
  RawOut out{p};
  EscapeJson(&out, s);
  return out.p;
}

/// CSV field quoting into any output (std::string or RawOut).
template <typename Out>
void EscapeCsv(Out* out, std::string_view s) {
  out->push_back('"');
  Escape(
      out, s, kCsvSafe, [out](char) { out->append("\"\"", 2); },
      [out](const Utf8Seq&) { out->append(kReplacementChar.data(), kReplacementChar.size()); });
  out->push_back('"');
}

void AppendCsvString(std::string* out, std::string_view s) { EscapeCsv(out, s); }

char* WriteCsvString(char* p, std::string_view s) {
  RawOut out{p};
  EscapeCsv(&out, s);
  return out.p;
}

void AppendXmlText(std::string* out, std::string_view s) {
  Escape(
      out, s, kXmlSafe,
      [out](char c) {
        switch (c) {
          case '&':
            out->append("&amp;");
            break;
          case '<':
            out->append("&lt;");
            break;
          case '>':
            out->append("&gt;");
            break;
          case '"':
            out->append("&quot;");
            break;
          case '\'':
            out->append("&apos;");
            break;
          case '\r':
            out->append("&#13;");
            break;
          case '\t':
            out->append("&#9;");
            break;
          default:
            out->append(kReplacementChar);
            break;  // C0 controls XML 1.0 forbids
        }
      },
      [out](const Utf8Seq&) { out->append(kReplacementChar); },
      [](uint32_t cp) { return cp != 0xFFFE && cp != 0xFFFF; });
}

void AppendDotText(std::string* out, std::string_view s) {
  Escape(
      out, s, kDotSafe,
      [out](char c) {
        switch (c) {
          case '"':
            out->append("\\\"", 2);
            break;
          case '\\':
            out->append("\\\\", 2);
            break;
          case '\n':
            out->append("\\n", 2);
            break;
          default:
            out->append(kReplacementChar);
            break;
        }
      },
      [out](const Utf8Seq&) { out->append(kReplacementChar); });
}

std::string_view TruncateUtf8(std::string_view s, size_t max_chars, bool* truncated) {
  size_t chars = 0;
  size_t i = 0;
  while (i < s.size()) {
    if (chars == max_chars) {
      *truncated = true;
      return s.substr(0, i);
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = 1;
    if (c >= 0x80) len = DecodeUtf8(s.data() + i, s.data() + s.size()).length;
    i += len;
    ++chars;
  }
  *truncated = false;
  return s;
}

}  // namespace ast2graph::exporters
