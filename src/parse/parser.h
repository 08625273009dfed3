// The recursive-descent parser for Python 3.13 (internal to the parse layer).
//
// Input is the token vector of lex::Tokenize; output is CPython's AST in the module's arena.
// Binary operators use precedence climbing; unary operator runs, trailers, elif chains and
// conditional-expression chains are loops, so recursion only follows real nesting (brackets,
// blocks, lambdas), which the tokenizer caps and kMaxRecursion guards. Backtracking happens in
// two statement headers only (`match` and parenthesized `with` items), over the token vector,
// never re-tokenizing. Errors: the first failure records CPython's message and location; valid
// input never builds a message.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ast2graph/ast.h"
#include "ast2graph/parse.h"
#include "lex/tokenizer.h"

namespace ast2graph::parse {

/// True when `k` can begin an expression (names, literals, brackets, unary operators, ...).
bool CanStartExpressionToken(lex::TokenKind k);

/// Binary operator precedence for precedence climbing (0 = not a binary operator here).
inline int BinPrec(lex::TokenKind k) {
  switch (k) {
    case lex::TokenKind::kVBar:
      return 1;
    case lex::TokenKind::kCircumFlex:
      return 2;
    case lex::TokenKind::kAmper:
      return 3;
    case lex::TokenKind::kLeftShift:
    case lex::TokenKind::kRightShift:
      return 4;
    case lex::TokenKind::kPlus:
    case lex::TokenKind::kMinus:
      return 5;
    case lex::TokenKind::kStar:
    case lex::TokenKind::kSlash:
    case lex::TokenKind::kDoubleSlash:
    case lex::TokenKind::kPercent:
    case lex::TokenKind::kAt:
      return 6;
    default:
      return 0;
  }
}

/// Parser recursion guard: beyond this many nested expression/block levels the parse fails with
/// CPython's "too complex" MemoryError message instead of overflowing the stack.
inline constexpr uint32_t kMaxRecursion = 1000;
/// Longest chain of nodes nested by loops (`a.b.c...`, `1+1+...`, `-----x`, elif chains).
/// CPython fails past ~6,000 parser levels or ~10,000 AST levels; we stop at 6,000.
inline constexpr uint32_t kMaxChain = 6000;

using ast::Kind;
using ast::Node;
using lex::Token;
using lex::TokenKind;

class Parser {
 public:
  Parser(std::string_view text, const std::vector<Token>& tokens, ast::Arena& arena,
         const ParseOptions& options);

  /// Parses a whole module; null on failure (see error()).
  Node* ParseModule();

  const ParseError& error() const { return error_; }
  /// Index of the token the failure is located at (for the tokenizer-error priority rules).
  size_t error_token() const { return error_token_; }
  /// The failure is CPython's generic "unexpected indent/unindent" (the parser stopped at an
  /// INDENT or DEDENT token): CPython raises it without checking the rest of the file for
  /// tokenizer errors.
  bool indentation_error() const { return indentation_error_; }
  /// Furthest token the parser looked at (CPython's p->fill - 1).
  size_t furthest_token() const { return std::max({max_peek_, max_probe_, error_token_}); }
  /// furthest_token() is the last token CPython's parser fetched too, not one before it (the
  /// error's construct was probed as CPython's second pass parses it).
  bool furthest_exact() const { return furthest_exact_; }
  uint64_t node_count() const { return node_count_; }

