#include "lex/tokenizer.h"

#include <array>
#include <cstdio>
#include <cstring>

#include "lex/unicode.h"

namespace ast2graph::lex {

namespace {

constexpr const char* kTokenNames[] = {
#define A2G_TOKEN(name, text) text,
#define A2G_PUNCT(name, text) text,
#define A2G_KEYWORD(name, text) text,
#include "lex/token_kinds.def"
};

// ---- Keyword lookup: open addressing over a 256-slot table built at compile time. ----

struct KeywordEntry {
  const char* text;
  uint8_t len;
  TokenKind kind;
};

constexpr KeywordEntry kKeywords[] = {
#define A2G_KEYWORD(name, text) {text, sizeof(text) - 1, TokenKind::k##name},
#include "lex/token_kinds.def"
};
constexpr size_t kKeywordCount = sizeof(kKeywords) / sizeof(kKeywords[0]);

constexpr uint32_t KeywordHash(const char* s, size_t len) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(s[0])) * 31u +
          static_cast<uint32_t>(static_cast<unsigned char>(s[len - 1])) * 7u +
          static_cast<uint32_t>(static_cast<unsigned char>(s[1])) * 3u + static_cast<uint32_t>(len)) &
         255u;
}

struct KeywordTable {
  uint8_t slot[256];  // index into kKeywords + 1; 0 = empty
  constexpr KeywordTable() : slot() {
    for (size_t i = 0; i < kKeywordCount; ++i) {
      uint32_t h = KeywordHash(kKeywords[i].text, kKeywords[i].len);
      while (slot[h] != 0) h = (h + 1) & 255u;
      slot[h] = static_cast<uint8_t>(i + 1);
    }
  }
};
constexpr KeywordTable kKeywordTable;

inline TokenKind LookupName(const char* s, size_t len) {
  if (len < 2 || len > 8) return TokenKind::kName;
  uint32_t h = KeywordHash(s, len);
  while (uint8_t e = kKeywordTable.slot[h]) {
    const KeywordEntry& k = kKeywords[e - 1];
    if (k.len == len && std::memcmp(k.text, s, len) == 0) return k.kind;
    h = (h + 1) & 255u;
  }
  return TokenKind::kName;
}

inline bool IsAsciiIdStart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
inline bool IsPotentialIdStart(unsigned char c) { return IsAsciiIdStart(c) || c >= 128; }

