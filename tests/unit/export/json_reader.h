// A strict little JSON reader for the tests (RFC 8259). Strings decode to UTF-8; a \u escape of
// a lone surrogate decodes to its 3-byte WTF-8 form, so that exported strings can be compared
// with the graph's own bytes.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace a2gtest {

struct Json {
  enum Kind { kNull, kBool, kInt, kString, kArray, kObject } kind = kNull;
  bool boolean = false;
  int64_t integer = 0;
  std::string text;
  std::vector<Json> items;                            // array
  std::vector<std::pair<std::string, Json>> members;  // object, in document order

  const Json* Get(std::string_view key) const {
    for (const auto& [k, v] : members) {
      if (k == key) return &v;
    }
    return nullptr;
  }
};

class JsonReader {
 public:
  /// Parses the whole of `text` as one value; false (with *error) on any deviation.
  static bool Parse(std::string_view text, Json* out, std::string* error) {
    JsonReader r(text);
    if (!r.Value(out, 0)) {
      *error = r.error_ + " at offset " + std::to_string(r.pos_);
      return false;
    }
    r.Space();
    if (r.pos_ != text.size()) {
      *error = "trailing characters at offset " + std::to_string(r.pos_);
      return false;
    }
    return true;
  }

 private:
  explicit JsonReader(std::string_view t) : t_(t) {}

  void Space() {
    while (pos_ < t_.size() &&
           (t_[pos_] == ' ' || t_[pos_] == '\n' || t_[pos_] == '\r' || t_[pos_] == '\t')) {
      ++pos_;
    }
  }
  bool Fail(const char* what) {
    error_ = what;
    return false;
  }
  bool Literal(std::string_view word) {
    if (t_.substr(pos_, word.size()) != word) return Fail("bad literal");
    pos_ += word.size();
    return true;
  }
  bool Value(Json* out, int depth) {
    if (depth > 64) return Fail("too deep");
    Space();
    if (pos_ >= t_.size()) return Fail("unexpected end");
    char c = t_[pos_];
    if (c == '{') return Object(out, depth);
    if (c == '[') return Array(out, depth);
    if (c == '"') {
      out->kind = Json::kString;
      return String(&out->text);
    }
    if (c == 'n') return Literal("null");
    if (c == 't') {
      out->kind = Json::kBool;
      out->boolean = true;
      return Literal("true");
    }
    if (c == 'f') {
      out->kind = Json::kBool;
      return Literal("false");
    }
    if (c == '-' || (c >= '0' && c <= '9')) return Number(out);
    return Fail("unexpected character");
  }
  bool Number(Json* out) {
    size_t start = pos_;
    if (t_[pos_] == '-') ++pos_;
    if (pos_ >= t_.size() || !(t_[pos_] >= '0' && t_[pos_] <= '9')) return Fail("bad number");
    if (t_[pos_] == '0' && pos_ + 1 < t_.size() && t_[pos_ + 1] >= '0' && t_[pos_ + 1] <= '9') {
      return Fail("leading zero");
    }
    while (pos_ < t_.size() && t_[pos_] >= '0' && t_[pos_] <= '9') ++pos_;
    if (pos_ < t_.size() && (t_[pos_] == '.' || t_[pos_] == 'e' || t_[pos_] == 'E')) {
      return Fail("only integers are expected");
    }
    out->kind = Json::kInt;
    out->integer = std::stoll(std::string(t_.substr(start, pos_ - start)));
    return true;
  }
  static void Utf8(std::string* s, uint32_t cp) {
    if (cp < 0x80) {
      s->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      s->push_back(static_cast<char>(0xC0 | cp >> 6));
      s->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      s->push_back(static_cast<char>(0xE0 | cp >> 12));
      s->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      s->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      s->push_back(static_cast<char>(0xF0 | cp >> 18));
      s->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      s->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      s->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  bool Hex4(uint32_t* v) {
    if (pos_ + 4 > t_.size()) return Fail("short \\u escape");
    *v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = t_[pos_++];
      *v <<= 4;
      if (c >= '0' && c <= '9') {
        *v |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        *v |= c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        *v |= c - 'A' + 10;
      } else {
        return Fail("bad hex digit");
      }
    }
    return true;
  }
  bool String(std::string* s) {
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= t_.size()) return Fail("unterminated string");
      unsigned char c = static_cast<unsigned char>(t_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return Fail("raw control character in string");
      if (c != '\\') {
        s->push_back(static_cast<char>(c));
        ++pos_;
        continue;
      }
      ++pos_;
      if (pos_ >= t_.size()) return Fail("unterminated escape");
      char e = t_[pos_++];
      switch (e) {
        case '"':
          s->push_back('"');
          break;
        case '\\':
          s->push_back('\\');
          break;
        case '/':
          s->push_back('/');
          break;
        case 'b':
          s->push_back('\b');
          break;
        case 'f':
          s->push_back('\f');
          break;
        case 'n':
          s->push_back('\n');
          break;
        case 'r':
          s->push_back('\r');
          break;
        case 't':
          s->push_back('\t');
          break;
        case 'u': {
          uint32_t v;
          if (!Hex4(&v)) return false;
          if (v >= 0xD800 && v <= 0xDBFF && t_.substr(pos_, 2) == "\\u") {
            size_t save = pos_;
            pos_ += 2;
            uint32_t lo;
            if (!Hex4(&lo)) return false;
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
              Utf8(s, 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00));
              break;
            }
            pos_ = save;
          }
          Utf8(s, v);
          break;
        }
        default:
          return Fail("bad escape");
      }
    }
  }
  bool Array(Json* out, int depth) {
    out->kind = Json::kArray;
    ++pos_;
    Space();
    if (pos_ < t_.size() && t_[pos_] == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      out->items.emplace_back();
      if (!Value(&out->items.back(), depth + 1)) return false;
      Space();
      if (pos_ >= t_.size()) return Fail("unterminated array");
      if (t_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (t_[pos_] == ']') {
        ++pos_;
        return true;
      }
      return Fail("expected , or ]");
    }
  }
  bool Object(Json* out, int depth) {
    out->kind = Json::kObject;
    ++pos_;
    Space();
    if (pos_ < t_.size() && t_[pos_] == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      Space();
      if (pos_ >= t_.size() || t_[pos_] != '"') return Fail("expected key");
      std::string key;
      if (!String(&key)) return false;
      for (const auto& m : out->members) {
        if (m.first == key) return Fail("duplicate key");
      }
      Space();
      if (pos_ >= t_.size() || t_[pos_] != ':') return Fail("expected :");
      ++pos_;
      out->members.emplace_back(std::move(key), Json());
      if (!Value(&out->members.back().second, depth + 1)) return false;
      Space();
      if (pos_ >= t_.size()) return Fail("unterminated object");
      if (t_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (t_[pos_] == '}') {
        ++pos_;
        return true;
      }
      return Fail("expected , or }");
    }
  }

  std::string_view t_;
  size_t pos_ = 0;
  std::string error_;
};

/// What a format that cannot carry lone surrogates / invalid bytes makes of `s`: each such
/// sequence replaced by U+FFFD. `keep_surrogates` keeps surrogates (JSON and Cypher escape them).
std::string Sanitized(std::string_view s, bool keep_surrogates);

}  // namespace a2gtest
