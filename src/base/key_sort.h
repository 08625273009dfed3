// Sorting records that are nearly ordered by a 32-bit key, such as edges by the source position
// of their start: radix passes on the key put the records in key order, then an insertion sort
// (linear on such input) orders records with equal keys by the full comparison.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ast2graph {

/// Sorts `v` by `less`. `key(r)` must agree with it: key(a) < key(b) implies less(a, b).
/// `scratch` is a buffer the caller may reuse between calls.
template <typename T, typename Key, typename Less>
void SortByKey(std::vector<T>& v, std::vector<T>& scratch, Key key, Less less) {
  constexpr uint32_t kBits = 11, kBuckets = 1u << kBits, kMask = kBuckets - 1;
  const size_t n = v.size();
  if (n < 2) return;
  if (n > 64) {  // below that, the insertion sort alone costs less than the radix passes
    uint32_t all_or = 0, all_and = ~0u;
    for (const T& r : v) {
      all_or |= key(r);
      all_and &= key(r);
    }
    scratch.resize(n);
    std::array<uint32_t, kBuckets> count;
    for (uint32_t shift = 0; shift < 32; shift += kBits) {
      if ((((all_or ^ all_and) >> shift) & kMask) == 0) continue;  // this digit is the same in all
      count.fill(0);
      for (const T& r : v) ++count[(key(r) >> shift) & kMask];
      uint32_t sum = 0;
      for (uint32_t& c : count) {
        uint32_t here = c;
        c = sum;
        sum += here;
      }
      for (const T& r : v) scratch[count[(key(r) >> shift) & kMask]++] = r;
      v.swap(scratch);
    }
  }
  for (size_t i = 1; i < n; ++i) {
    if (!less(v[i], v[i - 1])) continue;
    T r = v[i];
    size_t j = i;
    do {
      v[j] = v[j - 1];
      --j;
    } while (j > 0 && less(r, v[j - 1]));
    v[j] = r;
  }
}

}  // namespace ast2graph
