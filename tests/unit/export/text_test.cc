// The escapers of src/export/text.h: each output is read back by an independent reader and must
// give the input (or its documented replacement).
#include "export/text.h"

#include <gtest/gtest.h>

#include "export_test_util.h"
#include "json_reader.h"

namespace a2gtest {

std::string Sanitized(std::string_view s, bool keep_surrogates) {
  using ast2graph::exporters::DecodeUtf8;
  using ast2graph::exporters::Utf8Kind;
  std::string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out.push_back(s[i++]);
      continue;
    }
    auto seq = DecodeUtf8(s.data() + i, s.data() + s.size());
    if (seq.kind == Utf8Kind::kValid || (keep_surrogates && seq.kind == Utf8Kind::kSurrogate)) {
      out.append(s.substr(i, seq.length));
    } else {
      out.append("\xEF\xBF\xBD");
    }
    i += seq.length;
  }
  return out;
}

namespace {

using namespace ast2graph::exporters;  // NOLINT(google-build-using-namespace)

TEST(Utf8, DecodesValidSurrogateAndInvalid) {
  auto d = [](std::string_view s) { return DecodeUtf8(s.data(), s.data() + s.size()); };
  EXPECT_EQ(d("\xC3\xA9").kind, Utf8Kind::kValid);
  EXPECT_EQ(d("\xC3\xA9").code_point, 0xE9u);
  EXPECT_EQ(d("\xF0\x9F\x98\x80").code_point, 0x1F600u);
  EXPECT_EQ(d("\xED\xA0\x80").kind, Utf8Kind::kSurrogate);
  EXPECT_EQ(d("\xED\xA0\x80").code_point, 0xD800u);
  EXPECT_EQ(d("\xC0\x80").kind, Utf8Kind::kInvalid);          // overlong NUL
  EXPECT_EQ(d("\xE0\x80\x80").kind, Utf8Kind::kInvalid);      // overlong
  EXPECT_EQ(d("\xF4\x90\x80\x80").kind, Utf8Kind::kInvalid);  // above U+10FFFF
  EXPECT_EQ(d("\xC3").kind, Utf8Kind::kInvalid);              // truncated
  EXPECT_EQ(d("\xC3").length, 1);
  EXPECT_EQ(d("\x80").kind, Utf8Kind::kInvalid);
}

TEST(JsonString, RoundTripsHostileStrings) {
  for (const std::string& s : HostileStrings()) {
    std::string out;
    AppendJsonString(&out, s);
    Json j;
    std::string error;
    ASSERT_TRUE(JsonReader::Parse(out, &j, &error)) << error << " in " << out;
    EXPECT_EQ(j.text, Sanitized(s, /*keep_surrogates=*/true)) << out;
  }
}

TEST(JsonString, EscapesLikeCPython) {
  std::string out;
  AppendJsonString(&out, std::string("\"\\\n\r\t\b\f\x01\x1f\x7f/\xC3\xA9", 13));
  EXPECT_EQ(out, "\"\\\"\\\\\\n\\r\\t\\b\\f\\u0001\\u001f\x7f/\xC3\xA9\"");
  out.clear();
  AppendJsonString(&out, "\xED\xB0\x80 \xFF");
  EXPECT_EQ(out, "\"\\udc00 \\ufffd\"");
}

TEST(CsvString, QuotesDoublesAndKeepsNewlines) {
  std::string out;
  AppendCsvString(&out, "a \"b\", c\nd\\");
  EXPECT_EQ(out, "\"a \"\"b\"\", c\nd\\\"");
  out.clear();
  AppendCsvString(&out, "");
  EXPECT_EQ(out, "\"\"");
  out.clear();
  AppendCsvString(&out, "x\xED\xA0\x80y\xFFz");
  EXPECT_EQ(out, "\"x\xEF\xBF\xBDy\xEF\xBF\xBDz\"");
}

TEST(XmlText, EscapesMarkupAndReplacesForbiddenCharacters) {
  std::string out;
  AppendXmlText(&out, std::string("<a href=\"x\">&'\r\t\n\x01\0\xEF\xBF\xBE\xED\xA0\x80", 25));
  EXPECT_EQ(out,
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&#13;&#9;\n"
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(DotText, EscapesQuotesAndBackslashes) {
  std::string out;
  AppendDotText(&out, "say \"hi\\n\"\nnext\x02");
  EXPECT_EQ(out, "say \\\"hi\\\\n\\\"\\nnext\xEF\xBF\xBD");
}

TEST(Truncate, CutsAtCodePoints) {
  bool cut = false;
  EXPECT_EQ(TruncateUtf8("abcdef", 3, &cut), "abc");
  EXPECT_TRUE(cut);
  EXPECT_EQ(TruncateUtf8("\xC3\xA9\xC3\xA9\xC3\xA9", 2, &cut), "\xC3\xA9\xC3\xA9");
  EXPECT_TRUE(cut);
  EXPECT_EQ(TruncateUtf8("ab", 2, &cut), "ab");
  EXPECT_FALSE(cut);
}

TEST(Numbers, IntsAndIds) {
  std::string out;
  AppendInt(&out, -9223372036854775807LL - 1);
  out.push_back(' ');
  AppendInt(&out, 0);
  out.push_back(' ');
  AppendId(&out, ast2graph::graph::Id{0x0123456789abcdefULL, 0xfedcba9876543210ULL});
  EXPECT_EQ(out, "-9223372036854775808 0 0123456789abcdeffedcba9876543210");
}

}  // namespace
}  // namespace a2gtest
