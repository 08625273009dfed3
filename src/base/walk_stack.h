// The explicit stack of a tree walk (the semantic passes walk expressions without recursion, so
// that deeply nested code cannot overflow the C++ stack).
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace ast2graph {

/// A stack of small trivially copyable records whose push and pop inline into the walk's loop
/// (std::vector::push_back carries its growth path along, and GCC then keeps it out of line: a
/// call per node). Growth, rare, is out of line; clear() keeps the buffer for the next walk.
/// Also an append-only buffer read by index (def-use's occurrences, one pushed per name).
template <typename T>
class WalkStack {
 public:
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  void clear() { size_ = 0; }
  void push(T v) {  // by value: `v` may be a record of this stack, which Grow() frees
    if (size_ == buf_.size()) Grow();
    buf_[size_++] = v;
  }
  T pop() { return buf_[--size_]; }
  const T* data() const { return buf_.data(); }
  /// The records pushed since size() was `mark`, in reverse order (the last pushed first).
  void ReverseFrom(size_t mark) {
    std::reverse(buf_.begin() + static_cast<std::ptrdiff_t>(mark),
                 buf_.begin() + static_cast<std::ptrdiff_t>(size_));
  }
  /// Bytes its buffer holds.
  size_t bytes() const { return buf_.capacity() * sizeof(T); }

 private:
  [[gnu::noinline]] void Grow() { buf_.resize(std::max<size_t>(64, buf_.size() * 2)); }
  std::vector<T> buf_;
  size_t size_ = 0;
};

}  // namespace ast2graph
