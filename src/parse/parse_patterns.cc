// match-statement patterns (PEP 634), as CPython 3.13's grammar builds them.
#include "parse/parser.h"

namespace ast2graph::parse {

using ast::Singleton;

namespace {

bool CanStartPattern(TokenKind k) {
  switch (k) {
    case TokenKind::kName:
    case TokenKind::kNumber:
    case TokenKind::kString:
    case TokenKind::kFStringStart:
    case TokenKind::kMinus:
    case TokenKind::kStar:
    case TokenKind::kLPar:
    case TokenKind::kLSqb:
    case TokenKind::kLBrace:
    case TokenKind::kNone:
    case TokenKind::kTrue:
    case TokenKind::kFalse:
      return true;
    default:
      return false;
  }
}

}  // namespace

// patterns: open_sequence_pattern | pattern
Node* Parser::ParsePatterns() {
  uint32_t begin = Cur().begin;
  Node* p = ParseMaybeStarPattern();
  if (p == nullptr) return nullptr;
  if (K() != TokenKind::kComma) {
    if (p->kind == Kind::MatchStar) return FailNode(p, "invalid syntax");
    return p;
  }
  size_t mark = scratch_.size();
  scratch_.push_back(p);
  while (Accept(TokenKind::kComma)) {
    if (!CanStartPattern(K())) break;
    Node* e = ParseMaybeStarPattern();
    if (e == nullptr) {
      scratch_.resize(mark);
      return nullptr;
    }
    scratch_.push_back(e);
  }
  Node* s = New(Kind::MatchSequence, begin, PrevEnd());
  s->fields[ast::MatchSequenceFields::patterns].list = TakeList(mark);
  return s;
}

Node* Parser::ParseMaybeStarPattern() {
  if (K() == TokenKind::kStar) return ParseStarPattern();
  return ParsePattern();
}

Node* Parser::ParseStarPattern() {
  const Token& star = Cur();
  Advance();
  if (K() != TokenKind::kName) return Fail();
  const Token& n = Cur();
  Advance();
  Node* s = New(Kind::MatchStar, star.begin, n.end);
  if (!IsSoftAt(pos_ - 1, "_")) s->fields[ast::MatchStarFields::name].str = Ident(n);
  return s;
}

// pattern: or_pattern ['as' NAME]
Node* Parser::ParsePattern() {
  DepthGuard guard(this);
  if (depth_ > kMaxRecursion) return TooComplex();
  uint32_t begin = Cur().begin;
  Node* p = ParseOrPattern();
  if (p == nullptr) return nullptr;
  while (K() == TokenKind::kAs) {
    Advance();
    if (K() != TokenKind::kName) return FailAt(pos_, "invalid pattern target");
    if (IsSoft("_")) return FailAt(pos_, "cannot use '_' as a target");
    const Token& n = Cur();
    Advance();
    if (K() == TokenKind::kDot || K() == TokenKind::kLPar || K() == TokenKind::kEqual) return Fail();
    Node* a = New(Kind::MatchAs, begin, n.end);
    a->fields[ast::MatchAsFields::pattern].node = p;
    a->fields[ast::MatchAsFields::name].str = Ident(n);
    p = a;
    break;
  }
  return p;
}

Node* Parser::ParseOrPattern() {
  uint32_t begin = Cur().begin;
  Node* first = ParseClosedPattern();
  if (first == nullptr) return nullptr;
  if (K() != TokenKind::kVBar) return first;
  size_t mark = scratch_.size();
  scratch_.push_back(first);
  while (Accept(TokenKind::kVBar)) {
    Node* p = ParseClosedPattern();
    if (p == nullptr) {
      scratch_.resize(mark);
      return nullptr;
    }
    scratch_.push_back(p);
  }
  Node* o = New(Kind::MatchOr, begin, PrevEnd());
  o->fields[ast::MatchOrFields::patterns].list = TakeList(mark);
  return o;
}

// signed_number: NUMBER | '-' NUMBER, then an optional ('+'|'-') imaginary part.
Node* Parser::ParseSignedNumber() {
  Node* value;
  if (K() == TokenKind::kMinus) {
    const Token& m = Cur();
    Advance();
    if (K() != TokenKind::kNumber) return Fail();
    Node* num = ParseNumber();
    if (num == nullptr) return nullptr;
    value = New(Kind::UnaryOp, m.begin, num->end);
    SetInt(value, ast::UnaryOpFields::op, Sing(Singleton::USub));
    value->fields[ast::UnaryOpFields::operand].node = num;
  } else {
    value = ParseNumber();
    if (value == nullptr) return nullptr;
  }
  if (K() == TokenKind::kPlus || K() == TokenKind::kMinus) {
    Singleton op = K() == TokenKind::kPlus ? Singleton::Add : Singleton::Sub;
    Advance();
    if (K() != TokenKind::kNumber) return Fail();
    Node* imag = ParseNumber();
    if (imag == nullptr) return nullptr;
    const ast::Constant* c = imag->fields[ast::ConstantFields::value].constant;
    if (c->kind != ast::ConstKind::kComplex) return FailNode(imag, "imaginary number required in complex literal");
    const Node* real = value->kind == Kind::UnaryOp ? value->fields[ast::UnaryOpFields::operand].node : value;
    if (real->fields[ast::ConstantFields::value].constant->kind == ast::ConstKind::kComplex) {
      return FailNode(real, "real number required in complex literal");
    }
    Node* b = New(Kind::BinOp, value->begin, imag->end);
    b->fields[ast::BinOpFields::left].node = value;
    SetInt(b, ast::BinOpFields::op, Sing(op));
    b->fields[ast::BinOpFields::right].node = imag;
    value = b;
  }
  return value;
}

// A literal as an expression (values and mapping keys); *is_singleton for None/True/False.
Node* Parser::ParseLiteralExprForPattern(bool* is_singleton) {
  *is_singleton = false;
  switch (K()) {
    case TokenKind::kNumber:
    case TokenKind::kMinus:
      return ParseSignedNumber();
    case TokenKind::kString:
    case TokenKind::kFStringStart: {
      Node* s = ParseStrings();
      if (s == nullptr) return nullptr;
      if (s->kind == Kind::JoinedStr) {
        return FailNode(s, "patterns may only match literals and attribute lookups");
      }
      return s;
    }
    case TokenKind::kNone:
    case TokenKind::kTrue:
    case TokenKind::kFalse:
      *is_singleton = true;
      return ParseAtom();
    default:
      return Fail();
  }
}

// NAME ('.' NAME)*  as Name / Attribute chain (Load).
Node* Parser::ParseNameOrAttr() {
  Node* e = NameNode(Cur(), Singleton::Load);
  Advance();
  while (K() == TokenKind::kDot) {
    Advance();
    if (K() != TokenKind::kName) return Fail();
    const Token& n = Cur();
    Advance();
    Node* a = New(Kind::Attribute, e->begin, n.end);
    a->fields[ast::AttributeFields::value].node = e;
    a->fields[ast::AttributeFields::attr].str = Ident(n);
    e = a;
  }
  return e;
}

Node* Parser::ParseClosedPattern() {
  const Token& t = Cur();
  switch (t.kind) {
    case TokenKind::kNumber:
    case TokenKind::kMinus:
    case TokenKind::kString:
    case TokenKind::kFStringStart: {
      bool singleton;
      Node* v = ParseLiteralExprForPattern(&singleton);
      if (v == nullptr) return nullptr;
      Node* m = New(Kind::MatchValue, v->begin, v->end);
      m->fields[ast::MatchValueFields::value].node = v;
      return m;
    }
    case TokenKind::kNone:
    case TokenKind::kTrue:
    case TokenKind::kFalse: {
      Advance();
      auto* c = static_cast<ast::Constant*>(arena_.Allocate(sizeof(ast::Constant)));
      c->kind = t.kind == TokenKind::kTrue    ? ast::ConstKind::kTrue
                : t.kind == TokenKind::kFalse ? ast::ConstKind::kFalse
                                              : ast::ConstKind::kNone;
      Node* m = New(Kind::MatchSingleton, t.begin, t.end);
      m->fields[ast::MatchSingletonFields::value].constant = c;
      return m;
    }
    case TokenKind::kName: {
      TokenKind next = PeekK(1);
      if (next != TokenKind::kDot && next != TokenKind::kLPar) {
        Advance();
        Node* m = New(Kind::MatchAs, t.begin, t.end);
        if (!IsSoftAt(pos_ - 1, "_")) m->fields[ast::MatchAsFields::name].str = Ident(t);
        return m;
      }
      Node* e = ParseNameOrAttr();
      if (e == nullptr) return nullptr;
      if (K() == TokenKind::kLPar) return ParseClassPattern(e);
      Node* m = New(Kind::MatchValue, e->begin, e->end);
      m->fields[ast::MatchValueFields::value].node = e;
      return m;
    }
    case TokenKind::kLPar: {
      Advance();
      if (K() == TokenKind::kRPar) {
        Advance();
        return New(Kind::MatchSequence, t.begin, PrevEnd());
      }
      Node* p = ParseMaybeStarPattern();
      if (p == nullptr) return nullptr;
      if (K() == TokenKind::kRPar && p->kind != Kind::MatchStar) {
        Advance();
        return p;  // group pattern keeps the inner position
      }
      if (K() == TokenKind::kRPar) {
        return Fail();
      }
      if (K() != TokenKind::kComma) return Fail();
      size_t mark = scratch_.size();
      scratch_.push_back(p);
      while (Accept(TokenKind::kComma)) {
        if (K() == TokenKind::kRPar) break;
        Node* e = ParseMaybeStarPattern();
        if (e == nullptr) {
          scratch_.resize(mark);
          return nullptr;
        }
        scratch_.push_back(e);
      }
      if (!Accept(TokenKind::kRPar)) {
        scratch_.resize(mark);
        return Fail();
      }
      Node* s = New(Kind::MatchSequence, t.begin, PrevEnd());
      s->fields[ast::MatchSequenceFields::patterns].list = TakeList(mark);
      return s;
    }
    case TokenKind::kLSqb: {
      Advance();
      size_t mark = scratch_.size();
      while (K() != TokenKind::kRSqb) {
        Node* e = ParseMaybeStarPattern();
        if (e == nullptr) {
          scratch_.resize(mark);
          return nullptr;
        }
        scratch_.push_back(e);
        if (!Accept(TokenKind::kComma)) break;
      }
      if (!Accept(TokenKind::kRSqb)) {
        scratch_.resize(mark);
        return Fail();
      }
      Node* s = New(Kind::MatchSequence, t.begin, PrevEnd());
      s->fields[ast::MatchSequenceFields::patterns].list = TakeList(mark);
      return s;
    }
    case TokenKind::kLBrace:
      return ParseMappingPattern();
    default:
      return Fail();
  }
}

Node* Parser::ParseMappingPattern() {
  const Token& open = Cur();
  Advance();
  size_t mark = scratch_.size();
  const ast::Str* rest = nullptr;
  auto fail = [&]() -> Node* {
    scratch_.resize(mark);
    return nullptr;
  };
  while (K() != TokenKind::kRBrace) {
    if (K() == TokenKind::kDoubleStar) {
      Advance();
      if (K() != TokenKind::kName) {
        Fail();
        return fail();
      }
      rest = Ident(Cur());
      Advance();
      Accept(TokenKind::kComma);
      if (K() != TokenKind::kRBrace) {
        Fail();
        return fail();
      }
      break;
    }
    Node* key;
    if (K() == TokenKind::kName) {
      if (PeekK(1) != TokenKind::kDot) {
        Fail();
        return fail();
      }
      key = ParseNameOrAttr();
    } else {
      bool singleton;
      key = ParseLiteralExprForPattern(&singleton);
    }
    if (key == nullptr) return fail();
    if (!Accept(TokenKind::kColon)) {
      Fail();
      return fail();
    }
    Node* p = ParsePattern();
    if (p == nullptr) return fail();
    scratch_.push_back(key);
    scratch_.push_back(p);
    if (!Accept(TokenKind::kComma)) break;
  }
  if (!Accept(TokenKind::kRBrace)) {
    Fail();
    return fail();
  }
  uint32_t n = static_cast<uint32_t>((scratch_.size() - mark) / 2);
  ast::List* keys = ast::NewList(arena_, n);
  ast::List* patterns = ast::NewList(arena_, n);
  for (uint32_t i = 0; i < n; ++i) {
    keys->items[i].node = scratch_[mark + 2 * i];
    patterns->items[i].node = scratch_[mark + 2 * i + 1];
  }
  scratch_.resize(mark);
  Node* m = New(Kind::MatchMapping, open.begin, PrevEnd());
  m->fields[ast::MatchMappingFields::keys].list = keys;
  m->fields[ast::MatchMappingFields::patterns].list = patterns;
  m->fields[ast::MatchMappingFields::rest].str = rest;
  return m;
}

Node* Parser::ParseClassPattern(Node* cls) {
  Advance();  // (
  size_t mark = scratch_.size();
  size_t smark = str_scratch_.size();
  std::vector<Node*> kwd_patterns;
  auto fail = [&]() -> Node* {
    scratch_.resize(mark);
    str_scratch_.resize(smark);
    return nullptr;
  };
  while (K() != TokenKind::kRPar) {
    if (K() == TokenKind::kName && PeekK(1) == TokenKind::kEqual) {
      str_scratch_.push_back(Ident(Cur()));
      Advance();
      Advance();
      Node* p = ParsePattern();
      if (p == nullptr) return fail();
      kwd_patterns.push_back(p);
    } else {
      Node* p = ParsePattern();
      if (p == nullptr) return fail();
      if (!kwd_patterns.empty()) {
        FailNode(p, "positional patterns follow keyword patterns");
        return fail();
      }
      scratch_.push_back(p);
    }
    if (!Accept(TokenKind::kComma)) break;
  }
  if (!Accept(TokenKind::kRPar)) {
    Fail();
    return fail();
  }
  Node* m = New(Kind::MatchClass, cls->begin, PrevEnd());
  m->fields[ast::MatchClassFields::cls].node = cls;
  m->fields[ast::MatchClassFields::patterns].list = TakeList(mark);
  m->fields[ast::MatchClassFields::kwd_attrs].list = TakeStrList(smark);
  ast::List* kp = ast::NewList(arena_, static_cast<uint32_t>(kwd_patterns.size()));
  for (size_t i = 0; i < kwd_patterns.size(); ++i) kp->items[i].node = kwd_patterns[i];
  m->fields[ast::MatchClassFields::kwd_patterns].list = kp;
  return m;
}

}  // namespace ast2graph::parse
