// The parser: trees (as ast.dump prints them, checked against CPython 3.13's output), node
// counts, errors with CPython's messages and locations, limits, and hostile input.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "ast/dump.h"
#include "ast2graph/parse.h"

namespace ast2graph {
namespace {

std::string DumpOf(const std::string& src) {
  ParsedModule m = Parse(src);
  EXPECT_TRUE(m.ok()) << src << ": " << m.error().message;
  if (!m.ok()) return "";
  std::string out;
  ast::Dump(m.root(), m.lines(), -1, &out);
  return out;
}

struct ErrorCase {
  const char* src;
  const char* message;
  uint32_t lineno;
  uint32_t offset;
};

TEST(Parser, PositionsIncludeParenthesizedOperands) {
  // CPython: a BinOp spans the parentheses of its operands; the operand keeps its own range.
  EXPECT_EQ(DumpOf("(a) * b"),
            "Module(body=[Expr(value=BinOp(left=Name(id='a', ctx=Load(), lineno=1, col_offset=1, "
            "end_lineno=1, end_col_offset=2), op=Mult(), right=Name(id='b', ctx=Load(), lineno=1, "
            "col_offset=6, end_lineno=1, end_col_offset=7), lineno=1, col_offset=0, end_lineno=1, "
            "end_col_offset=7), lineno=1, col_offset=0, end_lineno=1, end_col_offset=7)])");
}

TEST(Parser, ImplicitConcatenationAndFStrings) {
  EXPECT_EQ(DumpOf("'a' u'b'"),
            "Module(body=[Expr(value=Constant(value='ab', lineno=1, col_offset=0, end_lineno=1, "
            "end_col_offset=8), lineno=1, col_offset=0, end_lineno=1, end_col_offset=8)])");
  EXPECT_EQ(DumpOf("f'{x=}'"),
            "Module(body=[Expr(value=JoinedStr(values=[Constant(value='x=', lineno=1, "
            "col_offset=3, end_lineno=1, end_col_offset=5), FormattedValue(value=Name(id='x', "
            "ctx=Load(), lineno=1, col_offset=3, end_lineno=1, end_col_offset=4), conversion=114, "
            "lineno=1, col_offset=2, end_lineno=1, end_col_offset=6)], lineno=1, col_offset=0, "
            "end_lineno=1, end_col_offset=7), lineno=1, col_offset=0, end_lineno=1, "
            "end_col_offset=7)])");
}

TEST(Parser, TargetsGetTheirContext) {
  std::string d = DumpOf("a, [b.c, *d[0]] = e\ndel f, g[1]\nfor h in i: pass\n");
  EXPECT_NE(d.find("Name(id='a', ctx=Store()"), std::string::npos);
  EXPECT_NE(d.find("Attribute(value=Name(id='b', ctx=Load()"), std::string::npos);
  EXPECT_NE(d.find("attr='c', ctx=Store()"), std::string::npos);
  EXPECT_NE(d.find("Starred(value=Subscript("), std::string::npos);
  EXPECT_NE(d.find("Name(id='f', ctx=Del()"), std::string::npos);
  EXPECT_NE(d.find("Name(id='h', ctx=Store()"), std::string::npos);
  EXPECT_NE(d.find("Name(id='e', ctx=Load()"), std::string::npos);
}

TEST(Parser, SoftKeywordsAsNames) {
  EXPECT_TRUE(Parse("match = 1\nmatch(x)\nmatch[x]: int\ncase = type = _ = 2\ntype(x)\n").ok());
  std::string d = DumpOf("match x:\n case [1, *r] | {'k': v, **kw} | C(a, b=c) | -1+2j | None | _ as z if z:\n  pass\n");
  EXPECT_NE(d.find("MatchOr(patterns=[MatchSequence("), std::string::npos);
  EXPECT_NE(d.find("MatchStar(name='r'"), std::string::npos);
  EXPECT_NE(d.find("MatchMapping(keys=[Constant(value='k'"), std::string::npos);
  EXPECT_NE(d.find("rest='kw'"), std::string::npos);
  EXPECT_NE(d.find("kwd_attrs=['b']"), std::string::npos);
  EXPECT_NE(d.find("MatchSingleton(value=None"), std::string::npos);
  EXPECT_NE(DumpOf("type X[T: int = str, *Ts, **P] = list[T]").find("TypeAlias(name=Name(id='X', ctx=Store()"),
            std::string::npos);
}

TEST(Parser, NodeCountIsAstWalkMinusSingletons) {
  // ast.walk(ast.parse("x = a + b")) visits Module, Assign, Name x, BinOp, Name a, Name b,
  // and the Store/Load/Add singletons, which are not nodes here.
  ParsedModule m = Parse("x = a + b\n");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m.node_count(), 6u);
  // Backtracking (a `match` that is a call) does not count discarded nodes.
  m = Parse("match(a, b)\n");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m.node_count(), 6u);  // Module, Expr, Call, Name match, Name a, Name b
}

