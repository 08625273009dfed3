// Strings, f-strings and numbers: implicit concatenation into one Constant or JoinedStr with
// CPython's positions for the parts.
#include <string>
#include <vector>

#include "lex/literals.h"
#include "parse/parser.h"

namespace ast2graph::parse {

namespace {

struct Prefix {
  bool bytes = false;
  bool raw = false;
  bool unicode = false;
  bool fstring = false;
  bool kind_u = false;  // lowercase 'u': CPython sets Constant.kind = 'u' only for it
  uint32_t letters = 0;
};

Prefix ReadPrefix(std::string_view tok) {
  Prefix p;
  for (char c : tok) {
    if (c == '\'' || c == '"') break;
    ++p.letters;
    switch (c) {
      case 'b': case 'B': p.bytes = true; break;
      case 'r': case 'R': p.raw = true; break;
      case 'u': p.unicode = true; p.kind_u = true; break;
      case 'U': p.unicode = true; break;
      case 'f': case 'F': p.fstring = true; break;
      default: break;
    }
  }
  return p;
}

// The body of a complete string token (prefix and quotes removed).
std::string_view Body(std::string_view tok, uint32_t letters) {
  std::string_view rest = tok.substr(letters);
  size_t q = (rest.size() >= 6 && rest[0] == rest[1] && rest[1] == rest[2]) ? 3 : 1;
  return rest.substr(q, rest.size() - 2 * q);
}

}  // namespace

// Accumulates literal pieces and formatted values of one concatenation or format spec.
struct Parser::StringBuilder {
  std::string pending;
  bool has_pending = false;
  bool pending_u = false;  // the run of literal pieces starts with a u"" string
  uint32_t begin = 0;
  uint32_t end = 0;
  std::vector<Node*> values;
};

void Parser::AddPiece(StringBuilder* sb, std::string_view value, uint32_t begin, uint32_t end) {
  if (value.empty()) return;
  if (!sb->has_pending) {
    sb->has_pending = true;
    sb->begin = begin;
  }
  sb->pending.append(value);
  sb->end = end;
}

void Parser::FlushPieces(StringBuilder* sb) {
  if (!sb->has_pending) return;
  if (sb->pending.empty()) {
    sb->has_pending = false;
    sb->pending_u = false;
    return;
  }
  auto* c = static_cast<ast::Constant*>(arena_.Allocate(sizeof(ast::Constant)));
  c->kind = ast::ConstKind::kStr;
  c->text = StrOf(sb->pending);
  Node* n = New(Kind::Constant, sb->begin, sb->end);
  n->fields[ast::ConstantFields::value].constant = c;
  if (sb->pending_u) n->fields[ast::ConstantFields::kind].str = StrOf("u");
  sb->pending_u = false;
  sb->values.push_back(n);
  sb->pending.clear();
  sb->has_pending = false;
}

Node* Parser::ParseNumber() {
  const Token& t = Cur();
  Advance();
  lex::NumberValue v;
  std::string err;
  if (!lex::ParseNumber(Text(t), &v, &err)) {
    FailRange(t.begin, err);
    error_.offset = 0;  // CPython raises this from the literal's value, without a column
    return nullptr;
  }
  auto* c = static_cast<ast::Constant*>(arena_.Allocate(sizeof(ast::Constant)));
  switch (v.kind) {
    case lex::NumberKind::kInt:
      c->kind = ast::ConstKind::kInt;
      c->text = StrOf(v.decimal);
      break;
    case lex::NumberKind::kFloat:
      c->kind = ast::ConstKind::kFloat;
      c->number = v.number;
      break;
    case lex::NumberKind::kImaginary:
      c->kind = ast::ConstKind::kComplex;
      c->number = v.number;
      break;
  }
  Node* n = New(Kind::Constant, t.begin, t.end);
  n->fields[ast::ConstantFields::value].constant = c;
  return n;
}

Node* Parser::FailUndecodable(uint32_t begin, const std::string& message) {
  // Raised from the literal's token, which is the last one CPython's parser fetched.
  FailRange(begin, message);
  error_token_ = pos_ - 1;
  furthest_exact_ = true;
  return nullptr;
}

Node* Parser::ParseStrings() {
  const Token& first = Cur();
  // Fast path: one plain string literal.
  // (The token after it is looked at without PeekK: CPython decodes a literal as soon as it has
  // its token, so a literal it cannot decode stops its parser before the next token.)
  const TokenKind next = LookK(1);
  if (first.kind == TokenKind::kString && next != TokenKind::kString &&
      next != TokenKind::kFStringStart) {
    Advance();
    std::string_view tok = Text(first);
    Prefix p = ReadPrefix(tok);
    std::string_view body = Body(tok, p.letters);
    lex::LiteralError lerr;
    buf_.clear();
    bool ok = p.bytes ? lex::DecodeBytesLiteral(body, p.raw, &buf_, &lerr)
                      : lex::DecodeStrLiteral(body, p.raw, &buf_, &lerr);
    if (!ok) return FailUndecodable(first.begin, lerr.message);
    max_peek_ = std::max(max_peek_, pos_);
    auto* c = static_cast<ast::Constant*>(arena_.Allocate(sizeof(ast::Constant)));
    c->kind = p.bytes ? ast::ConstKind::kBytes : ast::ConstKind::kStr;
    c->text = StrOf(buf_);
    Node* n = New(Kind::Constant, first.begin, first.end);
    n->fields[ast::ConstantFields::value].constant = c;
    if (p.kind_u) n->fields[ast::ConstantFields::kind].str = StrOf("u");
    return n;
  }
  StringBuilder sb;
  bool any_bytes = false, any_str = false, any_f = false;
  bool first_u = false;
  size_t first_index = pos_;
  std::string decoded;
  while (K() == TokenKind::kString || K() == TokenKind::kFStringStart) {
    const Token& t = Cur();
    if (t.kind == TokenKind::kString) {
      Advance();
      std::string_view tok = Text(t);
      Prefix p = ReadPrefix(tok);
      if (pos_ - 1 == first_index) first_u = p.kind_u;
      std::string_view body = Body(tok, p.letters);
      lex::LiteralError lerr;
      decoded.clear();
      bool ok = p.bytes ? lex::DecodeBytesLiteral(body, p.raw, &decoded, &lerr)
                        : lex::DecodeStrLiteral(body, p.raw, &decoded, &lerr);
      if (!ok) return FailUndecodable(t.begin, lerr.message);
      (p.bytes ? any_bytes : any_str) = true;
      if (any_bytes && (any_str || any_f)) continue;  // reported after the last piece
      if (p.bytes) {
        // Bytes concatenate verbatim (empty pieces included).
        if (!sb.has_pending) {
          sb.has_pending = true;
          sb.begin = t.begin;
        }
        sb.pending.append(decoded);
        sb.end = t.end;
      } else {
        // A plain string starts a run of literal text even when empty (its position counts).
        if (!sb.has_pending) {
          sb.has_pending = true;
          sb.begin = t.begin;
          sb.pending_u = p.kind_u;
        }
        sb.pending.append(decoded);
        sb.end = t.end;
      }
    } else {
      any_f = true;
      if (!ParseFString(&sb)) return nullptr;
    }
  }
  // CPython decodes (and parses) every piece as it comes, so a piece it cannot decode is
  // reported first; mixing is found when the pieces are joined, at the token after the last.
  if (any_bytes && (any_str || any_f)) {
    return FailAt(pos_, "cannot mix bytes and nonbytes literals");
  }
  uint32_t end = PrevEnd();
  if (!any_f) {
    auto* c = static_cast<ast::Constant*>(arena_.Allocate(sizeof(ast::Constant)));
    c->kind = any_bytes ? ast::ConstKind::kBytes : ast::ConstKind::kStr;
    c->text = StrOf(sb.pending);
    Node* n = New(Kind::Constant, first.begin, end);
    n->fields[ast::ConstantFields::value].constant = c;
    if (first_u) n->fields[ast::ConstantFields::kind].str = StrOf("u");
    return n;
  }
  FlushPieces(&sb);
  Node* j = New(Kind::JoinedStr, first.begin, end);
  ast::List* l = ast::NewList(arena_, static_cast<uint32_t>(sb.values.size()));
  for (size_t i = 0; i < sb.values.size(); ++i) l->items[i].node = sb.values[i];
  j->fields[ast::JoinedStrFields::values].list = l;
  return j;
}

// One f-string from FSTRING_START to FSTRING_END, its parts added to `sb`.
bool Parser::ParseFString(StringBuilder* sb) {
  const Token& start = Cur();
  Prefix p = ReadPrefix(Text(start));
  Advance();
  std::string decoded;
  for (;;) {
    const Token& t = Cur();
    switch (t.kind) {
      case TokenKind::kFStringMiddle: {
        Advance();
        if (!DecodeMiddle(t, p.raw, &decoded)) return false;
        AddPiece(sb, decoded, t.begin, t.end);
        break;
      }
      case TokenKind::kLBrace:
        if (!ParseReplacementField(sb, p.raw)) return false;
        break;
      case TokenKind::kFStringEnd:
        Advance();
        return true;
      default:
        Fail();
        return false;
    }
  }
}

// The text of an FSTRING_MIDDLE token, escapes processed. A middle may end in a backslash that
// precedes '{' or '}' in the source; CPython keeps that backslash as is.
bool Parser::DecodeMiddle(const Token& t, bool raw, std::string* out) {
  std::string_view body = Text(t);
  if (t.flags & lex::kTokenEscapedBrace) body.remove_suffix(1);
  out->clear();
  lex::LiteralError lerr;
  size_t trailing = 0;
  while (trailing < body.size() && body[body.size() - 1 - trailing] == '\\') ++trailing;
  bool odd = (trailing % 2) == 1;
  std::string_view main = odd ? body.substr(0, body.size() - 1) : body;
  if (!lex::DecodeStrLiteral(main, raw, out, &lerr)) {
    FailRange(t.begin, lerr.message);
    return false;
  }
  if (odd) out->push_back('\\');
  return true;
}

// '{' (yield_expr | star_expressions) ['='] ['!' NAME] [':' spec] '}'
bool Parser::ParseReplacementField(StringBuilder* sb, bool raw) {
  const Token& open = Cur();
  Advance();
  ++fstring_depth_;
  struct Leave {
    Parser* p;
    ~Leave() { --p->fstring_depth_; }
  } leave{this};
  DepthGuard guard(this);
  if (depth_ > kMaxRecursion) return TooComplex() != nullptr;
  if (K() == TokenKind::kRBrace) {
    FailAt(pos_, "f-string: valid expression required before '}'");
    return false;
  }
  if (K() == TokenKind::kLambda) {
    FailAt(pos_, "f-string: lambda expressions are not allowed without parentheses");
    return false;
  }
  if (K() == TokenKind::kEqual || K() == TokenKind::kExclamation || K() == TokenKind::kColon) {
    FailAt(pos_, std::string("f-string: valid expression required before '") +
                     lex::TokenKindName(K()) + "'");
    return false;
  }
  if (!CanStartExpressionToken(K()) && K() != TokenKind::kYield) {
    FailAt(pos_, "f-string: expecting a valid expression after '{'");
    return false;
  }
  size_t value_tok = pos_;
  Node* value = K() == TokenKind::kYield ? ParseYield() : ParseStarExpressions();
  if (value == nullptr) {
    // An operator left without its operand (`{a.}`, `{a + }`): CPython's PEG parser backtracks
    // to the expression before the operator, which the operator cannot follow in a field; with
    // only prefix operators (`{-}`, `{not not}`) there is no expression after the '{' at all.
    auto is_prefix = [](TokenKind k) {
      return k == TokenKind::kMinus || k == TokenKind::kPlus || k == TokenKind::kTilde ||
             k == TokenKind::kNot || k == TokenKind::kStar || k == TokenKind::kAwait;
    };
    bool only_prefix = FailedGenerically() && error_token_ > value_tok;
    for (size_t i = value_tok; only_prefix && i < error_token_; ++i) {
      only_prefix = is_prefix(tokens_[i].kind);
    }
    if (only_prefix) {
      RefineGenericFailure(value_tok, "f-string: expecting a valid expression after '{'");
    } else if (FailedGenerically() && error_token_ > value_tok + 1) {
      const TokenKind op = tokens_[error_token_ - 1].kind;
      const bool comparison = op == TokenKind::kLess || op == TokenKind::kGreater ||
                              op == TokenKind::kEqEqual || op == TokenKind::kNotEqual ||
                              op == TokenKind::kLessEqual || op == TokenKind::kGreaterEqual;
      if (BinPrec(op) != 0 || op == TokenKind::kDot || op == TokenKind::kDoubleStar || comparison) {
        RefineGenericFailure(error_token_ - 1, "f-string: expecting '=', or '!', or ':', or '}'");
      }
    }
    return false;
  }
  bool debug = false;
  uint32_t debug_end = 0;
  TokenKind k = K();
  if (k != TokenKind::kEqual && k != TokenKind::kExclamation && k != TokenKind::kColon &&
      k != TokenKind::kRBrace) {
    // Another expression: CPython's invalid_expression as anywhere else (soft keywords, `print`,
    // a name before a string); where it does not apply, the field's own rule.
    const size_t next = pos_;
    if (CanStartExpressionToken(k)) FailComma(value);
    if (!failed_) {
      FailAt(next, "f-string: expecting '=', or '!', or ':', or '}'");
    } else {
      RefineGenericFailure(next, "f-string: expecting '=', or '!', or ':', or '}'");
    }
    return false;
  }
  if (K() == TokenKind::kEqual) {
    debug = true;
    Advance();
    debug_end = Cur().begin;
    if (K() != TokenKind::kExclamation && K() != TokenKind::kColon && K() != TokenKind::kRBrace) {
      FailAt(pos_, "f-string: expecting '!', or ':', or '}'");
      return false;
    }
  }
  int64_t conversion = -1;
  if (K() == TokenKind::kExclamation) {
    const Token& bang = Cur();
    Advance();
    if (K() != TokenKind::kName) {
      FailAt(pos_, (K() == TokenKind::kColon || K() == TokenKind::kRBrace)
                       ? "f-string: missing conversion character"
                       : "f-string: invalid conversion character");
      return false;
    }
    if (Cur().begin != bang.end) {
      FailAt(pos_ - 1, "f-string: conversion type must come right after the exclamanation mark");
      return false;
    }
    std::string_view conv = Text(Cur());
    if (conv != "s" && conv != "r" && conv != "a") {
      FailAt(pos_, "f-string: invalid conversion character '" + std::string(conv) +
                       "': expected 's', 'r', or 'a'");
      return false;
    }
    conversion = static_cast<unsigned char>(conv[0]);
    Advance();
    if (K() != TokenKind::kColon && K() != TokenKind::kRBrace) {
      FailAt(pos_, "f-string: expecting ':' or '}'");
      return false;
    }
  }
  Node* spec = nullptr;
  if (K() == TokenKind::kColon) {
    const Token& colon = Cur();
    Advance();
    StringBuilder spec_sb;
    std::string decoded;
    for (;;) {
      const Token& t = Cur();
      if (t.kind == TokenKind::kFStringMiddle) {
        Advance();
        if (!DecodeMiddle(t, raw, &decoded)) return false;
        AddPiece(&spec_sb, decoded, t.begin, t.end);
      } else if (t.kind == TokenKind::kLBrace) {
        if (!ParseReplacementField(&spec_sb, raw)) return false;
      } else {
        break;
      }
    }
    FlushPieces(&spec_sb);
    spec = New(Kind::JoinedStr, colon.begin, PrevEnd());
    ast::List* l = ast::NewList(arena_, static_cast<uint32_t>(spec_sb.values.size()));
    for (size_t i = 0; i < spec_sb.values.size(); ++i) l->items[i].node = spec_sb.values[i];
    spec->fields[ast::JoinedStrFields::values].list = l;
  }
  if (K() != TokenKind::kRBrace) {
    FailAt(pos_, spec != nullptr ? "f-string: expecting '}', or format specs"
                                 : "f-string: expecting '}'");
    return false;
  }
  Advance();
  if (debug) {
    std::string_view text = text_.substr(open.end, debug_end - open.end);
    if (text.find('#') != std::string_view::npos) {
      // CPython drops comments from the debug text, keeping their newlines.
      std::string cleaned;
      for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '#') {
          while (i < text.size() && text[i] != '\n') ++i;
          if (i < text.size()) cleaned.push_back('\n');
        } else {
          cleaned.push_back(text[i]);
        }
      }
      AddPiece(sb, cleaned, open.end, debug_end);
    } else {
      AddPiece(sb, text, open.end, debug_end);
    }
    if (conversion == -1 && spec == nullptr) conversion = 'r';
  }
  FlushPieces(sb);
  Node* fv = New(Kind::FormattedValue, open.begin, PrevEnd());
  fv->fields[ast::FormattedValueFields::value].node = value;
  SetInt(fv, ast::FormattedValueFields::conversion, conversion);
  fv->fields[ast::FormattedValueFields::format_spec].node = spec;
  sb->values.push_back(fv);
  return true;
}

}  // namespace ast2graph::parse
