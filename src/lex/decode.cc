#include "lex/decode.h"

#include <algorithm>
#include <cstring>
#include <iterator>

#include "lex/unicode.h"

namespace ast2graph::lex {

// What CPython 3.13 does with the bytes given to ast.parse (Parser/tokenizer/string_tokenizer.c
// decode_str and helpers, Objects/unicodeobject.c, Lib/encodings):
//  1. bytes with a NUL are refused before anything else;
//  2. "\r\n" and "\r" become "\n" (on the raw bytes, before any decoding), and a newline is
//     appended to a non-empty source that does not end with one;
//  3. a UTF-8 BOM is dropped and fixes the encoding to "utf-8";
//  4. a coding cookie is looked for on line 1, and on line 2 when line 1 holds nothing but
//     blanks or a comment. Its name is normalized (utf-8, iso-8859-1), and any other name is
//     resolved like codecs.lookup: normalized, then looked up in encodings.aliases;
//  5. with no cookie, or a cookie that normalizes to "utf-8", the bytes are used as they are:
//     invalid UTF-8 is only an error where the tokenizer or a literal decodes it (CPython accepts
//     it inside comments). Any other codec decodes the whole text strictly.
// We decode the same way; the newline of step 2 takes part in decoding (it can change a UTF-8
// error from "unexpected end of data" to "invalid continuation byte") but is not appended to
// the output.
namespace {

enum class CodecKind : uint8_t { kSingleByte, kUtf8, kUtf8Sig, kNotText, kUndefined, kUnsupported };

struct SingleByteCodec {
  const char* name;
  const char* error_name;  // codec name in CPython's UnicodeDecodeError ("charmap", "ascii")
  const char* reason;      // its reason ("character maps to <undefined>")
  uint16_t table[256];     // byte -> code point; kUndefinedByte: no character
};

struct CodecModule {
  const char* name;
  CodecKind kind;
  uint16_t table;  // index in kSingleByteCodecs for kSingleByte
};

struct CodecAlias {
  const char* alias;
  const char* module;
};

#include "lex/codec_tables.inc"

constexpr uint16_t kUndefinedByte = 0xFFFE;
constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool Fail(DecodeError* error, std::string message, bool syntax_error = true) {
  if (error != nullptr) {
    error->message = std::move(message);
    error->lineno = 0;  // CPython reports line 0 (encoding errors) or none (NUL bytes)
    error->offset = 0;
    error->is_syntax_error = syntax_error;
  }
  return false;
}

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\f'; }

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c; }

enum class CookieScan { kNone, kFound, kCode };

// get_coding_spec + the rest of check_coding_spec for one line (without its newline): kFound
// with the cookie's name, kNone when the line is blank or a comment without one (so line 2 is
// still looked at), kCode otherwise.
CookieScan ScanCookie(std::string_view line, std::string_view* name) {
  const ptrdiff_t size = static_cast<ptrdiff_t>(line.size());
  ptrdiff_t i = 0;
  bool code = false;
  for (; i < size - 6; ++i) {
    if (line[i] == '#') break;
    if (!IsBlank(line[i])) {
      code = true;
      break;
    }
  }
  if (!code) {
    for (; i < size - 6; ++i) {
      if (line.compare(static_cast<size_t>(i), 6, "coding") != 0) continue;
      ptrdiff_t t = i + 6;
      if (line[t] != ':' && line[t] != '=') continue;
      do {
        ++t;
      } while (t < size && (line[t] == ' ' || line[t] == '\t'));
      ptrdiff_t begin = t;
      while (t < size && (IsAsciiAlnum(line[t]) || line[t] == '-' || line[t] == '_' ||
                          line[t] == '.')) {
        ++t;
      }
      if (begin < t) {
        *name = line.substr(static_cast<size_t>(begin), static_cast<size_t>(t - begin));
        return CookieScan::kFound;
      }
    }
  }
  for (char c : line) {
    if (c == '#') break;
    if (!IsBlank(c)) return CookieScan::kCode;
  }
  return CookieScan::kNone;
}

// get_normal_name(): "utf-8" and "iso-8859-1" spelled in their usual ways (only the first 12
// characters are compared, lower-cased, '_' read as '-'), else the name as written.
std::string NormalName(std::string_view name) {
  std::string buf;
  for (size_t i = 0; i < name.size() && i < 12; ++i) {
    buf.push_back(name[i] == '_' ? '-' : AsciiLower(name[i]));
  }
  auto starts = [&](std::string_view prefix) { return buf.compare(0, prefix.size(), prefix) == 0; };
  if (buf == "utf-8" || starts("utf-8-")) return "utf-8";
  if (buf == "latin-1" || buf == "iso-8859-1" || buf == "iso-latin-1" || starts("latin-1-") ||
      starts("iso-8859-1-") || (buf.size() == 12 && starts("iso-latin-1-"))) {
    return "iso-8859-1";
  }
  return std::string(name);
}

// _Py_normalize_encoding(): lower-case ASCII letters and digits and '.', every other run of
// characters becomes one '_' (none at the start or the end).
std::string NormalizeEncoding(std::string_view name) {
  std::string out;
  bool punct = false;
  for (char c : name) {
    if (IsAsciiAlnum(c) || c == '.') {
      if (punct && !out.empty()) out.push_back('_');
      out.push_back(AsciiLower(c));
      punct = false;
    } else {
      punct = true;
    }
  }
  return out;
}

const CodecModule* FindModule(std::string_view name) {
  const CodecModule* it = std::lower_bound(
      std::begin(kCodecModules), std::end(kCodecModules), name,
      [](const CodecModule& m, std::string_view n) { return std::string_view(m.name) < n; });
  if (it != std::end(kCodecModules) && name == it->name) return it;
  return nullptr;
}

const char* FindAlias(std::string_view name) {
  const CodecAlias* it = std::lower_bound(
      std::begin(kCodecAliases), std::end(kCodecAliases), name,
      [](const CodecAlias& a, std::string_view n) { return std::string_view(a.alias) < n; });
  if (it != std::end(kCodecAliases) && name == it->alias) return it->module;
  return nullptr;
}

// codecs.lookup(name) through encodings.search_function.
const CodecModule* LookupCodec(std::string_view name) {
  std::string norm = NormalizeEncoding(name);
  const char* aliased = FindAlias(norm);
  if (aliased == nullptr) {
    std::string underscored = norm;
    std::replace(underscored.begin(), underscored.end(), '.', '_');
    aliased = FindAlias(underscored);
  }
  for (std::string_view candidate : {std::string_view(aliased ? aliased : ""),
                                     std::string_view(norm)}) {
    if (candidate.empty() || candidate.find('.') != std::string_view::npos) continue;
    if (const CodecModule* m = FindModule(candidate)) return m;
  }
  return nullptr;
}

bool DecodeSingleByte(const SingleByteCodec& codec, std::string_view text, std::string* out,
                      DecodeError* error) {
  out->clear();
  out->reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    auto byte = static_cast<unsigned char>(text[i]);
    uint16_t cp = codec.table[byte];
    if (cp == kUndefinedByte) {
      char buffer[200];
      std::snprintf(buffer, sizeof(buffer), "'%s' codec can't decode byte 0x%02x in position %zu: %s",
                    codec.error_name, byte, i, codec.reason);
      return Fail(error, buffer);
    }
    AppendUtf8(cp, out);
  }
  return true;
}