// Character classes for the hot identifier loop: bit 1 = may continue an identifier.
struct CharTable {
  uint8_t id_char[256];
  constexpr CharTable() : id_char() {
    for (int c = 0; c < 256; ++c) {
      id_char[c] = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                    (c >= '0' && c <= '9') || c >= 128)
                       ? 1
                       : 0;
    }
  }
};
constexpr CharTable kChars;
inline bool IsPotentialIdChar(unsigned char c) { return kChars.id_char[c] != 0; }
inline bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
inline bool IsXDigit(unsigned char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// State of one f-string being tokenized (CPython's tokenizer_mode).
struct FMode {
  uint32_t start;          // offset of the f-string's first prefix letter
  char quote;
  uint8_t quote_size;
  bool raw;
  bool regular;            // tokenizing an expression part (TOK_REGULAR_MODE)
  bool in_format_spec;
  int curly_depth;         // brackets opened inside this f-string
  int expr_start_depth;    // curly depth at which the current replacement field started
};

class Lexer {
 public:
  Lexer(const std::string& text, std::vector<Token>* out, TokenError* error)
      : s_(text.c_str()), n_(static_cast<uint32_t>(text.size())), out_(out), error_(error) {}

  bool Run();

 private:
  unsigned char Ch(uint32_t i) const { return static_cast<unsigned char>(s_[i]); }
  bool AtEnd(uint32_t i) const { return i >= n_; }

  void Emit(TokenKind kind, uint32_t begin, uint32_t end, uint8_t flags = 0) {
    out_->push_back(Token{begin, end, kind, flags, 0});
  }

  // Records an error located as CPython's _PyTokenizer_syntaxerror does: on the line of
  // `anchor`, at column chars(line_start..cur).
  bool Fail(std::string message, uint32_t anchor, uint32_t cur);
  // Records an error at a fixed 1-based offset on the line of `anchor`.
  bool FailAt(std::string message, uint32_t anchor, uint32_t offset);

  bool NormalToken();
  bool FStringToken();
  bool Indentation(bool* blank);
  bool Continuation();
  bool Number(uint32_t start);
  bool VerifyEndOfNumber(const char* kind);
  bool DecimalTail();
  bool String(uint32_t start, bool is_fstring, bool raw);
  bool Name(uint32_t start, bool nonascii);
  bool Finish(uint32_t at);

  const char* s_;
  uint32_t n_;
  uint32_t p_ = 0;
  std::vector<Token>* out_;
  TokenError* error_;

  bool atbol_ = true;
  bool done_ = false;
  bool line_has_tokens_ = false;  // a token was emitted on the current logical line
  int indent_ = 0;
  int indstack_[kMaxIndent + 1] = {0};
  int altindstack_[kMaxIndent + 1] = {0};
  int level_ = 0;
  char paren_[kMaxLevel + 1] = {0};
  uint32_t paren_pos_[kMaxLevel + 1] = {0};
  std::vector<FMode> modes_;
};

bool Lexer::Fail(std::string message, uint32_t anchor, uint32_t cur) {
  std::string_view text(s_, n_);
  if (anchor > n_) anchor = n_;
  uint32_t line_start = anchor;
  while (line_start > 0 && s_[line_start - 1] != '\n') --line_start;
  uint32_t chars = 0;
  for (uint32_t i = line_start; i < cur && i < n_; ++i) {
    if ((Ch(i) & 0xC0) != 0x80) ++chars;
  }
  if (cur > n_) chars += cur - n_;
  error_->message = std::move(message);
  error_->lineno = LineOf(text, anchor);
  error_->offset = chars;
  error_->in_fstring = !modes_.empty();
  Emit(TokenKind::kError, anchor, anchor);
  return false;
}

bool Lexer::FailAt(std::string message, uint32_t anchor, uint32_t offset) {
  // Every FailAt error is one CPython's tokenizer reports as a status code (E_DEDENT,
  // E_TABSPACE, E_TOODEEP, E_LINECONT, E_EOF), except "leading zeros", which it raises.
  error_->only_if_reached = message.compare(0, 13, "leading zeros") != 0;
  if (error_->only_if_reached && level_ > 0) {
    const uint32_t pos = paren_pos_[level_ - 1];
    error_->open_bracket = paren_[level_ - 1];
    error_->open_bracket_line = LineOf(std::string_view(s_, n_), pos);
    error_->open_bracket_offset = CharColumn(std::string_view(s_, n_), pos);
  }
  error_->message = std::move(message);
  error_->lineno = LineOf(std::string_view(s_, n_), anchor > n_ ? n_ : anchor);
  error_->offset = offset;
  error_->in_fstring = !modes_.empty();
  Emit(TokenKind::kError, anchor, anchor);
  return false;
}

bool Lexer::Run() {
  if (std::memchr(s_, 0, n_) != nullptr) {
    error_->message = "source code cannot contain null bytes";
    error_->lineno = 0;
    error_->offset = 0;
    Emit(TokenKind::kError, 0, 0);
    return false;
  }
  out_->reserve(n_ / 4 + 16);
  while (!done_) {
    bool ok = (!modes_.empty() && !modes_.back().regular) ? FStringToken() : NormalToken();
    if (!ok) return false;
  }
  return true;
}

// A backslash at p_: must be followed by a newline, and not by the end of the file.
bool Lexer::Continuation() {
  uint32_t bs = p_;
  ++p_;
  if (AtEnd(p_) || Ch(p_) != '\n') {
    // CPython locates this error at the character after the backslash: in bytes from the start
    // of its tokenizer's buffer (+1), which is the line, or inside an f-string the line the
    // f-string began on; converted to characters over that buffer's text (its lines up to this
    // one's newline), a byte offset past it clamped to its length + 1.
    uint32_t buf_start = bs;
    if (!modes_.empty()) buf_start = modes_.front().start;
    while (buf_start > 0 && s_[buf_start - 1] != '\n') --buf_start;
    uint32_t buf_end = bs;  // one past the line's newline
    while (buf_end < n_ && s_[buf_end] != '\n') ++buf_end;
    if (buf_end < n_) ++buf_end;
    uint32_t col = bs - buf_start + 2;
    const uint32_t len = buf_end - buf_start;
    uint32_t off = 0;
    for (uint32_t i = buf_start; i < buf_start + std::min(col, len); ++i) {
      if ((Ch(i) & 0xC0) != 0x80) ++off;
    }
    if (col > len) ++off;  // the terminating NUL CPython decodes as one more character
    if (off == 0) off = 1;
    FailAt("unexpected character after line continuation character", bs, off);
    const uint32_t buf_line = LineOf(std::string_view(s_, n_), buf_start);
    if (buf_line != error_->lineno) error_->text_lineno = buf_line;
    return false;
  }
  ++p_;
  if (AtEnd(p_)) {
    // "unexpected EOF while parsing", located at the end of the last line.
    uint32_t line_start = bs;
    while (line_start > 0 && s_[line_start - 1] != '\n') --line_start;
    uint32_t chars = 0;
    for (uint32_t i = line_start; i < n_; ++i) {
      if ((Ch(i) & 0xC0) != 0x80) ++chars;
    }
    return FailAt("unexpected EOF while parsing", bs, chars);
  }
  return true;
}

bool Lexer::Indentation(bool* blank) {
  uint32_t first = p_;
  int col = 0;
  int altcol = 0;
  int cont_line_col = 0;
  for (;;) {
    unsigned char c = Ch(p_);
    if (AtEnd(p_)) break;
    if (c == ' ') {
      ++col;
      ++altcol;
      ++p_;
    } else if (c == '\t') {
      col = (col / 8 + 1) * 8;
      ++altcol;
      ++p_;
    } else if (c == '\f') {
      col = altcol = 0;
      ++p_;
    } else if (c == '\\') {
      cont_line_col = cont_line_col ? cont_line_col : col;
      if (!Continuation()) return false;
    } else {
      break;
    }
  }
  unsigned char c = Ch(p_);
  *blank = !AtEnd(p_) && (c == '#' || c == '\n');
  if (AtEnd(p_)) col = altcol = 0;
  if (*blank || level_ != 0) return true;
  if (cont_line_col) col = altcol = cont_line_col;
  uint32_t line_start = first;
  if (cont_line_col) {
    line_start = p_;
    while (line_start > 0 && s_[line_start - 1] != '\n') --line_start;
  }
  const char* kTab = "inconsistent use of tabs and spaces in indentation";
  if (col == indstack_[indent_]) {
    if (altcol != altindstack_[indent_]) return FailAt(kTab, line_start, 1);
  } else if (col > indstack_[indent_]) {
    if (indent_ + 1 >= kMaxIndent) return FailAt("too many levels of indentation", line_start, 1);
    if (altcol <= altindstack_[indent_]) return FailAt(kTab, line_start, 1);
    ++indent_;
    indstack_[indent_] = col;
    altindstack_[indent_] = altcol;
    Emit(TokenKind::kIndent, p_, p_, kTokenDedentLine);
  } else {
    int dedents = 0;
    while (indent_ > 0 && col < indstack_[indent_]) {
      --indent_;
      ++dedents;
    }
    if (col != indstack_[indent_]) {
      // Located at the end of the line, newline included (tok->cur = tok->inp).
      uint32_t end = p_;
      while (end < n_ && s_[end] != '\n') ++end;
      uint32_t chars = 0;
      for (uint32_t i = line_start; i < end; ++i) {
        if ((Ch(i) & 0xC0) != 0x80) ++chars;
      }
      chars += 1;  // the line's newline (CPython appends one to a last line without it)
      return FailAt("unindent does not match any outer indentation level", line_start, chars);
    }
    if (altcol != altindstack_[indent_]) return FailAt(kTab, line_start, 1);
    for (int i = 0; i < dedents; ++i) Emit(TokenKind::kDedent, p_, p_, kTokenDedentLine);
  }
  return true;
}

bool Lexer::Finish(uint32_t at) {
  if (level_ > 0) {
    uint32_t pos = paren_pos_[level_ - 1];
    std::string msg = NeverClosedMessage(paren_[level_ - 1]);
    error_->unclosed_bracket = true;
    error_->bracket_line = LineOf(std::string_view(s_, n_), pos);
    return Fail(std::move(msg), pos, pos + 1);
  }
  if (line_has_tokens_) Emit(TokenKind::kNewline, at, at);
  line_has_tokens_ = false;
  while (indent_ > 0) {
    --indent_;
    Emit(TokenKind::kDedent, n_, n_, kTokenDedentLine);
  }
  Emit(TokenKind::kEndMarker, n_, n_);
  done_ = true;
  return true;
}

bool Lexer::NormalToken() {
  bool blank = false;
nextline:
  blank = false;
  if (atbol_) {
    atbol_ = false;
    if (!Indentation(&blank)) return false;
  }
again:
  while (!AtEnd(p_) && (Ch(p_) == ' ' || Ch(p_) == '\t' || Ch(p_) == '\f')) ++p_;
  uint32_t start = p_;
  if (AtEnd(p_)) return Finish(start);
  unsigned char c = Ch(p_);

  if (c == '#') {
    const void* nl = std::memchr(s_ + p_, '\n', n_ - p_);
    if (nl == nullptr) {
      p_ = n_;
      return Finish(start);
    }
    p_ = static_cast<uint32_t>(static_cast<const char*>(nl) - s_);
    c = '\n';
  }

  // Identifiers, keywords and string prefixes.
  if (IsPotentialIdStart(c)) {
    bool saw_b = false, saw_r = false, saw_u = false, saw_f = false;
    uint32_t q = p_;
    for (;;) {
      unsigned char d = Ch(q);
      if (!(saw_b || saw_u || saw_f) && (d == 'b' || d == 'B')) {
        saw_b = true;
      } else if (!(saw_b || saw_u || saw_r || saw_f) && (d == 'u' || d == 'U')) {
        saw_u = true;
      } else if (!(saw_r || saw_u) && (d == 'r' || d == 'R')) {
        saw_r = true;
      } else if (!(saw_f || saw_b || saw_u) && (d == 'f' || d == 'F')) {
        saw_f = true;
      } else {
        break;
      }
      ++q;
      if (!AtEnd(q) && (Ch(q) == '"' || Ch(q) == '\'')) {
        p_ = q;
        line_has_tokens_ = true;
        return String(start, saw_f, saw_r);
      }
    }
    bool nonascii = false;
    // s_[n_] is the terminating NUL, which is not an identifier character.
    while (IsPotentialIdChar(Ch(p_))) {
      if (Ch(p_) >= 128) nonascii = true;
      ++p_;
    }
    line_has_tokens_ = true;
    return Name(start, nonascii);
  }

  if (c == '\n') {
    ++p_;
    atbol_ = true;
    if (blank || level_ > 0) goto nextline;
    Emit(TokenKind::kNewline, start, p_);
    line_has_tokens_ = false;
    return true;
  }

  line_has_tokens_ = true;
  if (c == '.') {
    if (IsDigit(Ch(p_ + 1))) return Number(start);
    if (Ch(p_ + 1) == '.' && Ch(p_ + 2) == '.') {
      p_ += 3;
      Emit(TokenKind::kEllipsis, start, p_);
      return true;
    }
    ++p_;
    Emit(TokenKind::kDot, start, p_);
    return true;
  }
  if (IsDigit(c)) return Number(start);
  if (c == '"' || c == '\'') return String(start, false, false);
  if (c == '\\') {
    if (!Continuation()) return false;
    goto again;
  }

  // f-string punctuation: ':' starting a format spec.
  FMode* fm = modes_.empty() ? nullptr : &modes_.back();
  if (fm != nullptr && fm->expr_start_depth >= 0 && c == ':') {
    int cursor = fm->curly_depth - 1;
    if (cursor == fm->expr_start_depth) {
      ++p_;
      fm->regular = false;
      fm->in_format_spec = true;
      Emit(TokenKind::kColon, start, p_);
      return true;
    }
  }

  unsigned char c2 = Ch(p_ + 1);
  unsigned char c3 = AtEnd(p_ + 1) ? 0 : Ch(p_ + 2);
  TokenKind kind = TokenKind::kError;
  int len = 1;
  switch (c) {
    case '(': case '[': case '{': {
      ++p_;
      if (level_ >= kMaxLevel) return Fail("too many nested parentheses", start, p_);
      paren_[level_] = static_cast<char>(c);
      paren_pos_[level_] = start;
      ++level_;
      if (fm != nullptr) ++fm->curly_depth;
      Emit(c == '(' ? TokenKind::kLPar : c == '[' ? TokenKind::kLSqb : TokenKind::kLBrace, start,
           p_);
      return true;
    }
    case ')': case ']': case '}': {
      ++p_;
      if (fm != nullptr && fm->curly_depth == 0 && c == '}') {
        return Fail("f-string: single '}' is not allowed", start, p_);
      }
      if (level_ == 0) return Fail(std::string("unmatched '") + static_cast<char>(c) + "'", start, p_);
      --level_;
      char opening = paren_[level_];
      if (!((opening == '(' && c == ')') || (opening == '[' && c == ']') ||
            (opening == '{' && c == '}'))) {
        if (fm != nullptr && opening == '{' && fm->curly_depth - 1 == fm->expr_start_depth) {
          return Fail(std::string("f-string: unmatched '") + static_cast<char>(c) + "'", start, p_);
        }
        uint32_t open_line = LineOf(std::string_view(s_, n_), paren_pos_[level_]);
        uint32_t here = LineOf(std::string_view(s_, n_), start);
        std::string msg = std::string("closing parenthesis '") + static_cast<char>(c) +
                          "' does not match opening parenthesis '" + opening + "'";
        if (open_line != here) msg += " on line " + std::to_string(open_line);
        return Fail(std::move(msg), start, p_);
      }
      if (fm != nullptr) {
        --fm->curly_depth;
        if (fm->curly_depth < 0) {
          return Fail(std::string("f-string: unmatched '") + static_cast<char>(c) + "'", start, p_);
        }
        if (c == '}' && fm->curly_depth == fm->expr_start_depth) {
          --fm->expr_start_depth;
          fm->regular = false;
          fm->in_format_spec = false;
        }
      }
      Emit(c == ')' ? TokenKind::kRPar : c == ']' ? TokenKind::kRSqb : TokenKind::kRBrace, start,
           p_);
      return true;
    }
    case ':': kind = c2 == '=' ? (len = 2, TokenKind::kColonEqual) : TokenKind::kColon; break;
    case ',': kind = TokenKind::kComma; break;
    case ';': kind = TokenKind::kSemi; break;
    case '~': kind = TokenKind::kTilde; break;
    case '+': kind = c2 == '=' ? (len = 2, TokenKind::kPlusEqual) : TokenKind::kPlus; break;
    case '-':
      kind = c2 == '=' ? (len = 2, TokenKind::kMinEqual)
             : c2 == '>' ? (len = 2, TokenKind::kRArrow)
                         : TokenKind::kMinus;
      break;
    case '*':
      if (c2 == '*') {
        kind = c3 == '=' ? (len = 3, TokenKind::kDoubleStarEqual) : (len = 2, TokenKind::kDoubleStar);
      } else {
        kind = c2 == '=' ? (len = 2, TokenKind::kStarEqual) : TokenKind::kStar;
      }
      break;
    case '/':
      if (c2 == '/') {
        kind = c3 == '=' ? (len = 3, TokenKind::kDoubleSlashEqual)
                         : (len = 2, TokenKind::kDoubleSlash);
      } else {
        kind = c2 == '=' ? (len = 2, TokenKind::kSlashEqual) : TokenKind::kSlash;
      }
      break;
    case '|': kind = c2 == '=' ? (len = 2, TokenKind::kVBarEqual) : TokenKind::kVBar; break;
    case '&': kind = c2 == '=' ? (len = 2, TokenKind::kAmperEqual) : TokenKind::kAmper; break;
    case '^': kind = c2 == '=' ? (len = 2, TokenKind::kCircumflexEqual) : TokenKind::kCircumFlex; break;
    case '%': kind = c2 == '=' ? (len = 2, TokenKind::kPercentEqual) : TokenKind::kPercent; break;
    case '@': kind = c2 == '=' ? (len = 2, TokenKind::kAtEqual) : TokenKind::kAt; break;
    case '=': kind = c2 == '=' ? (len = 2, TokenKind::kEqEqual) : TokenKind::kEqual; break;
    case '!': kind = c2 == '=' ? (len = 2, TokenKind::kNotEqual) : TokenKind::kExclamation; break;
    case '<':
      if (c2 == '<') {
        kind = c3 == '=' ? (len = 3, TokenKind::kLeftShiftEqual) : (len = 2, TokenKind::kLeftShift);
      } else if (c2 == '=') {
        kind = TokenKind::kLessEqual, len = 2;
      } else if (c2 == '>') {
        kind = TokenKind::kNotEqual, len = 2;  // "<>": only valid with barry_as_FLUFL; the parser rejects it
      } else {
        kind = TokenKind::kLess;
      }
      break;
    case '>':
      if (c2 == '>') {
        kind = c3 == '=' ? (len = 3, TokenKind::kRightShiftEqual) : (len = 2, TokenKind::kRightShift);
      } else {
        kind = c2 == '=' ? (len = 2, TokenKind::kGreaterEqual) : TokenKind::kGreater;
      }
      break;
    default:
      break;
  }
  if (kind == TokenKind::kError) {
    ++p_;
    if (c < 0x20 || c == 0x7f) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "invalid non-printable character U+%04X", c);
      return Fail(buf, start, p_);
    }
    Emit(TokenKind::kOp, start, p_);
    return true;
  }
  p_ += len;
  Emit(kind, start, p_, (kind == TokenKind::kNotEqual && c == '<') ? 1 : 0);
  return true;
}

