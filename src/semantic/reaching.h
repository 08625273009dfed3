// Reaching definitions over one scope's flow graph (semantic/cfg.h): which definitions of a name
// can reach each use of it. Two solvers give the same answer:
//  - SolveDense: iterative bit vectors, 64 definitions at a time. Cheapest for ordinary scopes,
//    but its time is points x definitions, so a generated module of 100,000 assignments would
//    take minutes;
//  - SolveSparse: SSA construction (dominators, dominance frontiers, phi placement, renaming)
//    then a walk from each use to the definitions behind its value: near-linear, output-bound.
// SolveReaching picks one by size; the flow tests run both on every scope and compare. Before
// either, it answers a function flow whose names are defined only by its parameters directly, and
// a flow whose definitions fit one 64-bit word with the dense solver's rules but none of its
// multi-word setup (most flows); the tests compare that choice with the dense solver too.
#pragma once

#include <cstdint>
#include <vector>

#include "semantic/cfg.h"

namespace ast2graph::semantic {

enum class RdType : uint8_t {
  kUse,   ///< reads the name
  kDef,   ///< defines it, replacing what reached
  kGen,   ///< may define it (adds to what reached)
  kKill,  ///< deletes it
};

/// One occurrence; `key` is an id (0 .. num_keys-1) of the name, not every id need occur.
struct RdOcc {
  RdType type;
  uint32_t key;
};

struct RdProblem {
  const ScopeFlow* flow = nullptr;  ///< points, edges (with in-state edges), live, entry, exit
  const uint32_t* first = nullptr;  ///< occurrences of point p: occs[first[p] .. first[p + 1])
  const RdOcc* occs = nullptr;
  uint32_t num_occs = 0;
  uint32_t num_keys = 0;
  /// Every name used in the scope also has a pseudo definition at the entry (a class body, where
  /// a name not yet bound is read from the globals).
  bool entry_pseudo = false;
  /// Report the definitions reaching the exit point (a module's exports).
  bool want_exit = false;
};

constexpr uint32_t kPseudoDef = 0xffffffffu;

struct RdResult {
  /// (use occurrence, definition occurrence or kPseudoDef), each pair once, in no set order.
  std::vector<std::pair<uint32_t, uint32_t>> use_defs;
  /// Definition occurrences reaching the exit point (with want_exit).
  std::vector<uint32_t> exit_defs;
};

struct RdScratch;

/// Buffers reused from one scope to the next (opaque; one per thread).
class RdWorkspace {
 public:
  RdWorkspace();
  ~RdWorkspace();
  RdWorkspace(const RdWorkspace&) = delete;
  RdWorkspace& operator=(const RdWorkspace&) = delete;
  RdScratch& scratch() { return *scratch_; }

 private:
  RdScratch* scratch_;
};

void SolveDense(const RdProblem& problem, RdWorkspace* ws, RdResult* out);
void SolveSparse(const RdProblem& problem, RdWorkspace* ws, RdResult* out);
/// The dense solver while it stays within a budget of points x definitions, else the sparse one.
void SolveReaching(const RdProblem& problem, RdWorkspace* ws, RdResult* out);

enum class RdSolver : uint8_t { kAuto, kDense, kSparse };
/// Makes SolveReaching use one solver (process-wide), so that tests can compare both.
void ForceSolverForTesting(RdSolver solver);

}  // namespace ast2graph::semantic
