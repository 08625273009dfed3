// Sorting records by a 32-bit key and then a full comparison, such as edges by the source
// position of their start: radix passes on the key put the records in key order, then each run
// of equal keys is ordered by the full comparison.
#pragma once

#include <algorithm>
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
  if (n > 64) {  // below that, one insertion sort costs less than the radix passes
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
  // Records with equal keys in order: an insertion sort for the short runs most are, a
  // comparison sort for a long one (one use reaching many definitions, listed newest first).
  auto order_run = [&](size_t begin, size_t end) {
    if (end - begin > 32) {
      std::sort(v.begin() + static_cast<std::ptrdiff_t>(begin),
                v.begin() + static_cast<std::ptrdiff_t>(end), less);
      return;
    }
    for (size_t i = begin + 1; i < end; ++i) {
      if (!less(v[i], v[i - 1])) continue;
      T r = v[i];
      size_t j = i;
      do {
        v[j] = v[j - 1];
        --j;
      } while (j > begin && less(r, v[j - 1]));
      v[j] = r;
    }
  };
  if (n <= 64) {
    order_run(0, n);
    return;
  }
  for (size_t begin = 0; begin < n;) {
    size_t end = begin + 1;
    while (end < n && key(v[end]) == key(v[begin])) ++end;
    order_run(begin, end);
    begin = end;
  }
}

}  // namespace ast2graph
