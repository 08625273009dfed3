#include "lex/unicode.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>

namespace ast2graph::lex {

namespace {

struct CodePointRange {
  uint32_t first;
  uint32_t last;
};

#include "lex/unicode_tables.inc"

template <size_t N>
bool InRanges(const CodePointRange (&table)[N], char32_t cp) {
  // First range whose `last` is >= cp; cp is in the table iff that range starts at or before it.
  const CodePointRange* it = std::lower_bound(
      std::begin(table), std::end(table), cp,
      [](const CodePointRange& r, char32_t c) { return r.last < c; });
  return it != std::end(table) && it->first <= cp;
}

bool IsAsciiIdentifierContinue(char32_t cp) {
  return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
         cp == '_';
}

char AsciiUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }

// Hangul syllables are named algorithmically: "HANGUL SYLLABLE " + L + V + T jamo short names.
// CPython matches the prefix and the jamo case-sensitively, taking the longest jamo name that
// matches at each step (so, like CPython, a greedy choice that fails is not retried).
constexpr std::string_view kHangulPrefix = "HANGUL SYLLABLE ";
constexpr char32_t kHangulBase = 0xAC00;
constexpr int kJamoVCount = 21;
constexpr int kJamoTCount = 28;

template <size_t N>
int LongestJamo(const char* const (&names)[N], std::string_view rest, size_t* len) {
  int found = -1;
  size_t best = 0;
  for (size_t i = 0; i < N; ++i) {
    size_t n = std::strlen(names[i]);
    if (found >= 0 && n <= best) continue;
    if (rest.substr(0, n) == names[i]) {
      found = static_cast<int>(i);
      best = n;
    }
  }
  *len = best;
  return found;
}

bool LookupHangul(std::string_view name, char32_t* cp) {
  std::string_view rest = name.substr(kHangulPrefix.size());
  size_t len = 0;
  int l = LongestJamo(kJamoL, rest, &len);
  rest.remove_prefix(len);
  int v = LongestJamo(kJamoV, rest, &len);
  rest.remove_prefix(len);
  int t = LongestJamo(kJamoT, rest, &len);
  rest.remove_prefix(len);
  if (l < 0 || v < 0 || t < 0 || !rest.empty()) return false;
  *cp = kHangulBase + static_cast<char32_t>((l * kJamoVCount + v) * kJamoTCount + t);
  return true;
}

// "CJK UNIFIED IDEOGRAPH-" + 4 or 5 upper-case hex digits naming a unified ideograph.
constexpr std::string_view kCjkPrefix = "CJK UNIFIED IDEOGRAPH-";

bool LookupCjk(std::string_view name, char32_t* cp) {
  std::string_view hex = name.substr(kCjkPrefix.size());
  if (hex.size() != 4 && hex.size() != 5) return false;
  char32_t v = 0;
  for (char c : hex) {
    if (c >= '0' && c <= '9') {
      v = v * 16 + static_cast<char32_t>(c - '0');
    } else if (c >= 'A' && c <= 'F') {
      v = v * 16 + static_cast<char32_t>(c - 'A' + 10);
    } else {
      return false;
    }
  }
  if (!InRanges(kCjkIdeographRanges, v)) return false;
  *cp = v;
  return true;
}

// Compares the upper-cased query with a table name.
int CompareName(std::string_view upper_query, std::string_view table_name) {
  return upper_query.compare(table_name);
}

// The name of the first entry of block `b` (stored whole).
std::string_view BlockHead(uint32_t b) {
  const char* p = kNameText + kNameBlockStart[b] + 1;  // skip the prefix-length byte (0)
  const char* end = static_cast<const char*>(std::memchr(p, ';', kLongestName + 1));
  return {p, static_cast<size_t>(end - p)};
}

bool LookupTableName(std::string_view upper, char32_t* cp) {
  constexpr uint32_t kBlocks = std::size(kNameBlockStart);
  // Last block whose head is <= the query.
  uint32_t lo = 0;
  uint32_t hi = kBlocks;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (CompareName(upper, BlockHead(mid)) < 0) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  if (lo == 0) return false;
  uint32_t block = lo - 1;
  char buffer[kLongestName + 1];
  size_t len = 0;
  const char* p = kNameText + kNameBlockStart[block];
  uint32_t first = block * kNameBlock;
  uint32_t last = std::min(first + kNameBlock, kNameCount);
  for (uint32_t i = first; i < last; ++i) {
    len = static_cast<size_t>(*p++ - kPrefixBase);
    while (*p != ';') buffer[len++] = *p++;
    ++p;
    int c = CompareName(upper, std::string_view(buffer, len));
    if (c == 0) {
      *cp = kNameCodePoint[i];
      return true;
    }
    if (c < 0) return false;  // sorted: passed the place where it would be
  }
  return false;
}

}  // namespace

