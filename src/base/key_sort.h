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
  const size_t n = v.size();
  if (n < 2) return;
  if (n > 64) {  // below that, one insertion sort costs less than the radix passes
    uint32_t all_or = 0, all_and = ~0u;
    for (const T& r : v) {
      all_or |= key(r);
      all_and &= key(r);
    }
    // Only the bits below the highest one that differs need sorting (a small file's positions
    // differ in their low 14 bits or so): as few passes of at most 11 bits as cover them, of
    // equal width, so that a pass's buckets (cleared and summed each pass) stay few.
    const uint32_t differ = all_or ^ all_and;
    const uint32_t bits = differ == 0 ? 0 : 32 - static_cast<uint32_t>(__builtin_clz(differ));
    const uint32_t passes = (bits + 10) / 11;
    const uint32_t width = passes == 0 ? 0 : (bits + passes - 1) / passes;
    const uint32_t mask = (1u << width) - 1;
    scratch.resize(n);
    std::array<uint32_t, 1u << 11> count;
    for (uint32_t pass = 0; pass < passes; ++pass) {
      const uint32_t shift = pass * width;
      std::fill_n(count.begin(), mask + 1, 0u);
      for (const T& r : v) ++count[(key(r) >> shift) & mask];
      uint32_t sum = 0;
      for (uint32_t b = 0; b <= mask; ++b) {
        uint32_t here = count[b];
        count[b] = sum;
        sum += here;
      }
      for (const T& r : v) scratch[count[(key(r) >> shift) & mask]++] = r;
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