 private:
  // ---- tokens ----
  const Token& Cur() const { return tokens_[pos_]; }
  TokenKind K() const { return tokens_[pos_].kind; }
  TokenKind PeekK(size_t n) {
    size_t i = pos_ + n;
    if (i > max_peek_) max_peek_ = i;
    return i < tokens_.size() ? tokens_[i].kind : TokenKind::kEndMarker;
  }
  /// The kind of token pos_ + n without counting it as looked at (PeekK does): for what only
  /// CPython's second pass looks at, which must not move where "invalid syntax" is reported.
  TokenKind LookK(size_t n) const { return tokens_[std::min(pos_ + n, tokens_.size() - 1)].kind; }
  /// At `for` or `async for`: a comprehension clause starts here.
  bool AtFor() {
    return K() == TokenKind::kFor || (K() == TokenKind::kAsync && PeekK(1) == TokenKind::kFor);
  }
  /// Index of the token that begins at byte `begin` (the first token of a node).
  size_t TokenAt(uint32_t begin) const;
  void Advance() {
    if (pos_ + 1 < tokens_.size()) ++pos_;
  }
  bool Accept(TokenKind k) {
    if (K() != k) return false;
    Advance();
    return true;
  }
  std::string_view Text(const Token& t) const { return text_.substr(t.begin, t.end - t.begin); }
  bool IsSoft(const char* word) const;
  bool IsSoftAt(size_t i, const char* word) const;
  uint32_t PrevEnd() const { return tokens_[pos_ - 1].end; }
  /// End of the last token before pos_ that is not NEWLINE/INDENT/DEDENT (a block's end).
  uint32_t BlockEnd() const {
    size_t i = pos_ - 1;
    while (i > 0 &&
           (tokens_[i].kind == TokenKind::kNewline || tokens_[i].kind == TokenKind::kIndent ||
            tokens_[i].kind == TokenKind::kDedent)) {
      --i;
    }
    return tokens_[i].end;
  }

  // ---- nodes ----
  Node* New(Kind kind, uint32_t begin, uint32_t end);
  Node* NewAt(Kind kind, const Node* first, const Node* last) {
    return New(kind, first->begin, last->end);
  }
  ast::List* TakeList(size_t mark);
  ast::List* TakeStrList(size_t mark);
  const ast::Str* Ident(const Token& t);
  const ast::Str* StrOf(std::string_view s) { return ast::NewStr(arena_, s); }
  Node* NameNode(const Token& t, ast::Singleton ctx);
  static void SetInt(Node* n, uint32_t field, int64_t v) { n->fields[field].integer = v; }
  static int64_t Sing(ast::Singleton s) { return static_cast<int64_t>(s); }

