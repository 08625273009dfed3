// SolveReaching's default choice against the dense solver on flows built by hand. The shortcut
// for flows defined only by their parameters (reaching.cc, SolveEntryOnly) must answer exactly
// as the dense solver does, or leave the flow to it: a use at a live point the entry does not
// reach, a definition that the entry's state skips, a second definition, a conditional one, a
// deletion, a loop. So must the one-word solver (SolveWord) for what it takes: loops whose
// definitions flow back to their head, a point reached only from one created after it, a class
// body's pseudo definitions, a module's definitions at the exit; more definitions than a word
// holds go on to the dense solver, whose answer comes in the same order however the caller
// numbered the names.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <utility>
#include <vector>

#include "semantic/reaching.h"

namespace ast2graph::semantic {
namespace {

struct HandFlow {
  ScopeFlow flow;
  std::vector<uint32_t> first;  // occurrences of point p: occs[first[p], first[p + 1])
  std::vector<RdOcc> occs;
  uint32_t num_keys = 0;
  bool entry_pseudo = false;
  bool want_exit = false;
  std::vector<uint32_t> exits;  // the last Solve's exit definitions, sorted

  /// Points 0 (entry) and 1 (exit), then `extra` more; all live.
  explicit HandFlow(uint32_t extra) {
    const uint32_t n = 2 + extra;
    flow.points.assign(n, Point{0, 0, nullptr});
    flow.live.assign(n, 1);
    flow.entry_point = 0;
    flow.exit_point = 1;
    point_occs.resize(n);
  }
  void Edge(uint32_t from, uint32_t to, bool in_state = false) {
    flow.edges.push_back({from, to, in_state, true});
  }
  /// Edges from each point to the next one listed.
  void Path(std::initializer_list<uint32_t> points) {
    for (auto it = points.begin(); it + 1 != points.end(); ++it) Edge(*it, *(it + 1));
  }
  void Occ(uint32_t point, RdType type, uint32_t key) {
    point_occs[point].push_back({type, key});
    num_keys = std::max(num_keys, key + 1);
  }
  std::vector<std::pair<uint32_t, uint32_t>> Solve(bool dense) {
    RdResult out = SolveInOrder(dense);
    std::sort(out.use_defs.begin(), out.use_defs.end());
    exits = out.exit_defs;
    std::sort(exits.begin(), exits.end());
    return out.use_defs;
  }
  /// The solver's answer in the order it gives.
  RdResult SolveInOrder(bool dense) {
    first.clear();
    occs.clear();
    for (const auto& p : point_occs) {
      first.push_back(static_cast<uint32_t>(occs.size()));
      occs.insert(occs.end(), p.begin(), p.end());
    }
    first.push_back(static_cast<uint32_t>(occs.size()));
    RdProblem pb;
    pb.flow = &flow;
    pb.first = first.data();
    pb.occs = occs.data();
    pb.num_occs = static_cast<uint32_t>(occs.size());
    pb.num_keys = num_keys;
    pb.entry_pseudo = entry_pseudo;
    pb.want_exit = want_exit;
    RdWorkspace ws;
    RdResult out;
    if (dense) {
      SolveDense(pb, &ws, &out);
    } else {
      SolveReaching(pb, &ws, &out);
    }
    return out;
  }
  std::vector<std::vector<RdOcc>> point_occs;
};

using Pairs = std::vector<std::pair<uint32_t, uint32_t>>;

/// The entry defines `a` (a parameter); points 2 and 3 use it. No edges yet.
HandFlow ParameterUsedTwice() {
  HandFlow h(2);
  h.Occ(0, RdType::kDef, 0);
  h.Occ(2, RdType::kUse, 0);
  h.Occ(3, RdType::kUse, 0);
  return h;
}

TEST(ReachingShortcut, ParameterReachesItsUses) {
  HandFlow h = ParameterUsedTwice();
  h.Path({0, 2, 3, 1});
  EXPECT_EQ(h.Solve(false), (Pairs{{1, 0}, {2, 0}}));
  EXPECT_EQ(h.Solve(false), h.Solve(true));
}

TEST(ReachingShortcut, LivePointTheEntryDoesNotReachGetsNothing) {
  // Point 3 is live (its statement's first point is reached) but its only way in comes from the
  // dead point 4: the dense solver reads no definition there, nor may the shortcut.
  HandFlow h(3);
  h.flow.live[4] = 0;
  h.Occ(0, RdType::kDef, 0);
  h.Occ(2, RdType::kUse, 0);
  h.Occ(3, RdType::kUse, 0);
  h.Path({0, 2, 1});
  h.Path({4, 3, 1});
  EXPECT_EQ(h.Solve(true), (Pairs{{1, 0}}));
  EXPECT_EQ(h.Solve(false), h.Solve(true));
}

TEST(ReachingShortcut, FlowsItCannotAnswerGoToTheSolvers) {
  {
    HandFlow h = ParameterUsedTwice();  // the entry's state before its definitions flows on
    h.Edge(0, 2, /*in_state=*/true);
    h.Path({2, 3, 1});
    EXPECT_EQ(h.Solve(false), h.Solve(true));
    EXPECT_EQ(h.Solve(true), Pairs{});
  }
  {
    HandFlow h = ParameterUsedTwice();  // a second definition, at point 2 after the use there
    h.Occ(2, RdType::kDef, 0);
    h.Path({0, 2, 3, 1});
    EXPECT_EQ(h.Solve(false), h.Solve(true));
    EXPECT_EQ(h.Solve(true), (Pairs{{1, 0}, {3, 2}}));
  }
  for (RdType t : {RdType::kGen, RdType::kKill}) {
    HandFlow h = ParameterUsedTwice();  // a conditional definition or a deletion at point 2
    h.Occ(2, t, 0);
    h.Path({0, 2, 3, 1});
    EXPECT_EQ(h.Solve(false), h.Solve(true));
  }
  {
    HandFlow h = ParameterUsedTwice();  // a loop 2 -> 3 -> 2 with a deletion in it
    h.Occ(3, RdType::kKill, 0);
    h.Path({0, 2, 3, 2, 1});
    EXPECT_EQ(h.Solve(false), h.Solve(true));
  }
}

TEST(ReachingShortcut, UseAtTheEntrySeesOnlyEarlierDefinitions) {
  HandFlow h(1);
  h.Occ(0, RdType::kUse, 0);  // before the definition
  h.Occ(0, RdType::kDef, 0);
  h.Occ(0, RdType::kUse, 0);  // after it
  h.Occ(2, RdType::kUse, 0);
  h.Path({0, 2, 1});
  EXPECT_EQ(h.Solve(true), (Pairs{{2, 1}, {3, 1}}));
  EXPECT_EQ(h.Solve(false), h.Solve(true));
}

/// The default choice answers as the dense solver does: the same pairs, the same exit.
void ExpectSame(HandFlow& h, const char* what) {
  Pairs dense = h.Solve(true);
  std::vector<uint32_t> dense_exits = h.exits;
  Pairs got = h.Solve(false);
  EXPECT_EQ(got, dense) << what;
  EXPECT_EQ(h.exits, dense_exits) << what;
}

TEST(ReachingWord, LoopCarriesADefinitionBackToItsHead) {
  // 0: a = param; 2: while a:; 3: a = ...; back to 2.
  HandFlow h(2);
  h.Occ(0, RdType::kDef, 0);
  h.Occ(2, RdType::kUse, 0);
  h.Occ(3, RdType::kDef, 0);
  h.Path({0, 2, 3, 2, 1});
  EXPECT_EQ(h.Solve(true), (Pairs{{1, 0}, {1, 2}}));
  EXPECT_EQ(h.Solve(false), h.Solve(true));
}

TEST(ReachingWord, PointReachedOnlyFromALaterOne) {
  // Creation order visits point 2 before 3, its only way in: a second pass must reach it.
  HandFlow h(2);
  h.Occ(2, RdType::kUse, 0);
  h.Occ(3, RdType::kDef, 0);
  h.Occ(3, RdType::kGen, 1);
  h.Occ(2, RdType::kUse, 1);
  h.Path({0, 3, 2, 1});
  EXPECT_EQ(h.Solve(true), (Pairs{{0, 2}, {1, 3}}));
  EXPECT_EQ(h.Solve(false), h.Solve(true));
}

TEST(ReachingWord, ClassBodyAndModuleExit) {
  // A name read before the body binds it reads the pseudo definition; at the exit, the
  // definitions that reach it, one of them conditional and one deleted on one branch.
  HandFlow h(4);
  h.Occ(2, RdType::kUse, 0);
  h.Occ(2, RdType::kDef, 0);
  h.Occ(3, RdType::kGen, 1);
  h.Occ(4, RdType::kKill, 0);
  h.Occ(5, RdType::kUse, 0);
  h.Occ(5, RdType::kDef, 2);
  h.Path({0, 2, 3, 4});
  h.Edge(3, 5);
  h.Path({4, 5, 1});
  for (bool pseudo : {false, true}) {
    for (bool exit : {false, true}) {
      h.entry_pseudo = pseudo;
      h.want_exit = exit;
      ExpectSame(h, pseudo ? (exit ? "pseudo, exit" : "pseudo") : (exit ? "exit" : "plain"));
    }
  }
  h.entry_pseudo = true;
  h.want_exit = true;
  EXPECT_EQ(h.Solve(false), (Pairs{{0, kPseudoDef}, {4, 1}}));
  EXPECT_EQ(h.exits, (std::vector<uint32_t>{1, 2, 5}));
}

TEST(ReachingWord, MoreDefinitionsThanAWord) {
  // 70 names, each defined at its own point in a loop and read at the loop's head.
  constexpr uint32_t kNames = 70;
  HandFlow h(kNames + 1);
  for (uint32_t k = 0; k < kNames; ++k) {
    h.Occ(2, RdType::kUse, k);
    h.Occ(3 + k, RdType::kDef, k);
    h.Edge(2 + k, 3 + k);
  }
  h.Edge(2 + kNames, 2);
  h.Path({0, 2, 1});
  EXPECT_EQ(h.Solve(true).size(), kNames);
  ExpectSame(h, "word");
}

TEST(ReachingWord, AWordFullThenADefinitionNoUseReads) {
  // 64 tracked definitions fill the word; the definition after them is of a name no use reads,
  // so it takes no bit and must not disturb the first bit's definition.
  constexpr uint32_t kNames = 64;
  HandFlow h(2);
  for (uint32_t k = 0; k < kNames; ++k) h.Occ(0, RdType::kDef, k);
  h.Occ(2, RdType::kDef, kNames);
  for (uint32_t k = 0; k < kNames; ++k) h.Occ(3, RdType::kUse, k);
  h.Path({0, 2, 3, 1});
  EXPECT_EQ(h.Solve(true).size(), kNames);
  ExpectSame(h, "word");
}

TEST(ReachingWord, InStateEdgeForwardAndInLoop) {
  // 0: a = p; 2: a = ... (may raise: in-state edge to handler 3); 4: use a; 3: use a.
  for (bool loop : {false, true}) {
    for (bool pseudo : {false, true}) {
      HandFlow h(3);
      h.entry_pseudo = pseudo;
      h.want_exit = true;
      h.Occ(0, RdType::kDef, 0);
      h.Occ(2, RdType::kUse, 0);
      h.Occ(2, RdType::kDef, 0);
      h.Occ(3, RdType::kUse, 0);
      h.Occ(4, RdType::kUse, 0);
      h.Occ(4, RdType::kKill, 0);
      h.Edge(0, 2);
      h.Edge(2, 3, true);
      h.Edge(2, 4);
      h.Edge(3, 1);
      if (loop) h.Edge(4, 2);
      h.Edge(4, 1);
      ExpectSame(h, loop ? "loop" : "forward");
    }
  }
}

TEST(ReachingWord, DeadPointsAndLoopKill) {
  HandFlow h(4);
  h.entry_pseudo = true;
  h.flow.live[3] = 0;
  h.Occ(2, RdType::kUse, 0);
  h.Occ(2, RdType::kDef, 0);
  h.Occ(3, RdType::kDef, 1);
  h.Occ(4, RdType::kUse, 1);
  h.Occ(5, RdType::kKill, 0);
  h.Occ(5, RdType::kUse, 0);
  h.Path({0, 2, 3, 4});
  h.Path({2, 5, 2});
  h.Edge(4, 1);
  h.Edge(5, 1);
  ExpectSame(h, "dead+kill");
}

TEST(ReachingWord, PseudoDefinitionsFillTheWord) {
  for (uint32_t names : {63u, 64u, 65u}) {
    for (bool extra_def : {false, true}) {
      HandFlow h(2);
      h.entry_pseudo = true;
      for (uint32_t k = 0; k < names; ++k) h.Occ(2, RdType::kUse, k);
      if (extra_def) h.Occ(3, RdType::kDef, 0);
      h.Occ(3, RdType::kUse, 0);
      h.Path({0, 2, 3, 2});
      h.Edge(3, 1);
      ExpectSame(h, "pseudo");
    }
  }
}

TEST(ReachingOrder, DenseAnswerDoesNotFollowTheCallersKeyNumbers) {
  // More definitions than a word holds, of two names: the dense solver groups its bits by name,
  // so the order of its pairs would follow how the caller numbered the names (def-use numbers a
  // scope's bindings as the module first meets them, with gaps for those this flow does not
  // see) unless SolveReaching renumbers them by first occurrence.
  auto solve = [](uint32_t x, uint32_t y) {
    HandFlow h(3);
    for (int i = 0; i < 40; ++i) h.Occ(2, RdType::kGen, x);
    for (int i = 0; i < 40; ++i) h.Occ(3, RdType::kGen, y);
    h.Occ(4, RdType::kUse, y);
    h.Occ(4, RdType::kUse, x);
    h.Path({0, 2, 3, 4, 1});
    return h.SolveInOrder(false).use_defs;
  };
  const Pairs in_order = solve(0, 1);
  EXPECT_EQ(in_order.size(), 80u);
  EXPECT_EQ(solve(1, 0), in_order);
  EXPECT_EQ(solve(5, 2), in_order);
}

TEST(ReachingWord, RandomFlowsAgreeWithDense) {
  // Random hand-built flows: loops, in-state edges, dead points, pseudo definitions, exits, and
  // one in ten with up to 70 names (more definitions than a word).
  std::mt19937 rng(12345);
  auto r = [&](uint32_t n) { return static_cast<uint32_t>(rng() % n); };
  for (int iter = 0; iter < 20000; ++iter) {
    const uint32_t extra = r(8);
    const uint32_t n = 2 + extra;
    HandFlow h(extra);
    h.entry_pseudo = r(2) == 0;
    h.want_exit = r(2) == 0;
    const uint32_t keys = 1 + r(iter % 10 == 0 ? 70 : 5);
    const uint32_t occs_per = iter % 10 == 0 ? 40 : 4;
    for (uint32_t p = 0; p < n; ++p) {
      if (p == 1) continue;
      if (p > 1 && r(6) == 0) h.flow.live[p] = 0;
      for (uint32_t j = r(occs_per + 1); j > 0; --j) {
        h.Occ(p, static_cast<RdType>(r(4)), r(keys));
      }
    }
    // Edges: mostly forward, sometimes backward, in-state, or to the exit; none into the entry.
    const uint32_t edges = r(3 * n + 1);
    for (uint32_t e = 0; e < edges; ++e) {
      uint32_t from = r(n), to = 1 + r(n - 1);
      if (from == 1 && r(4) != 0) continue;
      h.Edge(from, to, r(4) == 0);
    }
    Pairs dense = h.Solve(true);
    std::vector<uint32_t> dense_exits = h.exits;
    Pairs got = h.Solve(false);
    ASSERT_EQ(got, dense) << "iter " << iter;
    ASSERT_EQ(h.exits, dense_exits) << "iter " << iter;
  }
}

TEST(ReachingWord, EdgeIntoTheEntry) {
  // Not made by the flow builder (the entry only starts edges), but the dense solver joins what
  // flows into the entry with its own state, and so must the word.
  HandFlow h(1);
  h.Occ(0, RdType::kUse, 0);
  h.Occ(2, RdType::kDef, 0);
  h.Path({0, 2, 0});
  h.Edge(2, 1);
  ExpectSame(h, "into entry");
}

TEST(ReachingWord, LivePointNotReachedDefinesNothing) {
  // Point 3 is live but nothing reaches it; 4 follows only 3. Their definition of `a` must not
  // reach the use at 5, which the entry reaches through 2.
  HandFlow h(4);
  h.Occ(0, RdType::kDef, 0);
  h.Occ(4, RdType::kDef, 0);
  h.Occ(5, RdType::kUse, 0);
  h.Edge(0, 2);
  h.Edge(3, 4);
  h.Edge(2, 5);
  h.Path({4, 5, 1});
  EXPECT_EQ(h.Solve(true), (Pairs{{2, 0}}));
  ExpectSame(h, "forward");
  h.Edge(5, 2);  // the same with a loop
  ExpectSame(h, "loop");
}

}  // namespace
}  // namespace ast2graph::semantic