TEST(Parser, CommonErrors) {
  const ErrorCase cases[] = {
      {"a b\n", "invalid syntax", 1, 3},
      {"x +\n", "invalid syntax", 1, 4},
      {"x\n  y\n", "unexpected indent", 2, 2},
      {"if x:\ny\n", "expected an indented block after 'if' statement on line 1", 2, 1},
      {"def f():\nreturn 1\n", "expected an indented block after function definition on line 1", 2, 1},
      {"if x:\n  a\n b\n", "unindent does not match any outer indentation level", 3, 3},
      {"'abc\n", "unterminated string literal (detected at line 1)", 1, 1},
      {"'''abc\n\n", "unterminated triple-quoted string literal (detected at line 2)", 1, 1},
      {"x = (1,\n2\n", "'(' was never closed", 1, 5},
      {"foo(a b\n\n", "'(' was never closed", 1, 4},
      {"[)", "closing parenthesis ')' does not match opening parenthesis '['", 1, 2},
      {")", "unmatched ')'", 1, 1},
      {"x = 1 €", "invalid character '€' (U+20AC)", 1, 7},
      {"1abc", "invalid decimal literal", 1, 1},
      {"f(a=1, b)\n", "positional argument follows keyword argument", 1, 9},
      {"1 = x\n", "cannot assign to literal here. Maybe you meant '==' instead of '='?", 1, 1},
      {"f() = 1\n", "cannot assign to function call here. Maybe you meant '==' instead of '='?", 1, 1},
      {"del f()\n", "cannot delete function call", 1, 5},
      {"(a, 1) = x\n", "cannot assign to literal", 1, 5},
      {"for 1 in x: pass\n", "cannot assign to literal", 1, 5},
      {"x = yield = 3\n", "assignment to yield expression not possible", 1, 5},
      {"print 'x'\n", "Missing parentheses in call to 'print'. Did you mean print(...)?", 1, 1},
      {"x = [1 2]\n", "invalid syntax. Perhaps you forgot a comma?", 1, 6},
      {"if x = 1:\n  pass\n", "invalid syntax. Maybe you meant '==' or ':=' instead of '='?", 1, 4},
      {"if x\n  pass\n", "expected ':'", 1, 5},
      {"f'{x!}'\n", "f-string: missing conversion character", 1, 6},
      {"f'{}'\n", "f-string: valid expression required before '}'", 1, 4},
      {"def f(a=1, b): pass\n", "parameter without a default follows parameter with a default", 1, 12},
      {"try:\n  pass\n", "expected 'except' or 'finally' block", 2, 7},
      {"x = 1 \\ 2\n", "unexpected character after line continuation character", 1, 8},
  };
  for (const ErrorCase& c : cases) {
    ParsedModule m = Parse(c.src);
    ASSERT_FALSE(m.ok()) << c.src;
    EXPECT_EQ(m.error().kind, ParseErrorKind::kSyntax) << c.src;
    EXPECT_EQ(m.error().message, c.message) << c.src;
    EXPECT_EQ(m.error().lineno, c.lineno) << c.src;
    EXPECT_EQ(m.error().offset, c.offset) << c.src;
  }
}

TEST(Parser, ReturnOutsideFunctionIsNotAParseError) {
  EXPECT_TRUE(Parse("return 1\nyield 2\nawait x\nnonlocal y\nbreak\n").ok());
}

TEST(Parser, FormatParseError) {
  ParsedModule m = Parse("x = 1\ny = (2 +\n");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(FormatParseError("a.py", m.error()),
            "a.py:2:5: SyntaxError: '(' was never closed\ny = (2 +\n    ^\n");
}

TEST(Parser, MaxNodes) {
  ParseOptions options;
  options.max_nodes = 5;
  ParsedModule m = Parse("x = [1, 2, 3, 4, 5]\n", options);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().kind, ParseErrorKind::kTooManyNodes);
  options.max_nodes = 100;
  EXPECT_TRUE(Parse("x = [1, 2, 3, 4, 5]\n", options).ok());
}

TEST(Parser, HostileNestingFailsCleanly) {
  // CPython: MemoryError "Parser stack overflowed - Python source too complex to parse".
  for (const std::string& src :
       {std::string(100000, '-') + "x",
        [] { std::string s; for (int i = 0; i < 50000; ++i) s += "not "; return s + "x"; }(),
        [] { std::string s = "a"; for (int i = 0; i < 100000; ++i) s += ".a"; return s; }(),
        [] { std::string s = "1"; for (int i = 0; i < 100000; ++i) s += "+1"; return s; }(),
        [] { std::string s; for (int i = 0; i < 20000; ++i) s += "lambda:"; return s + "x"; }(),
        [] { std::string s = "if x: pass\n"; for (int i = 0; i < 20000; ++i) s += "elif x: pass\n"; return s; }(),
        [] { std::string s; for (int i = 0; i < 20000; ++i) s += "x if y else "; return s + "z"; }()}) {
    ParsedModule m = Parse(src);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error().message, "Parser stack overflowed - Python source too complex to parse");
  }
  // Depths CPython accepts parse.
  EXPECT_TRUE(Parse(std::string(5000, '-') + "x").ok());
  EXPECT_TRUE(Parse(std::string(199, '(') + std::string(199, ')')).ok());
  ParsedModule m = Parse(std::string(300, '['));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message, "too many nested parentheses");
}

TEST(Parser, ThreadsParseIndependently) {
  std::string src;
  for (int i = 0; i < 500; ++i) src += "def f(a, b=1, *c, d, **e):\n    return [x async for x in a if x] or {k: v for k, v in b}\n";
  std::vector<uint64_t> counts(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      ParsedModule m = Parse(src);
      counts[t] = m.ok() ? m.node_count() : 0;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_GT(counts[0], 0u);
  for (uint64_t c : counts) EXPECT_EQ(c, counts[0]);
}

}  // namespace
}  // namespace ast2graph