bool Lexer::Name(uint32_t start, bool nonascii) {
  if (nonascii) {
    std::string_view text(s_, n_);
    size_t pos = start;
    bool first = true;
    while (pos < p_) {
      size_t at = pos;
      int32_t cp = NextCodePoint(text, &pos);
      bool ok = cp >= 0 && (first ? (cp == '_' || IsIdentifierStart(static_cast<char32_t>(cp)))
                                  : IsIdentifierContinue(static_cast<char32_t>(cp)));
      if (!ok) {
        char buf[96];
        if (cp < 0) {
          std::string msg;
          size_t bad = 0;
          CheckUtf8(text.substr(start, p_ - start), &msg, &bad);
          return Fail("(unicode error) " + msg, static_cast<uint32_t>(start + bad),
                      static_cast<uint32_t>(start + bad + 1));
        } else if (IsPrintable(static_cast<char32_t>(cp))) {
          std::string ch;
          AppendUtf8(static_cast<char32_t>(cp), &ch);
          std::snprintf(buf, sizeof buf, "invalid character '%s' (U+%04X)", ch.c_str(),
                        static_cast<unsigned>(cp));
        } else {
          std::snprintf(buf, sizeof buf, "invalid non-printable character U+%04X",
                        static_cast<unsigned>(cp));
        }
        return Fail(buf, static_cast<uint32_t>(at), static_cast<uint32_t>(pos));
      }
      first = false;
    }
    Emit(TokenKind::kName, start, p_, kTokenNonAscii);
    return true;
  }
  Emit(LookupName(s_ + start, p_ - start), start, p_);
  return true;
}

