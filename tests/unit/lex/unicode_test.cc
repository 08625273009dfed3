// Unicode facts (lex/unicode.h) against CPython 3.13 (Unicode 15.1). Expected values were
// printed once by CPython 3.13; the name table itself is walked entry by entry to check that
// every name and alias it holds is found again by the lookup.
#include "lex/unicode.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

namespace ast2graph::lex {
namespace {

#define SV(literal) std::string_view(literal, sizeof(literal) - 1)

struct NameCase {
  std::string_view name;
  int32_t cp;  // -1: unknown to CPython
};

struct NfkcCase {
  std::string_view input;
  std::string_view expected;
};

struct Utf8Case {
  std::string_view bytes;
  std::string_view message;  // "" when valid
};

// The generated tables, to walk them independently of the lookup code.
struct CodePointRange {
  uint32_t first;
  uint32_t last;
};
#include "lex/unicode_tables.inc"

// FNV-1a 64 over all code points of (isprintable | isidentifier << 1 | XID_Continue << 2)
// by CPython 3.13.
constexpr uint64_t kPropertyHash = 0xc0aef90f3e876fceull;

// \N{NAME} by CPython 3.13: the code point, or -1 when CPython does not know the name.
const NameCase kNameCases[] = {
    {SV("LATIN SMALL LETTER A"), 97},
    {SV("latin small letter a"), 97},
    {SV("Latin Small Letter A"), 97},
    {SV("SPACE"), 32},
    {SV("NULL"), 0},
    {SV("NUL"), 0},
    {SV("BOM"), 65279},
    {SV("ZWJ"), 8205},
    {SV("LF"), 10},
    {SV("LINE FEED"), 10},
    {SV("LINE FEED (LF)"), -1},
    {SV("BYTE ORDER MARK"), 65279},
    {SV("SNAKE"), 128013},
    {SV("PILE OF POO"), 128169},
    {SV("VS256"), 917999},
    {SV("VARIATION SELECTOR-256"), 917999},
    {SV("CJK UNIFIED IDEOGRAPH-4E00"), 19968},
    {SV("CJK UNIFIED IDEOGRAPH-9FFF"), 40959},
    {SV("CJK UNIFIED IDEOGRAPH-A000"), -1},
    {SV("CJK UNIFIED IDEOGRAPH-20000"), 131072},
    {SV("CJK UNIFIED IDEOGRAPH-2EE5D"), 192093},
    {SV("CJK UNIFIED IDEOGRAPH-2EE5E"), -1},
    {SV("CJK UNIFIED IDEOGRAPH-323AF"), 205743},
    {SV("CJK UNIFIED IDEOGRAPH-323B0"), -1},
    {SV("CJK UNIFIED IDEOGRAPH-04E00"), 19968},
    {SV("CJK UNIFIED IDEOGRAPH-4E00 "), -1},
    {SV("cjk unified ideograph-4e00"), -1},
    {SV("CJK COMPATIBILITY IDEOGRAPH-F900"), 63744},
    {SV("HANGUL SYLLABLE GA"), 44032},
    {SV("HANGUL SYLLABLE HIH"), 55203},
    {SV("HANGUL SYLLABLE A"), 50500},
    {SV("HANGUL SYLLABLE GAGG"), 44034},
    {SV("HANGUL SYLLABLE GGAG"), 44621},
    {SV("HANGUL SYLLABLE GG"), -1},
    {SV("HANGUL SYLLABLE "), -1},
    {SV("HANGUL SYLLABLE"), -1},
    {SV("HANGUL SYLLABLE YAE"), 50584},
    {SV("HANGUL SYLLABLE SSANG"), 49933},
    {SV("HANGUL CHOSEONG KIYEOK"), 4352},
    {SV("TANGUT IDEOGRAPH-17000"), -1},
    {SV("KEYCAP NUMBER SIGN"), -1},
    {SV("LATIN CAPITAL LETTER A WITH MACRON AND GRAVE"), -1},
    {SV("ZERO WIDTH SPACE"), 8203},
    {SV("A"), -1},
    {SV(""), -1},
    {SV("LATIN SMALL LETTER"), -1},
    {SV("LATIN SMALL LETTER ZZ"), -1},
    {SV("AAAAAA"), -1},
    {SV("ZZZZZZZZZZZZZZ"), -1},
    {SV("0"), -1},
    {SV("ZWNJ"), 8204},
    {SV("NBSP"), 160},
    {SV("CHARACTER TABULATION"), 9},
    {SV("HORIZONTAL TABULATION"), 9},
    {SV("TAB"), 9},
    {SV("DELETE"), 127},
    {SV("DEL"), 127},
    {SV("PADDING CHARACTER"), 128},
    {SV("PAD"), 128},
    {SV("SINGLE SHIFT TWO"), 142},
    {SV("TIBETAN MARK BKA- SHOG GI MGO RGYAN"), 4048},
    {SV("TIBETAN MARK BSKA- SHOG GI MGO RGYAN"), 4048},
    {SV("HANGUL JUNGSEONG O-E"), 4480},
    {SV("HANGUL JUNGSEONG O -E"), -1},
    {SV("MONGOLIAN VOWEL SEPARATOR"), 6158},
    {SV("YI SYLLABLE ITERATION MARK"), 40981},
    {SV("LATIN CAPITAL LETTER GHA"), 418},
    {SV("PRESENTATION FORM FOR VERTICAL RIGHT WHITE LENTICULAR BRAKCET"), 65048},
    {SV("PRESENTATION FORM FOR VERTICAL RIGHT WHITE LENTICULAR BRACKET"), 65048},
    {SV("ARABIC LIGATURE UIGHUR KIRGHIZ YEH WITH HAMZA ABOVE WITH ALEF MAKSURA ISOLAT"
        "ED FORM"), 64505},
    {SV("BOX DRAWINGS LIGHT DIAGONAL UPPER CENTRE TO MIDDLE RIGHT AND MIDDLE LEFT TO "
        "LOWER CENTRE"), 129961},
    {SV("LATIN SMALL LETTER A WITH GRAVE"), 224},
    {SV("latin-small-letter-a"), -1},
    {SV("EGYPTIAN HIEROGLYPH A001"), 77824},
    {SV("EGYPTIAN HIEROGLYPH-13460"), -1},
    {SV("CUNEIFORM SIGN A"), 73728},
    {SV("KHMER VOWEL INHERENT AQ"), 6068},
    {SV("SQUARE ERA NAME REIWA"), 13055},
    {SV("CJK STROKE HXG"), -1},
    {SV("IDEOGRAPHIC DESCRIPTION CHARACTER SUBTRACTION"), 12783},
    {SV("LATIN SMALL LETTER A\x00"), -1},
    {SV("LATIN CAPITAL LETTER Z"), 90},
    {SV("ZERO WIDTH NO-BREAK SPACE"), 65279},
};

// unicodedata.normalize("NFKC", s) by CPython 3.13.
const NfkcCase kNfkcCases[] = {
    {SV("abc"), SV("abc")},
    {SV("caf\xc3\xa9"), SV("caf\xc3\xa9")},
    {SV("cafe\xcc\x81"), SV("caf\xc3\xa9")},
    {SV("\xef\xac\x81le"), SV("file")},
    {SV("\xe2\x84\x8c"
        "ello"), SV("Hello")},
    {SV("\xf0\x9d\x94\x98\xf0\x9d\x94\xab\xf0\x9d\x94\xa6\xf0\x9d\x94\xa0\xf0\x9d\x94"
        "\xac\xf0\x9d\x94\xa1\xf0\x9d\x94\xa2"), SV("Unicode")},
    {SV("\xe2\x84\xab"), SV("\xc3\x85")},
    {SV("A\xcc\x8a"), SV("\xc3\x85")},
    {SV("\xef\xbd\x98"), SV("x")},
    {SV("\xe2\x91\xa0"), SV("1")},
    {SV("\xe1\x84\x80\xe1\x85\xa1\xe1\x86\xa8"), SV("\xea\xb0\x81")},
    {SV("\xe3\x84\xb1"), SV("\xe1\x84\x80")},
    {SV("\xc2\xb5"), SV("\xce\xbc")},
    {SV("\xc5\xbf"), SV("s")},
    {SV("\xe1\xba\x9b\xcc\xa3"), SV("\xe1\xb9\xa9")},
    {SV("\xe0\xba\xb3"), SV("\xe0\xbb\x8d\xe0\xba\xb2")},
    {SV("x\xcc\x80\xcc\x81"), SV("x\xcc\x80\xcc\x81")},
    {SV("a\xcc\x81\xcc\xa3"), SV("\xe1\xba\xa1\xcc\x81")},
    {SV("\xc2\xbd"), SV("1\xe2\x81\x84"
        "2")},
    {SV("\xe2\x85\xa3"), SV("IV")},
    {SV("\xe3\x8e\xa1"), SV("m2")},
    {SV("\xef\xb7\xba"), SV("\xd8\xb5\xd9\x84\xd9\x89 \xd8\xa7\xd9\x84\xd9\x84\xd9\x87 \xd8\xb9\xd9\x84"
        "\xd9\x8a\xd9\x87 \xd9\x88\xd8\xb3\xd9\x84\xd9\x85")},
    {SV("\xe0\xa5\x98"), SV("\xe0\xa4\x95\xe0\xa4\xbc")},
    {SV("\xf0\xaf\xa0\x80"), SV("\xe4\xb8\xbd")},
    {SV("\xf0\xae\xaf\xb0"), SV("\xf0\xae\xaf\xb0")},
    {SV("\xe3\x87\xaf"), SV("\xe3\x87\xaf")},
};

// bytes.decode("utf-8") by CPython 3.13: "" when valid, else str(UnicodeDecodeError).
const Utf8Case kUtf8Cases[] = {
    {SV(""),
     ""},
    {SV("abc"),
     ""},
    {SV("\xc3\xa9"),
     ""},
    {SV("\xff"),
     "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"},
    {SV("\x80"),
     "'utf-8' codec can't decode byte 0x80 in position 0: invalid start byte"},
    {SV("\xc0\x80"),
     "'utf-8' codec can't decode byte 0xc0 in position 0: invalid start byte"},
    {SV("\xc1\xbf"),
     "'utf-8' codec can't decode byte 0xc1 in position 0: invalid start byte"},
    {SV("\xc2"),
     "'utf-8' codec can't decode byte 0xc2 in position 0: unexpected end of data"},
    {SV("\xc2\x80"),
     ""},
    {SV("\xc2("),
     "'utf-8' codec can't decode byte 0xc2 in position 0: invalid continuation byt"
     "e"},
    {SV("\xdf\xbf"),
     ""},
    {SV("\xe0"),
     "'utf-8' codec can't decode byte 0xe0 in position 0: unexpected end of data"},
    {SV("\xe0\xa0"),
     "'utf-8' codec can't decode bytes in position 0-1: unexpected end of data"},
    {SV("\xe0\x80"),
     "'utf-8' codec can't decode byte 0xe0 in position 0: invalid continuation byt"
     "e"},
    {SV("\xe0\x9f\xbf"),
     "'utf-8' codec can't decode byte 0xe0 in position 0: invalid continuation byt"
     "e"},
    {SV("\xe0\xa0\x80"),
     ""},
    {SV("\xe0\xa0("),
     "'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte"},
    {SV("\xe0("),
     "'utf-8' codec can't decode byte 0xe0 in position 0: invalid continuation byt"
     "e"},
    {SV("\xed\x9f\xbf"),
     ""},
    {SV("\xed\xa0\x80"),
     "'utf-8' codec can't decode byte 0xed in position 0: invalid continuation byt"
     "e"},
    {SV("\xed\xa0"),
     "'utf-8' codec can't decode byte 0xed in position 0: invalid continuation byt"
     "e"},
    {SV("\xee\x80\x80"),
     ""},
    {SV("\xef\xbf\xbf"),
     ""},
    {SV("\xef\xbf"),
     "'utf-8' codec can't decode bytes in position 0-1: unexpected end of data"},
    {SV("\xef"),
     "'utf-8' codec can't decode byte 0xef in position 0: unexpected end of data"},
    {SV("\xf0"),
     "'utf-8' codec can't decode byte 0xf0 in position 0: unexpected end of data"},
    {SV("\xf0\x90"),
     "'utf-8' codec can't decode bytes in position 0-1: unexpected end of data"},
    {SV("\xf0\x90\x80"),
     "'utf-8' codec can't decode bytes in position 0-2: unexpected end of data"},
    {SV("\xf0\x90\x80\x80"),
     ""},
    {SV("\xf0\x8f\xbf\xbf"),
     "'utf-8' codec can't decode byte 0xf0 in position 0: invalid continuation byt"
     "e"},
    {SV("\xf0\x90("),
     "'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte"},
    {SV("\xf0\x90\x80("),
     "'utf-8' codec can't decode bytes in position 0-2: invalid continuation byte"},
    {SV("\xf0(\x80\x80"),
     "'utf-8' codec can't decode byte 0xf0 in position 0: invalid continuation byt"
     "e"},
    {SV("\xf4\x8f\xbf\xbf"),
     ""},
    {SV("\xf4\x90\x80\x80"),
     "'utf-8' codec can't decode byte 0xf4 in position 0: invalid continuation byt"
     "e"},
    {SV("\xf4\x90"),
     "'utf-8' codec can't decode byte 0xf4 in position 0: invalid continuation byt"
     "e"},
    {SV("\xf5\x80\x80\x80"),
     "'utf-8' codec can't decode byte 0xf5 in position 0: invalid start byte"},
    {SV("\xf8\x88\x80\x80\x80"),
     "'utf-8' codec can't decode byte 0xf8 in position 0: invalid start byte"},
    {SV("\xfe"),
     "'utf-8' codec can't decode byte 0xfe in position 0: invalid start byte"},
    {SV("ab\xe4\xb8"),
     "'utf-8' codec can't decode bytes in position 2-3: unexpected end of data"},
    {SV("ab\xe4\xb8"
        "c"),
     "'utf-8' codec can't decode bytes in position 2-3: invalid continuation byte"},
    {SV("\xf0\x9f\x98"),
     "'utf-8' codec can't decode bytes in position 0-2: unexpected end of data"},
    {SV("\xf0\x9f\x98\x80x\xff"),
     "'utf-8' codec can't decode byte 0xff in position 5: invalid start byte"},
    {SV("abc\xed\xbf\xbf"),
     "'utf-8' codec can't decode byte 0xed in position 3: invalid continuation byt"
     "e"},
    {SV("\xe1\x80"),
     "'utf-8' codec can't decode bytes in position 0-1: unexpected end of data"},
};

TEST(Unicode, PropertiesOfEveryCodePointMatchCPython) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (char32_t cp = 0; cp < 0x110000; ++cp) {
    unsigned bits = (IsPrintable(cp) ? 1 : 0) | (IsIdentifierStart(cp) ? 2 : 0) |
                    (IsIdentifierContinue(cp) ? 4 : 0);
    hash ^= bits;
    hash *= 0x100000001b3ull;
  }
  EXPECT_EQ(hash, kPropertyHash);
}

TEST(Unicode, SomeProperties) {
  EXPECT_TRUE(IsIdentifierStart('_'));
  EXPECT_FALSE(IsIdentifierStart('1'));
  EXPECT_TRUE(IsIdentifierContinue('1'));
  EXPECT_TRUE(IsIdentifierStart(0x00E9));   // é
  EXPECT_TRUE(IsIdentifierStart(0x2118));   // ℘ (Other_ID_Start)
  EXPECT_FALSE(IsIdentifierStart(0x00B7));  // · continues but does not start
  EXPECT_TRUE(IsIdentifierContinue(0x00B7));
  EXPECT_FALSE(IsIdentifierContinue(0x2028));
  EXPECT_TRUE(IsPrintable(' '));
  EXPECT_FALSE(IsPrintable(0x00A0));  // NO-BREAK SPACE (Zs)
  EXPECT_FALSE(IsPrintable(0x00AD));  // SOFT HYPHEN (Cf)
  EXPECT_FALSE(IsPrintable(0xD800));  // surrogate
  EXPECT_TRUE(IsPrintable(0x2EBF0));  // CJK Extension I, new in 15.1
  EXPECT_FALSE(IsPrintable(0x10FFFF));
}

TEST(Unicode, NamesAndAliasesAsCPython) {
  for (const NameCase& c : kNameCases) {
    char32_t cp = 0;
    bool found = LookupCharacterName(c.name, &cp);
    EXPECT_EQ(found, c.cp >= 0) << c.name;
    if (found && c.cp >= 0) {
      EXPECT_EQ(cp, static_cast<char32_t>(c.cp)) << c.name;
    }
  }
}

TEST(Unicode, EveryTableNameIsFound) {
  // Decode the front-coded table sequentially (independently of the lookup's block search).
  std::string name;
  const char* p = kNameText;
  for (uint32_t i = 0; i < kNameCount; ++i) {
    name.resize(static_cast<size_t>(*p++ - kPrefixBase));
    while (*p != ';') name.push_back(*p++);
    ++p;
    char32_t cp = 0;
    ASSERT_TRUE(LookupCharacterName(name, &cp)) << name;
    EXPECT_EQ(cp, kNameCodePoint[i]) << name;
    if (i % 97 == 0) {  // case-insensitive, as \N{...}
      std::string lower = name;
      for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
      EXPECT_TRUE(LookupCharacterName(lower, &cp)) << lower;
      EXPECT_FALSE(LookupCharacterName(name + "@", &cp)) << name;
    }
  }
  EXPECT_EQ(p, kNameText + sizeof(kNameText) - 1);
}

TEST(Unicode, EveryHangulSyllableAndUnifiedIdeograph) {
  for (uint32_t l = 0; l < std::size(kJamoL); ++l) {
    for (uint32_t v = 0; v < std::size(kJamoV); ++v) {
      for (uint32_t t = 0; t < std::size(kJamoT); ++t) {
        std::string name = std::string("HANGUL SYLLABLE ") + kJamoL[l] + kJamoV[v] + kJamoT[t];
        char32_t cp = 0;
        ASSERT_TRUE(LookupCharacterName(name, &cp)) << name;
        EXPECT_EQ(cp, 0xAC00 + (l * 21 + v) * 28 + t) << name;
      }
    }
  }
  uint32_t ideographs = 0;
  for (const CodePointRange& r : kCjkIdeographRanges) {
    for (uint32_t cp = r.first; cp <= r.last; ++cp) {
      char name[40];
      std::snprintf(name, sizeof(name), "CJK UNIFIED IDEOGRAPH-%04X", cp);
      char32_t found = 0;
      ASSERT_TRUE(LookupCharacterName(name, &found)) << name;
      EXPECT_EQ(found, cp);
      ++ideographs;
    }
  }
  EXPECT_EQ(ideographs, 97668u);  // Unicode 15.1, as unicodedata.name() counts them
}

TEST(Unicode, NfkcAsCPython) {
  for (const NfkcCase& c : kNfkcCases) EXPECT_EQ(NormalizeIdentifier(c.input), c.expected);
}

TEST(Unicode, StrictUtf8AsCPython) {
  for (const Utf8Case& c : kUtf8Cases) {
    std::string message;
    bool valid = CheckUtf8(c.bytes, &message);
    EXPECT_EQ(valid, c.message.empty()) << c.message;
    if (!valid) {
      EXPECT_EQ(message, c.message);
    }
  }
}

TEST(Unicode, Utf8RoundTrip) {
  std::string text;
  for (char32_t cp = 0; cp < 0x110000; cp += 7) AppendUtf8(cp, &text);
  size_t pos = 0;
  for (char32_t cp = 0; cp < 0x110000; cp += 7) {
    ASSERT_EQ(NextCodePoint(text, &pos), static_cast<int32_t>(cp));
  }
  EXPECT_EQ(pos, text.size());
  std::string_view bad = "\xff\xc3";
  pos = 0;
  EXPECT_EQ(NextCodePoint(bad, &pos), -1);
  EXPECT_EQ(pos, 1u);
  EXPECT_EQ(NextCodePoint(bad, &pos), -1);  // truncated
  EXPECT_EQ(pos, 2u);
}

}  // namespace
}  // namespace ast2graph::lex
