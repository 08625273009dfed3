#include "semantic/reaching.h"

#include <algorithm>
#include <atomic>
#include <cstring>

namespace ast2graph::semantic {

namespace {

constexpr uint32_t kNone = 0xffffffffu;
/// SolveReaching runs the dense solver while points x 64-definition words stays below this.
constexpr uint64_t kDenseBudget = uint64_t{1} << 20;

/// Whether `e` leads forward in creation order: the flow builder creates points in execution
/// order, so in a flow without a loop (entry 0, exit 1) every edge leads to a later point or to
/// the exit.
bool LeadsForward(const FlowEdge& e) { return e.from != 1 && (e.to == 1 || e.from < e.to); }

/// Counting-sort helper: CSR offsets from counts.
void PrefixSums(std::vector<uint32_t>* first) {
  for (size_t i = 1; i < first->size(); ++i) (*first)[i] += (*first)[i - 1];
}

}  // namespace

struct RdScratch {
  // Shared: live graph over points (dense) or over points plus pre-nodes (sparse).
  std::vector<uint32_t> pred_first, succ_first, succs, rpo, rpo_index, at;
  std::vector<std::pair<uint32_t, bool>> preds;
  std::vector<uint8_t> seen, used;
  std::vector<std::pair<uint32_t, uint32_t>> dfs;
  // Dense.
  std::vector<uint32_t> def_occ, def_key, order, pos, range_begin, occ_def;
  std::vector<uint64_t> in, out, kill;
  std::vector<uint64_t> words;  // SolveWord: all its per-name, per-point, per-occurrence words
  std::vector<uint64_t> point_kill, point_gen;  // SolveWord: each point's occurrences in one step
  // SolveReaching: the occurrences with keys renumbered by first occurrence (FirstOccurrenceKeys).
  std::vector<uint32_t> renumber;
  std::vector<RdOcc> renumbered;
  // Sparse.
  std::vector<uint32_t> pre_of, node_point, edge_from, edge_to, idom, df_first, df, dom_first,
      dom_children, site_first, sites, stamp, work, phi_first, phi_ids, phi_key, operand_first,
      cur, use_val, exit_val, memo_first, memo_len, memo_pool, visit_stamp, stack, relevant;
  std::vector<std::pair<uint32_t, uint32_t>> pairs, operands, log;
  struct Value {
    uint8_t kind;  // 0 undefined, 1 pseudo, 2 def, 3 gen, 4 phi
    uint32_t a;    // pseudo: key; def/gen: occurrence; phi: phi id
    uint32_t b;    // gen: the value it adds to
  };
  std::vector<Value> values;
  std::vector<uint32_t> operand_vals;
};

namespace {

/// The nodes reachable from `entry` over the successor lists w.succ_first/w.succs, in reverse
/// post-order, into w.rpo; w.seen marks them and w.rpo_index gives each one's position (kNone
/// for the others).
void ReversePostOrder(RdScratch& w, uint32_t entry, uint32_t num_nodes) {
  w.rpo.clear();
  w.seen.assign(num_nodes, 0);
  w.dfs.clear();
  w.dfs.push_back({entry, w.succ_first[entry]});
  w.seen[entry] = 1;
  while (!w.dfs.empty()) {
    auto& [n, next] = w.dfs.back();
    if (next < w.succ_first[n + 1]) {
      uint32_t q = w.succs[next++];
      if (w.seen[q] == 0) {
        w.seen[q] = 1;
        w.dfs.push_back({q, w.succ_first[q]});
      }
    } else {
      w.rpo.push_back(n);
      w.dfs.pop_back();
    }
  }
  std::reverse(w.rpo.begin(), w.rpo.end());
  w.rpo_index.assign(num_nodes, kNone);
  for (uint32_t i = 0; i < w.rpo.size(); ++i) w.rpo_index[w.rpo[i]] = i;
}

/// The predecessors of each point over the live edges, into w.pred_first/w.preds (each with
/// whether the edge carries its source's state before its occurrences). Whether every live edge
/// leads forward (LeadsForward).
bool LivePredecessors(const ScopeFlow& f, RdScratch& w) {
  const auto num_points = static_cast<uint32_t>(f.points.size());
  w.pred_first.assign(num_points + 1, 0);
  bool forward = true;
  for (const FlowEdge& e : f.edges) {
    if (f.live[e.from] == 0 || f.live[e.to] == 0) continue;
    ++w.pred_first[e.to + 1];
    forward = forward && LeadsForward(e);
  }
  PrefixSums(&w.pred_first);
  w.preds.resize(w.pred_first[num_points]);
  w.at.assign(w.pred_first.begin(), w.pred_first.end() - 1);
  for (const FlowEdge& e : f.edges) {
    if (f.live[e.from] == 0 || f.live[e.to] == 0) continue;
    w.preds[w.at[e.to]++] = {e.from, e.from_in_state};
  }
  return forward;
}

}  // namespace

RdWorkspace::RdWorkspace() : scratch_(new RdScratch) {}
RdWorkspace::~RdWorkspace() { delete scratch_; }

// ---------------------------------------------------------------------------------------------
// Dense: bit vectors over definitions grouped by name, 64 at a time.

void SolveDense(const RdProblem& pb, RdWorkspace* ws, RdResult* out) {
  RdScratch& w = ws->scratch();
  const ScopeFlow& f = *pb.flow;
  const auto num_points = static_cast<uint32_t>(f.points.size());
  const RdOcc* occs = pb.occs;

  // Definitions: pseudo ones first (a used name in a class body), then Def/Gen occurrences of
  // the names read in this flow (the others reach no use here; with want_exit all count).
  w.def_occ.clear();
  w.def_key.clear();
  w.occ_def.assign(pb.num_occs, kNone);
  w.used.assign(pb.num_keys, 0);
  for (uint32_t i = 0; i < pb.num_occs; ++i) {
    if (occs[i].type == RdType::kUse && w.used[occs[i].key] == 0) {
      w.used[occs[i].key] = 1;
      if (pb.entry_pseudo) {
        w.def_occ.push_back(kPseudoDef);
        w.def_key.push_back(occs[i].key);
      }
    }
  }
  const auto num_pseudo = static_cast<uint32_t>(w.def_occ.size());
  for (uint32_t i = 0; i < pb.num_occs; ++i) {
    if ((occs[i].type == RdType::kDef || occs[i].type == RdType::kGen) &&
        (pb.want_exit || w.used[occs[i].key] != 0)) {
      w.occ_def[i] = static_cast<uint32_t>(w.def_occ.size());
      w.def_occ.push_back(i);
      w.def_key.push_back(occs[i].key);
    }
  }
  const auto num_defs = static_cast<uint32_t>(w.def_occ.size());
  if (num_defs == 0) return;
  // Bit positions: definitions grouped by name (counting sort), so a kill is a mask.
  w.range_begin.assign(pb.num_keys + 1, 0);
  for (uint32_t d = 0; d < num_defs; ++d) ++w.range_begin[w.def_key[d] + 1];
  PrefixSums(&w.range_begin);
  w.order.resize(num_defs);
  w.pos.resize(num_defs);
  w.at.assign(w.range_begin.begin(), w.range_begin.end() - 1);
  for (uint32_t d = 0; d < num_defs; ++d) {
    uint32_t p = w.at[w.def_key[d]]++;
    w.order[p] = d;
    w.pos[d] = p;
  }

  // When every edge leads forward, creation order with the exit last is topological: neither a
  // search for the order nor a second pass is needed.
  const bool forward = LivePredecessors(f, w) && f.entry_point == 0 && f.exit_point == 1;
  w.rpo.clear();
  w.seen.assign(num_points, 0);
  bool acyclic = true;
  if (forward) {
    auto visit = [&](uint32_t p) {
      bool reached = p == f.entry_point;
      for (uint32_t i = w.pred_first[p]; i < w.pred_first[p + 1] && !reached; ++i) {
        reached = w.seen[w.preds[i].first] != 0;
      }
      if (!reached) return;
      w.seen[p] = 1;
      w.rpo.push_back(p);
    };
    visit(0);
    for (uint32_t p = 2; p < num_points; ++p) visit(p);
    visit(1);
  } else {
    // Successor lists, then the reverse post-order of a search from the entry.
    w.succ_first.assign(num_points + 1, 0);
    for (const FlowEdge& e : f.edges) {
      if (f.live[e.from] == 0 || f.live[e.to] == 0) continue;
      ++w.succ_first[e.from + 1];
    }
    PrefixSums(&w.succ_first);
    w.succs.resize(w.succ_first[num_points]);
    w.at.assign(w.succ_first.begin(), w.succ_first.end() - 1);
    for (const FlowEdge& e : f.edges) {
      if (f.live[e.from] == 0 || f.live[e.to] == 0) continue;
      w.succs[w.at[e.from]++] = e.to;
    }
    ReversePostOrder(w, f.entry_point, num_points);
    // Without a back edge (every reached predecessor comes earlier in reverse post-order), one
    // pass in that order reaches the fixed point.
    for (uint32_t p : w.rpo) {
      for (uint32_t i = w.pred_first[p]; i < w.pred_first[p + 1] && acyclic; ++i) {
        uint32_t q = w.preds[i].first;
        acyclic = w.seen[q] == 0 || w.rpo_index[q] < w.rpo_index[p];
      }
      if (!acyclic) break;
    }
  }

  w.in.resize(num_points);
  w.out.resize(num_points);
  w.kill.resize(pb.num_keys);
  for (uint32_t base = 0; base < num_defs; base += 64) {
    const uint32_t limit = base + 64;
    for (uint32_t k = 0; k < pb.num_keys; ++k) {
      uint32_t b = std::max(w.range_begin[k], base), e = std::min(w.range_begin[k + 1], limit);
      w.kill[k] =
          b < e ? ((e - b == 64 ? ~uint64_t{0} : ((uint64_t{1} << (e - b)) - 1)) << (b - base)) : 0;
    }
    auto gen_bit = [&](uint32_t def) -> uint64_t {
      uint32_t p = w.pos[def];
      return p >= base && p < limit ? uint64_t{1} << (p - base) : 0;
    };
    uint64_t entry_bits = 0;
    for (uint32_t d = 0; d < num_pseudo; ++d) entry_bits |= gen_bit(d);
    // A definition left out (occ_def kNone) is of a name with no tracked definition: its kill
    // mask is empty, and it generates nothing.
    auto step = [&](uint32_t i, uint64_t s) {
      switch (occs[i].type) {
        case RdType::kDef:
          return (s & ~w.kill[occs[i].key]) | (w.occ_def[i] != kNone ? gen_bit(w.occ_def[i]) : 0);
        case RdType::kGen: return s | (w.occ_def[i] != kNone ? gen_bit(w.occ_def[i]) : 0);
        case RdType::kKill: return s & ~w.kill[occs[i].key];
        case RdType::kUse: break;
      }
      return s;
    };
    auto read_uses = [&](uint32_t p, uint64_t s) {
      for (uint32_t i = pb.first[p]; i < pb.first[p + 1]; ++i) {
        if (occs[i].type != RdType::kUse) {
          s = step(i, s);
          continue;
        }
        for (uint64_t m = s & w.kill[occs[i].key]; m != 0; m &= m - 1) {
          uint32_t d = w.order[base + static_cast<uint32_t>(__builtin_ctzll(m))];
          out->use_defs.push_back({i, w.def_occ[d]});
        }
      }
      return s;
    };
    auto join = [&](uint32_t p) {
      uint64_t s = p == f.entry_point ? entry_bits : 0;
      for (uint32_t i = w.pred_first[p]; i < w.pred_first[p + 1]; ++i) {
        const auto& [q, in_state] = w.preds[i];
        if (w.seen[q] != 0) s |= in_state ? w.in[q] : w.out[q];
      }
      return s;
    };
    if (acyclic) {
      // Every reached predecessor comes first in reverse post-order: one pass computes each
      // point's state and reads its uses.
      for (uint32_t p : w.rpo) {
        uint64_t s = join(p);
        w.in[p] = s;
        w.out[p] = read_uses(p, s);
      }
    } else {
      for (uint32_t p : w.rpo) w.in[p] = w.out[p] = 0;
      for (bool changed = true; changed;) {
        changed = false;
        for (uint32_t p : w.rpo) {
          uint64_t s = join(p);
          uint64_t o = s;
          for (uint32_t i = pb.first[p]; i < pb.first[p + 1]; ++i) o = step(i, o);
          if (s != w.in[p] || o != w.out[p]) {
            w.in[p] = s;
            w.out[p] = o;
            changed = true;
          }
        }
      }
      // Uses read the state where they occur.
      for (uint32_t p : w.rpo) read_uses(p, w.in[p]);
    }
    if (pb.want_exit && w.seen[f.exit_point] != 0) {
      for (uint64_t m = w.in[f.exit_point]; m != 0; m &= m - 1) {
        uint32_t d = w.order[base + static_cast<uint32_t>(__builtin_ctzll(m))];
        if (w.def_occ[d] != kPseudoDef) out->exit_defs.push_back(w.def_occ[d]);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Sparse: SSA. Nodes are the live points plus, for a point whose state before its occurrences
// flows somewhere (an exception leaving a statement), a "pre" node holding that state, so that
// every edge carries the state after its source.

void SolveSparse(const RdProblem& pb, RdWorkspace* ws, RdResult* out) {
  RdScratch& w = ws->scratch();
  const ScopeFlow& f = *pb.flow;
  const auto num_points = static_cast<uint32_t>(f.points.size());
  const RdOcc* occs = pb.occs;

  // Nodes and edges.
  w.pre_of.assign(num_points, kNone);
  w.node_point.clear();
  for (uint32_t p = 0; p < num_points; ++p) w.node_point.push_back(p);
  for (const FlowEdge& e : f.edges) {
    if (!e.from_in_state || f.live[e.from] == 0 || f.live[e.to] == 0) continue;
    if (w.pre_of[e.from] == kNone) {
      w.pre_of[e.from] = static_cast<uint32_t>(w.node_point.size());
      w.node_point.push_back(e.from);  // a pre-node: the point it stands before
    }
  }
  const auto num_nodes = static_cast<uint32_t>(w.node_point.size());
  auto node_in = [&](uint32_t p) { return w.pre_of[p] != kNone ? w.pre_of[p] : p; };
  w.edge_from.clear();
  w.edge_to.clear();
  for (const FlowEdge& e : f.edges) {
    if (f.live[e.from] == 0 || f.live[e.to] == 0) continue;
    w.edge_from.push_back(e.from_in_state ? w.pre_of[e.from] : e.from);
    w.edge_to.push_back(node_in(e.to));
  }
  for (uint32_t p = 0; p < num_points; ++p) {
    if (w.pre_of[p] != kNone) {
      w.edge_from.push_back(w.pre_of[p]);
      w.edge_to.push_back(p);
    }
  }
  const uint32_t entry = node_in(f.entry_point);
  w.succ_first.assign(num_nodes + 1, 0);
  for (uint32_t from : w.edge_from) ++w.succ_first[from + 1];
  PrefixSums(&w.succ_first);
  w.succs.resize(w.edge_from.size());
  w.at.assign(w.succ_first.begin(), w.succ_first.end() - 1);
  for (size_t i = 0; i < w.edge_from.size(); ++i) w.succs[w.at[w.edge_from[i]]++] = w.edge_to[i];

  ReversePostOrder(w, entry, num_nodes);

  // Predecessors among reached nodes.
  w.pred_first.assign(num_nodes + 1, 0);
  for (size_t i = 0; i < w.edge_from.size(); ++i) {
    if (w.seen[w.edge_from[i]] != 0) ++w.pred_first[w.edge_to[i] + 1];
  }
  PrefixSums(&w.pred_first);
  w.preds.resize(w.pred_first[num_nodes]);
  w.at.assign(w.pred_first.begin(), w.pred_first.end() - 1);
  for (size_t i = 0; i < w.edge_from.size(); ++i) {
    if (w.seen[w.edge_from[i]] != 0) w.preds[w.at[w.edge_to[i]]++] = {w.edge_from[i], false};
  }

  // Immediate dominators (Cooper, Harvey, Kennedy: "A Simple, Fast Dominance Algorithm").
  w.idom.assign(num_nodes, kNone);
  w.idom[entry] = entry;
  auto intersect = [&](uint32_t a, uint32_t b) {
    while (a != b) {
      while (w.rpo_index[a] > w.rpo_index[b]) a = w.idom[a];
      while (w.rpo_index[b] > w.rpo_index[a]) b = w.idom[b];
    }
    return a;
  };
  for (bool changed = true; changed;) {
    changed = false;
    for (uint32_t n : w.rpo) {
      if (n == entry) continue;
      uint32_t d = kNone;
      for (uint32_t i = w.pred_first[n]; i < w.pred_first[n + 1]; ++i) {
        uint32_t q = w.preds[i].first;
        if (w.idom[q] == kNone) continue;
        d = d == kNone ? q : intersect(q, d);
      }
      if (d != w.idom[n]) {
        w.idom[n] = d;
        changed = true;
      }
    }
  }

  // Dominance frontiers, as (node, frontier node) pairs grouped by node.
  w.pairs.clear();
  for (uint32_t n : w.rpo) {
    if (w.pred_first[n + 1] - w.pred_first[n] < 2) continue;
    for (uint32_t i = w.pred_first[n]; i < w.pred_first[n + 1]; ++i) {
      for (uint32_t r = w.preds[i].first; r != w.idom[n]; r = w.idom[r]) w.pairs.push_back({r, n});
    }
  }
  std::sort(w.pairs.begin(), w.pairs.end());
  w.pairs.erase(std::unique(w.pairs.begin(), w.pairs.end()), w.pairs.end());
  w.df_first.assign(num_nodes + 1, 0);
  for (const auto& [n, x] : w.pairs) ++w.df_first[n + 1];
  PrefixSums(&w.df_first);
  w.df.resize(w.pairs.size());
  for (size_t i = 0; i < w.pairs.size(); ++i) w.df[i] = w.pairs[i].second;

  // Dominator tree children.
  w.dom_first.assign(num_nodes + 1, 0);
  for (uint32_t n : w.rpo) {
    if (n != entry) ++w.dom_first[w.idom[n] + 1];
  }
  PrefixSums(&w.dom_first);
  w.dom_children.resize(w.rpo.size());
  w.at.assign(w.dom_first.begin(), w.dom_first.end() - 1);
  for (uint32_t n : w.rpo) {
    if (n != entry) w.dom_children[w.at[w.idom[n]]++] = n;
  }

  // Names that matter: used ones, and with want_exit every defined one.
  w.relevant.assign(pb.num_keys, 0);
  w.used.assign(pb.num_keys, 0);
  for (uint32_t i = 0; i < pb.num_occs; ++i) {
    if (occs[i].type == RdType::kUse) {
      w.relevant[occs[i].key] = 1;
      w.used[occs[i].key] = 1;
    } else if (pb.want_exit && occs[i].type != RdType::kKill) {
      w.relevant[occs[i].key] = 1;
    }
  }
  auto occ_range = [&](uint32_t node, uint32_t* b, uint32_t* e) {
    if (node >= num_points) {  // a pre-node has no occurrences
      *b = *e = 0;
    } else {
      *b = pb.first[node];
      *e = pb.first[node + 1];
    }
  };

  // Definition sites per relevant name (points with a Def, Gen or Kill of it).
  w.pairs.clear();
  for (uint32_t n : w.rpo) {
    uint32_t b, e;
    occ_range(n, &b, &e);
    for (uint32_t i = b; i < e; ++i) {
      if (occs[i].type != RdType::kUse && w.relevant[occs[i].key] != 0) {
        w.pairs.push_back({occs[i].key, n});
      }
    }
  }
  std::sort(w.pairs.begin(), w.pairs.end());
  w.pairs.erase(std::unique(w.pairs.begin(), w.pairs.end()), w.pairs.end());
  w.site_first.assign(pb.num_keys + 1, 0);
  for (const auto& [k, n] : w.pairs) ++w.site_first[k + 1];
  PrefixSums(&w.site_first);
  w.sites.resize(w.pairs.size());
  for (size_t i = 0; i < w.pairs.size(); ++i) w.sites[i] = w.pairs[i].second;

  // Phi placement: the iterated dominance frontier of each name's definition sites.
  w.pairs.clear();  // (node, key) of each phi
  w.stamp.assign(num_nodes * 2, 0);  // [2n]: has a phi for the stamped key, [2n+1]: queued
  for (uint32_t k = 0; k < pb.num_keys; ++k) {
    if (w.site_first[k] == w.site_first[k + 1]) continue;
    const uint32_t mark = k + 1;
    w.work.assign(w.sites.begin() + w.site_first[k], w.sites.begin() + w.site_first[k + 1]);
    for (uint32_t n : w.work) w.stamp[2 * n + 1] = mark;
    while (!w.work.empty()) {
      uint32_t n = w.work.back();
      w.work.pop_back();
      for (uint32_t i = w.df_first[n]; i < w.df_first[n + 1]; ++i) {
        uint32_t x = w.df[i];
        if (w.stamp[2 * x] == mark) continue;
        w.stamp[2 * x] = mark;
        w.pairs.push_back({x, k});
        if (w.stamp[2 * x + 1] != mark) {
          w.stamp[2 * x + 1] = mark;
          w.work.push_back(x);
        }
      }
    }
  }
  std::sort(w.pairs.begin(), w.pairs.end());
  const auto num_phis = static_cast<uint32_t>(w.pairs.size());
  w.phi_first.assign(num_nodes + 1, 0);
  w.phi_key.resize(num_phis);
  for (uint32_t i = 0; i < num_phis; ++i) {
    ++w.phi_first[w.pairs[i].first + 1];
    w.phi_key[i] = w.pairs[i].second;
  }
  PrefixSums(&w.phi_first);  // phis of node n: ids phi_first[n] .. phi_first[n + 1]

  // Renaming over the dominator tree. Value 0 is "nothing reaches"; a class body's names start
  // at a pseudo value each.
  using Value = RdScratch::Value;
  w.values.assign(1, Value{0, 0, 0});
  w.cur.assign(pb.num_keys, 0);
  if (pb.entry_pseudo) {
    for (uint32_t k = 0; k < pb.num_keys; ++k) {
      if (w.used[k] == 0) continue;
      w.cur[k] = static_cast<uint32_t>(w.values.size());
      w.values.push_back({1, k, 0});
    }
  }
  std::vector<uint32_t>& phi_value = w.phi_ids;
  phi_value.assign(num_phis, 0);
  w.use_val.assign(pb.num_occs, kNone);
  w.exit_val.clear();
  w.operands.clear();
  w.log.clear();
  // Stack entries: node, or node | kExitBit to undo its definitions.
  constexpr uint32_t kExitBit = 0x80000000u;
  w.stack.assign(1, entry);
  std::vector<uint32_t>& marks = w.at;
  marks.assign(num_nodes, 0);
  auto set_cur = [&](uint32_t k, uint32_t v) {
    w.log.push_back({k, w.cur[k]});
    w.cur[k] = v;
  };
  const uint32_t exit_node = node_in(f.exit_point);
  while (!w.stack.empty()) {
    uint32_t top = w.stack.back();
    w.stack.pop_back();
    if ((top & kExitBit) != 0) {
      uint32_t n = top & ~kExitBit;
      while (w.log.size() > marks[n]) {
        w.cur[w.log.back().first] = w.log.back().second;
        w.log.pop_back();
      }
      continue;
    }
    uint32_t n = top;
    marks[n] = static_cast<uint32_t>(w.log.size());
    for (uint32_t phi = w.phi_first[n]; phi < w.phi_first[n + 1]; ++phi) {
      phi_value[phi] = static_cast<uint32_t>(w.values.size());
      w.values.push_back({4, phi, 0});
      set_cur(w.phi_key[phi], phi_value[phi]);
    }
    uint32_t b, e;
    occ_range(n, &b, &e);
    for (uint32_t i = b; i < e; ++i) {
      uint32_t k = occs[i].key;
      if (w.relevant[k] == 0) continue;
      switch (occs[i].type) {
        case RdType::kUse: w.use_val[i] = w.cur[k]; break;
        case RdType::kDef:
          set_cur(k, static_cast<uint32_t>(w.values.size()));
          w.values.push_back({2, i, 0});
          break;
        case RdType::kGen: {
          uint32_t prev = w.cur[k];
          set_cur(k, static_cast<uint32_t>(w.values.size()));
          w.values.push_back({3, i, prev});
          break;
        }
        case RdType::kKill: set_cur(k, 0); break;
      }
    }
    for (uint32_t i = w.succ_first[n]; i < w.succ_first[n + 1]; ++i) {
      uint32_t s = w.succs[i];
      for (uint32_t phi = w.phi_first[s]; phi < w.phi_first[s + 1]; ++phi) {
        w.operands.push_back({phi, w.cur[w.phi_key[phi]]});
      }
    }
    if (n == exit_node && pb.want_exit) {
      for (uint32_t k = 0; k < pb.num_keys; ++k) {
        if (w.relevant[k] != 0 && w.cur[k] != 0) w.exit_val.push_back(w.cur[k]);
      }
    }
    w.stack.push_back(n | kExitBit);
    for (uint32_t c = w.dom_first[n + 1]; c-- > w.dom_first[n];) w.stack.push_back(w.dom_children[c]);
  }
  std::sort(w.operands.begin(), w.operands.end());
  w.operands.erase(std::unique(w.operands.begin(), w.operands.end()), w.operands.end());
  w.operand_first.assign(num_phis + 1, 0);
  for (const auto& [phi, v] : w.operands) ++w.operand_first[phi + 1];
  PrefixSums(&w.operand_first);
  w.operand_vals.resize(w.operands.size());
  for (size_t i = 0; i < w.operands.size(); ++i) w.operand_vals[i] = w.operands[i].second;

  // What a value stands for: the definitions behind it (through phis and may-definitions).
  // Memoized for values read by uses; each walk stamps what it has visited.
  const auto num_values = static_cast<uint32_t>(w.values.size());
  w.memo_first.assign(num_values, kNone);
  w.memo_len.assign(num_values, 0);
  w.memo_pool.clear();
  w.visit_stamp.assign(num_values, 0);
  uint32_t walk = 0;
  auto defs_of = [&](uint32_t root, uint32_t* begin, uint32_t* len) {
    if (w.memo_first[root] == kNone) {
      ++walk;
      w.memo_first[root] = static_cast<uint32_t>(w.memo_pool.size());
      w.work.assign(1, root);
      w.visit_stamp[root] = walk;
      while (!w.work.empty()) {
        uint32_t v = w.work.back();
        w.work.pop_back();
        const Value& val = w.values[v];
        auto visit = [&](uint32_t x) {
          if (w.visit_stamp[x] != walk) {
            w.visit_stamp[x] = walk;
            w.work.push_back(x);
          }
        };
        switch (val.kind) {
          case 1: w.memo_pool.push_back(kPseudoDef); break;
          case 2: w.memo_pool.push_back(val.a); break;
          case 3:
            w.memo_pool.push_back(val.a);
            visit(val.b);
            break;
          case 4:
            for (uint32_t i = w.operand_first[val.a]; i < w.operand_first[val.a + 1]; ++i) {
              visit(w.operand_vals[i]);
            }
            break;
          default: break;
        }
      }
      w.memo_len[root] = static_cast<uint32_t>(w.memo_pool.size()) - w.memo_first[root];
    }
    *begin = w.memo_first[root];
    *len = w.memo_len[root];
  };
  for (uint32_t i = 0; i < pb.num_occs; ++i) {
    if (occs[i].type != RdType::kUse || w.use_val[i] == kNone || w.use_val[i] == 0) continue;
    uint32_t b, len;
    defs_of(w.use_val[i], &b, &len);
    for (uint32_t j = 0; j < len; ++j) out->use_defs.push_back({i, w.memo_pool[b + j]});
  }
  for (uint32_t v : w.exit_val) {
    uint32_t b, len;
    defs_of(v, &b, &len);
    for (uint32_t j = 0; j < len; ++j) {
      if (w.memo_pool[b + j] != kPseudoDef) out->exit_defs.push_back(w.memo_pool[b + j]);
    }
  }
}

namespace {
std::atomic<RdSolver> g_forced{RdSolver::kAuto};
}  // namespace

void ForceSolverForTesting(RdSolver solver) { g_forced.store(solver); }

namespace {

/// A function flow whose names each have at most one definition, made at the entry (its
/// parameters), and nothing else (most small functions and methods): each use at a point the
/// entry reaches is reached by its name's parameter, with no sets to solve. Taken only for a flow
/// without a loop whose edges come grouped by target in creation order (the flow builder adds an
/// edge when it creates the edge's target), where one pass over the edges gives reachability.
/// False, and nothing written, for any other flow.
bool SolveEntryOnly(const RdProblem& pb, RdWorkspace* ws, RdResult* out) {
  if (pb.entry_pseudo || pb.want_exit) return false;
  RdScratch& w = ws->scratch();
  const ScopeFlow& f = *pb.flow;
  if (f.entry_point != 0 || f.exit_point != 1) return false;
  const auto num_points = static_cast<uint32_t>(f.points.size());
  const uint32_t entry_end = pb.first[1];  // the entry's occurrences: [0, entry_end)
  // The one definition of each name, if any: it must be at the entry point.
  std::vector<uint32_t>& def_of_key = w.def_key;  // borrowed: per key, its occurrence
  def_of_key.assign(pb.num_keys, kNone);
  for (uint32_t i = 0; i < pb.num_occs; ++i) {
    const RdOcc& o = pb.occs[i];
    if (o.type == RdType::kUse) continue;
    if (o.type != RdType::kDef || i >= entry_end || def_of_key[o.key] != kNone) return false;
    def_of_key[o.key] = i;
  }
  // Reachability over the live edges, in one pass: each edge leads forward and the edges into a
  // point come after those into earlier points, so a point's source is final when it is read.
  // The entry's definitions must flow on every edge that leaves it (none carries its state before
  // them). Edges to the exit (listed anywhere) are read once every other point is known.
  w.seen.assign(num_points, 0);
  w.seen[0] = 1;
  uint32_t last_to = 0;
  for (const FlowEdge& e : f.edges) {
    if (f.live[e.from] == 0 || f.live[e.to] == 0) continue;
    if (!LeadsForward(e) || (e.to != 1 && e.to < last_to)) return false;
    if (e.from == 0 && e.from_in_state) return false;
    if (e.to == 1) continue;
    last_to = e.to;
    if (w.seen[e.from] != 0) w.seen[e.to] = 1;
  }
  for (const FlowEdge& e : f.edges) {
    if (e.to == 1 && f.live[e.from] != 0 && f.live[e.to] != 0 && w.seen[e.from] != 0) w.seen[1] = 1;
  }
  // Each use at a reached point: its name's definition (at the entry, only one made before it).
  for (uint32_t p = 0; p < num_points; ++p) {
    if (w.seen[p] == 0) continue;
    for (uint32_t i = pb.first[p]; i < pb.first[p + 1]; ++i) {
      const uint32_t d = def_of_key[pb.occs[i].key];
      if (pb.occs[i].type == RdType::kUse && d != kNone && (p != 0 || d < i)) {
        out->use_defs.push_back({i, d});
      }
    }
  }
  return true;
}

/// A flow whose tracked definitions fit one 64-bit word (most function and class flows): the
/// dense solver's answer without its setup for many words (bit ranges per name, a search for the
/// visiting order, predecessor lists). A name's kill mask is the bits of its definitions; the
/// edges are read in creation order, which is execution order: a flow without a loop needs one
/// pass, one with loops passes until nothing changes. False, and nothing written to *out, when
/// the definitions do not fit.
bool SolveWord(const RdProblem& pb, RdWorkspace* ws, RdResult* out) {
  const ScopeFlow& f = *pb.flow;
  RdScratch& w = ws->scratch();
  const RdOcc* occs = pb.occs;
  // Bits: a pseudo definition per used name first (a class body), then the definitions of
  // used names (all with want_exit), in occurrence order. The dense solver tracks the same set.
  // Written with few branches: occurrence types do not follow a pattern a predictor learns.
  uint32_t bit_def[65];  // [64]: where an untracked definition's index goes when 64 are
  uint32_t bits = 0;
  uint64_t entry_bits = 0;
  // One buffer, the words that start at 0 first, cleared by one memset (small flows are most:
  // a fill per vector cost more than the solving).
  const auto num_points = static_cast<uint32_t>(f.points.size());
  const size_t num_keys = pb.num_keys;
  const size_t zeroed = 2 * num_keys + 2 * size_t{num_points};
  if (w.words.size() < zeroed + num_points + pb.num_occs) {
    w.words.resize(zeroed + num_points + pb.num_occs);
  }
  std::memset(w.words.data(), 0, zeroed * sizeof(uint64_t));
  uint64_t* kill = w.words.data();         // per name: the bits of its definitions
  uint64_t* used = kill + num_keys;        // per name: 1 when a use reads it
  uint64_t* in = used + num_keys;          // per point: the state before its occurrences
  uint64_t* flags = in + num_points;       // per point: kReached | kClosed
  uint64_t* after = flags + num_points;    // per closed point: the state after them
  uint64_t* gen = after + num_points;      // per occurrence: the bit it defines, or 0
  if (!pb.entry_pseudo) {
    for (uint32_t i = 0; i < pb.num_occs; ++i) used[occs[i].key] |= occs[i].type == RdType::kUse;
  } else {
    for (uint32_t i = 0; i < pb.num_occs; ++i) {
      const RdOcc& o = occs[i];
      if (o.type != RdType::kUse || used[o.key] != 0) continue;
      used[o.key] = 1;
      if (bits == 64) return false;
      kill[o.key] |= uint64_t{1} << bits;
      entry_bits |= uint64_t{1} << bits;
      bit_def[bits++] = kPseudoDef;
    }
  }
  const uint64_t all_tracked = pb.want_exit ? 1 : 0;
  for (uint32_t i = 0; i < pb.num_occs; ++i) {
    const RdOcc& o = occs[i];
    // kDef (1) or kGen (2), of a used name; computed, not branched on.
    const uint64_t defines = static_cast<uint32_t>(o.type) - 1 < 2 ? 1 : 0;
    const auto tracked = static_cast<uint32_t>(defines & (all_tracked | used[o.key]));
    if (bits + tracked > 64) return false;
    const uint64_t bit = (uint64_t{1} << (bits & 63)) & (uint64_t{0} - tracked);
    gen[i] = bit;
    kill[o.key] |= bit;
    bit_def[bits] = i;  // kept only when tracked: otherwise the next one overwrites it
    bits += tracked;
  }
  // By occurrence type (use, def, gen, kill): whether it reads its name's definitions, whether
  // it clears them.
  static constexpr uint64_t kReads[4] = {~uint64_t{0}, 0, 0, 0};
  static constexpr uint64_t kClears[4] = {0, ~uint64_t{0}, 0, ~uint64_t{0}};
  static_assert(static_cast<int>(RdType::kUse) == 0 && static_cast<int>(RdType::kDef) == 1 &&
                static_cast<int>(RdType::kGen) == 2 && static_cast<int>(RdType::kKill) == 3);
  // The state after point p's occurrences from the state s before them; uses read their
  // definitions from it.
  auto transfer = [&](uint32_t p, uint64_t s) {
    for (uint32_t i = pb.first[p]; i < pb.first[p + 1]; ++i) {
      const RdOcc& o = occs[i];
      const auto type = static_cast<uint32_t>(o.type);
      const uint64_t k = kill[o.key];
      for (uint64_t m = s & k & kReads[type]; m != 0; m &= m - 1) {
        out->use_defs.push_back({i, bit_def[__builtin_ctzll(m)]});
      }
      s = (s & ~(k & kClears[type])) | gen[i];
    }
    return s;
  };

  // One pass over the live edges in creation order. The flow builder makes every edge into a
  // point before any edge out of it (but a loop's back edges), so a point's state before its
  // occurrences is final when the first edge out of it comes: the point is then "closed", its
  // uses read and its state after them computed, once. An edge into a closed point that would
  // still add to it (a loop's back edge; any order in a flow built by hand) shows the order does
  // not hold: what the pass read is dropped and passes relax the edges until nothing changes.
  // Without such an edge the pass computed the least fixed point (every edge's constraint holds,
  // and every state is a join of states no larger than the fixed point's).
  constexpr uint64_t kReached = 1, kClosed = 2;
  const uint8_t* live = f.live.data();
  const FlowEdge* edges = f.edges.data();
  const size_t num_edges = f.edges.size();
  in[f.entry_point] = entry_bits;
  flags[f.entry_point] = kReached;
  const size_t emitted = out->use_defs.size();
  size_t j = 0;
  for (; j < num_edges; ++j) {
    const FlowEdge& e = edges[j];
    const uint32_t q = e.from, p = e.to;
    if ((live[q] & live[p]) == 0) continue;
    if ((flags[q] & kClosed) == 0) {
      // Unreached, it reads nothing (a definition and a use in one point would otherwise pair).
      after[q] = (flags[q] & kReached) != 0 ? transfer(q, in[q]) : 0;
      flags[q] |= kClosed;
    }
    if ((flags[q] & kReached) == 0) continue;
    const uint64_t c = e.from_in_state ? in[q] : after[q];
    if ((flags[p] & kClosed) != 0 && ((flags[p] & kReached) == 0 || (c & ~in[p]) != 0)) break;
    in[p] |= c;
    flags[p] |= kReached;
  }
  if (j == num_edges) {
    // The points no live edge leaves (the exit) read their uses last.
    for (uint32_t p = 0; p < num_points; ++p) {
      if ((flags[p] & (kReached | kClosed)) == kReached) transfer(p, in[p]);
    }
  } else {
    out->use_defs.resize(emitted);
    // Each point's occurrences folded into one step, s -> (s & ~kill) | gen.
    w.point_kill.resize(num_points);
    w.point_gen.resize(num_points);
    uint64_t* point_kill = w.point_kill.data();
    uint64_t* point_gen = w.point_gen.data();
    for (uint32_t p = 0; p < num_points; ++p) {
      uint64_t k = 0, g = 0;
      for (uint32_t i = pb.first[p]; i < pb.first[p + 1]; ++i) {
        const uint64_t clear = kill[occs[i].key] & kClears[static_cast<uint32_t>(occs[i].type)];
        k |= clear;
        g = (g & ~clear) | gen[i];
      }
      point_kill[p] = k;
      point_gen[p] = g;
    }
    // Every state so far is no larger than the fixed point's: relaxing the edges from there
    // reaches it.
    auto relax = [&](const FlowEdge& e) {
      const uint32_t q = e.from, p = e.to;
      if ((live[q] & live[p]) == 0 || (flags[q] & kReached) == 0) return false;
      const uint64_t c = e.from_in_state ? in[q] : (in[q] & ~point_kill[q]) | point_gen[q];
      if ((flags[p] & kReached) != 0 && (c & ~in[p]) == 0) return false;
      in[p] |= c;
      flags[p] |= kReached;
      return true;
    };
    for (; j < num_edges; ++j) relax(edges[j]);
    // Then sweeps in creation order. A sweep in which no point changes after an edge out of it
    // was read (each edge then read its source's final state) has reached the fixed point: no
    // sweep only to confirm that nothing changes. flags[p] >> 2 holds the last sweep that read
    // an edge out of p (its low bits kReached and kClosed).
    for (uint64_t sweep = 4, late = 1; late != 0; sweep += 4) {
      late = 0;
      for (size_t i = 0; i < num_edges; ++i) {
        const uint32_t q = edges[i].from, p = edges[i].to;
        if ((live[q] & live[p]) == 0) continue;
        flags[q] = (flags[q] & (kReached | kClosed)) | sweep;
        if ((flags[q] & kReached) == 0) continue;
        const uint64_t c =
            edges[i].from_in_state ? in[q] : (in[q] & ~point_kill[q]) | point_gen[q];
        if ((flags[p] & kReached) != 0 && (c & ~in[p]) == 0) continue;
        in[p] |= c;
        flags[p] |= kReached;
        late |= (flags[p] & ~(kReached | kClosed)) == sweep ? 1 : 0;
      }
    }
    for (uint32_t p = 0; p < num_points; ++p) {
      if ((flags[p] & kReached) != 0) transfer(p, in[p]);
    }
  }
  const uint32_t exit = f.exit_point;
  if (pb.want_exit && (flags[exit] & kReached) != 0) {
    for (uint64_t m = in[exit]; m != 0; m &= m - 1) {
      uint32_t d = bit_def[__builtin_ctzll(m)];
      if (d != kPseudoDef) out->exit_defs.push_back(d);
    }
  }
  return true;
}

/// `pb` with its keys numbered in order of first occurrence, and only those that occur. The dense
/// solver orders its bits by key and the choice of solver counts keys, so both read keys so
/// numbered: their answer, and its order, then depend on the flow alone, not on how the caller
/// numbered names (def-use numbers a scope's bindings as it first meets them in the module).
RdProblem FirstOccurrenceKeys(const RdProblem& pb, RdScratch& w) {
  w.renumber.assign(pb.num_keys, kNone);
  w.renumbered.resize(pb.num_occs);
  uint32_t keys = 0;
  for (uint32_t i = 0; i < pb.num_occs; ++i) {
    uint32_t& key = w.renumber[pb.occs[i].key];
    if (key == kNone) key = keys++;
    w.renumbered[i] = {pb.occs[i].type, key};
  }
  RdProblem renumbered = pb;
  renumbered.occs = w.renumbered.data();
  renumbered.num_keys = keys;
  return renumbered;
}

}  // namespace

void SolveReaching(const RdProblem& problem, RdWorkspace* ws, RdResult* out) {
  RdSolver forced = g_forced.load(std::memory_order_relaxed);
  if (forced == RdSolver::kAuto) {
    // Neither depends on the numbering of keys.
    if (SolveEntryOnly(problem, ws, out)) return;
    if (SolveWord(problem, ws, out)) return;
  }
  const RdProblem pb = FirstOccurrenceKeys(problem, ws->scratch());
  if (forced == RdSolver::kDense) return SolveDense(pb, ws, out);
  if (forced == RdSolver::kSparse) return SolveSparse(pb, ws, out);
  uint64_t defs = 0;
  for (uint32_t i = 0; i < pb.num_occs; ++i) {
    defs += pb.occs[i].type == RdType::kDef || pb.occs[i].type == RdType::kGen ? 1 : 0;
  }
  if (pb.entry_pseudo) defs += pb.num_keys;
  uint64_t words = (defs + 63) / 64;
  if (words * pb.flow->points.size() <= kDenseBudget) {
    SolveDense(pb, ws, out);
  } else {
    SolveSparse(pb, ws, out);
  }
}

}  // namespace ast2graph::semantic