bool Lexer::DecimalTail() {
  for (;;) {
    while (IsDigit(Ch(p_)) && !AtEnd(p_)) ++p_;
    if (Ch(p_) != '_' || AtEnd(p_)) return true;
    ++p_;
    if (!IsDigit(Ch(p_)) || AtEnd(p_)) return Fail("invalid decimal literal", p_ - 1, p_);
  }
}

// CPython's verify_end_of_number: a number directly followed by a letter is an error, except
// before the keywords that may legally follow a number (`1if x else y`), which only warn.
bool Lexer::VerifyEndOfNumber(const char* kind) {
  unsigned char c = AtEnd(p_) ? 0 : Ch(p_);
  auto follows = [&](const char* rest) {
    size_t k = std::strlen(rest);
    if (p_ + 1 + k > n_) return false;
    if (std::memcmp(s_ + p_ + 1, rest, k) != 0) return false;
    return AtEnd(p_ + 1 + static_cast<uint32_t>(k)) || !IsPotentialIdChar(Ch(p_ + 1 + k));
  };
  bool r = false;
  switch (c) {
    case 'a': r = follows("nd"); break;
    case 'e': r = follows("lse"); break;
    case 'f': r = follows("or"); break;
    case 'i': r = !AtEnd(p_ + 1) && (Ch(p_ + 1) == 'f' || Ch(p_ + 1) == 'n' || Ch(p_ + 1) == 's'); break;
    case 'o': r = follows("r"); break;
    case 'n': r = follows("ot"); break;
    default: break;
  }
  if (r) return true;
  if (c != 0 && c < 128 && IsPotentialIdChar(c)) {
    return Fail(std::string("invalid ") + kind + " literal", p_, p_);
  }
  return true;
}

