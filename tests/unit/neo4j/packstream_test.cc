// PackStream v2 and Bolt framing: golden bytes from the official JS driver, round trips, and
// hostile input (sizes, nesting, truncation) that must give errors, never crashes.
#include "neo4j/packstream.h"

#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>

#include "neo4j/bolt.h"
#include "neo4j/chunking.h"

namespace ast2graph::neo4j {
namespace {

std::string Hex(std::string_view bytes) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(d[c >> 4]);
    out.push_back(d[c & 15]);
  }
  return out;
}

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::string Encoded(const Value& v) {
  std::string out;
  Encoder(&out).Encode(v);
  return out;
}

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

std::string Key(int i) {
  static const char* d = "0123456789abcdef";
  return std::string("k") + d[i];
}

Value Ints(int n) {
  List l;
  for (int i = 0; i < n; ++i) l.emplace_back(i);
  return l;
}

// Snapshots printed by tests/bolt_server/golden.js with neo4j-driver-bolt-connection 6.3.0's
// Packer and Chunker (the official implementation), pasted here.
struct Golden {
  const char* name;
  Value value;
  std::string hex;
};

std::vector<Golden> Goldens() {
  Map m16;
  for (int i = 0; i < 16; ++i) m16.emplace_back(Key(i), i);
  return {
      {"null", Value(), "c0"},
      {"true", Value(true), "c3"},
      {"false", Value(false), "c2"},
      {"int_0", Value(0), "00"},
      {"int_minus_16", Value(-16), "f0"},
      {"int_minus_17", Value(-17), "c8ef"},
      {"int_127", Value(127), "7f"},
      {"int_128", Value(128), "c90080"},
      {"int_minus_128", Value(-128), "c880"},
      {"int_minus_129", Value(-129), "c9ff7f"},
      {"int_32767", Value(32767), "c97fff"},
      {"int_32768", Value(32768), "ca00008000"},
      {"int_minus_32769", Value(-32769), "caffff7fff"},
      {"int_2147483648", Value(int64_t{2147483648}), "cb0000000080000000"},
      {"int_min64", Value(INT64_MIN), "cb8000000000000000"},
      {"int_max64", Value(INT64_MAX), "cb7fffffffffffffff"},
      {"float_1_5", Value(1.5), "c13ff8000000000000"},
      {"float_minus_0_1", Value(-0.1), "c1bfb999999999999a"},
      {"string_empty", Value(""), "80"},
      {"string_a", Value("a"), "8161"},
      {"string_15", Value(std::string(15, 'x')), "8f" + Repeat("78", 15)},
      {"string_16", Value(std::string(16, 'x')), "d010" + Repeat("78", 16)},
      {"string_256", Value(std::string(256, 'y')), "d10100" + Repeat("79", 256)},
      {"string_utf8", Value("Gr\xC3\xB6\xC3\x9F" "e\xE2\x86\x92\xF0\x9F\x99\x82"),
       "8e4772c3b6c39f65e28692f09f9982"},
      {"bytes_3", Value(Bytes{std::string("\x01\x02\xff", 3)}), "cc030102ff"},
      {"list_empty", Value(List{}), "90"},
      {"list_mixed", Value(List{1, "two", nullptr, true, 2.5}),
       "95018374776fc0c3c14004000000000000"},
      {"list_16", Ints(16), "d410000102030405060708090a0b0c0d0e0f"},
      {"map_empty", Value(Map{}), "a0"},
      {"map_one", Value(Map{{"id", "abc"}}), "a182696483616263"},
      {"map_nested",
       Value(Map{{"rows", List{Map{{"id", "n1"}, {"lineno", 3}}}}, {"n", -1}}),
       "a284726f777391a2826964826e31866c696e656e6f03816eff"},
      {"map_16", Value(m16),
       "d810826b3000826b3101826b3202826b3303826b3404826b3505826b3606826b3707826b3808826b3909826b"
       "610a826b620b826b630c826b640d826b650e826b660f"},
      {"struct_node",
       Value(Structure{tag::kNode, {7, List{"ASTNode", "Name"}, Map{{"id", "x"}}, "4:abc:7"}}),
       "b44e0792874153544e6f6465844e616d65a1826964817887343a6162633a37"},
      {"struct_date", Value(Structure{tag::kDate, {19000}}), "b144c94a38"},
      {"struct_point2d", Value(Structure{tag::kPoint2D, {7203, 1.5, -2.0}}),
       "b358c91c23c13ff8000000000000c1c000000000000000"},
      {"struct_duration", Value(Structure{tag::kDuration, {14, 3, 59, 5000}}),
       "b4450e033bc91388"},
      {"msg_run", Value(Structure{msg::kRun, {"RETURN $x AS x", Map{{"x", 1}}, Map{}}}),
       "b3108e52455455524e2024782041532078a1817801a0"},
      {"msg_pull_all", Value(Structure{msg::kPull, {Map{{"n", -1}}}}), "b13fa1816eff"},
  };
}