  // ---- errors ----
  /// "invalid syntax" (or a refinement) at the current token; returns null.
  Node* Fail();
  Node* FailAt(size_t token_index, const std::string& message);
  Node* FailRange(uint32_t begin, const std::string& message, bool indentation = false);
  Node* FailNode(const Node* n, const std::string& message) { return FailRange(n->begin, message); }
  static constexpr const char* kInvalidSyntax = "invalid syntax";
  /// The parse failed with the generic "invalid syntax" (no rule gave a message of its own).
  bool FailedGenerically() const { return failed_ && error_.message == kInvalidSyntax; }
  /// Replaces a generic failure by a specific message at token `token_index` (a rule of
  /// CPython's that applies when the construct failed without one); otherwise changes nothing.
  void RefineGenericFailure(size_t token_index, const std::string& message);
  Node* Expect(TokenKind k);
  Node* TooComplex();
  /// Runs `parse` as CPython's second pass would, then restores the parser's position, error
  /// and nodes: only the furthest token it fetched is kept (max_probe_), which decides whether
  /// an unclosed bracket wins. Returns what `parse` returns.
  template <typename F>
  bool Probe(F&& parse) {
    const ParseError saved_error = error_;
    const bool saved_failed = failed_;
    const size_t saved_pos = pos_, saved_error_token = error_token_,
                 saved_scratch = scratch_.size(), saved_peek = max_peek_;
    const uint64_t saved_count = node_count_;
    failed_ = false;
    const bool result = parse();
    max_probe_ = std::max({max_probe_, max_peek_, pos_});
    max_peek_ = saved_peek;
    pos_ = saved_pos;
    error_ = saved_error;
    failed_ = saved_failed;
    error_token_ = saved_error_token;
    scratch_.resize(saved_scratch);
    node_count_ = saved_count;
    return result;
  }
  void ProbeExpression();
  /// Probe(parse), but an error `parse` raised other than "invalid syntax" is kept, replacing
  /// the parser's own (CPython's second pass raises it there). Returns what `parse` returns.
  template <typename F>
  bool ProbeRaising(F&& parse) {
    ParseError inner;
    size_t inner_token = 0;
    const bool result = Probe([&] {
      const bool ok = parse();
      if (!ok && failed_ && !FailedGenerically()) {
        inner = error_;
        inner_token = error_token_;
      }
      return ok;
    });
    if (!inner.message.empty()) {
      failed_ = true;
      error_ = std::move(inner);
      error_token_ = inner_token;
    }
    return result;
  }
  /// At a '=' after an expression: whether `= bitwise_or` follows without another '=' or ':='
  /// (probed, nothing kept but the furthest token), as CPython's invalid_named_expression needs.
  bool ProbeAfterEqual();
  /// The ':' of try, finally and else, which CPython's grammar forces (`&&':'`).
  Node* ExpectForcedColon();
  /// The ':' after the expression of an if/elif/while/for header.
  Node* ExpectColonAfterExpression();
  /// "invalid syntax. Perhaps you forgot a comma?" for `prev` followed by the expression at the
  /// current token, which is probed as CPython's second pass parses it.
  Node* FailComma(const Node* prev);
  /// "Missing parentheses in call to 'print'" when `e` is `print` or `exec` alone and another
  /// expression follows; returns whether it failed so.
  bool FailLegacyCall(const Node* e);
  /// At a '{' after an expression: the error CPython's second pass raises in its first element,
  /// if any (then the parser has failed with it); returns whether there was one.
  bool FailInBraceAfter();
  /// A string literal whose value cannot be decoded (the token just consumed).
  Node* FailUndecodable(uint32_t begin, const std::string& message);
  /// `e` followed by '=' where CPython's invalid_named_expression reports it (else `e`).
  Node* CheckEqualAfter(Node* e);
  bool failed() const { return failed_; }

  // ---- statements ----
  bool ParseStatements(size_t mark, bool until_dedent);
  bool ParseStatement();
  bool ParseSimpleStatements();
  Node* ParseSimpleStatement();
  Node* ParseExprStatement();
  Node* ParseBlock(ast::List** out, const Token& header, const char* what);
  Node* ParseIf();
  Node* ParseWhile();
  Node* ParseFor(size_t async_tok);
  Node* ParseWith(size_t async_tok);
  Node* ParseTry();
  Node* ParseFuncDef(size_t decorators_mark, size_t first_tok, bool has_decorators);
  Node* ParseClassDef(size_t decorators_mark, size_t first_tok, bool has_decorators);
  Node* ParseDecorated();
  Node* ParseAsync(size_t decorators_mark, bool has_decorators);
  Node* ParseImport();
  Node* ParseFromImport();
  Node* ParseRaise();
  Node* ParseDel();
  Node* ParseAssert();
  Node* ParseGlobal(Kind kind);
  Node* ParseReturn();
  Node* ParseTypeAlias();
  ast::List* ParseTypeParams();
  Node* ParseMatch();
  bool LooksLikeMatch();
  Node* ParseParams(TokenKind close, bool allow_annotations);

  // ---- patterns ----
  Node* ParsePatterns();
  Node* ParsePattern();
  Node* ParseOrPattern();
  Node* ParseClosedPattern();
  Node* ParseLiteralExprForPattern(bool* is_singleton);
  Node* ParseSignedNumber();
  Node* ParseNameOrAttr();
  Node* ParseMappingPattern();
  Node* ParseClassPattern(Node* cls);
  Node* ParseStarPattern();
  Node* ParseMaybeStarPattern();