bool Lexer::Number(uint32_t start) {
  auto digit_error = [&](const char* what, unsigned char d) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "invalid digit '%c' in %s literal", d, what);
    ++p_;
    return Fail(buf, p_ - 1, p_);
  };
  bool is_fraction_start = Ch(p_) == '.';
  if (is_fraction_start) {
    ++p_;
    goto fraction;
  }
  if (Ch(p_) == '0') {
    ++p_;
    unsigned char c = Ch(p_);
    if (c == 'x' || c == 'X') {
      ++p_;
      do {
        if (Ch(p_) == '_') ++p_;
        if (AtEnd(p_) || !IsXDigit(Ch(p_))) return Fail("invalid hexadecimal literal", p_, p_);
        while (!AtEnd(p_) && IsXDigit(Ch(p_))) ++p_;
      } while (Ch(p_) == '_' && !AtEnd(p_));
      if (!VerifyEndOfNumber("hexadecimal")) return false;
    } else if (c == 'o' || c == 'O') {
      ++p_;
      do {
        if (Ch(p_) == '_') ++p_;
        unsigned char d = AtEnd(p_) ? 0 : Ch(p_);
        if (d < '0' || d >= '8') {
          if (IsDigit(d)) return digit_error("octal", d);
          return Fail("invalid octal literal", p_, p_);
        }
        while (!AtEnd(p_) && Ch(p_) >= '0' && Ch(p_) < '8') ++p_;
      } while (Ch(p_) == '_' && !AtEnd(p_));
      if (!AtEnd(p_) && IsDigit(Ch(p_))) return digit_error("octal", Ch(p_));
      if (!VerifyEndOfNumber("octal")) return false;
    } else if (c == 'b' || c == 'B') {
      ++p_;
      do {
        if (Ch(p_) == '_') ++p_;
        unsigned char d = AtEnd(p_) ? 0 : Ch(p_);
        if (d != '0' && d != '1') {
          if (IsDigit(d)) return digit_error("binary", d);
          return Fail("invalid binary literal", p_, p_);
        }
        while (!AtEnd(p_) && (Ch(p_) == '0' || Ch(p_) == '1')) ++p_;
      } while (Ch(p_) == '_' && !AtEnd(p_));
      if (!AtEnd(p_) && IsDigit(Ch(p_))) return digit_error("binary", Ch(p_));
      if (!VerifyEndOfNumber("binary")) return false;
    } else {
      bool nonzero = false;
      for (;;) {
        if (Ch(p_) == '_' && !AtEnd(p_)) {
          ++p_;
          if (AtEnd(p_) || !IsDigit(Ch(p_))) return Fail("invalid decimal literal", p_, p_);
        }
        if (AtEnd(p_) || Ch(p_) != '0') break;
        ++p_;
      }
      uint32_t zeros_end = p_;
      if (!AtEnd(p_) && IsDigit(Ch(p_))) {
        nonzero = true;
        if (!DecimalTail()) return false;
      }
      unsigned char d = AtEnd(p_) ? 0 : Ch(p_);
      if (d == '.') {
        ++p_;
        goto fraction;
      } else if (d == 'e' || d == 'E') {
        goto exponent;
      } else if (d == 'j' || d == 'J') {
        goto imaginary;
      } else if (nonzero) {
        // "leading zeros ..." is located on the range [start+1, zeros_end] of the line.
        uint32_t line_start = start;
        while (line_start > 0 && s_[line_start - 1] != '\n') --line_start;
        (void)zeros_end;
        return FailAt(
            "leading zeros in decimal integer literals are not permitted; use an 0o prefix for "
            "octal integers",
            start, start - line_start + 1);
      }
      if (!VerifyEndOfNumber("decimal")) return false;
    }
    Emit(TokenKind::kNumber, start, p_);
    return true;
  }
  // Decimal.
  if (!DecimalTail()) return false;
  if (Ch(p_) == '.' && !AtEnd(p_)) {
    ++p_;
  fraction:
    if (!AtEnd(p_) && IsDigit(Ch(p_))) {
      if (!DecimalTail()) return false;
    }
  }
  if (!AtEnd(p_) && (Ch(p_) == 'e' || Ch(p_) == 'E')) {
  exponent:
    uint32_t e_pos = p_;
    ++p_;
    unsigned char d = AtEnd(p_) ? 0 : Ch(p_);
    if (d == '+' || d == '-') {
      ++p_;
      if (AtEnd(p_) || !IsDigit(Ch(p_))) return Fail("invalid decimal literal", p_, p_);
    } else if (!IsDigit(d)) {
      p_ = e_pos;
      if (!VerifyEndOfNumber("decimal")) return false;
      Emit(TokenKind::kNumber, start, p_);
      return true;
    }
    if (!DecimalTail()) return false;
  }
  if (!AtEnd(p_) && (Ch(p_) == 'j' || Ch(p_) == 'J')) {
  imaginary:
    ++p_;
    if (!VerifyEndOfNumber("imaginary")) return false;
  } else if (!VerifyEndOfNumber("decimal")) {
    return false;
  }
  Emit(TokenKind::kNumber, start, p_);
  return true;
}

