// libFuzzer target: the tokenizer alone (lex::Tokenize) on valid UTF-8 without NUL bytes and with
// "\n" newlines, which is what Parse hands it after decoding; other inputs are made to fit. Checks
// that tokens lie within the text, do not overlap, start in order and end with kEndMarker, or that
// a failure ends with one kError token (placed where the error is) and a located error.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lex/tokenizer.h"

namespace {

/// Strict UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF), as the decoder guarantees.
bool ValidUtf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated
    for (size_t k = 1; k <= n; ++k) {
      unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ast2graph::lex;
  std::string text;
  text.reserve(size);
  for (size_t i = 0; i < size; ++i) {
    char c = static_cast<char>(data[i]);
    if (c == '\0') c = ' ';
    if (c == '\r') {
      if (i + 1 < size && data[i + 1] == '\n') continue;
      c = '\n';
    }
    text += c;
  }
  if (!ValidUtf8(text)) return 0;
  std::vector<Token> tokens;
  TokenError error;
  bool ok = Tokenize(text, &tokens, &error);
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.begin > t.end || t.end > text.size()) __builtin_trap();
    // The kError token that ends a failed run sits where CPython locates the error (e.g. the
    // bracket that was never closed), so it may lie before the tokens read up to there.
    bool final_error = !ok && i + 1 == tokens.size() && t.kind == TokenKind::kError;
    if (i > 0 && !final_error && (t.begin < tokens[i - 1].begin || t.begin < tokens[i - 1].end)) {
      __builtin_trap();
    }
  }
  if (ok) {
    if (tokens.empty() || tokens.back().kind != TokenKind::kEndMarker) __builtin_trap();
  } else {
    if (tokens.empty() || tokens.back().kind != TokenKind::kError) __builtin_trap();
    if (error.message.empty() || error.lineno == 0) __builtin_trap();
  }
  return 0;
}