TEST(PackStreamTest, EncodesLikeTheOfficialDriver) {
  for (const Golden& g : Goldens()) {
    EXPECT_EQ(Hex(Encoded(g.value)), g.hex) << g.name;
  }
}

TEST(PackStreamTest, DecodesTheOfficialBytes) {
  for (const Golden& g : Goldens()) {
    Result<Value> v = Decode(Unhex(g.hex));
    ASSERT_TRUE(v.ok()) << g.name << ": " << v.status().ToString();
    EXPECT_EQ(*v, g.value) << g.name << ": " << DebugString(*v);
  }
}

TEST(PackStreamTest, DecodesTheWideFormsOfSmallValues) {
  // Other encoders may use a wider marker than needed; the value is the same.
  EXPECT_EQ(*Decode(Unhex("c9000a")), Value(10));
  EXPECT_EQ(*Decode(Unhex("cbffffffffffffffff")), Value(-1));
  EXPECT_EQ(*Decode(Unhex("d20000000161")), Value("a"));
  EXPECT_EQ(*Decode(Unhex("d6000000010a")), Value(List{10}));
  EXPECT_EQ(*Decode(Unhex("da00000001816101")), Value(Map{{"a", 1}}));
}

TEST(PackStreamTest, RoundTripsRandomValues) {
  std::mt19937 rng(42);
  std::function<Value(int)> gen = [&](int depth) -> Value {
    switch (rng() % (depth > 4 ? 6 : 9)) {
      case 0: return Value();
      case 1: return Value(rng() % 2 == 0);
      case 2: return Value(static_cast<int64_t>((uint64_t{rng()} << 32) | rng()) >> (rng() % 64));
      case 3: return Value(static_cast<double>(rng()) / 7.0);
      case 4: return Value(std::string(rng() % 300, static_cast<char>('a' + rng() % 26)));
      case 5: return Value(Bytes{std::string(rng() % 20, '\x7f')});
      case 6: {
        List l;
        for (unsigned i = rng() % 20; i > 0; --i) l.push_back(gen(depth + 1));
        return l;
      }
      case 7: {
        Map m;
        for (unsigned i = rng() % 20; i > 0; --i) m.emplace_back("k" + std::to_string(i), gen(depth + 1));
        return m;
      }
      default: {
        Structure s{static_cast<uint8_t>(0x30 + rng() % 10), {}};
        for (unsigned i = rng() % 4; i > 0; --i) s.fields.push_back(gen(depth + 1));
        return s;
      }
    }
  };
  for (int i = 0; i < 500; ++i) {
    Value v = gen(0);
    Result<Value> back = Decode(Encoded(v));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    ASSERT_EQ(*back, v) << DebugString(v);
  }
}

TEST(PackStreamTest, HostileSizesAreErrorsNotAllocations) {
  // A list/map/string/bytes that claims 4 billion entries in a tiny message.
  for (const char* hex : {"d6ffffffff", "daffffffff", "d2ffffffff", "ceffffffff", "d5ffff00",
                          "d9ffff0000"}) {
    Result<Value> v = Decode(Unhex(hex));
    EXPECT_FALSE(v.ok()) << hex;
    EXPECT_EQ(v.status().code(), ErrorCode::kNeo4jConnection);
  }
}

TEST(PackStreamTest, DeepNestingIsCapped) {
  std::string deep(100000, '\x91');  // a list containing a list containing ...
  deep.push_back('\x01');
  Result<Value> v = Decode(deep);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("nesting"), std::string::npos);
  std::string ok(60, '\x91');
  ok.push_back('\x01');
  EXPECT_TRUE(Decode(ok).ok());
}

TEST(PackStreamTest, EveryTruncationIsAnError) {
  for (const Golden& g : Goldens()) {
    const std::string bytes = Unhex(g.hex);
    for (size_t n = 0; n < bytes.size(); ++n) {
      EXPECT_FALSE(Decode(std::string_view(bytes).substr(0, n)).ok()) << g.name << " cut at " << n;
    }
    EXPECT_FALSE(Decode(bytes + "\x01").ok()) << g.name << " with a trailing byte";
  }
}