// p_ is at the opening quote; `start` at the first prefix letter.
bool Lexer::String(uint32_t start, bool is_fstring, bool raw) {
  char quote = static_cast<char>(Ch(p_));
  int quote_size = 1;
  ++p_;
  if (!AtEnd(p_ + 1) && Ch(p_) == static_cast<unsigned char>(quote) &&
      Ch(p_ + 1) == static_cast<unsigned char>(quote)) {
    quote_size = 3;
    p_ += 2;
  }
  if (is_fstring) {
    if (static_cast<int>(modes_.size()) + 1 >= kMaxFStringLevel) {
      return Fail("too many nested f-strings", start, p_);
    }
    Emit(TokenKind::kFStringStart, start, p_);
    modes_.push_back(FMode{start, quote, static_cast<uint8_t>(quote_size), raw, false, false, 0, -1});
    return true;
  }
  int end_quote_size = 0;
  bool escaped_quote = false;
  while (end_quote_size != quote_size) {
    if (AtEnd(p_) || (quote_size == 1 && Ch(p_) == '\n')) {
      std::string_view text(s_, n_);
      uint32_t detected = LineOf(text, AtEnd(p_) ? (n_ > 0 ? n_ - 1 : 0) : p_);
      if (!modes_.empty()) {
        const FMode& m = modes_.back();
        if (m.quote == quote && m.quote_size == quote_size) {
          return Fail("f-string: expecting '}'", start, start + 1);
        }
      }
      std::string msg;
      if (quote_size == 3) {
        msg = "unterminated triple-quoted string literal (detected at line " +
              std::to_string(detected) + ")";
      } else if (escaped_quote) {
        msg = "unterminated string literal (detected at line " + std::to_string(detected) +
              "); perhaps you escaped the end quote?";
      } else {
        msg = "unterminated string literal (detected at line " + std::to_string(detected) + ")";
      }
      return Fail(std::move(msg), start, start + 1);
    }
    unsigned char c = Ch(p_++);
    if (c == static_cast<unsigned char>(quote)) {
      ++end_quote_size;
    } else {
      end_quote_size = 0;
      if (c == '\\' && !AtEnd(p_)) {
        if (Ch(p_) == static_cast<unsigned char>(quote)) escaped_quote = true;
        ++p_;
      }
    }
  }
  Emit(TokenKind::kString, start, p_);
  return true;
}