  // ---- expressions ----
  Node* ParseStarExpressions();
  Node* ParseStarExpression();
  Node* ParseStarNamedExpression();
  Node* ParseStarNamedExpressionsTuple(Node* first, uint32_t begin);
  Node* ParseNamedExpression();
  Node* ParseExpression();
  Node* ParseExpressionNoCond();
  Node* ParseDisjunction();
  Node* ParseConjunction();
  /// `a or b or c` / `a and b`: one BoolOp over operands parsed by `operand`.
  Node* ParseBoolOp(lex::TokenKind op_token, ast::Singleton op, Node* (Parser::*operand)());
  Node* ParseInversion();
  Node* ParseComparison();
  Node* ParseBitOr(int min_prec);
  Node* ParseFactor();
  Node* ParsePower();
  Node* ParsePrimary();
  Node* ParseTrailers(Node* e, uint32_t begin);
  Node* ParseAtom();
  Node* ParseParenthesized();
  Node* ParseList();
  Node* ParseDictOrSet();
  Node* ParseLambda();
  Node* ParseYield();
  Node* ParseSlices();
  Node* ParseSlice();
  Node* ParseCall(Node* func, uint32_t begin);
  bool ParseArguments(size_t args_mark, size_t kw_mark, uint32_t open_begin, bool* genexp_only,
                      Node** genexp);
  ast::List* ParseComprehension();
  Node* ParseStarTargets();
  Node* ParseStarTarget();
  Node* ParseAnnotatedRhs();

  // ---- strings (parse_strings.cc) ----
  struct StringBuilder;
  Node* ParseStrings();
  bool ParseFString(StringBuilder* sb);
  bool ParseReplacementField(StringBuilder* sb, bool raw);
  bool DecodeMiddle(const Token& t, bool raw, std::string* out);
  void AddPiece(StringBuilder* sb, std::string_view value, uint32_t begin, uint32_t end);
  void FlushPieces(StringBuilder* sb);
  Node* ParseNumber();

  // ---- targets (parse_targets.cc) ----
  /// Checks `e` as an assignment/del/for target and sets its ctx; null after an error.
  Node* SetTarget(Node* e, ast::Singleton ctx, const char* what);
  /// CPython's name for an expression kind in messages ("function call", "literal", ...).
  static const char* Describe(const Node* e);
  /// The first sub-expression of `e` that cannot be a target with `ctx`, or null.
  static const Node* FindInvalidTarget(const Node* e, ast::Singleton ctx);
  /// Message for an invalid `target = value` statement (CPython's invalid_assignment rules).
  Node* FailAssignTarget(Node* target, const Node* bad, bool first_target);

  // ---- guards ----
  struct DepthGuard {
    Parser* p;
    explicit DepthGuard(Parser* parser) : p(parser) { ++p->depth_; }
    ~DepthGuard() { --p->depth_; }
  };

  std::string_view text_;
  const std::vector<Token>& tokens_;
  ast::Arena& arena_;
  ParseOptions options_;
  size_t pos_ = 0;
  size_t max_peek_ = 0;  // furthest token looked at, where CPython reports "invalid syntax"
  // Furthest token the probes of CPython's second pass looked at: it counts for whether an
  // unclosed bracket wins, not for where "invalid syntax" is (that is the first pass's).
  size_t max_probe_ = 0;
  uint32_t depth_ = 0;
  uint32_t fstring_depth_ = 0;
  bool in_call_argument_ = false;  // parsing a call argument: `f(a.b=1)` has its own message
  uint64_t node_count_ = 0;
  bool failed_ = false;
  bool furthest_exact_ = false;
  bool too_many_nodes_ = false;
  ParseError error_;
  size_t error_token_ = 0;
  bool indentation_error_ = false;
  std::vector<Node*> scratch_;
  std::vector<const ast::Str*> str_scratch_;
  std::vector<int64_t> int_scratch_;
  std::string buf_;
};

}  // namespace ast2graph::parse
