#include "lex/literals.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <system_error>
#include <vector>

#include "lex/unicode.h"

namespace ast2graph::lex {

namespace {

// ---------------------------------------------------------------------------------------------
// Escapes in str literals.
//
// CPython (Parser/string_parser.c, decode_unicode_with_escapes) first rewrites the literal body:
// every non-ASCII character becomes the 10-byte escape "\UXXXXXXXX", and a backslash followed
// by a non-ASCII character (or ending the body) gets "u005c" appended so it reads as an escaped
// backslash. The 'unicodeescape' codec then runs on that buffer, so the positions in its error
// messages count in the rewritten buffer. We decode the original bytes directly and translate
// positions only when reporting an error.

bool IsAscii(unsigned char c) { return c < 0x80; }

// Offset in CPython's rewritten buffer of byte offset `pos` (a character boundary) of `body`.
size_t RewrittenOffset(std::string_view body, size_t pos) {
  size_t out = 0;
  size_t i = 0;
  size_t n = body.size();
  while (i < pos) {
    if (body[i] == '\\') {
      ++out;
      ++i;
      if (i >= n || !IsAscii(static_cast<unsigned char>(body[i]))) out += 5;  // "u005c"
      if (i >= n || i >= pos) break;
      // The character after the backslash is handled in the same step, as CPython does.
    }
    if (!IsAscii(static_cast<unsigned char>(body[i]))) {
      NextCodePoint(body, &i);
      out += 10;  // "\UXXXXXXXX"
    } else {
      ++out;
      ++i;
    }
  }
  return out;
}

bool UnicodeEscapeError(std::string_view body, size_t start, size_t end, const char* reason,
                        LiteralError* error) {
  if (error != nullptr) {
    size_t a = RewrittenOffset(body, start);
    size_t b = RewrittenOffset(body, end);
    error->message = "(unicode error) 'unicodeescape' codec can't decode bytes in position " +
                     std::to_string(a) + "-" + std::to_string(b - 1) + ": " + reason;
    error->position = static_cast<uint32_t>(start);
  }
  return false;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsOctal(char c) { return c >= '0' && c <= '7'; }

// The value of a simple one-letter escape, or -1.
int SimpleEscape(char c) {
  switch (c) {
    case '\\':
      return '\\';
    case '\'':
      return '\'';
    case '"':
      return '"';
    case 'a':
      return '\a';
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'v':
      return '\v';
    default:
      return -1;
  }
}

// ---------------------------------------------------------------------------------------------
// Integers of any size: little-endian limbs of base 10^9.

constexpr uint32_t kLimbBase = 1000000000;
constexpr int kLimbDigits = 9;
/// Non-decimal literals longer than this many significant bits are kept in hex (see header).
constexpr size_t kMaxDecimalBits = 65536;
/// sys.int_info.str_digits_check_threshold / default sys.get_int_max_str_digits() of 3.13.
constexpr size_t kMaxStrDigits = 4300;

void MultiplyAdd(std::vector<uint32_t>* limbs, uint32_t factor, uint32_t addend) {
  uint64_t carry = addend;
  for (uint32_t& limb : *limbs) {
    uint64_t v = static_cast<uint64_t>(limb) * factor + carry;
    limb = static_cast<uint32_t>(v % kLimbBase);
    carry = v / kLimbBase;
  }
  while (carry != 0) {
    limbs->push_back(static_cast<uint32_t>(carry % kLimbBase));
    carry /= kLimbBase;
  }
}

std::string LimbsToDecimal(const std::vector<uint32_t>& limbs) {
  if (limbs.empty()) return "0";
  std::string out = std::to_string(limbs.back());
  char buffer[kLimbDigits + 1];
  for (size_t i = limbs.size() - 1; i-- > 0;) {
    std::snprintf(buffer, sizeof(buffer), "%09u", limbs[i]);
    out.append(buffer, kLimbDigits);
  }
  return out;
}

// Digits (no prefix, no underscores) in base 2, 8 or 16 to decimal text.
std::string PowerOfTwoBaseToDecimal(std::string_view digits, int bits_per_digit) {
  size_t first = digits.find_first_not_of('0');
  if (first == std::string_view::npos) return "0";
  digits.remove_prefix(first);
  size_t bits = digits.size() * static_cast<size_t>(bits_per_digit);
  if (bits > kMaxDecimalBits) {
    // Too large for the quadratic conversion to stay cheap: keep it as a Python hex literal.
    std::string hex = "0x";
    if (bits_per_digit == 4) {
      for (char c : digits) hex.push_back(static_cast<char>(c >= 'A' && c <= 'F' ? c | 0x20 : c));
      return hex;
    }
    uint32_t acc = 0;
    int have = 0;
    // Re-group the bits into hex digits from the most significant end; the first hex digit
    // takes the bits left over by the others.
    int pending = bits % 4 == 0 ? 4 : static_cast<int>(bits % 4);
    for (char c : digits) {
      uint32_t v = static_cast<uint32_t>(HexValue(c));
      for (int b = bits_per_digit - 1; b >= 0; --b) {
        acc = (acc << 1) | ((v >> b) & 1);
        if (++have == pending) {
          if (hex.size() > 2 || acc != 0) hex.push_back("0123456789abcdef"[acc]);
          acc = 0;
          have = 0;
          pending = 4;
        }
      }
    }
    return hex;
  }
  // Chunks of digits small enough that limb * 2^chunk_bits + carry fits in 64 bits.
  size_t per_chunk = static_cast<size_t>(28 / bits_per_digit);
  std::vector<uint32_t> limbs;
  size_t i = 0;
  size_t head = digits.size() % per_chunk;
  if (head == 0) head = per_chunk;
  while (i < digits.size()) {
    size_t take = (i == 0) ? head : per_chunk;
    uint32_t value = 0;
    for (size_t k = 0; k < take; ++k) {
      value = (value << bits_per_digit) | static_cast<uint32_t>(HexValue(digits[i + k]));
    }
    MultiplyAdd(&limbs, uint32_t{1} << (take * static_cast<size_t>(bits_per_digit)), value);
    i += take;
  }
  return LimbsToDecimal(limbs);
}

// Parses a float (no underscores) as CPython's PyOS_string_to_double: correctly rounded, inf
// on overflow, 0.0 on underflow.
bool ParseDouble(std::string_view text, double* out) {
  double value = 0;
  std::from_chars_result r =
      std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::general);
  if (r.ptr != text.data() + text.size()) return false;
  if (r.ec == std::errc()) {
    *out = value;
    return true;
  }
  if (r.ec != std::errc::result_out_of_range) return false;
  // Out of range: overflow or underflow, told apart by the decimal order of magnitude.
  size_t e = text.find_first_of("eE");
  std::string_view mantissa = text.substr(0, e);
  long long exponent = 0;
  if (e != std::string_view::npos) {
    std::string_view exp_text = text.substr(e + 1);
    bool negative = !exp_text.empty() && exp_text[0] == '-';
    if (!exp_text.empty() && (exp_text[0] == '-' || exp_text[0] == '+')) {
      exp_text.remove_prefix(1);
    }
    for (char c : exp_text) {
      exponent = std::min<long long>(exponent * 10 + (c - '0'), 1LL << 40);
    }
    if (negative) exponent = -exponent;
  }
  size_t dot = mantissa.find('.');
  std::string_view int_part = mantissa.substr(0, dot);
  std::string_view frac_part =
      dot == std::string_view::npos ? std::string_view() : mantissa.substr(dot + 1);
  long long order;
  size_t nz = int_part.find_first_not_of('0');
  if (nz != std::string_view::npos) {
    order = static_cast<long long>(int_part.size() - nz) - 1;
  } else {
    size_t fz = frac_part.find_first_not_of('0');
    if (fz == std::string_view::npos) {
      *out = 0;
      return true;
    }
    order = -static_cast<long long>(fz) - 1;
  }
  *out = (order + exponent > 0) ? std::numeric_limits<double>::infinity() : 0.0;
  return true;
}

bool Utf8Error(const std::string& message, size_t position, LiteralError* error) {
  if (error != nullptr) {
    error->message = "(unicode error) " + message;
    error->position = static_cast<uint32_t>(position);
  }
  return false;
}

// The source is not necessarily valid UTF-8 (CPython accepts any bytes in comments), so string
// bodies are checked as CPython decodes them: a body without escapes (or a raw one) in one piece,
// otherwise each run of non-ASCII bytes on its own, before any escape is looked at. Positions
// in the message are relative to that piece.
bool CheckBodyUtf8(std::string_view body, bool whole, LiteralError* error) {
  size_t i = 0;
  size_t n = body.size();
  while (i < n && IsAscii(static_cast<unsigned char>(body[i]))) ++i;
  if (i == n) return true;
  std::string message;
  size_t offset = 0;
  if (whole) {
    if (CheckUtf8(body, &message, &offset)) return true;
    return Utf8Error(message, offset, error);
  }
  while (i < n) {
    if (IsAscii(static_cast<unsigned char>(body[i]))) {
      ++i;
      continue;
    }
    size_t run = i;
    while (i < n && !IsAscii(static_cast<unsigned char>(body[i]))) ++i;
    if (!CheckUtf8(body.substr(run, i - run), &message, &offset)) {
      return Utf8Error(message, run + offset, error);
    }
  }
  return true;
}

}  // namespace

bool DecodeStrLiteral(std::string_view body, bool raw, std::string* out, LiteralError* error) {
  out->clear();
  if (raw || body.find('\\') == std::string_view::npos) {
    if (!CheckBodyUtf8(body, /*whole=*/true, error)) return false;
    out->assign(body);
    return true;
  }
  if (!CheckBodyUtf8(body, /*whole=*/false, error)) return false;
  out->reserve(body.size());
  size_t n = body.size();
  size_t i = 0;
  while (i < n) {
    size_t slash = body.find('\\', i);
    if (slash == std::string_view::npos) {
      out->append(body.substr(i));
      break;
    }
    out->append(body.substr(i, slash - i));
    size_t start = slash;
    i = slash + 1;
    if (i >= n) {  // a lone trailing backslash (the tokenizer never produces one)
      out->push_back('\\');
      break;
    }
    char c = body[i++];
    if (c == '\n') continue;  // line continuation
    int simple = SimpleEscape(c);
    if (simple >= 0) {
      out->push_back(static_cast<char>(simple));
      continue;
    }
    if (IsOctal(c)) {
      // Up to three octal digits; values above 0o377 are kept (a warning in CPython 3.12+).
      uint32_t value = static_cast<uint32_t>(c - '0');
      for (int k = 0; k < 2 && i < n && IsOctal(body[i]); ++k) {
        value = value * 8 + static_cast<uint32_t>(body[i++] - '0');
      }
      AppendUtf8(value, out);
      continue;
    }
    if (c == 'x' || c == 'u' || c == 'U') {
      int count = c == 'x' ? 2 : c == 'u' ? 4 : 8;
      const char* reason = c == 'x'   ? "truncated \\xXX escape"
                           : c == 'u' ? "truncated \\uXXXX escape"
                                      : "truncated \\UXXXXXXXX escape";
      uint32_t value = 0;
      for (int k = 0; k < count; ++k) {
        int d = i < n ? HexValue(body[i]) : -1;
        if (d < 0) return UnicodeEscapeError(body, start, i, reason, error);
        value = (value << 4) | static_cast<uint32_t>(d);
        ++i;
      }
      if (value > 0x10FFFF) {
        return UnicodeEscapeError(body, start, i, "illegal Unicode character", error);
      }
      AppendUtf8(value, out);
      continue;
    }
    if (c == 'N') {
      constexpr const char* kMalformed = "malformed \\N character escape";
      if (i >= n || body[i] != '{') return UnicodeEscapeError(body, start, i, kMalformed, error);
      size_t name_start = ++i;
      size_t close = body.find('}', name_start);
      if (close == std::string_view::npos) {
        return UnicodeEscapeError(body, start, n, kMalformed, error);
      }
      if (close == name_start) return UnicodeEscapeError(body, start, close, kMalformed, error);
      i = close + 1;
      char32_t cp = 0;
      if (!LookupCharacterName(body.substr(name_start, close - name_start), &cp)) {
        return UnicodeEscapeError(body, start, i, "unknown Unicode character name", error);
      }
      AppendUtf8(cp, out);
      continue;
    }
    // An invalid escape ("\d", "\8", "\é"): CPython keeps the backslash and the character
    // (and warns). The character is copied on the next turn.
    out->push_back('\\');
    i = start + 1;
  }
  return true;
}

bool DecodeBytesLiteral(std::string_view body, bool raw, std::string* out, LiteralError* error) {
  out->clear();
  for (size_t k = 0; k < body.size(); ++k) {
    if (!IsAscii(static_cast<unsigned char>(body[k]))) {
      if (error != nullptr) {
        error->message = "bytes can only contain ASCII literal characters";
        error->position = static_cast<uint32_t>(k);
      }
      return false;
    }
  }
  if (raw || body.find('\\') == std::string_view::npos) {
    out->assign(body);
    return true;
  }
  out->reserve(body.size());
  size_t n = body.size();
  size_t i = 0;
  while (i < n) {
    char c = body[i];
    if (c != '\\') {
      out->push_back(c);
      ++i;
      continue;
    }
    size_t start = i++;
    if (i >= n) {
      out->push_back('\\');
      break;
    }
    c = body[i++];
    if (c == '\n') continue;
    int simple = SimpleEscape(c);
    if (simple >= 0) {
      out->push_back(static_cast<char>(simple));
      continue;
    }
    if (IsOctal(c)) {
      // Values above 0o377 keep their low 8 bits (a warning in CPython 3.12+).
      uint32_t value = static_cast<uint32_t>(c - '0');
      for (int k = 0; k < 2 && i < n && IsOctal(body[i]); ++k) {
        value = value * 8 + static_cast<uint32_t>(body[i++] - '0');
      }
      out->push_back(static_cast<char>(value & 0xFF));
      continue;
    }
    if (c == 'x') {
      int hi = i < n ? HexValue(body[i]) : -1;
      int lo = i + 1 < n ? HexValue(body[i + 1]) : -1;
      if (hi < 0 || lo < 0) {
        if (error != nullptr) {
          error->message = "(value error) invalid \\x escape at position " + std::to_string(start);
          error->position = static_cast<uint32_t>(start);
        }
        return false;
      }
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
      continue;
    }
    // Invalid escape (including \N, \u, \U in bytes): kept as is.
    out->push_back('\\');
    i = start + 1;
  }
  return true;
}

bool ParseNumber(std::string_view token, NumberValue* out, std::string* error) {
  std::string text;
  text.reserve(token.size());
  for (char c : token) {
    if (c != '_') text.push_back(c);
  }
  auto fail = [&](const char* why) {
    if (error != nullptr) *error = why;
    return false;
  };
  if (text.empty()) return fail("invalid number literal");
  *out = NumberValue();
  char last = text.back();
  if (last == 'j' || last == 'J') {
    text.pop_back();
    out->kind = NumberKind::kImaginary;
    if (text.empty() || !ParseDouble(text, &out->number)) return fail("invalid imaginary literal");
    return true;
  }
  if (text.size() >= 2 && text[0] == '0' && std::strchr("xXoObB", text[1]) != nullptr) {
    char base = static_cast<char>(text[1] | 0x20);
    int bits = base == 'x' ? 4 : base == 'o' ? 3 : 1;
    int radix = 1 << bits;
    std::string_view digits = std::string_view(text).substr(2);
    if (digits.empty()) return fail("invalid integer literal");
    for (char c : digits) {
      int d = HexValue(c);
      if (d < 0 || d >= radix) return fail("invalid integer literal");
    }
    out->kind = NumberKind::kInt;
    out->decimal = PowerOfTwoBaseToDecimal(digits, bits);
    return true;
  }
  if (text.find_first_of(".eE") != std::string::npos) {
    out->kind = NumberKind::kFloat;
    if (!ParseDouble(text, &out->number)) return fail("invalid float literal");
    return true;
  }
  for (char c : text) {
    if (c < '0' || c > '9') return fail("invalid decimal literal");
  }
  size_t first = text.find_first_not_of('0');
  if (first == std::string::npos) {
    out->decimal = "0";  // any number of zeros is zero, and is not limited
  } else {
    if (text.size() > kMaxStrDigits) {
      if (error != nullptr) {
        *error = "Exceeds the limit (" + std::to_string(kMaxStrDigits) +
                 " digits) for integer string conversion: value has " +
                 std::to_string(text.size()) +
                 " digits; use sys.set_int_max_str_digits() to increase the limit - Consider "
                 "hexadecimal for huge integer literals to avoid decimal conversion limits.";
      }
      return false;
    }
    out->decimal = text.substr(first);
  }
  out->kind = NumberKind::kInt;
  return true;
}

}  // namespace ast2graph::lex