// One token of an f-string's literal part (CPython's tok_get_fstring_mode).
bool Lexer::FStringToken() {
  FMode& m = modes_.back();
  uint32_t start = p_;
  if (!AtEnd(p_) && Ch(p_) == '{' && Ch(p_ + 1) != '{') {
    ++m.expr_start_depth;
    if (m.expr_start_depth >= kMaxFStringExprNesting) {
      return Fail("f-string: expressions nested too deeply", p_, p_);
    }
    m.regular = true;
    return NormalToken();
  }
  // End of the f-string?
  {
    bool end = true;
    for (int i = 0; i < m.quote_size; ++i) {
      if (AtEnd(p_ + i) || Ch(p_ + i) != static_cast<unsigned char>(m.quote)) {
        end = false;
        break;
      }
    }
    if (end) {
      p_ += m.quote_size;
      Emit(TokenKind::kFStringEnd, start, p_);
      modes_.pop_back();
      return true;
    }
  }
  int end_quote_size = 0;
  bool unicode_escape = false;
  auto middle = [&](uint32_t end) {
    if (end > start) Emit(TokenKind::kFStringMiddle, start, end);
    return true;
  };
  while (end_quote_size != m.quote_size) {
    bool in_format_spec = m.in_format_spec && m.expr_start_depth >= 0;
    if (AtEnd(p_) || (m.quote_size == 1 && Ch(p_) == '\n')) {
      if (in_format_spec && !AtEnd(p_)) {
        m.regular = true;
        m.in_format_spec = false;
        return middle(p_);
      }
      std::string_view text(s_, n_);
      uint32_t detected = LineOf(text, AtEnd(p_) ? (n_ > 0 ? n_ - 1 : 0) : p_);
      std::string msg = m.quote_size == 3 ? "unterminated triple-quoted f-string literal"
                                          : "unterminated f-string literal";
      msg += " (detected at line " + std::to_string(detected) + ")";
      return Fail(std::move(msg), m.start, m.start + 1);
    }
    unsigned char c = Ch(p_++);
    if (c == static_cast<unsigned char>(m.quote)) {
      ++end_quote_size;
      continue;
    }
    end_quote_size = 0;
    if (c == '{') {
      if (Ch(p_) != '{' || AtEnd(p_) || in_format_spec) {
        --p_;
        ++m.expr_start_depth;
        if (m.expr_start_depth >= kMaxFStringExprNesting) {
          return Fail("f-string: expressions nested too deeply", p_, p_);
        }
        m.regular = true;
        m.in_format_spec = false;
        return middle(p_);
      }
      ++p_;
      Emit(TokenKind::kFStringMiddle, start, p_, kTokenEscapedBrace);
      return true;
    }
    if (c == '}') {
      if (unicode_escape) return middle(p_);
      if (!AtEnd(p_) && Ch(p_) == '}' && !in_format_spec && m.curly_depth == 0) {
        ++p_;
        Emit(TokenKind::kFStringMiddle, start, p_, kTokenEscapedBrace);
        return true;
      }
      --p_;
      m.regular = true;
      m.in_format_spec = false;
      return middle(p_);
    }
    if (c == '\\') {
      if (AtEnd(p_)) continue;
      unsigned char peek = Ch(p_);
      if (peek == '{' || peek == '}') continue;
      ++p_;
      if (!m.raw && peek == 'N' && !AtEnd(p_) && Ch(p_) == '{') {
        ++p_;
        unicode_escape = true;
      }
    }
  }
  p_ -= m.quote_size;
  return middle(p_);
}

}  // namespace

const char* TokenKindName(TokenKind kind) { return kTokenNames[static_cast<size_t>(kind)]; }

std::string NeverClosedMessage(char bracket) {
  return std::string("'") + bracket + "' was never closed";
}

uint32_t CharColumn(std::string_view text, uint32_t pos) {
  if (pos > text.size()) pos = static_cast<uint32_t>(text.size());
  uint32_t line_start = pos;
  while (line_start > 0 && text[line_start - 1] != '\n') --line_start;
  uint32_t chars = 0;
  for (uint32_t i = line_start; i < pos; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++chars;
  }
  return chars + 1;
}

uint32_t LineOf(std::string_view text, uint32_t pos) {
  if (pos > text.size()) pos = static_cast<uint32_t>(text.size());
  uint32_t line = 1;
  const char* p = text.data();
  const char* end = p + pos;
  while ((p = static_cast<const char*>(std::memchr(p, '\n', end - p))) != nullptr) {
    ++line;
    ++p;
  }
  return line;
}

bool Tokenize(const std::string& text, std::vector<Token>* tokens, TokenError* error) {
  tokens->clear();
  *error = TokenError{};
  Lexer lexer(text, tokens, error);
  return lexer.Run();
}

}  // namespace ast2graph::lex