TEST(PackStreamTest, RandomBytesNeverCrash) {
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string b(rng() % 40, '\0');
    for (char& c : b) c = static_cast<char>(rng());
    Result<Value> v = Decode(b);
    if (v.ok()) (void)ValidateStructures(*v);
  }
}

// The seed corpus of a PackStream/Bolt fuzzer, run as a test: every golden vector and some
// hostile messages, each mutated many times (bit flips, truncation, inserted bytes, huge sizes),
// framed and unframed, through the Dechunker, Decode and ValidateStructures. Under ASan/UBSan
// (tools/test.sh) any overflow, leak or undefined behaviour fails the test.
TEST(PackStreamTest, MutatedSeedCorpusNeverCrashes) {
  std::vector<std::string> seeds;
  for (const Golden& g : Goldens()) seeds.push_back(Unhex(g.hex));
  seeds.push_back(Unhex("b170a28466696c6473928161816286745f666972737401"));   // SUCCESS {fields, t_first}
  seeds.push_back(Unhex("b17fa284636f6465d020") + std::string(32, 'N') + Unhex("876d65737361676580"));
  seeds.push_back(Unhex("b17193b3500000009091b4"));                            // RECORD with a bad Path
  seeds.push_back(Unhex("b3500000"));                                          // Path, wrong fields
  seeds.push_back(std::string(200, '\xB1') + "\x01");                          // structures nested deep
  seeds.push_back(Unhex("d6fffffff0") + Unhex("d9ffff"));                       // hostile sizes
  std::mt19937 rng(1234);
  size_t decoded = 0;
  for (int round = 0; round < 40000; ++round) {
    std::string b = seeds[rng() % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !b.empty(); ++e) {
      const size_t at = rng() % b.size();
      switch (rng() % 5) {
        case 0: b[at] = static_cast<char>(b[at] ^ (1 << (rng() % 8))); break;
        case 1: b.resize(at); break;
        case 2: b.insert(at, 1, static_cast<char>(rng())); break;
        case 3: b[at] = static_cast<char>(0xD0 + rng() % 12); break;  // a sized marker
        default: b.insert(at, std::string(4, '\xFF')); break;          // a huge size
      }
    }
    Result<Value> v = Decode(b);
    if (v.ok()) {
      ++decoded;
      (void)ValidateStructures(*v);
      (void)DebugString(*v);
      (void)AsPath(*v);
      (void)AsNode(*v);
      (void)AsRelationship(*v);
    }
    // The same bytes as a chunked stream, cut into random pieces.
    std::string framed;
    AppendChunked(b, &framed, 1 + rng() % 300);
    if (rng() % 3 == 0 && !framed.empty()) framed.resize(rng() % framed.size());
    Dechunker d(1 << 16);
    std::vector<std::string> messages;
    for (size_t i = 0; i < framed.size();) {
      const size_t n = 1 + rng() % 64;
      if (!d.Feed(std::string_view(framed).substr(i, n), &messages).ok()) break;
      i += n;
    }
    for (const std::string& m : messages) (void)Decode(m);
  }
  EXPECT_GT(decoded, 1000u);  // the mutations do reach the decoder's deeper paths
}

TEST(PackStreamTest, UnknownMarkersAndBadKeys) {
  EXPECT_FALSE(Decode(Unhex("c4")).ok());  // reserved marker
  EXPECT_FALSE(Decode(Unhex("a10101")).ok());  // map key that is not a string
}

TEST(PackStreamTest, TypedStructures) {
  Result<Value> v = Decode(Unhex("b44e0792874153544e6f6465844e616d65a1826964817887343a6162633a37"));
  ASSERT_TRUE(v.ok());
  Result<NodeValue> n = AsNode(*v);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->id, 7);
  EXPECT_EQ(n->labels, (std::vector<std::string>{"ASTNode", "Name"}));
  EXPECT_EQ(n->element_id, "4:abc:7");

  Value rel(Structure{tag::kRelationship, {1, 2, 3, "CHILD", Map{{"field", "body"}}, "r", "s", "e"}});
  Result<RelationshipValue> r = AsRelationship(rel);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->type, "CHILD");
  EXPECT_EQ(r->start_element_id, "s");

  Value node(Structure{tag::kNode, {1, List{"A"}, Map{}}});
  Value unbound(Structure{tag::kUnboundRelationship, {5, "NEXT", Map{}}});
  Value path(Structure{tag::kPath, {List{node, node}, List{unbound}, List{1, 1}}});
  Result<PathValue> p = AsPath(path);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->nodes.size(), 2u);
  Value bad_path(Structure{tag::kPath, {List{node}, List{unbound}, List{2, 0}}});
  EXPECT_FALSE(AsPath(bad_path).ok());

  EXPECT_TRUE(ValidateStructures(Value(List{Structure{tag::kDateTimeZoneId, {1, 2, "Europe/Paris"}},
                                            Structure{tag::kPoint3D, {9157, 1.0, 2.0, 3.0}},
                                            Structure{tag::kLocalTime, {5}}}))
                  .ok());
  EXPECT_FALSE(ValidateStructures(Value(Structure{tag::kDate, {"not a day"}})).ok());
  EXPECT_FALSE(ValidateStructures(Value(Structure{tag::kPoint2D, {1, 2, 3}})).ok());
  EXPECT_FALSE(ValidateStructures(Value(Structure{tag::kNode, {1, List{2}, Map{}}})).ok());
  EXPECT_EQ(DebugString(Value(Structure{tag::kDate, {19000}})), "Date(19000)");
}

