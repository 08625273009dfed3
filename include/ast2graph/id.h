// Content ids of graph nodes and relationships (DESIGN.md section 3).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ast2graph::graph {

/// A content id: XXH3-128 of the node's identity (DESIGN.md section 3). Printed as 32 hex digits.
struct Id {
  uint64_t hi = 0;
  uint64_t lo = 0;
  bool operator==(const Id&) const = default;
  /// 32 lowercase hex digits (high 64 bits first), as XXH128 canonical form.
  std::string Hex() const;
  /// Writes the 32 hex digits to out[0..32).
  void WriteHex(char* out) const;
};

/// For hash containers of ids (the bits are already a good hash: XXH3 output).
struct IdHash {
  size_t operator()(const Id& id) const {
    return static_cast<size_t>(id.hi ^ (id.lo * 0x9E3779B97F4A7C15ull));
  }
};

}  // namespace ast2graph::graph