// Decodes `text` (BOM gone, newlines translated, final newline present) with the codec the
// cookie `spec` names; `out` gets the UTF-8 form of its first `keep` bytes.
bool DecodeWithCodec(std::string_view spec, std::string_view text, size_t keep, std::string* out,
                     DecodeError* error) {
  const CodecModule* codec = LookupCodec(spec);
  if (codec == nullptr) return Fail(error, "unknown encoding: " + std::string(spec));
  std::string message;
  switch (codec->kind) {
    case CodecKind::kSingleByte:
      // Each byte on its own: the appended newline cannot change anything before it.
      return DecodeSingleByte(kSingleByteCodecs[codec->table], text.substr(0, keep), out, error);
    case CodecKind::kUtf8Sig:
      if (text.substr(0, kBom.size()) == kBom) {
        text.remove_prefix(kBom.size());
        keep = keep >= kBom.size() ? keep - kBom.size() : 0;
      }
      [[fallthrough]];
    case CodecKind::kUtf8:
      if (!CheckUtf8(text, &message)) return Fail(error, message);
      out->assign(text.substr(0, keep));
      return true;
    case CodecKind::kNotText:
      return Fail(error, "'" + std::string(spec.substr(0, 400)) +
                             "' is not a text encoding; use codecs.decode() to handle arbitrary "
                             "codecs");
    case CodecKind::kUndefined:
      return Fail(error, "undefined encoding");
    case CodecKind::kUnsupported:
      break;
  }
  return Fail(error, "encoding not supported by ast2graph: " + std::string(spec),
              /*syntax_error=*/false);
}

