// SortByKey (base/key_sort.h) against std::sort: nearly ordered input as def-use gives
// it, random input, all digits of the key in play, equal keys ordered by the rest.
#include "base/key_sort.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <tuple>

namespace ast2graph {
namespace {

struct Rec {
  uint32_t key;
  uint32_t second;
  uint32_t id;
  bool operator==(const Rec&) const = default;
};

bool Less(const Rec& a, const Rec& b) {
  return std::tie(a.key, a.second, a.id) < std::tie(b.key, b.second, b.id);
}

std::vector<Rec> Sorted(std::vector<Rec> v) {
  std::sort(v.begin(), v.end(), Less);
  return v;
}

std::vector<Rec> ByKeySort(std::vector<Rec> v) {
  std::vector<Rec> scratch;
  SortByKey(v, scratch, [](const Rec& r) { return r.key; }, Less);
  return v;
}

TEST(SortByKeyTest, MatchesStdSortOnRandomInput) {
  std::mt19937 rng(7);
  for (size_t n : {0, 1, 2, 63, 65, 100, 1000, 20000}) {
    for (uint32_t range : {3u, 1000u, 1u << 13, 1u << 22, 0xffffffffu}) {
      // Keys from 0, and keys whose high bits are one constant (only the low ones need sorting).
      for (uint32_t base : {0u, 0x5a000000u}) {
        std::uniform_int_distribution<uint32_t> key(0, range), second(0, 3);
        std::vector<Rec> v(n);
        for (uint32_t i = 0; i < n; ++i) v[i] = {base | key(rng), second(rng), i};
        EXPECT_EQ(ByKeySort(v), Sorted(v))
            << "n " << n << ", keys " << base << " | up to " << range;
      }
    }
  }
}

TEST(SortByKeyTest, MatchesStdSortOnNearlyOrderedInput) {
  // Positions that mostly increase, with local swaps and runs of equal keys (a use and its
  // definitions, a call and its callee name).
  std::mt19937 rng(11);
  std::vector<Rec> v;
  uint32_t pos = 0;
  for (uint32_t i = 0; i < 5000; ++i) {
    pos += rng() % 40;
    uint32_t copies = 1 + rng() % 3;
    for (uint32_t c = 0; c < copies; ++c) {
      v.push_back({pos, static_cast<uint32_t>(rng() % 5), i * 4 + c});
    }
  }
  for (size_t i = 0; i + 1 < v.size(); i += 7) std::swap(v[i], v[i + 1]);
  EXPECT_EQ(ByKeySort(v), Sorted(v));
}

TEST(SortByKeyTest, ALongRunOfOneKeyInReverseOrder) {
  // One use reaching many definitions, listed newest first (def-use's per-name lists): the run
  // of equal keys must not be ordered by insertion (quadratic), and must come out sorted.
  std::vector<Rec> v;
  for (uint32_t i = 0; i < 100000; ++i) v.push_back({7, 100000 - i, i});
  for (uint32_t i = 0; i < 100; ++i) v.push_back({i % 3 == 0 ? 3u : 9u, i, 200000 + i});
  EXPECT_EQ(ByKeySort(v), Sorted(v));
}

TEST(SortByKeyTest, AllKeysEqual) {
  // No bit of the key differs: no radix pass, one run ordered by the rest of the record.
  std::mt19937 rng(3);
  std::vector<Rec> v;
  for (uint32_t i = 0; i < 1000; ++i) v.push_back({0xabcdu, static_cast<uint32_t>(rng() % 50), i});
  EXPECT_EQ(ByKeySort(v), Sorted(v));
}

}  // namespace
}  // namespace ast2graph