// ---- Framing ---------------------------------------------------------------------------------

TEST(ChunkingTest, SplitsLikeTheOfficialChunker) {
  std::string msg;
  Encoder(&msg).String(std::string(70000, 'z'));
  std::string framed;
  AppendChunked(msg, &framed);
  std::vector<size_t> sizes;
  for (size_t i = 0; i < framed.size();) {
    size_t n = (static_cast<unsigned char>(framed[i]) << 8) | static_cast<unsigned char>(framed[i + 1]);
    sizes.push_back(n);
    i += 2 + n;
  }
  // chunk_sizes_70000 from golden.js.
  EXPECT_EQ(sizes, (std::vector<size_t>{65535, 4470, 0}));
  std::string small;
  AppendChunked(EncodeMessage(msg::kPull, {Map{{"n", -1}}}), &small);
  EXPECT_EQ(Hex(small), "0006b13fa1816eff0000");  // framed_pull_all
}

TEST(ChunkingTest, ReassemblesAcrossArbitrarySplitsAndSkipsNoops) {
  std::string stream = Unhex("0000");  // NOOP before anything
  std::vector<std::string> sent;
  for (int i = 0; i < 5; ++i) {
    std::string m = EncodeMessage(msg::kRun, {std::string(1000 * i + 1, 'q'), Map{}, Map{}});
    sent.push_back(m);
    AppendChunked(m, &stream, 7 + i * 100);
    stream += Unhex("00000000");  // two NOOPs between messages
  }
  for (size_t piece : {1u, 2u, 3u, 17u, 4096u}) {
    Dechunker d;
    std::vector<std::string> got;
    for (size_t i = 0; i < stream.size(); i += piece) {
      ASSERT_TRUE(d.Feed(std::string_view(stream).substr(i, piece), &got).ok());
    }
    EXPECT_EQ(got, sent) << "piece " << piece;
    EXPECT_EQ(d.noops(), 11u);
    EXPECT_TRUE(d.AtBoundary());
  }
}

TEST(ChunkingTest, OversizedMessagesAreRefused) {
  Dechunker d(100);
  std::vector<std::string> got;
  std::string stream;
  AppendChunked(std::string(101, 'a'), &stream, 50);
  EXPECT_FALSE(d.Feed(stream, &got).ok());
  EXPECT_TRUE(got.empty());
  EXPECT_FALSE(d.Feed(std::string_view("\x00\x00", 2), &got).ok());  // stays failed
}

TEST(HandshakeTest, ProposesFiveFourDownToFiveZeroThenFourFour) {
  EXPECT_EQ(Hex(HandshakeBytes()), "6060b017" "00040405" "00000404" "00000000" "00000000");
  Result<BoltVersion> v = ParseHandshakeReply(Unhex("00000405"));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->ToString(), "5.4");
  EXPECT_EQ(ParseHandshakeReply(Unhex("00000404"))->ToString(), "4.4");
  EXPECT_FALSE(ParseHandshakeReply(Unhex("00000000")).ok());
  EXPECT_FALSE(ParseHandshakeReply(Unhex("00000304")).ok());  // 4.3 was not offered
  EXPECT_FALSE(ParseHandshakeReply(Unhex("00000006")).ok());
  Result<BoltVersion> http = ParseHandshakeReply("HTTP");
  ASSERT_FALSE(http.ok());
  EXPECT_NE(http.status().message().find("HTTP"), std::string::npos);
}

}  // namespace
}  // namespace ast2graph::neo4j
