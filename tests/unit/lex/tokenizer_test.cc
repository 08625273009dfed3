// Token streams of the tokenizer for tricky inputs, and its errors located as CPython does.
#include "lex/tokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ast2graph::lex {
namespace {

using K = TokenKind;

std::vector<K> Kinds(const std::string& src) {
  std::vector<Token> tokens;
  TokenError error;
  EXPECT_TRUE(Tokenize(src, &tokens, &error)) << src << ": " << error.message;
  std::vector<K> kinds;
  for (const Token& t : tokens) kinds.push_back(t.kind);
  return kinds;
}

TokenError Error(const std::string& src) {
  std::vector<Token> tokens;
  TokenError error;
  EXPECT_FALSE(Tokenize(src, &tokens, &error)) << src;
  EXPECT_FALSE(tokens.empty());
  if (!tokens.empty()) {
    EXPECT_EQ(tokens.back().kind, K::kError);
  }
  return error;
}

TEST(Tokenizer, IndentDedentAndNewlines) {
  EXPECT_EQ(Kinds("if x:\n    y = 1\nz\n"),
            (std::vector<K>{K::kIf, K::kName, K::kColon, K::kNewline, K::kIndent, K::kName,
                            K::kEqual, K::kNumber, K::kNewline, K::kDedent, K::kName, K::kNewline,
                            K::kEndMarker}));
  // Blank and comment-only lines produce nothing; a missing final newline is supplied.
  EXPECT_EQ(Kinds("\n  # c\n\nx"), (std::vector<K>{K::kName, K::kNewline, K::kEndMarker}));
  // Dedents to the end of the file.
  EXPECT_EQ(Kinds("if a:\n if b:\n  c"),
            (std::vector<K>{K::kIf, K::kName, K::kColon, K::kNewline, K::kIndent, K::kIf,
                            K::kName, K::kColon, K::kNewline, K::kIndent, K::kName, K::kNewline,
                            K::kDedent, K::kDedent, K::kEndMarker}));
}

TEST(Tokenizer, ImplicitAndExplicitJoining) {
  EXPECT_EQ(Kinds("x = (1,\n     2)\n"),
            (std::vector<K>{K::kName, K::kEqual, K::kLPar, K::kNumber, K::kComma, K::kNumber,
                            K::kRPar, K::kNewline, K::kEndMarker}));
  EXPECT_EQ(Kinds("x = 1 + \\\n  2\n"),
            (std::vector<K>{K::kName, K::kEqual, K::kNumber, K::kPlus, K::kNumber, K::kNewline,
                            K::kEndMarker}));
}

TEST(Tokenizer, TabsAndFormFeeds) {
  // A tab is 8 columns; a tab line and an 8-space line are the same level only if also
  // consistent with tab size 1 -> TabError.
  EXPECT_EQ(Error("if x:\n\tif y:\n        z\n").message,
            "inconsistent use of tabs and spaces in indentation");
  EXPECT_EQ(Kinds("if x:\n\ty\n\tz\n").size(), 11u);
  // A form feed resets the column count.
  EXPECT_EQ(Kinds("x\n\f\fy\n"), (std::vector<K>{K::kName, K::kNewline, K::kName, K::kNewline,
                                                  K::kEndMarker}));
}

TEST(Tokenizer, KeywordsAndSoftKeywords) {
  EXPECT_EQ(Kinds("match case type _ await async lambda None"),
            (std::vector<K>{K::kName, K::kName, K::kName, K::kName, K::kAwait, K::kAsync,
                            K::kLambda, K::kNone, K::kNewline, K::kEndMarker}));
  std::vector<Token> tokens;
  TokenError error;
  ASSERT_TRUE(Tokenize("é = 1\n", &tokens, &error));
  EXPECT_EQ(tokens[0].flags & kTokenNonAscii, kTokenNonAscii);
  EXPECT_EQ(tokens[0].end, 2u);  // byte offsets
}

TEST(Tokenizer, Numbers) {
  EXPECT_EQ(Kinds("0x_1f 1_000.5e-3j 0o17 0b1 .5 1. 1e5 0 00 1if x else 2"),
            (std::vector<K>{K::kNumber, K::kNumber, K::kNumber, K::kNumber, K::kNumber,
                            K::kNumber, K::kNumber, K::kNumber, K::kNumber, K::kNumber, K::kIf,
                            K::kName, K::kElse, K::kNumber, K::kNewline, K::kEndMarker}));
  EXPECT_EQ(Error("1abc").message, "invalid decimal literal");
  EXPECT_EQ(Error("0x").message, "invalid hexadecimal literal");
  EXPECT_EQ(Error("0b2").message, "invalid digit '2' in binary literal");
  EXPECT_EQ(Error("x = 0777").message,
            "leading zeros in decimal integer literals are not permitted; use an 0o prefix for "
            "octal integers");
}

TEST(Tokenizer, Strings) {
  EXPECT_EQ(Kinds("rb'\\x' Rb\"a\" u'''x\ny''' '\\''"),
            (std::vector<K>{K::kString, K::kString, K::kString, K::kString, K::kNewline,
                            K::kEndMarker}));
  TokenError e = Error("x = 'abc\n");
  EXPECT_EQ(e.message, "unterminated string literal (detected at line 1)");
  EXPECT_EQ(e.lineno, 1u);
  EXPECT_EQ(e.offset, 5u);
  e = Error("x = '''abc\n\n");
  EXPECT_EQ(e.message, "unterminated triple-quoted string literal (detected at line 2)");
  EXPECT_EQ(e.lineno, 1u);
}

TEST(Tokenizer, FStrings) {
  EXPECT_EQ(Kinds("f\"a{x!r:>{w}}b\""),
            (std::vector<K>{K::kFStringStart, K::kFStringMiddle, K::kLBrace, K::kName,
                            K::kExclamation, K::kName, K::kColon, K::kFStringMiddle, K::kLBrace,
                            K::kName, K::kRBrace, K::kRBrace, K::kFStringMiddle, K::kFStringEnd,
                            K::kNewline, K::kEndMarker}));
  // PEP 701: the same quote inside a replacement field, and nested f-strings.
  EXPECT_EQ(Kinds("f\"{\"a\"}\""),
            (std::vector<K>{K::kFStringStart, K::kLBrace, K::kString, K::kRBrace,
                            K::kFStringEnd, K::kNewline, K::kEndMarker}));
  EXPECT_EQ(Kinds("f'{f'{x}'}'").size(), 11u);
  // Doubled braces are literal text; the middle token notes the extra brace.
  std::vector<Token> tokens;
  TokenError error;
  ASSERT_TRUE(Tokenize("f'{{a}}'", &tokens, &error));
  ASSERT_EQ(tokens[1].kind, K::kFStringMiddle);
  EXPECT_EQ(tokens[1].flags & kTokenEscapedBrace, kTokenEscapedBrace);
  EXPECT_EQ(Error("f'{x'").message, "f-string: expecting '}'");
  EXPECT_EQ(Error("f'}'").message, "f-string: single '}' is not allowed");
  EXPECT_EQ(Error("f'{x:{y:{z:{w}}}}'").message, "f-string: expressions nested too deeply");
}

TEST(Tokenizer, BracketErrors) {
  TokenError e = Error("x = )\n");
  EXPECT_EQ(e.message, "unmatched ')'");
  EXPECT_EQ(e.offset, 5u);
  EXPECT_EQ(Error("[)").message,
            "closing parenthesis ')' does not match opening parenthesis '['");
  EXPECT_EQ(Error("(\n]").message,
            "closing parenthesis ']' does not match opening parenthesis '(' on line 1");
  e = Error("foo(1,\n2\n");
  EXPECT_EQ(e.message, "'(' was never closed");
  EXPECT_TRUE(e.unclosed_bracket);
  EXPECT_EQ(e.lineno, 1u);
  EXPECT_EQ(e.offset, 4u);
  EXPECT_EQ(Error(std::string(201, '(')).message, "too many nested parentheses");
  std::vector<Token> tokens;
  TokenError ok;
  EXPECT_TRUE(Tokenize(std::string(200, '(') + std::string(200, ')'), &tokens, &ok));
}

TEST(Tokenizer, IndentationErrors) {
  TokenError e = Error("if x:\n  a\n b\n");
  EXPECT_EQ(e.message, "unindent does not match any outer indentation level");
  EXPECT_EQ(e.lineno, 3u);
  std::string deep;
  for (int i = 0; i < 101; ++i) deep += std::string(i, ' ') + "if x:\n";
  EXPECT_EQ(Error(deep).message, "too many levels of indentation");
}

TEST(Tokenizer, InvalidCharacters) {
  TokenError e = Error("x = 1 €");
  EXPECT_EQ(e.message, "invalid character '€' (U+20AC)");
  EXPECT_EQ(e.offset, 7u);
  EXPECT_EQ(Error("x = \x01").message, "invalid non-printable character U+0001");
  EXPECT_EQ(Error(std::string("x\0y", 3)).message, "source code cannot contain null bytes");
  EXPECT_EQ(Error("x = 1 \\ 2").message,
            "unexpected character after line continuation character");
}

TEST(Tokenizer, RangesIncreaseOnLargeInput) {
  std::string src;
  for (int i = 0; i < 2000; ++i) src += "def f" + std::to_string(i) + "(a, *b, **c):\n    return f'{a!r:>{b}}' + \"x\"\n";
  std::vector<Token> tokens;
  TokenError error;
  ASSERT_TRUE(Tokenize(src, &tokens, &error));
  for (size_t i = 1; i < tokens.size(); ++i) {
    ASSERT_LE(tokens[i - 1].end, tokens[i].begin);
    ASSERT_LE(tokens[i].begin, tokens[i].end);
  }
}

}  // namespace
}  // namespace ast2graph::lex
