// Hostile input (label `unit`, so it also runs under ASan/UBSan): inputs generated here, never
// checked in. Every input must give a clean result: a Module that dumps, or a ParseError with a
// message and a caret display — never a crash, a hang (ctest TIMEOUT) or a stack overflow.
// Where CPython 3.13's answer is known (measured with ast.parse, quoted beside each case), it is
// asserted too.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "ast/dump.h"
#include "ast2graph/ast.h"
#include "ast2graph/parse.h"

namespace ast2graph {
namespace {

std::string Repeat(std::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::string ReadCorpus(const std::string& rel) {
  std::ifstream in(std::string(A2G_SOURCE_DIR) + "/tests/corpus/" + rel, std::ios::binary);
  EXPECT_TRUE(in) << rel;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Parses `source` and checks the outcome is clean; returns the module for more assertions.
ParsedModule ExpectClean(std::string_view source, const ParseOptions& options = {}) {
  ParsedModule m = Parse(source, options);
  if (m.ok()) {
    EXPECT_EQ(m.root()->kind, ast::Kind::Module);
    std::string dump;
    ast::Dump(m.root(), m.lines(), -1, &dump);
    EXPECT_EQ(dump.rfind("Module(", 0), 0u) << dump.substr(0, 80);
  } else {
    const ParseError& e = m.error();
    EXPECT_FALSE(e.message.empty());
    std::string shown = FormatParseError("x.py", e);
    EXPECT_EQ(shown.rfind("x.py:", 0), 0u) << shown.substr(0, 200);
    EXPECT_NE(shown.find(": SyntaxError: "), std::string::npos) << shown.substr(0, 200);
  }
  return m;
}

/// Parses `source`, which CPython 3.13 rejects with `message` on `line`.
void ExpectError(std::string_view source, uint32_t line, std::string_view message) {
  ParsedModule m = ExpectClean(source);
  ASSERT_FALSE(m.ok()) << "accepted input that CPython rejects with: " << message;
  EXPECT_EQ(m.error().lineno, line) << m.error().message;
  EXPECT_EQ(m.error().message, message);
}

/// Parses `source`, which CPython 3.13 accepts.
void ExpectOk(std::string_view source) {
  ParsedModule m = ExpectClean(source);
  EXPECT_TRUE(m.ok()) << "rejected input that CPython accepts: " << m.error().message << " at "
                      << m.error().lineno << ":" << m.error().offset;
}

// --- Deep nesting -------------------------------------------------------------------------------
// CPython 3.13 refuses 100,000-deep chains with MemoryError ("Parser stack overflowed - Python
// source too complex to parse") or RecursionError: we may parse them or fail cleanly.

TEST(Hostile, HundredThousandUnaryMinus) { ExpectClean(Repeat("-", 100000) + "a\n"); }
TEST(Hostile, HundredThousandNot) { ExpectClean(Repeat("not ", 100000) + "a\n"); }
TEST(Hostile, HundredThousandAttributes) { ExpectClean("a" + Repeat(".a", 100000) + "\n"); }
TEST(Hostile, HundredThousandSubscripts) { ExpectClean("a" + Repeat("[0]", 100000) + "\n"); }
TEST(Hostile, HundredThousandCalls) { ExpectClean("a" + Repeat("()", 100000) + "\n"); }
TEST(Hostile, HundredThousandAdditions) { ExpectClean("a" + Repeat("+a", 100000) + "\n"); }
TEST(Hostile, HundredThousandPowers) { ExpectClean("a" + Repeat("**a", 100000) + "\n"); }
TEST(Hostile, HundredThousandConditionals) {
  ExpectClean("a" + Repeat(" if a else a", 100000) + "\n");
}
TEST(Hostile, HundredThousandLambdas) { ExpectClean(Repeat("lambda: ", 100000) + "a\n"); }
TEST(Hostile, HundredThousandAwaits) {
  ExpectClean("async def f():\n  " + Repeat("await ", 100000) + "a\n");
}
TEST(Hostile, TenThousandElifs) {
  ExpectClean("if a:\n  pass\n" + Repeat("elif a:\n  pass\n", 10000));
}
TEST(Hostile, HundredThousandStarsAndTildes) {
  ExpectClean(Repeat("~", 100000) + "a\n");
  ExpectClean(Repeat("*", 100000) + "a\n");
}
TEST(Hostile, DeepNestedFStrings) { ExpectClean(Repeat("f\"{", 10000) + "\n"); }
TEST(Hostile, DeepLambdaDefaults) { ExpectClean(Repeat("lambda a=", 20000) + "0: 0\n"); }
TEST(Hostile, DeepWalrusAndStarred) {
  ExpectClean(Repeat("(a := ", 150) + "1" + Repeat(")", 150) + "\n");
  ExpectClean("x = " + Repeat("*", 5000) + "a,\n");
}

// CPython 3.13 accepts these depths: so must we, and every stage must handle the tree.
TEST(Hostile, ThousandDeepChainsThatCPythonAccepts) {
  ExpectOk(Repeat("-", 1000) + "a\n");
  ExpectOk("a" + Repeat(".a", 1000) + "\n");
  ExpectOk("a" + Repeat("+a", 5000) + "\n");
  ExpectOk("if a:\n  pass\n" + Repeat("elif a:\n  pass\n", 1000));
  ExpectOk("x = " + Repeat("+(", 150) + "1" + Repeat(")", 150) + "\n");
}

TEST(Hostile, NestedBrackets) {
  // CPython's tokenizer MAXLEVEL is 200: 199 levels parse, the 201st '(' is refused.
  ExpectOk("x = " + Repeat("(", 199) + "1" + Repeat(")", 199) + "\n");
  ExpectOk("x = " + Repeat("[", 199) + "1" + Repeat("]", 199) + "\n");
  ExpectError(Repeat("(", 300) + "a" + Repeat(")", 300) + "\n", 1, "too many nested parentheses");
  ExpectError(Repeat("(", 100000), 1, "too many nested parentheses");
  ExpectError(Repeat("[", 100000), 1, "too many nested parentheses");
  ExpectError(Repeat("{", 100000), 1, "too many nested parentheses");
  ExpectError("x = " + Repeat("([{", 100) + "\n", 1, "too many nested parentheses");
}

TEST(Hostile, Indentation) {
  // MAXINDENT is 100: 99 nested blocks parse; the 101st indented line is refused.
  auto nested = [](int levels) {
    std::string s;
    for (int i = 0; i < levels; ++i) s += std::string(i, ' ') + "if x:\n";
    return s + std::string(levels, ' ') + "pass\n";
  };
  ExpectOk(nested(99));
  ExpectError(nested(150), 101, "too many levels of indentation");
  ExpectError(nested(100), 101, "too many levels of indentation");
  std::string tabs;
  for (int i = 0; i < 150; ++i) tabs += std::string(i, '\t') + "if x:\n";
  ExpectError(tabs + std::string(150, '\t') + "pass\n", 101, "too many levels of indentation");
}

// --- Size ---------------------------------------------------------------------------------------

TEST(Hostile, HundredThousandListItems) { ExpectOk("x = [" + Repeat("1,", 100000) + "]\n"); }
TEST(Hostile, HundredThousandConcatenatedStrings) {
  ExpectOk("x = " + Repeat("'a' ", 100000) + "\n");
}
TEST(Hostile, HundredThousandAnds) { ExpectOk("x = " + Repeat("a and ", 100000) + "a\n"); }
TEST(Hostile, HundredThousandComparisons) { ExpectOk("x = " + Repeat("a < ", 100000) + "a\n"); }
TEST(Hostile, HundredThousandLines) { ExpectOk(Repeat("x = 1\n", 100000)); }
TEST(Hostile, MegabyteString) { ExpectOk("x = '" + std::string(1000000, 'a') + "'\n"); }
TEST(Hostile, LongNames) {
  ExpectOk(std::string(100000, 'a') + " = 1\n");
  ExpectOk("from " + std::string(100000, '.') + " import x\n");
}
TEST(Hostile, LongestDecimalIntCPythonAccepts) { ExpectOk("x = " + std::string(4300, '7') + "\n"); }
TEST(Hostile, ThirtyThousandFStringFields) { ExpectOk("x = f'" + Repeat("{a}", 30000) + "'\n"); }
TEST(Hostile, TwentyThousandParameters) {
  std::string params;
  for (int i = 0; i < 20000; ++i) params += "p" + std::to_string(i) + ", ";
  ExpectOk("def f(" + params + "): pass\n");
}

TEST(Hostile, MaxNodesIsEnforced) {
  ParseOptions options;
  options.max_nodes = 50;
  ParsedModule m = ExpectClean(Repeat("x = 1\n", 1000), options);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().kind, ParseErrorKind::kTooManyNodes);
  ParsedModule small = ExpectClean("x = 1\n", options);
  EXPECT_TRUE(small.ok());
}

// --- Bytes that are not Python ------------------------------------------------------------------

TEST(Hostile, NulBytes) {
  // CPython 3.13: SyntaxError "source code string cannot contain null bytes", no line number.
  for (std::string_view s :
       {std::string_view("x = 1\0\n", 7), std::string_view("\0", 1),
        std::string_view("x = 'a\0b'\n", 11), std::string_view("# c\0\nx = 1\n", 11),
        std::string_view("\0\0\0\0\0\0\0\0", 8)}) {
    ParsedModule m = ExpectClean(s);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error().message, "source code string cannot contain null bytes");
  }
}

TEST(Hostile, BrokenUtf8) {
  // CPython 3.13 rejects each with a "(unicode error) 'utf-8' codec can't decode ..." on line 1.
  for (std::string_view s :
       {"x = '\xe2\x82'\n", "x = '\xed\xa0\x80'\n" /* a lone surrogate, UTF-8 encoded */,
        "x = '\xc0\xaf'\n" /* overlong */, "x = '\xf4\x90\x80\x80'\n" /* past U+10FFFF */,
        "\xff\xfe", "x = '\x80'\n", "\xe2\x82 = 1\n"}) {
    ParsedModule m = ExpectClean(s);
    ASSERT_FALSE(m.ok()) << s;
    EXPECT_EQ(m.error().lineno, 1u) << s;
  }
  // Truncated at the very end of the file, in a comment: CPython 3.13 accepts this.
  ExpectOk("x = 1 # \xe2\x82");
  // And an unterminated string whose last bytes are a truncated character.
  ExpectError("x = '\xe2\x82", 1, "unterminated string literal (detected at line 1)");
}

TEST(Hostile, RandomBytes) {
  std::mt19937 rng(20240613);
  for (int i = 0; i < 3000; ++i) {
    std::string s(rng() % 300, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    if (i % 3 == 0) {  // mostly printable ASCII reaches deeper than raw bytes
      for (char& c : s) c = static_cast<char>(' ' + rng() % 95);
    }
    ExpectClean(s);
  }
}

TEST(Hostile, RandomTokenSoup) {
  static const char* const kPieces[] = {
      "a",          "b",       "_",      "match",    "case",     "type",   "if",     "elif",
      "else",       "for",     "in",     "while",    "def",      "class",  "return", "yield",
      "from",       "import",  "as",     "with",     "async",    "await",  "try",    "except",
      "except*",    "finally", "lambda", "not",      "and",      "or",     "is",     "None",
      "True",       "pass",    "global", "nonlocal", "del",      "raise",  "assert", "break",
      "continue",   "(",       ")",      "[",        "]",        "{",      "}",      ":",
      ",",          ";",       ".",      "...",      "=",        ":=",     "+",      "-",
      "*",          "**",      "/",      "//",       "@",        "|",      "&",      "^",
      "~",          "<",       ">",      "==",       "!=",       "->",     "+=",     "1",
      "0x1f",       "1.5e3",   "2j",     "'s'",      "b'b'",     "f'",     "f'{",    "'''",
      "\"",         "!r",      "}",      "\\\n",     "\n",       "\n    ", "\n\t",   "\n  ",
      " ",          "#c\n",    "é",      "€",        "\xe2\x82", "\r\n",   "\x0c",   "f'{x=}'",
      "f'{x:{y}}'", "rb'\\'",  "'\\N{"};
  constexpr size_t kCount = sizeof(kPieces) / sizeof(kPieces[0]);
  std::mt19937 rng(7);
  for (int i = 0; i < 5000; ++i) {
    std::string s;
    size_t n = rng() % 60;
    for (size_t j = 0; j < n; ++j) {
      s += kPieces[rng() % kCount];
      if (rng() % 3 == 0) s += ' ';
    }
    ExpectClean(s);
  }
}

TEST(Hostile, UnterminatedEverything) {
  // Every one of these is rejected by CPython 3.13.
  // (Kept by hand: clang-format puts strings ending in "\n" one per line.)
  // clang-format off
  static const char* const kInputs[] = {
      "(", "[", "{", "x = (1,\n", "'", "\"", "'''", "\"\"\"", "'abc", "'''abc\n", "b'", "rb'''",
      "f'", "f'{", "f'{x", "f'{x!", "f'{x!r", "f'{x:", "f'{x:{", "f'{x=", "f'''{\n", "f'{'", "u'\\",
      "'\\N{", "'\\x", "x = \\", "def f(", "def f():", "class C(", "lambda", "lambda x", "if x",
      "if x:", "for x in", "with a as", "try:", "try:\n  pass\n", "match x:", "match x:\n  case",
      "@", "@dec", "x[", "x[1:", "x.", "import", "from x import (", "a if b", "a if b else",
      "yield from", "async", "type X[", "x: ", "x = [i for", "x = {**", "*", "**", "not", "a <",
      "print(f'{a['",
  };
  // clang-format on
  for (std::string_view s : kInputs) {
    ParsedModule m = ExpectClean(s);
    EXPECT_FALSE(m.ok()) << "accepted: " << s;
  }
}

TEST(Hostile, EveryPrefixOfCorpusFiles) {
  for (const char* name : {"ok/dump_indent.py", "ok/fstring_nested.py", "ok/stmt_match.py",
                           "ok/stmt_type_params.py", "ok/enc_latin1.py", "ok/lex_crlf.py",
                           "ok/str_escapes.py", "ok/lex_nonascii_identifiers.py"}) {
    std::string text = ReadCorpus(name);
    ASSERT_FALSE(text.empty()) << name;
    for (size_t n = 0; n <= text.size(); ++n) ExpectClean(std::string_view(text).substr(0, n));
  }
}

TEST(Hostile, SingleByteMutationsOfCorpusFiles) {
  std::mt19937 rng(99);
  static const char kBytes[] = "()[]{}:'\"\\\n\t #=.,*@\xc3\xa9\x80\xff\0fbrux0_";
  for (const char* name : {"ok/fstring_basic.py", "ok/stmt_with.py", "ok/expr_atoms.py"}) {
    std::string text = ReadCorpus(name);
    ASSERT_FALSE(text.empty()) << name;
    for (int i = 0; i < 1500; ++i) {
      std::string s = text;
      size_t at = rng() % s.size();
      switch (rng() % 3) {
        case 0:
          s[at] = kBytes[rng() % (sizeof(kBytes) - 1)];
          break;
        case 1:
          s.erase(at, 1);
          break;
        default:
          s.insert(at, 1, kBytes[rng() % (sizeof(kBytes) - 1)]);
          break;
      }
      ExpectClean(s);
    }
  }
}

// --- Threads ------------------------------------------------------------------------------------

TEST(Hostile, ParsesInSeveralThreadsAtOnce) {
  std::string text = ReadCorpus("ok/dump_indent.py") + ReadCorpus("ok/fstring_debug.py");
  std::string expected;
  {
    ParsedModule m = Parse(text);
    ASSERT_TRUE(m.ok()) << m.error().message;
    ast::Dump(m.root(), m.lines(), -1, &expected);
  }
  std::vector<std::string> dumps(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < dumps.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        ParsedModule m = Parse(text);
        if (!m.ok()) return;
        dumps[t].clear();
        ast::Dump(m.root(), m.lines(), -1, &dumps[t]);
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const std::string& d : dumps) EXPECT_EQ(d, expected);
}

}  // namespace
}  // namespace ast2graph
