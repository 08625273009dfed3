#include "parse/parser.h"

#include <cstring>

#include "lex/unicode.h"

namespace ast2graph::parse {

using ast::Singleton;

bool CanStartExpressionToken(TokenKind k) {
  switch (k) {
    case TokenKind::kName:
    case TokenKind::kNumber:
    case TokenKind::kString:
    case TokenKind::kFStringStart:
    case TokenKind::kLPar:
    case TokenKind::kLSqb:
    case TokenKind::kLBrace:
    case TokenKind::kMinus:
    case TokenKind::kPlus:
    case TokenKind::kTilde:
    case TokenKind::kStar:
    case TokenKind::kNot:
    case TokenKind::kLambda:
    case TokenKind::kAwait:
    case TokenKind::kTrue:
    case TokenKind::kFalse:
    case TokenKind::kNone:
    case TokenKind::kEllipsis:
      return true;
    default:
      return false;
  }
}

namespace {

inline bool CanStartExpression(TokenKind k) { return CanStartExpressionToken(k); }

inline Singleton BinOpOf(TokenKind k) {
  switch (k) {
    case TokenKind::kVBar:
      return Singleton::BitOr;
    case TokenKind::kCircumFlex:
      return Singleton::BitXor;
    case TokenKind::kAmper:
      return Singleton::BitAnd;
    case TokenKind::kLeftShift:
      return Singleton::LShift;
    case TokenKind::kRightShift:
      return Singleton::RShift;
    case TokenKind::kPlus:
      return Singleton::Add;
    case TokenKind::kMinus:
      return Singleton::Sub;
    case TokenKind::kStar:
      return Singleton::Mult;
    case TokenKind::kSlash:
      return Singleton::Div;
    case TokenKind::kDoubleSlash:
      return Singleton::FloorDiv;
    case TokenKind::kPercent:
      return Singleton::Mod;
    default:
      return Singleton::MatMult;
  }
}

// Augmented assignment operator, or kCount if `k` is not one.
inline Singleton AugOpOf(TokenKind k) {
  switch (k) {
    case TokenKind::kPlusEqual:
      return Singleton::Add;
    case TokenKind::kMinEqual:
      return Singleton::Sub;
    case TokenKind::kStarEqual:
      return Singleton::Mult;
    case TokenKind::kAtEqual:
      return Singleton::MatMult;
    case TokenKind::kSlashEqual:
      return Singleton::Div;
    case TokenKind::kPercentEqual:
      return Singleton::Mod;
    case TokenKind::kAmperEqual:
      return Singleton::BitAnd;
    case TokenKind::kVBarEqual:
      return Singleton::BitOr;
    case TokenKind::kCircumflexEqual:
      return Singleton::BitXor;
    case TokenKind::kLeftShiftEqual:
      return Singleton::LShift;
    case TokenKind::kRightShiftEqual:
      return Singleton::RShift;
    case TokenKind::kDoubleStarEqual:
      return Singleton::Pow;
    case TokenKind::kDoubleSlashEqual:
      return Singleton::FloorDiv;
    default:
      return Singleton::kCount;
  }
}

}  // namespace

Parser::Parser(std::string_view text, const std::vector<Token>& tokens, ast::Arena& arena,
               const ParseOptions& options)
    : text_(text), tokens_(tokens), arena_(arena), options_(options) {
  scratch_.reserve(256);
}

// ---------------------------------------------------------------------------------------------
// Infrastructure

bool Parser::IsSoft(const char* word) const { return IsSoftAt(pos_, word); }

size_t Parser::TokenAt(uint32_t begin) const {
  auto it = std::lower_bound(tokens_.begin(), tokens_.end(), begin,
                             [](const Token& t, uint32_t b) { return t.begin < b; });
  return static_cast<size_t>(it - tokens_.begin());
}

bool Parser::IsSoftAt(size_t i, const char* word) const {
  if (i >= tokens_.size() || tokens_[i].kind != TokenKind::kName) return false;
  const Token& t = tokens_[i];
  size_t n = std::strlen(word);
  return t.end - t.begin == n && std::memcmp(text_.data() + t.begin, word, n) == 0;
}

Node* Parser::New(Kind kind, uint32_t begin, uint32_t end) {
  ++node_count_;
  if (options_.max_nodes != 0 && node_count_ > options_.max_nodes && !failed_) {
    too_many_nodes_ = true;
    failed_ = true;
    error_.kind = ParseErrorKind::kTooManyNodes;
    error_.message = "too many AST nodes (more than " + std::to_string(options_.max_nodes) + ")";
    error_.lineno = lex::LineOf(text_, begin);
    error_.offset = lex::CharColumn(text_, begin);
    error_token_ = pos_;
  }
  return ast::NewNode(arena_, kind, begin, end);
}

ast::List* Parser::TakeList(size_t mark) {
  uint32_t n = static_cast<uint32_t>(scratch_.size() - mark);
  ast::List* list = ast::NewList(arena_, n);
  for (uint32_t i = 0; i < n; ++i) list->items[i].node = scratch_[mark + i];
  scratch_.resize(mark);
  return list;
}

ast::List* Parser::TakeStrList(size_t mark) {
  uint32_t n = static_cast<uint32_t>(str_scratch_.size() - mark);
  ast::List* list = ast::NewList(arena_, n);
  for (uint32_t i = 0; i < n; ++i) list->items[i].str = str_scratch_[mark + i];
  str_scratch_.resize(mark);
  return list;
}

const ast::Str* Parser::Ident(const Token& t) {
  std::string_view s = Text(t);
  if (t.flags & lex::kTokenNonAscii) return ast::NewStr(arena_, lex::NormalizeIdentifier(s));
  return ast::NewStr(arena_, s);
}

Node* Parser::NameNode(const Token& t, Singleton ctx) {
  Node* n = New(Kind::Name, t.begin, t.end);
  n->fields[ast::NameFields::id].str = Ident(t);
  SetInt(n, ast::NameFields::ctx, Sing(ctx));
  return n;
}

Node* Parser::FailRange(uint32_t begin, const std::string& message, bool /*indentation*/) {
  if (failed_) return nullptr;
  failed_ = true;
  error_.kind = ParseErrorKind::kSyntax;
  error_.message = message;
  error_.lineno = lex::LineOf(text_, begin);
  error_.offset = lex::CharColumn(text_, begin);
  error_token_ = pos_;
  return nullptr;
}

Node* Parser::FailAt(size_t token_index, const std::string& message) {
  if (failed_) return nullptr;
  if (token_index >= tokens_.size()) token_index = tokens_.size() - 1;
  const Token& t = tokens_[token_index];
  failed_ = true;
  error_.kind = ParseErrorKind::kSyntax;
  error_.message = message;
  error_.lineno = lex::LineOf(text_, t.begin);
  error_.offset = lex::CharColumn(text_, t.begin);
  if (t.flags & lex::kTokenDedentLine) error_.offset -= 1;  // CPython: no +1 for INDENT/DEDENT
  if (t.begin == text_.size() && !text_.empty() && text_.back() == '\n' &&
      t.kind != TokenKind::kNewline) {
    // Tokens at the end of the file: CPython locates them at the end of the last line.
    uint32_t last = static_cast<uint32_t>(text_.size() - 1);
    error_.lineno = lex::LineOf(text_, last);
    error_.offset = lex::CharColumn(text_, last);
  }
  error_token_ = token_index;
  return nullptr;
}

Node* Parser::Fail() {
  if (failed_) return nullptr;
  switch (K()) {
    case TokenKind::kIndent:
      indentation_error_ = true;
      return FailAt(pos_, "unexpected indent");
    case TokenKind::kDedent:
      indentation_error_ = true;
      return FailAt(pos_, "unexpected unindent");
    default: {
      // CPython reports "invalid syntax" at the furthest token its parser fetched.
      size_t at = max_peek_ > pos_ ? max_peek_ : pos_;
      if (at >= tokens_.size()) at = tokens_.size() - 1;
      return FailAt(at, kInvalidSyntax);
    }
  }
}

void Parser::RefineGenericFailure(size_t token_index, const std::string& message) {
  if (!FailedGenerically()) return;
  failed_ = false;
  FailAt(token_index, message);
}

Node* Parser::Expect(TokenKind k) {
  if (K() == k) {
    Advance();
    return reinterpret_cast<Node*>(1);  // any non-null value
  }
  if (k == TokenKind::kColon && K() == TokenKind::kNewline) return FailAt(pos_, "expected ':'");
  return Fail();
}

bool Parser::FailLegacyCall(const Node* e) {
  // CPython's invalid_legacy_expression: `print` or `exec` alone as an expression, followed by
  // another expression (`print "x"`), wherever an expression is parsed.
  if (failed_ || e->kind != Kind::Name || !CanStartExpression(K())) return false;
  std::string_view id = e->fields[ast::NameFields::id].str->view();
  if (id != "print" && id != "exec") return false;
  FailRange(e->begin, "Missing parentheses in call to '" + std::string(id) + "'. Did you mean " +
                          std::string(id) + "(...)?");
  return true;
}

bool Parser::FailInBraceAfter() {
  // An expression followed by '{': CPython's second pass tries its comprehension rules
  // (invalid_comprehension: '{' starred_expression ...) there, which parse the first element as
  // an `expression` with the invalid_ rules on; what that raises is reported (`x {a b}`: the
  // comma hint at `a`).
  if (K() != TokenKind::kLBrace) return false;
  bool raised = false;
  ProbeRaising([&] {
    Advance();
    if (K() == TokenKind::kStar) Advance();
    const Node* e = ParseExpression();
    if (e != nullptr && CanStartExpression(K())) FailComma(e);
    raised = failed_ && !FailedGenerically();  // what ProbeRaising keeps
    return false;
  });
  return raised;
}

Node* Parser::FailComma(const Node* prev) {
  if (failed_) return nullptr;
  if (FailLegacyCall(prev)) return nullptr;
  if (FailInBraceAfter()) return nullptr;
  // invalid_expression starts with !(NAME STRING | SOFT_KEYWORD): no hint after `name "..."`
  // nor for an expression that begins with a soft keyword.
  if (prev->kind == Kind::Name && (K() == TokenKind::kString || K() == TokenKind::kFStringStart)) {
    // invalid_legacy_expression then parses what follows the name with the invalid_ rules on:
    // a string followed by yet another expression gets the hint from the string.
    const uint32_t string_begin = Cur().begin;
    bool juxtaposed = false;
    Probe([&] {
      juxtaposed = ParseExpression() != nullptr && CanStartExpression(K());
      if (juxtaposed) ParseExpression();  // invalid_expression parses that one too
      return juxtaposed;
    });
    if (!juxtaposed) return Fail();
    FailRange(string_begin, "invalid syntax. Perhaps you forgot a comma?");
    furthest_exact_ = true;
    return nullptr;
  }
  const size_t first = TokenAt(prev->begin);
  for (const char* kw : {"_", "match", "case", "type"}) {
    if (IsSoftAt(first, kw)) return Fail();
  }
  // CPython's invalid_expression matches `disjunction expression`: the hint starts at the last
  // disjunction of `prev` (a starred, walrus or lambda's operand), and a conditional expression
  // ends in no disjunction (its `else` part is an `expression`), so it gets the generic error.
  // A parenthesized node is an atom, a disjunction itself: it ends before the last token.
  const uint32_t end = PrevEnd();
  int if_depth = 0;
  for (;;) {
    if (prev->end != end) break;
    if (prev->kind == Kind::Starred) {
      prev = prev->fields[ast::StarredFields::value].node;
    } else if (prev->kind == Kind::NamedExpr) {
      prev = prev->fields[ast::NamedExprFields::value].node;
    } else if (prev->kind == Kind::Lambda) {
      prev = prev->fields[ast::LambdaFields::body].node;
    } else if (prev->kind == Kind::IfExp) {
      // The `else` part of the outermost conditional gets no hint unless parenthesized (CPython
      // parsed it without its invalid_ rules first and memoized that); nested ones do.
      const bool outermost = ++if_depth == 1;
      prev = prev->fields[ast::IfExpFields::orelse].node;
      if (outermost && prev->end == end && prev->kind != Kind::IfExp) return Fail();
    } else {
      break;
    }
  }
  // It parses the juxtaposed expression before it raises, so its parser has fetched the token
  // after it (which decides whether an unclosed bracket wins).
  FailRange(prev->begin, "invalid syntax. Perhaps you forgot a comma?");
  if (CanStartExpression(K())) ProbeExpression();
  furthest_exact_ = true;
  return nullptr;
}

Node* Parser::ExpectColonAfterExpression() {
  if (K() == TokenKind::kColon || !CanStartExpression(K())) return Expect(TokenKind::kColon);
  // Another expression where the ':' should be: CPython's second pass parses it
  // (invalid_expression), which decides whether an unclosed bracket in it wins.
  Fail();
  ProbeExpression();
  FailInBraceAfter();
  return nullptr;
}

Node* Parser::ExpectForcedColon() {
  // CPython's `&&':'` after try, finally and else: a forced token, raised in its first pass.
  if (K() == TokenKind::kColon) {
    Advance();
    return reinterpret_cast<Node*>(1);  // any non-null value
  }
  return FailAt(pos_, "expected ':'");
}

bool Parser::ProbeAfterEqual() {
  // CPython's invalid_named_expression matches `... '=' bitwise_or !('='|':=')`.
  return Probe([&] {
    Advance();  // '='
    const TokenKind first = K();
    Node* value = ParseBitOr(1);
    // A bitwise_or that fails part way matched a shorter prefix (PEG backtracking), followed by
    // an operator: no '=' or ':=' after it.
    return value != nullptr ? K() != TokenKind::kEqual && K() != TokenKind::kColonEqual
                            : first != TokenKind::kNot && first != TokenKind::kLambda;
  });
}

void Parser::ProbeExpression() {
  // CPython's second pass parses on after a juxtaposed expression (invalid_expression).
  Probe([&] { return ParseExpression() != nullptr; });
}

Node* Parser::TooComplex() {
  if (failed_) return nullptr;
  return FailAt(pos_, "Parser stack overflowed - Python source too complex to parse");
}

#define A2G_TRY(expr)                      \
  do {                                     \
    if ((expr) == nullptr) return nullptr; \
  } while (0)

// ---------------------------------------------------------------------------------------------
// Module and statements

Node* Parser::ParseModule() {
  size_t mark = scratch_.size();
  if (!ParseStatements(mark, false)) return nullptr;
  if (K() != TokenKind::kEndMarker) return Fail();
  Node* m = New(Kind::Module, 0, 0);
  m->fields[ast::ModuleFields::body].list = TakeList(mark);
  if (failed_) return nullptr;
  return m;
}

bool Parser::ParseStatements(size_t /*mark*/, bool until_dedent) {
  for (;;) {
    TokenKind k = K();
    if (k == TokenKind::kEndMarker) return true;
    if (until_dedent && k == TokenKind::kDedent) return true;
    if (!ParseStatement()) return false;
    if (failed_) return false;
  }
}

bool Parser::ParseStatement() {
  Node* s = nullptr;
  switch (K()) {
    case TokenKind::kIf:
      s = ParseIf();
      break;
    case TokenKind::kWhile:
      s = ParseWhile();
      break;
    case TokenKind::kFor:
      s = ParseFor(SIZE_MAX);
      break;
    case TokenKind::kTry:
      s = ParseTry();
      break;
    case TokenKind::kWith:
      s = ParseWith(SIZE_MAX);
      break;
    case TokenKind::kDef:
      s = ParseFuncDef(scratch_.size(), pos_, false);
      break;
    case TokenKind::kClass:
      s = ParseClassDef(scratch_.size(), pos_, false);
      break;
    case TokenKind::kAt:
      s = ParseDecorated();
      break;
    case TokenKind::kAsync:
      s = ParseAsync(scratch_.size(), false);
      break;
    case TokenKind::kIndent:
      Fail();
      return false;
    case TokenKind::kName:
      if (IsSoft("match") && LooksLikeMatch()) {
        s = ParseMatch();
        break;
      }
      return ParseSimpleStatements();
    default:
      return ParseSimpleStatements();
  }
  if (s == nullptr) return false;
  scratch_.push_back(s);
  return true;
}

bool Parser::ParseSimpleStatements() {
  for (;;) {
    Node* s = ParseSimpleStatement();
    if (s == nullptr) return false;
    scratch_.push_back(s);
    if (K() == TokenKind::kSemi) {
      Advance();
      if (K() == TokenKind::kNewline) break;
      continue;
    }
    if (K() == TokenKind::kNewline) break;
    // Refinements of "invalid syntax" on the failure path only.
    // The statement's last expression, when the grammar parses it as an `expression`.
    const Node* last = nullptr;
    switch (s->kind) {
      case Kind::Expr: last = s->fields[ast::ExprFields::value].node; break;
      case Kind::Assign: last = s->fields[ast::AssignFields::value].node; break;
      case Kind::AugAssign: last = s->fields[ast::AugAssignFields::value].node; break;
      case Kind::Return: last = s->fields[ast::ReturnFields::value].node; break;
      default: break;
    }
    if (last != nullptr && last->kind == Kind::Tuple && last->end == PrevEnd()) {
      const ast::List* elts = last->fields[ast::TupleFields::elts].list;
      last = elts->size > 0 ? elts->items[elts->size - 1].node : nullptr;
    }
    if (last != nullptr && last->end == PrevEnd() && FailLegacyCall(last)) return false;
    // CPython's second pass parses on after an expression followed by another one (its
    // invalid_expression); a statement that does not end in an expression (import, pass, global,
    // ...) gets no such probe.
    const bool ends_in_expression = s->kind != Kind::Import && s->kind != Kind::ImportFrom &&
                                    s->kind != Kind::Pass && s->kind != Kind::Break &&
                                    s->kind != Kind::Continue && s->kind != Kind::Global &&
                                    s->kind != Kind::Nonlocal;
    bool juxtaposed = ends_in_expression && CanStartExpression(K());
    Fail();
    if (juxtaposed) {
      ProbeExpression();
      FailInBraceAfter();
    }
    return false;
  }
  Advance();  // NEWLINE
  return true;
}

Node* Parser::ParseSimpleStatement() {
  const Token& t = Cur();
  switch (t.kind) {
    case TokenKind::kPass:
      Advance();
      return New(Kind::Pass, t.begin, t.end);
    case TokenKind::kBreak:
      Advance();
      return New(Kind::Break, t.begin, t.end);
    case TokenKind::kContinue:
      Advance();
      return New(Kind::Continue, t.begin, t.end);
    case TokenKind::kReturn:
      return ParseReturn();
    case TokenKind::kImport:
      return ParseImport();
    case TokenKind::kFrom:
      return ParseFromImport();
    case TokenKind::kRaise:
      return ParseRaise();
    case TokenKind::kDel:
      return ParseDel();
    case TokenKind::kAssert:
      return ParseAssert();
    case TokenKind::kGlobal:
      return ParseGlobal(Kind::Global);
    case TokenKind::kNonlocal:
      return ParseGlobal(Kind::Nonlocal);
    case TokenKind::kName:
      if (PeekK(1) == TokenKind::kName && IsSoft("type")) return ParseTypeAlias();
      return ParseExprStatement();
    case TokenKind::kNewline:
    case TokenKind::kIndent:
    case TokenKind::kDedent:
      return Fail();
    default:
      return ParseExprStatement();
  }
}

Node* Parser::ParseAnnotatedRhs() {
  if (K() == TokenKind::kYield) return ParseYield();
  return ParseStarExpressions();
}

Node* Parser::ParseExprStatement() {
  size_t start_tok = pos_;
  uint32_t begin = Cur().begin;
  Node* e;
  if (K() == TokenKind::kYield) {
    e = ParseYield();
  } else {
    e = ParseStarExpressions();
  }
  A2G_TRY(e);
  TokenKind k = K();
  if (k == TokenKind::kEqual) {
    if (e->kind == Kind::Yield || e->kind == Kind::YieldFrom) {
      return FailNode(e, "assignment to yield expression not possible");
    }
    size_t mark = scratch_.size();
    Node* value = e;
    while (K() == TokenKind::kEqual) {
      if (value->kind == Kind::Yield || value->kind == Kind::YieldFrom) {
        scratch_.resize(mark);
        return FailNode(value, "assignment to yield expression not possible");
      }
      if (const Node* bad = FindInvalidTarget(value, Singleton::Store)) {
        bool first_target = scratch_.size() == mark;
        scratch_.resize(mark);
        return FailAssignTarget(value, bad, first_target);
      }
      SetTarget(value, Singleton::Store, "assign");
      scratch_.push_back(value);
      Advance();
      value = ParseAnnotatedRhs();
      if (value == nullptr) {
        scratch_.resize(mark);
        return nullptr;
      }
    }
    Node* a = New(Kind::Assign, begin, PrevEnd());
    a->fields[ast::AssignFields::targets].list = TakeList(mark);
    a->fields[ast::AssignFields::value].node = value;
    return a;
  }
  if (k == TokenKind::kColon) {
    // Annotated assignment: a single target, simple when a bare unparenthesized name.
    bool simple = e->kind == Kind::Name && tokens_[start_tok].kind != TokenKind::kLPar;
    if (e->kind != Kind::Name && e->kind != Kind::Attribute && e->kind != Kind::Subscript) {
      // No assignment rule of CPython's first pass takes such a target: that pass stops at this
      // ':', where "invalid syntax" is reported. Its second pass (invalid_assignment) parses an
      // annotation after it and names the bad target when one parses, or raises what the
      // annotation itself raises.
      const size_t colon = pos_;
      const bool annotated = ProbeRaising([&] {
        Advance();
        return ParseExpression() != nullptr;
      });
      if (failed_) return nullptr;
      if (!annotated) return FailAt(colon, kInvalidSyntax);
      if (e->kind == Kind::Tuple)
        return FailNode(e, "only single target (not tuple) can be annotated");
      if (e->kind == Kind::List)
        return FailNode(e, "only single target (not list) can be annotated");
      return FailNode(e, "illegal target for annotation");
    }
    SetTarget(e, Singleton::Store, "assign");
    Advance();
    Node* ann = ParseExpression();
    A2G_TRY(ann);
    Node* value = nullptr;
    if (Accept(TokenKind::kEqual)) {
      value = ParseAnnotatedRhs();
      A2G_TRY(value);
    }
    Node* a = New(Kind::AnnAssign, begin, PrevEnd());
    a->fields[ast::AnnAssignFields::target].node = e;
    a->fields[ast::AnnAssignFields::annotation].node = ann;
    a->fields[ast::AnnAssignFields::value].node = value;
    SetInt(a, ast::AnnAssignFields::simple, simple ? 1 : 0);
    return a;
  }
  if (k == TokenKind::kColonEqual && e->kind != Kind::Name) {
    return FailNode(e, std::string("cannot use assignment expressions with ") + Describe(e));
  }
  Singleton aug = AugOpOf(k);
  if (aug != Singleton::kCount) {
    if (e->kind != Kind::Name && e->kind != Kind::Attribute && e->kind != Kind::Subscript) {
      return FailNode(e, std::string("'") + Describe(e) +
                             "' is an illegal expression for augmented assignment");
    }
    SetTarget(e, Singleton::Store, "assign");
    Advance();
    Node* value = ParseAnnotatedRhs();
    A2G_TRY(value);
    Node* a = New(Kind::AugAssign, begin, PrevEnd());
    a->fields[ast::AugAssignFields::target].node = e;
    SetInt(a, ast::AugAssignFields::op, Sing(aug));
    a->fields[ast::AugAssignFields::value].node = value;
    return a;
  }
  Node* s = New(Kind::Expr, begin, PrevEnd());
  s->fields[ast::ExprFields::value].node = e;
  return s;
}

Node* Parser::ParseReturn() {
  const Token& t = Cur();
  Advance();
  Node* value = nullptr;
  if (CanStartExpression(K())) {
    value = ParseStarExpressions();
    A2G_TRY(value);
  }
  Node* r = New(Kind::Return, t.begin, PrevEnd());
  r->fields[ast::ReturnFields::value].node = value;
  return r;
}

Node* Parser::ParseRaise() {
  const Token& t = Cur();
  Advance();
  Node* exc = nullptr;
  Node* cause = nullptr;
  if (CanStartExpression(K())) {
    exc = ParseExpression();
    A2G_TRY(exc);
    if (Accept(TokenKind::kFrom)) {
      cause = ParseExpression();
      A2G_TRY(cause);
    }
  }
  Node* r = New(Kind::Raise, t.begin, PrevEnd());
  r->fields[ast::RaiseFields::exc].node = exc;
  r->fields[ast::RaiseFields::cause].node = cause;
  return r;
}

Node* Parser::ParseAssert() {
  const Token& t = Cur();
  Advance();
  Node* test = ParseExpression();
  A2G_TRY(test);
  Node* msg = nullptr;
  if (Accept(TokenKind::kComma)) {
    msg = ParseExpression();
    A2G_TRY(msg);
  }
  Node* a = New(Kind::Assert, t.begin, PrevEnd());
  a->fields[ast::AssertFields::test].node = test;
  a->fields[ast::AssertFields::msg].node = msg;
  return a;
}

Node* Parser::ParseGlobal(Kind kind) {
  const Token& t = Cur();
  Advance();
  size_t mark = str_scratch_.size();
  for (;;) {
    if (K() != TokenKind::kName) {
      str_scratch_.resize(mark);
      return Fail();
    }
    str_scratch_.push_back(Ident(Cur()));
    Advance();
    if (!Accept(TokenKind::kComma)) break;
  }
  Node* g = New(kind, t.begin, PrevEnd());
  g->fields[0].list = TakeStrList(mark);
  return g;
}

Node* Parser::ParseDel() {
  const Token& t = Cur();
  Advance();
  size_t mark = scratch_.size();
  uint32_t begin = Cur().begin;
  for (;;) {
    if (K() == TokenKind::kStar) {
      scratch_.resize(mark);
      return FailAt(pos_, "cannot delete starred");
    }
    Node* e = ParseBitOr(1);
    if (e == nullptr) {
      scratch_.resize(mark);
      return nullptr;
    }
    if (SetTarget(e, Singleton::Del, "delete") == nullptr) {
      scratch_.resize(mark);
      return nullptr;
    }
    scratch_.push_back(e);
    if (K() != TokenKind::kComma) break;
    Advance();
    if (K() == TokenKind::kSemi || K() == TokenKind::kNewline) break;
  }
  (void)begin;
  if (K() != TokenKind::kSemi && K() != TokenKind::kNewline) {
    scratch_.resize(mark);
    return Fail();
  }
  Node* d = New(Kind::Delete, t.begin, PrevEnd());
  d->fields[ast::DeleteFields::targets].list = TakeList(mark);
  return d;
}

Node* Parser::ParseImport() {
  const Token& t = Cur();
  Advance();
  size_t mark = scratch_.size();
  for (;;) {
    if (K() != TokenKind::kName) {
      scratch_.resize(mark);
      return Fail();
    }
    uint32_t begin = Cur().begin;
    buf_.clear();
    for (;;) {
      if (K() != TokenKind::kName) {
        scratch_.resize(mark);
        return Fail();
      }
      const ast::Str* part = Ident(Cur());
      buf_.append(part->view());
      Advance();
      if (K() != TokenKind::kDot) break;
      buf_.push_back('.');
      Advance();
    }
    const ast::Str* name = StrOf(buf_);
    const ast::Str* asname = nullptr;
    if (Accept(TokenKind::kAs)) {
      if (K() != TokenKind::kName) {
        scratch_.resize(mark);
        return Fail();
      }
      asname = Ident(Cur());
      Advance();
    }
    Node* a = New(Kind::alias, begin, PrevEnd());
    a->fields[ast::aliasFields::name].str = name;
    a->fields[ast::aliasFields::asname].str = asname;
    scratch_.push_back(a);
    if (!Accept(TokenKind::kComma)) break;
  }
  Node* i = New(Kind::Import, t.begin, PrevEnd());
  i->fields[ast::ImportFields::names].list = TakeList(mark);
  return i;
}

Node* Parser::ParseFromImport() {
  const Token& t = Cur();
  Advance();
  int64_t level = 0;
  for (;;) {
    if (K() == TokenKind::kDot) {
      ++level;
    } else if (K() == TokenKind::kEllipsis) {
      level += 3;
    } else {
      break;
    }
    Advance();
  }
  const ast::Str* module = nullptr;
  if (K() == TokenKind::kName) {
    buf_.clear();
    for (;;) {
      if (K() != TokenKind::kName) return Fail();
      buf_.append(Ident(Cur())->view());
      Advance();
      if (K() != TokenKind::kDot) break;
      buf_.push_back('.');
      Advance();
    }
    module = StrOf(buf_);
  } else if (level == 0) {
    return Fail();
  }
  if (K() != TokenKind::kImport) return Fail();
  Advance();
  size_t mark = scratch_.size();
  if (K() == TokenKind::kStar) {
    Node* a = New(Kind::alias, Cur().begin, Cur().end);
    a->fields[ast::aliasFields::name].str = StrOf("*");
    scratch_.push_back(a);
    Advance();
  } else {
    if (K() == TokenKind::kNewline) {  // CPython's invalid_import_from_targets
      return FailAt(pos_, "Expected one or more names after 'import'");
    }
    bool paren = Accept(TokenKind::kLPar);
    for (;;) {
      if (K() != TokenKind::kName) {
        scratch_.resize(mark);
        return Fail();
      }
      const Token& n = Cur();
      Advance();
      const ast::Str* asname = nullptr;
      if (Accept(TokenKind::kAs)) {
        if (K() != TokenKind::kName) {
          scratch_.resize(mark);
          return Fail();
        }
        asname = Ident(Cur());
        Advance();
      }
      Node* a = New(Kind::alias, n.begin, PrevEnd());
      a->fields[ast::aliasFields::name].str = Ident(n);
      a->fields[ast::aliasFields::asname].str = asname;
      scratch_.push_back(a);
      if (!Accept(TokenKind::kComma)) break;
      if (paren && K() == TokenKind::kRPar) break;
      if (!paren && K() == TokenKind::kNewline) {
        scratch_.resize(mark);
        return FailAt(pos_, "trailing comma not allowed without surrounding parentheses");
      }
    }
    if (paren && !Accept(TokenKind::kRPar)) {
      scratch_.resize(mark);
      return Fail();
    }
  }
  Node* i = New(Kind::ImportFrom, t.begin, PrevEnd());
  i->fields[ast::ImportFromFields::module].str = module;
  i->fields[ast::ImportFromFields::names].list = TakeList(mark);
  SetInt(i, ast::ImportFromFields::level, level);
  return i;
}

Node* Parser::ParseTypeAlias() {
  const Token& t = Cur();
  Advance();
  Node* name = NameNode(Cur(), Singleton::Store);
  Advance();
  ast::List* params = ast::NewList(arena_, 0);
  if (K() == TokenKind::kLSqb) {
    params = ParseTypeParams();
    if (params == nullptr) return nullptr;
  }
  if (K() != TokenKind::kEqual) return Fail();
  Advance();
  Node* value = ParseExpression();
  A2G_TRY(value);
  Node* a = New(Kind::TypeAlias, t.begin, PrevEnd());
  a->fields[ast::TypeAliasFields::name].node = name;
  a->fields[ast::TypeAliasFields::type_params].list = params;
  a->fields[ast::TypeAliasFields::value].node = value;
  return a;
}

ast::List* Parser::ParseTypeParams() {
  Advance();  // [
  if (K() == TokenKind::kRSqb) {
    FailAt(pos_, "Type parameter list cannot be empty");
    return nullptr;
  }
  size_t mark = scratch_.size();
  auto fail = [&]() -> ast::List* {
    scratch_.resize(mark);
    Fail();
    return nullptr;
  };
  for (;;) {
    uint32_t begin = Cur().begin;
    Node* p;
    if (K() == TokenKind::kStar || K() == TokenKind::kDoubleStar) {
      bool star = K() == TokenKind::kStar;
      Advance();
      if (K() != TokenKind::kName) return fail();
      const ast::Str* name = Ident(Cur());
      Advance();
      if (K() == TokenKind::kColon) {
        scratch_.resize(mark);
        FailAt(pos_,
               star ? "cannot use bound with TypeVarTuple" : "cannot use bound with ParamSpec");
        return nullptr;
      }
      Node* def = nullptr;
      if (Accept(TokenKind::kEqual)) {
        def = star ? ParseStarExpression() : ParseExpression();
        if (def == nullptr) {
          scratch_.resize(mark);
          return nullptr;
        }
      }
      p = New(star ? Kind::TypeVarTuple : Kind::ParamSpec, begin, PrevEnd());
      p->fields[0].str = name;
      p->fields[1].node = def;
    } else {
      if (K() != TokenKind::kName) return fail();
      const ast::Str* name = Ident(Cur());
      Advance();
      Node* bound = nullptr;
      Node* def = nullptr;
      if (Accept(TokenKind::kColon)) {
        bound = ParseExpression();
        if (bound == nullptr) {
          scratch_.resize(mark);
          return nullptr;
        }
      }
      if (Accept(TokenKind::kEqual)) {
        def = ParseExpression();
        if (def == nullptr) {
          scratch_.resize(mark);
          return nullptr;
        }
      }
      p = New(Kind::TypeVar, begin, PrevEnd());
      p->fields[ast::TypeVarFields::name].str = name;
      p->fields[ast::TypeVarFields::bound].node = bound;
      p->fields[ast::TypeVarFields::default_value].node = def;
    }
    scratch_.push_back(p);
    if (!Accept(TokenKind::kComma)) break;
    if (K() == TokenKind::kRSqb) break;
  }
  if (!Accept(TokenKind::kRSqb)) return fail();
  return TakeList(mark);
}

// block: NEWLINE INDENT statements DEDENT | simple_stmts. Returns the last statement.
Node* Parser::ParseBlock(ast::List** out, const Token& header, const char* what) {
  size_t mark = scratch_.size();
  if (K() == TokenKind::kNewline) {
    Advance();
    if (K() != TokenKind::kIndent) {
      return FailAt(pos_, std::string("expected an indented block after ") + what + " on line " +
                              std::to_string(lex::LineOf(text_, header.begin)));
    }
    Advance();
    DepthGuard guard(this);
    if (depth_ > kMaxRecursion) return TooComplex();
    if (!ParseStatements(mark, true)) {
      scratch_.resize(mark);
      return nullptr;
    }
    if (K() == TokenKind::kDedent) Advance();
  } else {
    if (!ParseSimpleStatements()) {
      scratch_.resize(mark);
      return nullptr;
    }
  }
  if (scratch_.size() == mark) return Fail();
  *out = TakeList(mark);
  return (*out)->items[(*out)->size - 1].node;
}

Node* Parser::ParseIf() {
  // if/elif chains are built iteratively: each elif becomes an If in the previous orelse.
  size_t first_if = scratch_.size();
  std::vector<Node*> chain;
  for (;;) {
    const Token& t = Cur();
    bool is_elif = t.kind == TokenKind::kElif;
    Advance();
    Node* test = ParseNamedExpression();
    A2G_TRY(test);
    A2G_TRY(ExpectColonAfterExpression());
    ast::List* body;
    Node* last = ParseBlock(&body, t, is_elif ? "'elif' statement" : "'if' statement");
    A2G_TRY(last);
    Node* n = New(Kind::If, t.begin, BlockEnd());
    n->fields[ast::IfFields::test].node = test;
    n->fields[ast::IfFields::body].list = body;
    chain.push_back(n);
    if (chain.size() > kMaxChain) return TooComplex();
    if (K() == TokenKind::kElif) continue;
    if (K() == TokenKind::kElse) {
      const Token& e = Cur();
      Advance();
      A2G_TRY(ExpectForcedColon());
      ast::List* orelse;
      Node* last_else = ParseBlock(&orelse, e, "'else' statement");
      A2G_TRY(last_else);
      chain.back()->fields[ast::IfFields::orelse].list = orelse;
      chain.back()->end = BlockEnd();
    }
    break;
  }
  (void)first_if;
  for (size_t i = chain.size() - 1; i > 0; --i) {
    ast::List* l = ast::NewList(arena_, 1);
    l->items[0].node = chain[i];
    chain[i - 1]->fields[ast::IfFields::orelse].list = l;
    chain[i - 1]->end = chain[i]->end;
  }
  return chain[0];
}

Node* Parser::ParseWhile() {
  const Token& t = Cur();
  Advance();
  Node* test = ParseNamedExpression();
  A2G_TRY(test);
  A2G_TRY(ExpectColonAfterExpression());
  ast::List* body;
  Node* last = ParseBlock(&body, t, "'while' statement");
  A2G_TRY(last);
  Node* n = New(Kind::While, t.begin, BlockEnd());
  n->fields[ast::WhileFields::test].node = test;
  n->fields[ast::WhileFields::body].list = body;
  if (K() == TokenKind::kElse) {
    const Token& e = Cur();
    Advance();
    A2G_TRY(ExpectForcedColon());
    ast::List* orelse;
    Node* l = ParseBlock(&orelse, e, "'else' statement");
    A2G_TRY(l);
    n->fields[ast::WhileFields::orelse].list = orelse;
    n->end = BlockEnd();
  }
  return n;
}

Node* Parser::ParseFor(size_t async_tok) {
  const Token& t = Cur();
  uint32_t begin = async_tok != SIZE_MAX ? tokens_[async_tok].begin : t.begin;
  Advance();
  Node* target = ParseStarTargets();
  A2G_TRY(target);
  if (K() != TokenKind::kIn) {
    // CPython's invalid_for_target names a bad target whether or not 'in' follows.
    if (FindInvalidTarget(target, Singleton::Store) != nullptr) {
      return SetTarget(target, Singleton::Store, "assign");
    }
    return Fail();
  }
  A2G_TRY(SetTarget(target, Singleton::Store, "assign"));
  Advance();
  Node* iter = ParseStarExpressions();
  A2G_TRY(iter);
  A2G_TRY(ExpectColonAfterExpression());
  ast::List* body;
  Node* last = ParseBlock(&body, t, "'for' statement");
  A2G_TRY(last);
  Node* n = New(async_tok != SIZE_MAX ? Kind::AsyncFor : Kind::For, begin, BlockEnd());
  n->fields[ast::ForFields::target].node = target;
  n->fields[ast::ForFields::iter].node = iter;
  n->fields[ast::ForFields::body].list = body;
  if (K() == TokenKind::kElse) {
    const Token& e = Cur();
    Advance();
    A2G_TRY(ExpectForcedColon());
    ast::List* orelse;
    Node* l = ParseBlock(&orelse, e, "'else' statement");
    A2G_TRY(l);
    n->fields[ast::ForFields::orelse].list = orelse;
    n->end = BlockEnd();
  }
  return n;
}

Node* Parser::ParseWith(size_t async_tok) {
  const Token& t = Cur();
  uint32_t begin = async_tok != SIZE_MAX ? tokens_[async_tok].begin : t.begin;
  Advance();
  size_t mark = scratch_.size();
  bool done = false;
  if (K() == TokenKind::kLPar) {
    // Try: '(' ','.with_item+ ','? ')' ':'  -- backtrack to the plain form if it does not fit.
    size_t save_pos = pos_;
    uint64_t save_count = node_count_;
    Advance();
    bool ok = true;
    for (;;) {
      Node* ctx = ParseExpression();
      if (ctx == nullptr) {
        ok = false;
        break;
      }
      Node* vars = nullptr;
      if (Accept(TokenKind::kAs)) {
        vars = ParseStarTarget();
        if (vars == nullptr || (K() != TokenKind::kComma && K() != TokenKind::kRPar) ||
            SetTarget(vars, Singleton::Store, "assign") == nullptr) {
          ok = false;
          break;
        }
      }
      Node* item = New(Kind::withitem, 0, 0);
      item->fields[ast::withitemFields::context_expr].node = ctx;
      item->fields[ast::withitemFields::optional_vars].node = vars;
      scratch_.push_back(item);
      if (Accept(TokenKind::kComma)) {
        if (K() == TokenKind::kRPar) break;
        continue;
      }
      break;
    }
    if (ok && K() == TokenKind::kRPar && PeekK(1) == TokenKind::kColon) {
      Advance();
      done = true;
    } else {
      scratch_.resize(mark);
      pos_ = save_pos;
      node_count_ = save_count;
      if (failed_ && !too_many_nodes_) {
        failed_ = false;
        error_ = ParseError{};
      }
    }
  }
  if (!done) {
    for (;;) {
      Node* ctx = ParseExpression();
      if (ctx == nullptr) {
        scratch_.resize(mark);
        return nullptr;
      }
      Node* vars = nullptr;
      if (Accept(TokenKind::kAs)) {
        vars = ParseStarTarget();
        if (vars == nullptr || SetTarget(vars, Singleton::Store, "assign") == nullptr) {
          scratch_.resize(mark);
          return nullptr;
        }
      }
      Node* item = New(Kind::withitem, 0, 0);
      item->fields[ast::withitemFields::context_expr].node = ctx;
      item->fields[ast::withitemFields::optional_vars].node = vars;
      scratch_.push_back(item);
      if (!Accept(TokenKind::kComma)) break;
    }
  }
  if (Expect(TokenKind::kColon) == nullptr) {
    scratch_.resize(mark);
    return nullptr;
  }
  ast::List* items = TakeList(mark);
  ast::List* body;
  Node* last = ParseBlock(&body, t, "'with' statement");
  A2G_TRY(last);
  Node* n = New(async_tok != SIZE_MAX ? Kind::AsyncWith : Kind::With, begin, BlockEnd());
  n->fields[ast::WithFields::items].list = items;
  n->fields[ast::WithFields::body].list = body;
  return n;
}

Node* Parser::ParseTry() {
  const Token& t = Cur();
  Advance();
  A2G_TRY(ExpectForcedColon());
  ast::List* body;
  Node* last = ParseBlock(&body, t, "'try' statement");
  A2G_TRY(last);
  uint32_t end = BlockEnd();
  size_t mark = scratch_.size();
  int star_kind = -1;  // -1 unknown, 0 except, 1 except*
  while (K() == TokenKind::kExcept) {
    const Token& e = Cur();
    Advance();
    bool star = Accept(TokenKind::kStar);
    if (star_kind == -1) star_kind = star ? 1 : 0;
    if ((star_kind == 1) != star) {
      scratch_.resize(mark);
      return FailAt(pos_ - 1, "cannot have both 'except' and 'except*' on the same 'try'");
    }
    Node* type = nullptr;
    const ast::Str* name = nullptr;
    if (K() != TokenKind::kColon) {
      type = ParseExpression();
      if (type == nullptr) {
        scratch_.resize(mark);
        return nullptr;
      }
      if (K() == TokenKind::kComma) {
        scratch_.resize(mark);
        return FailNode(type, "multiple exception types must be parenthesized");
      }
      if (Accept(TokenKind::kAs)) {
        if (K() != TokenKind::kName) {
          scratch_.resize(mark);
          return Fail();
        }
        name = Ident(Cur());
        Advance();
      }
    } else if (star) {
      scratch_.resize(mark);
      return FailAt(pos_, "expected one or more exception types");
    }
    if (Expect(TokenKind::kColon) == nullptr) {
      scratch_.resize(mark);
      return nullptr;
    }
    ast::List* hbody;
    Node* hlast = ParseBlock(&hbody, e, star ? "'except*' statement" : "'except' statement");
    if (hlast == nullptr) {
      scratch_.resize(mark);
      return nullptr;
    }
    Node* h = New(Kind::ExceptHandler, e.begin, BlockEnd());
    h->fields[ast::ExceptHandlerFields::type].node = type;
    h->fields[ast::ExceptHandlerFields::name].str = name;
    h->fields[ast::ExceptHandlerFields::body].list = hbody;
    scratch_.push_back(h);
    end = BlockEnd();
  }
  bool has_handlers = scratch_.size() > mark;
  ast::List* handlers = TakeList(mark);
  ast::List* orelse = ast::NewList(arena_, 0);
  ast::List* finalbody = ast::NewList(arena_, 0);
  if (has_handlers && K() == TokenKind::kElse) {
    const Token& e = Cur();
    Advance();
    A2G_TRY(ExpectForcedColon());
    Node* l = ParseBlock(&orelse, e, "'else' statement");
    A2G_TRY(l);
    end = BlockEnd();
  }
  if (K() == TokenKind::kFinally) {
    const Token& f = Cur();
    Advance();
    A2G_TRY(ExpectForcedColon());
    Node* l = ParseBlock(&finalbody, f, "'finally' statement");
    A2G_TRY(l);
    end = BlockEnd();
  } else if (!has_handlers) {
    return FailAt(pos_, "expected 'except' or 'finally' block");
  }
  Node* n = New(star_kind == 1 ? Kind::TryStar : Kind::Try, t.begin, end);
  n->fields[ast::TryFields::body].list = body;
  n->fields[ast::TryFields::handlers].list = handlers;
  n->fields[ast::TryFields::orelse].list = orelse;
  n->fields[ast::TryFields::finalbody].list = finalbody;
  return n;
}

Node* Parser::ParseDecorated() {
  size_t mark = scratch_.size();
  while (K() == TokenKind::kAt) {
    Advance();
    Node* d = ParseNamedExpression();
    if (d == nullptr || K() != TokenKind::kNewline) {
      scratch_.resize(mark);
      return d == nullptr ? nullptr : Fail();
    }
    Advance();
    scratch_.push_back(d);
  }
  switch (K()) {
    case TokenKind::kDef:
      return ParseFuncDef(mark, pos_, true);
    case TokenKind::kClass:
      return ParseClassDef(mark, pos_, true);
    case TokenKind::kAsync:
      if (PeekK(1) == TokenKind::kDef) return ParseAsync(mark, true);
      [[fallthrough]];
    default:
      scratch_.resize(mark);
      return Fail();
  }
}

Node* Parser::ParseAsync(size_t decorators_mark, bool has_decorators) {
  size_t async_tok = pos_;
  Advance();
  switch (K()) {
    case TokenKind::kDef:
      return ParseFuncDef(decorators_mark, async_tok, has_decorators);
    case TokenKind::kFor:
      if (!has_decorators) return ParseFor(async_tok);
      break;
    case TokenKind::kWith:
      if (!has_decorators) return ParseWith(async_tok);
      break;
    default:
      break;
  }
  scratch_.resize(decorators_mark);
  return Fail();
}

Node* Parser::ParseFuncDef(size_t decorators_mark, size_t first_tok, bool has_decorators) {
  bool is_async = tokens_[first_tok].kind == TokenKind::kAsync;
  ast::List* decorators = has_decorators ? TakeList(decorators_mark) : ast::NewList(arena_, 0);
  const Token& def = Cur();
  Advance();
  if (K() != TokenKind::kName) return Fail();
  const ast::Str* name = Ident(Cur());
  Advance();
  ast::List* type_params = ast::NewList(arena_, 0);
  if (K() == TokenKind::kLSqb) {
    const size_t open = pos_;
    type_params = ParseTypeParams();
    if (type_params == nullptr) {
      // The type parameters are optional in CPython's grammar and the '(' after them is forced:
      // unless they raised an error of their own, it expects the '(' at the '['.
      RefineGenericFailure(open, "expected '('");
      return nullptr;
    }
  }
  if (K() != TokenKind::kLPar) return FailAt(pos_, "expected '('");
  Advance();
  Node* args = ParseParams(TokenKind::kRPar, true);
  A2G_TRY(args);
  if (!Accept(TokenKind::kRPar)) return Fail();
  Node* returns = nullptr;
  if (K() == TokenKind::kRArrow && CanStartExpression(PeekK(1))) {
    Advance();
    returns = ParseExpression();
    A2G_TRY(returns);
  }
  if (K() != TokenKind::kColon) return FailAt(pos_, "expected ':'");
  Advance();
  ast::List* body;
  Node* last = ParseBlock(&body, def, "function definition");
  A2G_TRY(last);
  Node* f = New(is_async ? Kind::AsyncFunctionDef : Kind::FunctionDef, tokens_[first_tok].begin,
                BlockEnd());
  f->fields[ast::FunctionDefFields::name].str = name;
  f->fields[ast::FunctionDefFields::args].node = args;
  f->fields[ast::FunctionDefFields::body].list = body;
  f->fields[ast::FunctionDefFields::decorator_list].list = decorators;
  f->fields[ast::FunctionDefFields::returns].node = returns;
  f->fields[ast::FunctionDefFields::type_params].list = type_params;
  return f;
}

Node* Parser::ParseClassDef(size_t decorators_mark, size_t first_tok, bool has_decorators) {
  ast::List* decorators = has_decorators ? TakeList(decorators_mark) : ast::NewList(arena_, 0);
  const Token& cls = Cur();
  Advance();
  if (K() != TokenKind::kName) return Fail();
  const ast::Str* name = Ident(Cur());
  Advance();
  ast::List* type_params = ast::NewList(arena_, 0);
  if (K() == TokenKind::kLSqb) {
    type_params = ParseTypeParams();
    if (type_params == nullptr) return nullptr;
  }
  ast::List* bases = ast::NewList(arena_, 0);
  ast::List* keywords = ast::NewList(arena_, 0);
  if (K() == TokenKind::kLPar) {
    uint32_t open = Cur().begin;
    Advance();
    size_t args_mark = scratch_.size();
    bool genexp_only = false;
    Node* genexp = nullptr;
    if (!ParseArguments(args_mark, 0, open, &genexp_only, &genexp)) return nullptr;
    // ParseArguments leaves positional args then a nullptr separator then keywords.
    size_t sep = args_mark;
    while (scratch_[sep] != nullptr) ++sep;
    uint32_t nk = static_cast<uint32_t>(scratch_.size() - sep - 1);
    keywords = ast::NewList(arena_, nk);
    for (uint32_t i = 0; i < nk; ++i) keywords->items[i].node = scratch_[sep + 1 + i];
    scratch_.resize(sep);
    bases = TakeList(args_mark);
  }
  A2G_TRY(Expect(TokenKind::kColon));
  ast::List* body;
  Node* last = ParseBlock(&body, cls, "class definition");
  A2G_TRY(last);
  Node* c = New(Kind::ClassDef, tokens_[first_tok].begin, BlockEnd());
  c->fields[ast::ClassDefFields::name].str = name;
  c->fields[ast::ClassDefFields::bases].list = bases;
  c->fields[ast::ClassDefFields::keywords].list = keywords;
  c->fields[ast::ClassDefFields::body].list = body;
  c->fields[ast::ClassDefFields::decorator_list].list = decorators;
  c->fields[ast::ClassDefFields::type_params].list = type_params;
  return c;
}

// Parameters of a def (close = ')', annotations allowed) or a lambda (close = ':').
Node* Parser::ParseParams(TokenKind close, bool allow_annotations) {
  size_t mark = scratch_.size();
  // Collected in scratch_ in groups, moved into lists at the end.
  std::vector<Node*> pos_args, kwonly, defaults, kw_defaults;
  Node* vararg = nullptr;
  Node* kwarg = nullptr;
  size_t posonly_count = 0;
  bool seen_slash = false, seen_star = false, seen_default = false;
  auto parse_arg = [&](bool star_annotation) -> Node* {
    if (K() != TokenKind::kName) return Fail();
    const Token& n = Cur();
    Advance();
    Node* ann = nullptr;
    if (allow_annotations && K() == TokenKind::kColon) {
      Advance();
      ann = star_annotation ? ParseStarExpression() : ParseExpression();
      A2G_TRY(ann);
    }
    Node* a = New(Kind::arg, n.begin, PrevEnd());
    a->fields[ast::argFields::arg].str = Ident(n);
    a->fields[ast::argFields::annotation].node = ann;
    return a;
  };
  while (K() != close) {
    if (K() == TokenKind::kSlash) {
      if (seen_slash) return FailAt(pos_, "/ may appear only once");
      if (seen_star) return FailAt(pos_, "/ must be ahead of *");
      if (pos_args.empty()) return FailAt(pos_, "at least one argument must precede /");
      seen_slash = true;
      posonly_count = pos_args.size();
      Advance();
    } else if (K() == TokenKind::kStar) {
      if (seen_star) return FailAt(pos_, "* argument may appear only once");
      if (kwarg) return FailAt(pos_, "arguments cannot follow var-keyword argument");
      seen_star = true;
      Advance();
      if (K() == TokenKind::kComma || K() == close) {
        // bare '*': keyword-only parameters must follow
        if (K() == close || (K() == TokenKind::kComma &&
                             (PeekK(1) == close || PeekK(1) == TokenKind::kDoubleStar))) {
          return FailAt(pos_ - 1, "named arguments must follow bare *");
        }
      } else {
        vararg = parse_arg(true);
        A2G_TRY(vararg);
        if (K() == TokenKind::kEqual)
          return FailAt(pos_, "var-positional argument cannot have default value");
        // `*args: a b` (not `*args: *a b`: a starred annotation is no `expression`).
        const Node* ann = vararg->fields[ast::argFields::annotation].node;
        if (close == TokenKind::kRPar && CanStartExpression(K()) && ann != nullptr &&
            ann->kind != Kind::Starred) {
          return FailComma(ann);
        }
      }
    } else if (K() == TokenKind::kDoubleStar) {
      if (kwarg) return FailAt(pos_, "arguments cannot follow var-keyword argument");
      Advance();
      kwarg = parse_arg(false);
      A2G_TRY(kwarg);
      if (K() == TokenKind::kEqual)
        return FailAt(pos_, "var-keyword argument cannot have default value");
      const Node* ann = kwarg->fields[ast::argFields::annotation].node;
      if (close == TokenKind::kRPar && CanStartExpression(K()) && ann != nullptr) {
        return FailComma(ann);
      }
    } else {
      if (kwarg) return FailAt(pos_, "arguments cannot follow var-keyword argument");
      Node* a = parse_arg(false);
      A2G_TRY(a);
      Node* def = nullptr;
      if (Accept(TokenKind::kEqual)) {
        def = ParseExpression();
        A2G_TRY(def);
      }
      // A default or annotation followed by another expression, inside the def's parentheses.
      if (close == TokenKind::kRPar && CanStartExpression(K())) {
        const Node* last = def != nullptr ? def : a->fields[ast::argFields::annotation].node;
        if (last != nullptr) return FailComma(last);
      }
      if (seen_star) {
        kwonly.push_back(a);
        kw_defaults.push_back(def);
      } else {
        if (def != nullptr) {
          seen_default = true;
          defaults.push_back(def);
        } else if (seen_default) {
          return FailNode(a, "parameter without a default follows parameter with a default");
        }
        pos_args.push_back(a);
      }
    }
    if (K() == close) break;
    if (!Accept(TokenKind::kComma)) return Fail();
  }
  (void)mark;
  Node* args = New(Kind::arguments, 0, 0);
  auto make = [&](const std::vector<Node*>& v, size_t from, size_t to) {
    ast::List* l = ast::NewList(arena_, static_cast<uint32_t>(to - from));
    for (size_t i = from; i < to; ++i) l->items[i - from].node = v[i];
    return l;
  };
  args->fields[ast::argumentsFields::posonlyargs].list = make(pos_args, 0, posonly_count);
  args->fields[ast::argumentsFields::args].list = make(pos_args, posonly_count, pos_args.size());
  args->fields[ast::argumentsFields::vararg].node = vararg;
  args->fields[ast::argumentsFields::kwonlyargs].list = make(kwonly, 0, kwonly.size());
  args->fields[ast::argumentsFields::kw_defaults].list = make(kw_defaults, 0, kw_defaults.size());
  args->fields[ast::argumentsFields::kwarg].node = kwarg;
  args->fields[ast::argumentsFields::defaults].list = make(defaults, 0, defaults.size());
  return args;
}

// ---------------------------------------------------------------------------------------------
// match statement

bool Parser::LooksLikeMatch() {
  TokenKind next = PeekK(1);
  if (!CanStartExpression(next)) return false;
  // Speculate: "match" subject ':' NEWLINE. Expression statements never end in ':' NEWLINE.
  size_t save_pos = pos_;
  uint64_t save_count = node_count_;
  size_t save_scratch = scratch_.size();
  Advance();
  uint32_t sbegin = Cur().begin;
  Node* subject = ParseStarNamedExpression();
  if (subject != nullptr && K() == TokenKind::kComma) {
    subject = ParseStarNamedExpressionsTuple(subject, sbegin);
  }
  bool ok = subject != nullptr && K() == TokenKind::kColon && PeekK(1) == TokenKind::kNewline;
  pos_ = save_pos;
  node_count_ = save_count;
  scratch_.resize(save_scratch);
  if (failed_ && !too_many_nodes_) {
    failed_ = false;
    error_ = ParseError{};
  }
  return ok;
}

Node* Parser::ParseMatch() {
  const Token& t = Cur();
  Advance();
  uint32_t sbegin = Cur().begin;
  Node* subject = ParseStarNamedExpression();
  A2G_TRY(subject);
  if (K() == TokenKind::kComma) {
    subject = ParseStarNamedExpressionsTuple(subject, sbegin);
    A2G_TRY(subject);
  } else if (subject->kind == Kind::Starred) {
    return Fail();
  }
  A2G_TRY(Expect(TokenKind::kColon));
  if (K() != TokenKind::kNewline) return Fail();
  Advance();
  if (K() != TokenKind::kIndent) {
    return FailAt(pos_, "expected an indented block after 'match' statement on line " +
                            std::to_string(lex::LineOf(text_, t.begin)));
  }
  Advance();
  size_t mark = scratch_.size();
  uint32_t end = t.end;
  while (IsSoft("case")) {
    const Token& c = Cur();
    Advance();
    Node* pattern = ParsePatterns();
    if (pattern == nullptr) {
      scratch_.resize(mark);
      return nullptr;
    }
    Node* guard = nullptr;
    if (Accept(TokenKind::kIf)) {
      guard = ParseNamedExpression();
      if (guard == nullptr) {
        scratch_.resize(mark);
        return nullptr;
      }
    }
    if (Expect(TokenKind::kColon) == nullptr) {
      scratch_.resize(mark);
      return nullptr;
    }
    ast::List* body;
    Node* last = ParseBlock(&body, c, "'case' statement");
    if (last == nullptr) {
      scratch_.resize(mark);
      return nullptr;
    }
    Node* mc = New(Kind::match_case, 0, 0);
    mc->fields[ast::match_caseFields::pattern].node = pattern;
    mc->fields[ast::match_caseFields::guard].node = guard;
    mc->fields[ast::match_caseFields::body].list = body;
    scratch_.push_back(mc);
    end = BlockEnd();
  }
  if (scratch_.size() == mark || K() != TokenKind::kDedent) {
    scratch_.resize(mark);
    return Fail();
  }
  Advance();
  Node* m = New(Kind::Match, t.begin, end);
  m->fields[ast::MatchFields::subject].node = subject;
  m->fields[ast::MatchFields::cases].list = TakeList(mark);
  return m;
}

// ---------------------------------------------------------------------------------------------
// Expressions

Node* Parser::ParseStarExpressions() {
  uint32_t begin = Cur().begin;
  Node* first = ParseStarExpression();
  A2G_TRY(first);
  if (K() != TokenKind::kComma) return first;
  size_t mark = scratch_.size();
  scratch_.push_back(first);
  while (K() == TokenKind::kComma) {
    Advance();
    if (!CanStartExpression(K())) break;
    Node* e = ParseStarExpression();
    if (e == nullptr) {
      scratch_.resize(mark);
      return nullptr;
    }
    scratch_.push_back(e);
  }
  Node* t = New(Kind::Tuple, begin, PrevEnd());
  t->fields[ast::TupleFields::elts].list = TakeList(mark);
  return t;
}

Node* Parser::ParseStarExpression() {
  if (K() == TokenKind::kStar) {
    const Token& s = Cur();
    Advance();
    Node* v = ParseBitOr(1);
    A2G_TRY(v);
    Node* n = New(Kind::Starred, s.begin, PrevEnd());
    n->fields[ast::StarredFields::value].node = v;
    return n;
  }
  return ParseExpression();
}

Node* Parser::ParseStarNamedExpression() {
  if (K() == TokenKind::kStar) {
    const Token& s = Cur();
    Advance();
    Node* v = ParseBitOr(1);
    A2G_TRY(v);
    Node* n = New(Kind::Starred, s.begin, PrevEnd());
    n->fields[ast::StarredFields::value].node = v;
    return n;
  }
  return ParseNamedExpression();
}

// After `first` and a ',': the rest of star_named_expressions, as a Tuple from `begin`.
Node* Parser::ParseStarNamedExpressionsTuple(Node* first, uint32_t begin) {
  size_t mark = scratch_.size();
  scratch_.push_back(first);
  while (K() == TokenKind::kComma) {
    Advance();
    if (!CanStartExpression(K())) break;
    Node* e = ParseStarNamedExpression();
    if (e == nullptr) {
      scratch_.resize(mark);
      return nullptr;
    }
    scratch_.push_back(e);
  }
  Node* t = New(Kind::Tuple, begin, PrevEnd());
  t->fields[ast::TupleFields::elts].list = TakeList(mark);
  return t;
}

Node* Parser::ParseNamedExpression() {
  if (K() == TokenKind::kName && PeekK(1) == TokenKind::kColonEqual) {
    Node* target = NameNode(Cur(), Singleton::Store);
    Advance();
    Advance();
    Node* value = ParseExpression();
    A2G_TRY(value);
    Node* n = New(Kind::NamedExpr, target->begin, PrevEnd());
    n->fields[ast::NamedExprFields::target].node = target;
    n->fields[ast::NamedExprFields::value].node = value;
    return n;
  }
  Node* e = ParseExpression();
  A2G_TRY(e);
  if (K() == TokenKind::kColonEqual) {
    return FailNode(e, std::string("cannot use assignment expressions with ") + Describe(e));
  }
  if (!in_call_argument_) return CheckEqualAfter(e);
  return e;
}

Node* Parser::CheckEqualAfter(Node* e) {
  // CPython's invalid_named_expression: `NAME '=' bitwise_or` or `bitwise_or '=' bitwise_or`,
  // not followed by '=' or ':='. (The token after '=' is looked at by the second pass only: no
  // PeekK, which would move where the first pass's "invalid syntax" is reported.)
  if (K() != TokenKind::kEqual || !CanStartExpression(LookK(1))) {
    return e;
  }
  const bool bitwise_or = e->kind != Kind::Compare && e->kind != Kind::BoolOp &&
                          e->kind != Kind::IfExp && e->kind != Kind::Lambda &&
                          !(e->kind == Kind::UnaryOp &&
                            e->fields[ast::UnaryOpFields::op].integer == Sing(Singleton::Not));
  if (!bitwise_or || !ProbeAfterEqual()) return e;
  if (e->kind == Kind::Name) {
    return FailNode(e, "invalid syntax. Maybe you meant '==' or ':=' instead of '='?");
  }
  if (text_[e->begin] != '(') {
    return FailNode(e, std::string("cannot assign to ") + Describe(e) +
                           " here. Maybe you meant '==' instead of '='?");
  }
  return e;
}

Node* Parser::ParseExpression() {
  DepthGuard guard(this);
  if (depth_ > kMaxRecursion) return TooComplex();
  if (K() == TokenKind::kLambda) return ParseLambda();
  uint32_t body_begin = Cur().begin;
  Node* body = ParseDisjunction();
  A2G_TRY(body);
  if (K() != TokenKind::kIf) return body;
  // Conditional-expression chains (a if b else c if d else e) are built iteratively.
  Node* root = nullptr;
  Node* parent = nullptr;
  uint32_t chain = 0;
  for (;;) {
    Advance();  // if
    Node* test = ParseDisjunction();
    A2G_TRY(test);
    if (K() != TokenKind::kElse) {
      // CPython's rule does not apply before a ':' (`x if y:` is a statement gone wrong).
      if (K() == TokenKind::kColon) return Fail();
      // Its `!('else'|':')` fetched exactly the current token, no further.
      FailRange(body->begin, "expected 'else' after 'if' expression");
      furthest_exact_ = true;
      return nullptr;
    }
    Advance();
    Node* n = New(Kind::IfExp, body_begin, 0);
    n->fields[ast::IfExpFields::test].node = test;
    n->fields[ast::IfExpFields::body].node = body;
    if (parent != nullptr) {
      parent->fields[ast::IfExpFields::orelse].node = n;
    } else {
      root = n;
    }
    parent = n;
    if (++chain > kMaxChain) return TooComplex();
    body_begin = Cur().begin;
    if (K() == TokenKind::kLambda) {
      body = ParseLambda();
      A2G_TRY(body);
      break;
    }
    body = ParseDisjunction();
    A2G_TRY(body);
    if (K() != TokenKind::kIf) break;
  }
  parent->fields[ast::IfExpFields::orelse].node = body;
  // Every IfExp of the chain ends where the last orelse ends.
  for (Node* n = root; n != nullptr && n->kind == Kind::IfExp && n->end == 0;
       n = n->fields[ast::IfExpFields::orelse].node) {
    n->end = PrevEnd();
  }
  return root;
}

Node* Parser::ParseDisjunction() {
  return ParseBoolOp(TokenKind::kOr, Singleton::Or, &Parser::ParseConjunction);
}

Node* Parser::ParseConjunction() {
  return ParseBoolOp(TokenKind::kAnd, Singleton::And, &Parser::ParseInversion);
}

Node* Parser::ParseBoolOp(TokenKind op_token, Singleton op, Node* (Parser::*operand)()) {
  uint32_t begin = Cur().begin;
  Node* first = (this->*operand)();
  A2G_TRY(first);
  if (K() != op_token) return first;
  size_t mark = scratch_.size();
  scratch_.push_back(first);
  while (Accept(op_token)) {
    Node* e = (this->*operand)();
    if (e == nullptr) {
      scratch_.resize(mark);
      return nullptr;
    }
    scratch_.push_back(e);
  }
  Node* b = New(Kind::BoolOp, begin, PrevEnd());
  SetInt(b, ast::BoolOpFields::op, Sing(op));
  b->fields[ast::BoolOpFields::values].list = TakeList(mark);
  return b;
}

Node* Parser::ParseInversion() {
  if (K() != TokenKind::kNot) return ParseComparison();
  size_t first = pos_;
  while (K() == TokenKind::kNot) Advance();
  size_t count = pos_ - first;
  if (count + depth_ > kMaxChain) return TooComplex();
  Node* e = ParseComparison();
  A2G_TRY(e);
  for (size_t i = count; i-- > 0;) {
    Node* n = New(Kind::UnaryOp, tokens_[first + i].begin, PrevEnd());
    SetInt(n, ast::UnaryOpFields::op, Sing(Singleton::Not));
    n->fields[ast::UnaryOpFields::operand].node = e;
    e = n;
  }
  return e;
}

Node* Parser::ParseComparison() {
  uint32_t begin = Cur().begin;
  Node* left = ParseBitOr(1);
  A2G_TRY(left);
  size_t mark = scratch_.size();
  size_t imark = int_scratch_.size();
  for (;;) {
    Singleton op;
    switch (K()) {
      case TokenKind::kEqEqual:
        op = Singleton::Eq;
        break;
      case TokenKind::kNotEqual:
        if (Cur().flags & 1) {  // "<>"
          scratch_.resize(mark);
          int_scratch_.resize(imark);
          return Fail();
        }
        op = Singleton::NotEq;
        break;
      case TokenKind::kLess:
        op = Singleton::Lt;
        break;
      case TokenKind::kLessEqual:
        op = Singleton::LtE;
        break;
      case TokenKind::kGreater:
        op = Singleton::Gt;
        break;
      case TokenKind::kGreaterEqual:
        op = Singleton::GtE;
        break;
      case TokenKind::kIn:
        op = Singleton::In;
        break;
      case TokenKind::kIs:
        op = PeekK(1) == TokenKind::kNot ? (Advance(), Singleton::IsNot) : Singleton::Is;
        break;
      case TokenKind::kNot:
        if (PeekK(1) != TokenKind::kIn) goto done;
        Advance();
        op = Singleton::NotIn;
        break;
      default:
        goto done;
    }
    Advance();
    {
      Node* right = ParseBitOr(1);
      if (right == nullptr) {
        scratch_.resize(mark);
        int_scratch_.resize(imark);
        return nullptr;
      }
      int_scratch_.push_back(Sing(op));
      scratch_.push_back(right);
    }
  }
done:
  if (scratch_.size() == mark) return left;
  uint32_t n = static_cast<uint32_t>(int_scratch_.size() - imark);
  ast::List* ops = ast::NewList(arena_, n);
  for (uint32_t i = 0; i < n; ++i) ops->items[i].integer = int_scratch_[imark + i];
  int_scratch_.resize(imark);
  Node* c = New(Kind::Compare, begin, PrevEnd());
  c->fields[ast::CompareFields::left].node = left;
  c->fields[ast::CompareFields::ops].list = ops;
  c->fields[ast::CompareFields::comparators].list = TakeList(mark);
  return c;
}

Node* Parser::ParseBitOr(int min_prec) {
  uint32_t begin = Cur().begin;
  Node* left = ParseFactor();
  A2G_TRY(left);
  uint32_t chain = 0;
  for (;;) {
    int prec = BinPrec(K());
    if (prec == 0 || prec < min_prec) return left;
    Singleton op = BinOpOf(K());
    Advance();
    Node* right = ParseBitOr(prec + 1);
    A2G_TRY(right);
    Node* b = New(Kind::BinOp, begin, PrevEnd());
    b->fields[ast::BinOpFields::left].node = left;
    SetInt(b, ast::BinOpFields::op, Sing(op));
    b->fields[ast::BinOpFields::right].node = right;
    left = b;
    if (++chain + depth_ > kMaxChain) return TooComplex();
  }
}

Node* Parser::ParseFactor() {
  TokenKind k = K();
  if (k != TokenKind::kMinus && k != TokenKind::kPlus && k != TokenKind::kTilde) {
    return ParsePower();
  }
  size_t first = pos_;
  while (K() == TokenKind::kMinus || K() == TokenKind::kPlus || K() == TokenKind::kTilde) Advance();
  size_t count = pos_ - first;
  if (count + depth_ > kMaxChain) return TooComplex();
  Node* e = ParsePower();
  A2G_TRY(e);
  for (size_t i = count; i-- > 0;) {
    const Token& t = tokens_[first + i];
    Node* n = New(Kind::UnaryOp, t.begin, PrevEnd());
    Singleton op = t.kind == TokenKind::kMinus  ? Singleton::USub
                   : t.kind == TokenKind::kPlus ? Singleton::UAdd
                                                : Singleton::Invert;
    SetInt(n, ast::UnaryOpFields::op, Sing(op));
    n->fields[ast::UnaryOpFields::operand].node = e;
    e = n;
  }
  return e;
}

Node* Parser::ParsePower() {
  uint32_t begin = Cur().begin;
  Node* e;
  if (K() == TokenKind::kAwait) {
    const Token& a = Cur();
    Advance();
    Node* v = ParsePrimary();
    A2G_TRY(v);
    e = New(Kind::Await, a.begin, PrevEnd());
    e->fields[ast::AwaitFields::value].node = v;
  } else {
    e = ParsePrimary();
    A2G_TRY(e);
  }
  if (K() != TokenKind::kDoubleStar) return e;
  Advance();
  DepthGuard guard(this);
  if (depth_ > kMaxRecursion) return TooComplex();
  Node* right = ParseFactor();
  A2G_TRY(right);
  Node* b = New(Kind::BinOp, begin, PrevEnd());
  b->fields[ast::BinOpFields::left].node = e;
  SetInt(b, ast::BinOpFields::op, Sing(Singleton::Pow));
  b->fields[ast::BinOpFields::right].node = right;
  return b;
}

Node* Parser::ParsePrimary() {
  uint32_t begin = Cur().begin;
  Node* e = ParseAtom();
  A2G_TRY(e);
  TokenKind k = K();
  if (k != TokenKind::kDot && k != TokenKind::kLPar && k != TokenKind::kLSqb) return e;
  return ParseTrailers(e, begin);
}

Node* Parser::ParseTrailers(Node* e, uint32_t begin) {
  uint32_t chain = depth_;
  for (;;) {
    switch (K()) {
      case TokenKind::kDot: {
        Advance();
        if (K() != TokenKind::kName) return Fail();
        const Token& n = Cur();
        Advance();
        Node* a = New(Kind::Attribute, begin, n.end);
        a->fields[ast::AttributeFields::value].node = e;
        a->fields[ast::AttributeFields::attr].str = Ident(n);
        e = a;
        break;
      }
      case TokenKind::kLPar:
        e = ParseCall(e, begin);
        A2G_TRY(e);
        break;
      case TokenKind::kLSqb: {
        // `a[]`: no subscript (CPython's primary fails on the ']', which it has fetched), so the
        // primary ends here and `[]` is left to the caller, where CPython's second pass reads it
        // as a list after `a` ("Perhaps you forgot a comma?" inside brackets).
        if (PeekK(1) == TokenKind::kRSqb) return e;
        Advance();
        Node* slice = ParseSlices();
        A2G_TRY(slice);
        if (K() != TokenKind::kRSqb) {
          // Two expressions in a row inside the brackets: CPython's invalid_expression.
          const Node* last = slice;
          if (last->kind == Kind::Tuple) {
            const ast::List* elts = last->fields[ast::TupleFields::elts].list;
            last = elts->size > 0 ? elts->items[elts->size - 1].node : nullptr;
          }
          if (last != nullptr && last->kind == Kind::Slice) {
            const Node* step = last->fields[ast::SliceFields::step].node;
            const Node* upper = last->fields[ast::SliceFields::upper].node;
            const Node* lower = last->fields[ast::SliceFields::lower].node;
            last = step != nullptr ? step : upper != nullptr ? upper : lower;
          }
          if (last != nullptr && CanStartExpression(K())) return FailComma(last);
          return Fail();
        }
        Advance();
        Node* s = New(Kind::Subscript, begin, PrevEnd());
        s->fields[ast::SubscriptFields::value].node = e;
        s->fields[ast::SubscriptFields::slice].node = slice;
        e = s;
        break;
      }
      default:
        return e;
    }
    if (++chain > kMaxChain) return TooComplex();
  }
}

Node* Parser::ParseSlices() {
  uint32_t begin = Cur().begin;
  Node* first = ParseSlice();
  A2G_TRY(first);
  if (K() != TokenKind::kComma) {
    if (first->kind == Kind::Starred) {
      Node* t = New(Kind::Tuple, begin, PrevEnd());
      ast::List* l = ast::NewList(arena_, 1);
      l->items[0].node = first;
      t->fields[ast::TupleFields::elts].list = l;
      return t;
    }
    return first;
  }
  size_t mark = scratch_.size();
  scratch_.push_back(first);
  while (Accept(TokenKind::kComma)) {
    if (K() == TokenKind::kRSqb) break;
    Node* e = ParseSlice();
    if (e == nullptr) {
      scratch_.resize(mark);
      return nullptr;
    }
    scratch_.push_back(e);
  }
  Node* t = New(Kind::Tuple, begin, PrevEnd());
  t->fields[ast::TupleFields::elts].list = TakeList(mark);
  return t;
}

Node* Parser::ParseSlice() {
  uint32_t begin = Cur().begin;
  if (K() == TokenKind::kStar) {
    const Token& s = Cur();
    Advance();
    Node* v = ParseExpression();
    A2G_TRY(v);
    Node* n = New(Kind::Starred, s.begin, PrevEnd());
    n->fields[ast::StarredFields::value].node = v;
    return n;
  }
  Node* lower = nullptr;
  if (K() != TokenKind::kColon) {
    if (K() == TokenKind::kName && PeekK(1) == TokenKind::kColonEqual)
      return ParseNamedExpression();
    lower = ParseExpression();
    A2G_TRY(lower);
    if (K() != TokenKind::kColon) {
      if (K() == TokenKind::kColonEqual) {
        return FailNode(lower,
                        std::string("cannot use assignment expressions with ") + Describe(lower));
      }
      return CheckEqualAfter(lower);  // a subscript is a named_expression in CPython's grammar
    }
  }
  Advance();  // ':'
  Node* upper = nullptr;
  Node* step = nullptr;
  if (K() != TokenKind::kColon && K() != TokenKind::kComma && K() != TokenKind::kRSqb) {
    upper = ParseExpression();
    A2G_TRY(upper);
  }
  if (Accept(TokenKind::kColon)) {
    if (K() != TokenKind::kComma && K() != TokenKind::kRSqb) {
      step = ParseExpression();
      A2G_TRY(step);
    }
  }
  Node* s = New(Kind::Slice, begin, PrevEnd());
  s->fields[ast::SliceFields::lower].node = lower;
  s->fields[ast::SliceFields::upper].node = upper;
  s->fields[ast::SliceFields::step].node = step;
  return s;
}

Node* Parser::ParseCall(Node* func, uint32_t begin) {
  uint32_t open = Cur().begin;
  Advance();  // (
  size_t mark = scratch_.size();
  bool genexp_only = false;
  Node* genexp = nullptr;
  if (!ParseArguments(mark, 0, open, &genexp_only, &genexp)) return nullptr;
  size_t sep = mark;
  while (scratch_[sep] != nullptr) ++sep;
  uint32_t nk = static_cast<uint32_t>(scratch_.size() - sep - 1);
  ast::List* keywords = ast::NewList(arena_, nk);
  for (uint32_t i = 0; i < nk; ++i) keywords->items[i].node = scratch_[sep + 1 + i];
  scratch_.resize(sep);
  ast::List* args = TakeList(mark);
  Node* c = New(Kind::Call, begin, PrevEnd());
  c->fields[ast::CallFields::func].node = func;
  c->fields[ast::CallFields::args].list = args;
  c->fields[ast::CallFields::keywords].list = keywords;
  return c;
}

// Call or class arguments after '(' up to and including ')'. Leaves on scratch_ (from
// args_mark): the positional arguments, a nullptr separator, then the keywords.
bool Parser::ParseArguments(size_t args_mark, size_t /*kw_mark*/, uint32_t open_begin,
                            bool* /*genexp_only*/, Node** /*genexp*/) {
  std::vector<Node*> keywords;
  bool seen_keyword = false;
  bool seen_double_star = false;
  // A positional argument came after a keyword: the message. CPython reports it once the rest
  // of the list is parsed, at the furthest token it fetched, unless a later argument has an error
  // of its own (a generic "invalid syntax" there becomes this message).
  const char* misplaced = nullptr;
  size_t count = 0;
  auto fail = [&]() {
    if (misplaced != nullptr) RefineGenericFailure(error_token_, misplaced);
    scratch_.resize(args_mark);
    return false;
  };
  while (K() != TokenKind::kRPar) {
    const Token& t = Cur();
    ++count;
    if (K() == TokenKind::kStar) {
      Advance();
      if (!CanStartExpression(K())) {
        FailAt(pos_, "Invalid star expression");
        return fail();
      }
      Node* v = ParseExpression();
      if (v == nullptr) return fail();
      if (seen_double_star) {
        // CPython locates this at the token before the '*'.
        FailAt(static_cast<size_t>(&t - tokens_.data()) - 1,
               "iterable argument unpacking follows keyword argument unpacking");
        return fail();
      }
      Node* s = New(Kind::Starred, t.begin, PrevEnd());
      s->fields[ast::StarredFields::value].node = v;
      scratch_.push_back(s);
    } else if (K() == TokenKind::kDoubleStar) {
      Advance();
      Node* v = ParseExpression();
      if (v == nullptr) return fail();
      Node* kw = New(Kind::keyword, t.begin, PrevEnd());
      kw->fields[ast::keywordFields::value].node = v;
      keywords.push_back(kw);
      seen_double_star = true;
    } else if (K() == TokenKind::kName && PeekK(1) == TokenKind::kEqual) {
      Advance();
      Advance();
      if ((K() == TokenKind::kComma || K() == TokenKind::kRPar) && misplaced == nullptr) {
        // CPython's `(args ',')? NAME '=' &(',' | ')')`: only after arguments in a valid order.
        FailRange(t.begin, "expected argument value expression");
        return fail();
      }
      Node* v = ParseExpression();
      if (v == nullptr) return fail();
      if (AtFor()) {
        // CPython's invalid_kwarg: `f(x=1 for x in y)`.
        FailRange(t.begin, "invalid syntax. Maybe you meant '==' or ':=' instead of '='?");
        return fail();
      }
      Node* kw = New(Kind::keyword, t.begin, PrevEnd());
      kw->fields[ast::keywordFields::arg].str = Ident(t);
      kw->fields[ast::keywordFields::value].node = v;
      keywords.push_back(kw);
      seen_keyword = true;
    } else {
      uint32_t ebegin = Cur().begin;
      in_call_argument_ = true;
      Node* e = ParseNamedExpression();
      in_call_argument_ = false;
      if (e == nullptr) return fail();
      if (AtFor()) {
        if (misplaced != nullptr) {  // `args ',' args` ends before the `for`
          FailAt(pos_, misplaced);
          return fail();
        }
        ast::List* gens = ParseComprehension();
        if (gens == nullptr) return fail();
        bool sole = count == 1 && K() == TokenKind::kRPar;
        if (!sole && K() != TokenKind::kComma && K() != TokenKind::kRPar) {
          Fail();
          return fail();
        }
        Node* g = New(Kind::GeneratorExp, sole ? open_begin : ebegin, sole ? Cur().end : PrevEnd());
        g->fields[ast::GeneratorExpFields::elt].node = e;
        g->fields[ast::GeneratorExpFields::generators].list = gens;
        if (!sole) {
          FailNode(g, "Generator expression must be parenthesized");
          return fail();
        }
        e = g;
      } else if (K() == TokenKind::kEqual) {
        FailNode(e, "expression cannot contain assignment, perhaps you meant \"==\"?");
        return fail();
      }
      if (misplaced != nullptr && K() != TokenKind::kComma && K() != TokenKind::kRPar &&
          CanStartExpression(K())) {
        // Two expressions in a row after a misplaced positional argument: CPython reports the
        // misplaced argument, at the end of the list (its furthest token).
        size_t i = pos_;
        while (tokens_[i].kind != TokenKind::kRPar && tokens_[i].kind != TokenKind::kEndMarker &&
               tokens_[i].kind != TokenKind::kNewline && tokens_[i].kind != TokenKind::kError) {
          ++i;
        }
        FailAt(i, misplaced);
        return fail();
      }
      if ((seen_keyword || seen_double_star) && K() != TokenKind::kComma &&
          K() != TokenKind::kRPar && CanStartExpression(K())) {
        // Two expressions in a row: CPython's invalid_expression fires while it parses this
        // argument, before its rule about the order of arguments is tried.
        FailComma(e);
        return fail();
      }
      if ((seen_keyword || seen_double_star) && misplaced == nullptr) {
        // CPython's `args ',' args` rule: the arguments after this one are still parsed (their
        // own errors come first), and the error is reported at the token that ends the list.
        misplaced = seen_double_star ? "positional argument follows keyword argument unpacking"
                                     : "positional argument follows keyword argument";
      }
      scratch_.push_back(e);
    }
    if (K() == TokenKind::kRPar) break;
    if (K() != TokenKind::kComma && misplaced != nullptr && !CanStartExpression(K())) {
      FailAt(pos_, misplaced);
      return fail();
    }
    if (K() != TokenKind::kComma) {
      if (CanStartExpression(K()) && !failed_) {
        // invalid syntax. Perhaps you forgot a comma?
        const Node* prev = scratch_.size() > args_mark ? scratch_.back() : nullptr;
        // After a keyword argument, its value is the expression CPython's invalid_expression
        // matched (`f(k=a b)` is hinted at `a`).
        const Node* kw = keywords.empty() ? nullptr : keywords.back();
        if (kw != nullptr && (prev == nullptr || kw->begin > prev->begin)) {
          prev = kw->fields[ast::keywordFields::value].node;
        }
        if (prev != nullptr) {
          FailComma(prev);
          return fail();
        }
      }
      Fail();
      return fail();
    }
    Advance();
  }
  if (misplaced != nullptr) {
    FailAt(pos_, misplaced);
    return fail();
  }
  Advance();  // )
  scratch_.push_back(nullptr);
  for (Node* k : keywords) scratch_.push_back(k);
  return true;
}

Node* Parser::ParseAtom() {
  const Token& t = Cur();
  switch (t.kind) {
    case TokenKind::kName:
      Advance();
      return NameNode(t, Singleton::Load);
    case TokenKind::kNumber:
      return ParseNumber();
    case TokenKind::kString:
    case TokenKind::kFStringStart:
      return ParseStrings();
    case TokenKind::kTrue:
    case TokenKind::kFalse:
    case TokenKind::kNone:
    case TokenKind::kEllipsis: {
      Advance();
      auto* c = static_cast<ast::Constant*>(arena_.Allocate(sizeof(ast::Constant)));
      c->kind = t.kind == TokenKind::kTrue    ? ast::ConstKind::kTrue
                : t.kind == TokenKind::kFalse ? ast::ConstKind::kFalse
                : t.kind == TokenKind::kNone  ? ast::ConstKind::kNone
                                              : ast::ConstKind::kEllipsis;
      Node* n = New(Kind::Constant, t.begin, t.end);
      n->fields[ast::ConstantFields::value].constant = c;
      return n;
    }
    case TokenKind::kLPar: {
      DepthGuard guard(this);
      if (depth_ > kMaxRecursion) return TooComplex();
      return ParseParenthesized();
    }
    case TokenKind::kLSqb: {
      DepthGuard guard(this);
      if (depth_ > kMaxRecursion) return TooComplex();
      return ParseList();
    }
    case TokenKind::kLBrace: {
      DepthGuard guard(this);
      if (depth_ > kMaxRecursion) return TooComplex();
      return ParseDictOrSet();
    }
    default:
      return Fail();
  }
}

Node* Parser::ParseParenthesized() {
  const Token& open = Cur();
  Advance();
  if (K() == TokenKind::kRPar) {
    Advance();
    return New(Kind::Tuple, open.begin, PrevEnd());
  }
  if (K() == TokenKind::kYield) {
    Node* y = ParseYield();
    A2G_TRY(y);
    if (!Accept(TokenKind::kRPar)) return Fail();
    return y;
  }
  Node* first = ParseStarNamedExpression();
  A2G_TRY(first);
  if (AtFor()) {
    if (first->kind == Kind::Starred)
      return FailNode(first, "iterable unpacking cannot be used in comprehension");
    ast::List* gens = ParseComprehension();
    if (gens == nullptr) return nullptr;
    if (K() != TokenKind::kRPar) return Fail();
    Advance();
    Node* g = New(Kind::GeneratorExp, open.begin, PrevEnd());
    g->fields[ast::GeneratorExpFields::elt].node = first;
    g->fields[ast::GeneratorExpFields::generators].list = gens;
    return g;
  }
  if (K() == TokenKind::kComma) {
    size_t mark = scratch_.size();
    scratch_.push_back(first);
    while (Accept(TokenKind::kComma)) {
      if (K() == TokenKind::kRPar) break;
      Node* e = ParseStarNamedExpression();
      if (e == nullptr) {
        scratch_.resize(mark);
        return nullptr;
      }
      scratch_.push_back(e);
    }
    if (K() != TokenKind::kRPar) {
      if (CanStartExpression(K())) {
        Node* prev = scratch_.back();
        scratch_.resize(mark);
        return FailComma(prev);
      }
      scratch_.resize(mark);
      return Fail();
    }
    Advance();
    Node* t = New(Kind::Tuple, open.begin, PrevEnd());
    t->fields[ast::TupleFields::elts].list = TakeList(mark);
    return t;
  }
  if (K() != TokenKind::kRPar) {
    if (CanStartExpression(K())) {
      return FailComma(first);
    }
    return Fail();
  }
  Advance();
  if (first->kind == Kind::Starred) return FailNode(first, "cannot use starred expression here");
  return first;
}

Node* Parser::ParseList() {
  const Token& open = Cur();
  Advance();
  size_t mark = scratch_.size();
  if (K() != TokenKind::kRSqb) {
    Node* first = ParseStarNamedExpression();
    A2G_TRY(first);
    if (AtFor()) {
      if (first->kind == Kind::Starred)
        return FailNode(first, "iterable unpacking cannot be used in comprehension");
      ast::List* gens = ParseComprehension();
      if (gens == nullptr) return nullptr;
      if (K() != TokenKind::kRSqb) return Fail();
      Advance();
      Node* c = New(Kind::ListComp, open.begin, PrevEnd());
      c->fields[ast::ListCompFields::elt].node = first;
      c->fields[ast::ListCompFields::generators].list = gens;
      return c;
    }
    scratch_.push_back(first);
    while (Accept(TokenKind::kComma)) {
      if (K() == TokenKind::kRSqb) break;
      Node* e = ParseStarNamedExpression();
      if (e == nullptr) {
        scratch_.resize(mark);
        return nullptr;
      }
      scratch_.push_back(e);
    }
    if (K() != TokenKind::kRSqb) {
      if (CanStartExpression(K())) {
        Node* prev = scratch_.back();
        scratch_.resize(mark);
        return FailComma(prev);
      }
      scratch_.resize(mark);
      return Fail();
    }
  }
  Advance();
  Node* l = New(Kind::List, open.begin, PrevEnd());
  l->fields[ast::ListFields::elts].list = TakeList(mark);
  return l;
}

Node* Parser::ParseDictOrSet() {
  const Token& open = Cur();
  Advance();
  if (K() == TokenKind::kRBrace) {
    Advance();
    return New(Kind::Dict, open.begin, PrevEnd());
  }
  size_t mark = scratch_.size();
  auto fail = [&]() -> Node* {
    scratch_.resize(mark);
    return nullptr;
  };
  // First element decides: dict (key: value or **m) or set.
  Node* key = nullptr;
  Node* value = nullptr;
  if (K() == TokenKind::kDoubleStar) {
    Advance();
    value = ParseBitOr(1);
    A2G_TRY(value);
  } else {
    size_t first_tok = pos_;
    Node* first = ParseStarNamedExpression();
    A2G_TRY(first);
    if (K() != TokenKind::kColon) {
      // A set or set comprehension.
      if (AtFor()) {
        if (first->kind == Kind::Starred)
          return FailNode(first, "iterable unpacking cannot be used in comprehension");
        ast::List* gens = ParseComprehension();
        if (gens == nullptr) return nullptr;
        if (K() != TokenKind::kRBrace) return Fail();
        Advance();
        Node* c = New(Kind::SetComp, open.begin, PrevEnd());
        c->fields[ast::SetCompFields::elt].node = first;
        c->fields[ast::SetCompFields::generators].list = gens;
        return c;
      }
      scratch_.push_back(first);
      while (Accept(TokenKind::kComma)) {
        if (K() == TokenKind::kRBrace) break;
        Node* e = ParseStarNamedExpression();
        if (e == nullptr) return fail();
        scratch_.push_back(e);
      }
      if (K() != TokenKind::kRBrace) {
        if (CanStartExpression(K())) {
          Node* prev = scratch_.back();
          scratch_.resize(mark);
          return FailComma(prev);
        }
        scratch_.resize(mark);
        return Fail();
      }
      Advance();
      Node* s = New(Kind::Set, open.begin, PrevEnd());
      s->fields[ast::SetFields::elts].list = TakeList(mark);
      return s;
    }
    if (first->kind == Kind::Starred ||
        (first->kind == Kind::NamedExpr && tokens_[first_tok].kind != TokenKind::kLPar)) {
      return Fail();
    }
    key = first;
    Advance();  // ':'
    if (K() == TokenKind::kRBrace || K() == TokenKind::kComma) {
      return FailAt(pos_ - 1, "expression expected after dictionary key and ':'");
    }
    value = ParseExpression();
    A2G_TRY(value);
    if (AtFor()) {
      ast::List* gens = ParseComprehension();
      if (gens == nullptr) return nullptr;
      if (K() != TokenKind::kRBrace) return Fail();
      Advance();
      Node* c = New(Kind::DictComp, open.begin, PrevEnd());
      c->fields[ast::DictCompFields::key].node = key;
      c->fields[ast::DictCompFields::value].node = value;
      c->fields[ast::DictCompFields::generators].list = gens;
      return c;
    }
  }
  // keys and values interleaved on scratch_: key (may be null), value.
  scratch_.push_back(key);
  scratch_.push_back(value);
  while (Accept(TokenKind::kComma)) {
    if (K() == TokenKind::kRBrace) break;
    if (Accept(TokenKind::kDoubleStar)) {
      Node* v = ParseBitOr(1);
      if (v == nullptr) return fail();
      scratch_.push_back(nullptr);
      scratch_.push_back(v);
      continue;
    }
    Node* k = ParseExpression();
    if (k == nullptr) return fail();
    if (K() != TokenKind::kColon) {
      // CPython's invalid_kvpair, after a pair and a comma: whatever follows the key.
      scratch_.resize(mark);
      return FailRange(k->end - 1, "':' expected after dictionary key");
    }
    Advance();
    if (K() == TokenKind::kRBrace || K() == TokenKind::kComma) {
      FailAt(pos_ - 1, "expression expected after dictionary key and ':'");
      return fail();
    }
    Node* v = ParseExpression();
    if (v == nullptr) return fail();
    scratch_.push_back(k);
    scratch_.push_back(v);
  }
  if (K() != TokenKind::kRBrace) {
    // A value followed by another expression: CPython's invalid_expression (not after `**v`,
    // which is no `expression` in its grammar).
    const Node* last_key = scratch_[scratch_.size() - 2];
    const Node* last_value = scratch_.back();
    scratch_.resize(mark);
    if (last_key != nullptr && CanStartExpression(K())) return FailComma(last_value);
    return Fail();
  }
  Advance();
  uint32_t n = static_cast<uint32_t>((scratch_.size() - mark) / 2);
  ast::List* keys = ast::NewList(arena_, n);
  ast::List* values = ast::NewList(arena_, n);
  for (uint32_t i = 0; i < n; ++i) {
    keys->items[i].node = scratch_[mark + 2 * i];
    values->items[i].node = scratch_[mark + 2 * i + 1];
  }
  scratch_.resize(mark);
  Node* d = New(Kind::Dict, open.begin, PrevEnd());
  d->fields[ast::DictFields::keys].list = keys;
  d->fields[ast::DictFields::values].list = values;
  return d;
}

ast::List* Parser::ParseComprehension() {
  size_t mark = scratch_.size();
  auto fail = [&]() -> ast::List* {
    scratch_.resize(mark);
    return nullptr;
  };
  while (AtFor()) {
    bool is_async = Accept(TokenKind::kAsync);
    Advance();  // for
    // CPython's invalid_for_if_clause: for-loop variables (a comma-separated list, a trailing
    // comma allowed, not one bare starred target) and no `in` after them.
    constexpr const char* kInExpected = "'in' expected after for-loop variables";
    const TokenKind first = K();
    Node* target = ParseStarTargets();
    if (target == nullptr) {
      // Its bitwise_or list backtracks to what parses: any target list that starts like one.
      const bool atom =
          first == TokenKind::kName || first == TokenKind::kNumber || first == TokenKind::kString ||
          first == TokenKind::kFStringStart || first == TokenKind::kLPar ||
          first == TokenKind::kLSqb || first == TokenKind::kLBrace || first == TokenKind::kTrue ||
          first == TokenKind::kFalse || first == TokenKind::kNone || first == TokenKind::kEllipsis;
      if (atom) RefineGenericFailure(error_token_, kInExpected);
      return fail();
    }
    if (K() != TokenKind::kIn) {
      Fail();
      if (target->kind != Kind::Starred) RefineGenericFailure(error_token_, kInExpected);
      return fail();
    }
    if (SetTarget(target, Singleton::Store, "assign") == nullptr) return fail();
    Advance();
    Node* iter = ParseDisjunction();
    if (iter == nullptr) return fail();
    size_t ifs_mark = scratch_.size();
    while (K() == TokenKind::kIf) {
      Advance();
      Node* c = ParseDisjunction();
      if (c == nullptr) return fail();
      scratch_.push_back(c);
    }
    ast::List* ifs = TakeList(ifs_mark);
    Node* comp = New(Kind::comprehension, 0, 0);
    comp->fields[ast::comprehensionFields::target].node = target;
    comp->fields[ast::comprehensionFields::iter].node = iter;
    comp->fields[ast::comprehensionFields::ifs].list = ifs;
    SetInt(comp, ast::comprehensionFields::is_async, is_async ? 1 : 0);
    scratch_.push_back(comp);
  }
  return TakeList(mark);
}

Node* Parser::ParseLambda() {
  const Token& t = Cur();
  Advance();
  Node* args = ParseParams(TokenKind::kColon, false);
  A2G_TRY(args);
  if (!Accept(TokenKind::kColon)) return Fail();
  Node* body = ParseExpression();
  A2G_TRY(body);
  Node* l = New(Kind::Lambda, t.begin, PrevEnd());
  l->fields[ast::LambdaFields::args].node = args;
  l->fields[ast::LambdaFields::body].node = body;
  return l;
}

Node* Parser::ParseYield() {
  const Token& t = Cur();
  Advance();
  if (K() == TokenKind::kFrom) {
    Advance();
    Node* v = ParseExpression();
    A2G_TRY(v);
    Node* y = New(Kind::YieldFrom, t.begin, PrevEnd());
    y->fields[ast::YieldFromFields::value].node = v;
    return y;
  }
  Node* v = nullptr;
  if (CanStartExpression(K())) {
    v = ParseStarExpressions();
    A2G_TRY(v);
  }
  Node* y = New(Kind::Yield, t.begin, PrevEnd());
  y->fields[ast::YieldFields::value].node = v;
  return y;
}

// star_targets for `for` and comprehensions: elements at bitwise-or level, so `in` ends them.
Node* Parser::ParseStarTargets() {
  uint32_t begin = Cur().begin;
  Node* first = ParseStarTarget();
  A2G_TRY(first);
  if (K() != TokenKind::kComma) return first;
  size_t mark = scratch_.size();
  scratch_.push_back(first);
  while (Accept(TokenKind::kComma)) {
    if (K() == TokenKind::kIn || K() == TokenKind::kEqual) break;
    Node* e = ParseStarTarget();
    if (e == nullptr) {
      scratch_.resize(mark);
      return nullptr;
    }
    scratch_.push_back(e);
  }
  Node* t = New(Kind::Tuple, begin, PrevEnd());
  t->fields[ast::TupleFields::elts].list = TakeList(mark);
  return t;
}

Node* Parser::ParseStarTarget() {
  if (K() == TokenKind::kStar) {
    const Token& s = Cur();
    Advance();
    if (K() == TokenKind::kStar) return Fail();
    DepthGuard guard(this);
    if (depth_ > kMaxRecursion) return TooComplex();
    Node* v = ParseStarTarget();
    A2G_TRY(v);
    Node* n = New(Kind::Starred, s.begin, PrevEnd());
    n->fields[ast::StarredFields::value].node = v;
    return n;
  }
  return ParseBitOr(1);
}

}  // namespace ast2graph::parse
