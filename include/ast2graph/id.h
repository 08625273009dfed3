// Content ids of graph nodes and relationships (DESIGN.md section 3).
#pragma once

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

}  // namespace ast2graph::graph
