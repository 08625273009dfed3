#include "ast/repr.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <system_error>

#include "lex/unicode.h"

namespace ast2graph::ast {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

void AppendHex(uint32_t value, int digits, std::string* out) {
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
    out->push_back(kHexDigits[(value >> shift) & 0xF]);
  }
}

// Python's quote choice for str and bytes: single quotes unless the text has a single quote and
// no double quote.
char ChooseQuote(std::string_view text) {
  bool single = text.find('\'') != std::string_view::npos;
  bool dbl = text.find('"') != std::string_view::npos;
  return (single && !dbl) ? '"' : '\'';
}

// Formats a finite or infinite double as float.__repr__ does ('r' mode of
// PyOS_double_to_string: shortest round-trip digits; exponent notation when the decimal exponent
// is < -4 or >= 16). `add_dot_zero` adds ".0" to integral values (floats do, complex parts don't).
void AppendDouble(double value, bool add_dot_zero, std::string* out) {
  if (std::isnan(value)) {
    out->append("nan");
    return;
  }
  if (std::isinf(value)) {
    out->append(value < 0 ? "-inf" : "inf");
    return;
  }
  if (std::signbit(value)) {
    out->push_back('-');
    value = -value;
  }
  if (value == 0) {
    out->append(add_dot_zero ? "0.0" : "0");
    return;
  }
  // Shortest round-trip digits in scientific form: d[.ddd]e±XX.
  char buffer[64];
  std::to_chars_result r =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::scientific);
  std::string_view sci(buffer, static_cast<size_t>(r.ptr - buffer));
  size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits.push_back(c);
  }
  int exponent = 0;
  std::string_view exp_text = sci.substr(e_pos + 1);
  if (!exp_text.empty() && exp_text[0] == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  // Python's decpt: value = 0.digits * 10**decpt.
  int decpt = exponent + 1;
  int ndigits = static_cast<int>(digits.size());
  if (decpt <= -4 || decpt > 16) {
    out->push_back(digits[0]);
    if (ndigits > 1) {
      out->push_back('.');
      out->append(digits, 1, std::string::npos);
    }
    int e = decpt - 1;
    out->push_back('e');
    out->push_back(e < 0 ? '-' : '+');
    if (e < 0) e = -e;
    if (e < 10) out->push_back('0');
    out->append(std::to_string(e));
  } else if (decpt <= 0) {
    out->append("0.");
    out->append(static_cast<size_t>(-decpt), '0');
    out->append(digits);
  } else if (decpt >= ndigits) {
    out->append(digits);
    out->append(static_cast<size_t>(decpt - ndigits), '0');
    if (add_dot_zero) out->append(".0");
  } else {
    out->append(digits, 0, static_cast<size_t>(decpt));
    out->push_back('.');
    out->append(digits, static_cast<size_t>(decpt), std::string::npos);
  }
}

}  // namespace

void ReprStr(std::string_view text, std::string* out) {
  char quote = ChooseQuote(text);
  out->push_back(quote);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = pos;
    int32_t cp = lex::NextCodePoint(text, &pos);
    if (cp < 0) {
      // Not valid WTF-8 (cannot come from the parser): show the byte like a lone code point.
      out->append("\\x");
      AppendHex(static_cast<unsigned char>(text[start]), 2, out);
      continue;
    }
    auto c = static_cast<char32_t>(cp);
    if (c == static_cast<char32_t>(quote) || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c == '\t') {
      out->append("\\t");
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c == '\r') {
      out->append("\\r");
    } else if (c < 0x20 || c == 0x7F) {
      out->append("\\x");
      AppendHex(c, 2, out);
    } else if (c < 0x7F) {
      out->push_back(static_cast<char>(c));
    } else if (lex::IsPrintable(c)) {
      out->append(text.substr(start, pos - start));
    } else if (c <= 0xFF) {
      out->append("\\x");
      AppendHex(c, 2, out);
    } else if (c <= 0xFFFF) {
      out->append("\\u");
      AppendHex(c, 4, out);
    } else {
      out->append("\\U");
      AppendHex(c, 8, out);
    }
  }
  out->push_back(quote);
}

void ReprBytes(std::string_view bytes, std::string* out) {
  char quote = ChooseQuote(bytes);
  out->push_back('b');
  out->push_back(quote);
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    if (c == static_cast<unsigned char>(quote) || c == '\\') {
      out->push_back('\\');
      out->push_back(ch);
    } else if (c == '\t') {
      out->append("\\t");
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c == '\r') {
      out->append("\\r");
    } else if (c < 0x20 || c >= 0x7F) {
      out->append("\\x");
      AppendHex(c, 2, out);
    } else {
      out->push_back(ch);
    }
  }
  out->push_back(quote);
}

void ReprFloat(double value, std::string* out) { AppendDouble(value, true, out); }

void ReprImaginary(double imag, std::string* out) {
  // complex.__repr__ with a real part of +0.0: the imaginary part alone, no ".0", then 'j'.
  AppendDouble(imag, false, out);
  out->push_back('j');
}

void ReprConstant(const Constant& value, std::string* out) {
  switch (value.kind) {
    case ConstKind::kNone:
      out->append("None");
      return;
    case ConstKind::kTrue:
      out->append("True");
      return;
    case ConstKind::kFalse:
      out->append("False");
      return;
    case ConstKind::kEllipsis:
      out->append("Ellipsis");
      return;
    case ConstKind::kInt:
      if (value.text != nullptr) {
        out->append(value.text->view());
      } else {
        out->push_back('0');
      }
      return;
    case ConstKind::kFloat:
      ReprFloat(value.number, out);
      return;
    case ConstKind::kComplex:
      ReprImaginary(value.number, out);
      return;
    case ConstKind::kStr:
      ReprStr(value.text != nullptr ? value.text->view() : std::string_view(), out);
      return;
    case ConstKind::kBytes:
      ReprBytes(value.text != nullptr ? value.text->view() : std::string_view(), out);
      return;
  }
}

}  // namespace ast2graph::ast
