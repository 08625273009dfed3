// The property schema and names of include/ast2graph/graph.h.
#include <cstdio>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "ast2graph/graph.h"

namespace ast2graph::graph {

namespace {
constexpr const char* kNodePropNames[] = {
#define A2G_X(name, type) #name,
    A2G_NODE_PROPERTIES(A2G_X)
#undef A2G_X
};
constexpr PropType kNodePropTypes[] = {
#define A2G_X(name, type) PropType::type,
    A2G_NODE_PROPERTIES(A2G_X)
#undef A2G_X
};
constexpr const char* kEdgePropNames[] = {
#define A2G_X(name, type) #name,
    A2G_EDGE_PROPERTIES(A2G_X)
#undef A2G_X
};
constexpr PropType kEdgePropTypes[] = {
#define A2G_X(name, type) PropType::type,
    A2G_EDGE_PROPERTIES(A2G_X)
#undef A2G_X
};
}  // namespace

void Id::WriteHex(char* out) const {
  // Ids are a third of the bytes of a jsonl or csv record, and every edge id hashes two hex ids.
#if defined(__SSE2__)
  // The 16 bytes, most significant first; each split into its two nibbles, and every nibble n
  // made '0' + n, or 'a' + n - 10 where n > 9, sixteen at a time.
  const __m128i bytes = _mm_set_epi64x(static_cast<int64_t>(__builtin_bswap64(lo)),
                                       static_cast<int64_t>(__builtin_bswap64(hi)));
  const __m128i low_nibble = _mm_set1_epi8(0x0F);
  const __m128i high = _mm_and_si128(_mm_srli_epi16(bytes, 4), low_nibble);
  const __m128i low = _mm_and_si128(bytes, low_nibble);
  auto ascii = [](__m128i n) {
    const __m128i letter = _mm_cmpgt_epi8(n, _mm_set1_epi8(9));
    return _mm_add_epi8(_mm_add_epi8(n, _mm_set1_epi8('0')),
                        _mm_and_si128(letter, _mm_set1_epi8('a' - '0' - 10)));
  };
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), ascii(_mm_unpacklo_epi8(high, low)));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16), ascii(_mm_unpackhi_epi8(high, low)));
#else
  static constexpr char kDigits[] = "0123456789abcdef";
  const uint64_t h = hi, l = lo;
  for (int i = 0; i < 16; ++i) out[i] = kDigits[(h >> (60 - 4 * i)) & 0xF];
  for (int i = 0; i < 16; ++i) out[16 + i] = kDigits[(l >> (60 - 4 * i)) & 0xF];
#endif
}

std::string Id::Hex() const {
  std::string s(32, '0');
  WriteHex(s.data());
  return s;
}

const char* NodePropName(NodeProp p) { return kNodePropNames[static_cast<size_t>(p)]; }
PropType NodePropType(NodeProp p) { return kNodePropTypes[static_cast<size_t>(p)]; }
const char* EdgePropName(EdgeProp p) { return kEdgePropNames[static_cast<size_t>(p)]; }
PropType EdgePropType(EdgeProp p) { return kEdgePropTypes[static_cast<size_t>(p)]; }

const char* NodeLabelName(NodeLabel l) {
  switch (l) {
    case NodeLabel::kSourceFile: return "SourceFile";
    case NodeLabel::kASTNode: return "ASTNode";
    case NodeLabel::kExternalModule: return "ExternalModule";
  }
  return "";
}

const char* EdgeTypeName(EdgeType t) {
  switch (t) {
    case EdgeType::kChild: return "CHILD";
    case EdgeType::kNext: return "NEXT";
    case EdgeType::kDependsOn: return "DEPENDS_ON";
  }
  return "";
}

}  // namespace ast2graph::graph