int32_t NextCodePoint(std::string_view text, size_t* pos) {
  size_t i = *pos;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  unsigned char c = s[i];
  if (c < 0x80) {
    *pos = i + 1;
    return c;
  }
  int len;
  uint32_t cp;
  uint32_t min;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
    min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
    min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
    min = 0x10000;
  } else {
    *pos = i + 1;
    return -1;
  }
  if (i + static_cast<size_t>(len) > n) {
    *pos = i + 1;
    return -1;
  }
  for (int k = 1; k < len; ++k) {
    unsigned char cc = s[i + static_cast<size_t>(k)];
    if ((cc & 0xC0) != 0x80) {
      *pos = i + 1;
      return -1;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF) {
    *pos = i + 1;
    return -1;
  }
  *pos = i + static_cast<size_t>(len);
  return static_cast<int32_t>(cp);
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

namespace {

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// CPython's strict UTF-8 decoder (Objects/stringlib/codecs.h): finds the first error and the
// byte range [start, end) it blames.
bool FindUtf8Error(std::string_view text, size_t* start, size_t* end, const char** reason) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  size_t i = 0;
  auto fail = [&](size_t from, size_t to, const char* why) {
    *start = from;
    *end = to;
    *reason = why;
    return true;
  };
  constexpr const char* kStart = "invalid start byte";
  constexpr const char* kContinuation = "invalid continuation byte";
  constexpr const char* kEnd = "unexpected end of data";
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t left = n - i;
    if (c < 0xC2) return fail(i, i + 1, kStart);
    if (c < 0xE0) {
      if (left < 2) return fail(i, n, kEnd);
      if (!IsContinuation(s[i + 1])) return fail(i, i + 1, kContinuation);
      i += 2;
      continue;
    }
    if (c < 0xF0) {
      if (left >= 2) {
        unsigned char c2 = s[i + 1];
        // E0 needs A0..BF (no overlong forms), ED needs 80..9F (no surrogates).
        if (!IsContinuation(c2) || (c2 < 0xA0 ? c == 0xE0 : c == 0xED)) {
          return fail(i, i + 1, kContinuation);
        }
      }
      if (left < 3) return fail(i, n, kEnd);
      if (!IsContinuation(s[i + 2])) return fail(i, i + 2, kContinuation);
      i += 3;
      continue;
    }
    if (c < 0xF5) {
      if (left >= 2) {
        unsigned char c2 = s[i + 1];
        // F0 needs 90..BF (no overlong forms), F4 needs 80..8F (nothing above U+10FFFF).
        if (!IsContinuation(c2) || (c2 < 0x90 ? c == 0xF0 : c == 0xF4)) {
          return fail(i, i + 1, kContinuation);
        }
      }
      if (left >= 3 && !IsContinuation(s[i + 2])) return fail(i, i + 2, kContinuation);
      if (left < 4) return fail(i, n, kEnd);
      if (!IsContinuation(s[i + 3])) return fail(i, i + 3, kContinuation);
      i += 4;
      continue;
    }
    return fail(i, i + 1, kStart);
  }
  return false;
}

}  // namespace

bool CheckUtf8(std::string_view bytes, std::string* message, size_t* error_offset) {
  size_t start = 0;
  size_t end = 0;
  const char* reason = nullptr;
  if (!FindUtf8Error(bytes, &start, &end, &reason)) return true;
  if (error_offset != nullptr) *error_offset = start;
  if (message != nullptr) {
    char buffer[160];
    if (end - start == 1) {
      std::snprintf(buffer, sizeof(buffer),
                    "'utf-8' codec can't decode byte 0x%02x in position %zu: %s",
                    static_cast<unsigned char>(bytes[start]), start, reason);
    } else {
      std::snprintf(buffer, sizeof(buffer),
                    "'utf-8' codec can't decode bytes in position %zu-%zu: %s", start, end - 1,
                    reason);
    }
    *message = buffer;
  }
  return false;
}

bool IsIdentifierStart(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '_';
  return InRanges(kIdStartRanges, cp);
}

bool IsIdentifierContinue(char32_t cp) {
  if (cp < 0x80) return IsAsciiIdentifierContinue(cp);
  return InRanges(kIdContinueRanges, cp);
}

std::string NormalizeIdentifier(std::string_view utf8) {
  bool ascii = std::all_of(utf8.begin(), utf8.end(),
                           [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) return std::string(utf8);
  utf8proc_uint8_t* mapped = nullptr;
  utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
      static_cast<utf8proc_ssize_t>(utf8.size()), &mapped,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT));
  if (n < 0) return std::string(utf8);  // malformed: the tokenizer has rejected it already
  std::string out(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n));
  std::free(mapped);
  return out;
}

bool IsPrintable(char32_t cp) {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7F;
  return InRanges(kPrintableRanges, cp);
}

bool LookupCharacterName(std::string_view name, char32_t* cp) {
  if (name.empty() || name.size() > kLongestName + 8) return false;
  if (name.substr(0, kHangulPrefix.size()) == kHangulPrefix) return LookupHangul(name, cp);
  if (name.substr(0, kCjkPrefix.size()) == kCjkPrefix) return LookupCjk(name, cp);
  if (name.size() > kLongestName) return false;
  char upper[kLongestName];
  for (size_t i = 0; i < name.size(); ++i) upper[i] = AsciiUpper(name[i]);
  return LookupTableName(std::string_view(upper, name.size()), cp);
}

}  // namespace ast2graph::lex