// "\r\n" and lone "\r" to "\n".
void TranslateNewlines(std::string_view bytes, std::string* out) {
  out->clear();
  out->reserve(bytes.size() + 1);
  size_t i = 0;
  while (i < bytes.size()) {
    size_t cr = bytes.find('\r', i);
    if (cr == std::string_view::npos) {
      out->append(bytes.substr(i));
      break;
    }
    out->append(bytes.substr(i, cr - i));
    out->push_back('\n');
    i = cr + 1;
    if (i < bytes.size() && bytes[i] == '\n') ++i;
  }
}

}  // namespace

bool DecodeSource(std::string_view bytes, std::string* utf8, DecodeError* error) {
  utf8->clear();
  if (std::memchr(bytes.data(), '\0', bytes.size()) != nullptr) {
    return Fail(error, "source code string cannot contain null bytes");
  }
  std::string text;
  TranslateNewlines(bytes, &text);
  // CPython appends a newline to a non-empty source that lacks one; it takes part in cookie
  // detection and decoding, and is removed again from what we return.
  bool added_newline = !text.empty() && text.back() != '\n';
  if (added_newline) text.push_back('\n');
  std::string_view rest(text);
  bool bom = rest.substr(0, kBom.size()) == kBom;
  if (bom) rest.remove_prefix(kBom.size());

  std::string spec;
  bool have_spec = false;
  size_t line_start = 0;
  for (int line = 0; line < 2 && !have_spec; ++line) {
    size_t newline = rest.find('\n', line_start);
    if (newline == std::string_view::npos) break;
    std::string_view cookie;
    CookieScan scan = ScanCookie(rest.substr(line_start, newline - line_start), &cookie);
    if (scan == CookieScan::kFound) {
      spec = NormalName(cookie);
      have_spec = true;
    } else if (scan == CookieScan::kCode) {
      break;
    }
    line_start = newline + 1;
  }

  // What we return leaves out the newline CPython appended.
  std::string_view body = added_newline ? rest.substr(0, rest.size() - 1) : rest;
  bool ok = true;
  if (bom) {
    if (have_spec && spec != "utf-8") return Fail(error, "encoding problem: " + spec + " with BOM");
    utf8->assign(body);
  } else if (!have_spec || spec == "utf-8") {
    utf8->assign(body);
  } else if (spec == "iso-8859-1") {
    utf8->reserve(body.size() + body.size() / 8);
    for (char c : body) AppendUtf8(static_cast<unsigned char>(c), utf8);
  } else {
    ok = DecodeWithCodec(spec, rest, body.size(), utf8, error);
  }
  if (!ok) utf8->clear();
  return ok;
}

}  // namespace ast2graph::lex
