// graph_check: checks `ast2graph parse --format jsonl` output (tests/pipeline, DESIGN.md section 3).
//
//   graph_check invariants OUT.jsonl [--counts FILE]
//     ids are 32 lowercase hex digits and unique (nodes, relationships); every relationship's start
//     and end is a node of the output; every ASTNode has exactly one incoming CHILD edge and is
//     reachable from its own file's SourceFile by CHILD; a SourceFile has a CHILD {module} edge
//     exactly when its status is "ok". --counts writes, per SourceFile, its JSON-escaped source_id,
//     a tab and its number of ASTNode nodes (what tests/pipeline/ast_counts.py compares with
//     CPython).
//
//   graph_check shards FULL.jsonl SHARD.jsonl...
//     what the shards of one project give compared with the unsharded run: every SourceFile in
//     exactly one shard; the per-file part (nodes with a source_id, CHILD and NEXT edges) of the
//     union equals the full run's; a DEPENDS_ON edge only the full run has leaves its file (a
//     cross-file edge that a shard cannot see, or one the shard resolved, from the same node
//     with the same type and name, to a stand-in); a DEPENDS_ON edge only a shard has ends at an
//     ExternalModule or a Module node (the stand-in that `ast2graph link` replaces); a shard's
//     ExternalModule is one of the full run's or names a module of the project
//     (docs/decisions.md, "Shards and cross-file edges").
//
// The lines are scanned, not fully parsed: the layout is the jsonl exporter's (tested strictly in
// tests/unit/export/jsonl_test.cc), and the stdlib's output is 2 GB, which a DOM parse would make
// slower than the run it checks. Exits 0 when every check passes, 1 otherwise (each failure is
// printed, the first 20 of a kind), 2 on usage or I/O errors.
#include <xxhash.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

struct Id128 {
  uint64_t hi = 0;
  uint64_t lo = 0;
  bool operator==(const Id128&) const = default;
  bool operator<(const Id128& o) const { return hi != o.hi ? hi < o.hi : lo < o.lo; }
};
struct IdHash {
  size_t operator()(const Id128& id) const { return static_cast<size_t>(id.lo ^ (id.hi * 31)); }
};

int failures = 0;
std::map<std::string, int> failures_by_kind;

void Fail(const std::string& kind, const std::string& detail) {
  ++failures;
  if (++failures_by_kind[kind] <= 20) std::printf("FAIL %s: %s\n", kind.c_str(), detail.c_str());
}

bool ParseHex(std::string_view hex, Id128* id) {
  if (hex.size() != 32) return false;
  uint64_t parts[2] = {0, 0};
  for (size_t i = 0; i < 32; ++i) {
    char c = hex[i];
    unsigned v;
    if (c >= '0' && c <= '9') {
      v = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      v = static_cast<unsigned>(c - 'a' + 10);
    } else {
      return false;
    }
    parts[i / 16] = parts[i / 16] << 4 | v;
  }
  *id = {parts[0], parts[1]};
  return true;
}

/// The raw (still escaped) text of the JSON string that follows `"key":"` from `from` on, or
/// nullopt-like false. Keys are searched with their quotes, which cannot occur unescaped inside a
/// string value.
bool StringAfter(std::string_view line, std::string_view key, size_t from, std::string_view* out,
                 size_t* end = nullptr) {
  std::string pattern = "\"" + std::string(key) + "\":\"";
  size_t at = line.find(pattern, from);
  if (at == std::string_view::npos) return false;
  size_t begin = at + pattern.size();
  size_t i = begin;
  while (i < line.size() && line[i] != '"') i += line[i] == '\\' ? 2 : 1;
  if (i >= line.size()) return false;
  *out = line.substr(begin, i - begin);
  if (end) *end = i + 1;
  return true;
}

enum class Kind : uint8_t { kSourceFile, kAst, kExternal, kOther };

/// One record of the output, as much as the checks need.
struct Record {
  bool is_node = false;
  bool ok = false;  // the line has the expected layout
  Id128 id;
  Kind kind = Kind::kOther;
  std::string_view node_type;  // second label of an ASTNode
  std::string_view source_id;  // SourceFile / ASTNode, raw JSON text
  std::string_view status;     // SourceFile
  std::string_view name;       // ExternalModule
  std::string_view module;     // SourceFile
  std::string_view label;      // relationship type
  std::string_view field;      // CHILD
  std::string_view dep_type;   // DEPENDS_ON type
  std::string_view dep_name;   // DEPENDS_ON name
  Id128 start, end;
};

Record Scan(std::string_view line) {
  Record r;
  std::string_view type, id, props_id;
  size_t pos = 0;
  if (!StringAfter(line, "type", 0, &type, &pos) || !StringAfter(line, "id", pos, &id, &pos) ||
      !ParseHex(id, &r.id)) {
    return r;
  }
  size_t props = line.find("\"properties\":{", pos);
  if (props == std::string_view::npos || !StringAfter(line, "id", props, &props_id) ||
      props_id != id) {
    return r;
  }
  if (type == "node") {
    r.is_node = true;
    size_t at = line.find("\"labels\":[\"", pos);
    if (at == std::string_view::npos || at > props) return r;
    size_t b = at + 11;
    size_t e = line.find('"', b);
    std::string_view first = line.substr(b, e - b);
    size_t after_label = e + 1;
    if (first == "SourceFile") {
      r.kind = Kind::kSourceFile;
      if (!StringAfter(line, "source_id", props, &r.source_id) ||
          !StringAfter(line, "status", props, &r.status)) {
        return r;
      }
      StringAfter(line, "module", props, &r.module);
    } else if (first == "ASTNode") {
      r.kind = Kind::kAst;
      if (after_label >= line.size() || line[after_label] != ',') return r;
      size_t b = after_label + 2;
      size_t e = line.find('"', b);
      r.node_type = line.substr(b, e - b);
      if (!StringAfter(line, "source_id", props, &r.source_id)) return r;
    } else if (first == "ExternalModule") {
      r.kind = Kind::kExternal;
      if (!StringAfter(line, "name", props, &r.name)) return r;
    }
    r.ok = true;
    return r;
  }
  if (type != "relationship") return r;
  std::string_view start, end;
  if (!StringAfter(line, "label", pos, &r.label, &pos) ||
      !StringAfter(line, "id", line.find("\"start\":{", pos), &start) ||
      !StringAfter(line, "id", line.find("\"end\":{", pos), &end) || !ParseHex(start, &r.start) ||
      !ParseHex(end, &r.end)) {
    return r;
  }
  StringAfter(line, "field", props, &r.field);
  StringAfter(line, "type", props, &r.dep_type);
  StringAfter(line, "name", props, &r.dep_name);
  r.ok = true;
  return r;
}

/// Reads `path` line by line into `fn(line_number, line)`; false when it cannot be opened.
template <typename Fn>
bool ForEachLine(const std::string& path, Fn fn) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "graph_check: cannot open %s\n", path.c_str());
    return false;
  }
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) fn(++n, std::string_view(line));
  return true;
}

std::string Hex(const Id128& id) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(id.hi),
                static_cast<unsigned long long>(id.lo));
  return buf;
}

// ------------------------------------------------------------------------------------------------
// invariants

int Invariants(const std::string& path, const std::string& counts_path) {
  struct Node {
    Kind kind;
    uint32_t file;  // index into files, for SourceFile and ASTNode
    uint32_t parents = 0;
  };
  struct Edge {
    uint32_t start, end;
    bool child;
    bool module_field;
  };
  std::vector<std::string> files;  // raw source_id
  std::vector<bool> file_ok;
  std::vector<uint32_t> file_node;  // node index of each SourceFile
  std::unordered_map<std::string, uint32_t> file_index;
  std::unordered_map<Id128, uint32_t, IdHash> node_index;
  std::vector<Node> nodes;
  std::vector<std::pair<Id128, Id128>> raw_edges;
  std::vector<uint8_t> raw_edge_flags;  // 1: CHILD, 2: field module
  std::unordered_map<Id128, size_t, IdHash> rel_ids;
  auto file_of = [&](std::string_view sid) {
    auto [it, added] = file_index.try_emplace(std::string(sid), static_cast<uint32_t>(files.size()));
    if (added) {
      files.emplace_back(sid);
      file_ok.push_back(false);
      file_node.push_back(UINT32_MAX);
    }
    return it->second;
  };
  size_t lines = 0;
  bool opened = ForEachLine(path, [&](size_t n, std::string_view line) {
    ++lines;
    Record r = Scan(line);
    if (!r.ok) {
      Fail("layout", "line " + std::to_string(n) + ": " + std::string(line.substr(0, 200)));
      return;
    }
    if (!r.is_node) {
      if (!rel_ids.emplace(r.id, n).second) {
        Fail("duplicate relationship id", Hex(r.id) + " on line " + std::to_string(n));
      }
      raw_edges.emplace_back(r.start, r.end);
      raw_edge_flags.push_back(static_cast<uint8_t>((r.label == "CHILD" ? 1 : 0) |
                                                    (r.field == "module" ? 2 : 0)));
      return;
    }
    Node node{r.kind, UINT32_MAX};
    if (r.kind == Kind::kSourceFile || r.kind == Kind::kAst) node.file = file_of(r.source_id);
    auto [it, added] = node_index.try_emplace(r.id, static_cast<uint32_t>(nodes.size()));
    if (!added) {
      Fail("duplicate node id", Hex(r.id) + " on line " + std::to_string(n));
      return;
    }
    if (r.kind == Kind::kSourceFile) {
      if (file_node[node.file] != UINT32_MAX) {
        Fail("two SourceFile nodes", files[node.file]);
      }
      file_node[node.file] = it->second;
      file_ok[node.file] = r.status == "ok";
    }
    nodes.push_back(node);
  });
  if (!opened) return 2;
  for (const auto& [id, line] : rel_ids) {
    if (node_index.count(id)) Fail("relationship id equals a node id", Hex(id));
  }

  std::vector<Edge> child;
  std::vector<uint32_t> module_edges(files.size(), 0);
  for (size_t i = 0; i < raw_edges.size(); ++i) {
    auto s = node_index.find(raw_edges[i].first);
    auto e = node_index.find(raw_edges[i].second);
    if (s == node_index.end() || e == node_index.end()) {
      Fail("dangling relationship", "start " + Hex(raw_edges[i].first) + (s == node_index.end() ? " (missing)" : "") +
                                        " end " + Hex(raw_edges[i].second) +
                                        (e == node_index.end() ? " (missing)" : ""));
      continue;
    }
    if (!(raw_edge_flags[i] & 1)) continue;
    Edge edge{s->second, e->second, true, (raw_edge_flags[i] & 2) != 0};
    const Node& from = nodes[edge.start];
    Node& to = nodes[edge.end];
    if (to.kind != Kind::kAst) {
      Fail("CHILD into a non-ASTNode", Hex(raw_edges[i].second));
      continue;
    }
    if (from.kind == Kind::kSourceFile) {
      if (!edge.module_field) Fail("SourceFile CHILD without field module", files[from.file]);
      module_edges[from.file]++;
    } else if (from.kind != Kind::kAst) {
      Fail("CHILD from a non-AST node", Hex(raw_edges[i].first));
      continue;
    }
    if (from.file != to.file) {
      Fail("CHILD across files", files[from.file] + " -> " + files[to.file]);
    }
    to.parents++;
    child.push_back(edge);
  }
  raw_edges.clear();
  raw_edges.shrink_to_fit();

  // Reachability from each SourceFile over CHILD (CSR adjacency, iterative).
  std::vector<uint32_t> first(nodes.size() + 1, 0);
  for (const Edge& e : child) first[e.start + 1]++;
  for (size_t i = 0; i < nodes.size(); ++i) first[i + 1] += first[i];
  std::vector<uint32_t> targets(child.size());
  {
    std::vector<uint32_t> fill(first.begin(), first.end() - 1);
    for (const Edge& e : child) targets[fill[e.start]++] = e.end;
  }
  std::vector<bool> reached(nodes.size(), false);
  std::vector<uint64_t> ast_count(files.size(), 0);
  std::vector<uint32_t> stack;
  for (size_t f = 0; f < files.size(); ++f) {
    if (file_node[f] == UINT32_MAX) {
      Fail("ASTNode without SourceFile", files[f]);
      continue;
    }
    if (module_edges[f] != (file_ok[f] ? 1u : 0u)) {
      Fail("SourceFile module edges", files[f] + ": " + std::to_string(module_edges[f]) +
                                          " CHILD {module} edges, status " +
                                          (file_ok[f] ? "ok" : "failed"));
    }
    stack.assign(1, file_node[f]);
    while (!stack.empty()) {
      uint32_t n = stack.back();
      stack.pop_back();
      if (reached[n]) continue;  // a cycle or a second parent, reported below
      reached[n] = true;
      for (uint32_t k = first[n]; k < first[n + 1]; ++k) stack.push_back(targets[k]);
    }
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    if (n.kind != Kind::kAst) continue;
    ast_count[n.file]++;
    if (n.parents != 1) {
      Fail("ASTNode parents", files[n.file] + ": a node with " + std::to_string(n.parents) +
                                  " incoming CHILD edges");
    }
    if (!reached[i]) Fail("unreachable ASTNode", files[n.file]);
  }
  for (size_t f = 0; f < files.size(); ++f) {
    if (!file_ok[f] && ast_count[f] != 0) Fail("failed file with AST nodes", files[f]);
  }
  if (!counts_path.empty()) {
    std::ofstream out(counts_path, std::ios::binary);
    for (size_t f = 0; f < files.size(); ++f) {
      if (file_node[f] == UINT32_MAX) continue;
      out << '"' << files[f] << "\"\t" << (file_ok[f] ? ast_count[f] : 0) << '\t'
          << (file_ok[f] ? "ok" : "failed") << '\n';
    }
    if (!out) {
      std::fprintf(stderr, "graph_check: cannot write %s\n", counts_path.c_str());
      return 2;
    }
  }
  uint64_t ast_total = 0;
  for (uint64_t c : ast_count) ast_total += c;
  std::printf("%zu lines: %zu nodes (%zu files, %llu ASTNode), %zu relationships (%zu CHILD)\n",
              lines, nodes.size(), files.size(), static_cast<unsigned long long>(ast_total),
              rel_ids.size(), child.size());
  return failures == 0 ? 0 : 1;
}

// ------------------------------------------------------------------------------------------------
// shards

struct LineSets {
  std::vector<Id128> per_file;    // hashes of lines: nodes with a source_id, CHILD, NEXT
  std::vector<Id128> depends;     // hashes of DEPENDS_ON lines
  std::vector<std::pair<Id128, std::pair<Id128, Id128>>> depends_ends;  // line hash -> start, end
  /// line hash -> hash of (start, type, name): the reference an edge resolves, whatever its end
  std::vector<std::pair<Id128, Id128>> depends_refs;
  std::set<std::string> externals;  // ExternalModule names (raw)
  std::set<std::string> files;      // source_ids (raw)
  std::set<std::string> modules;    // SourceFile modules (raw)
  std::unordered_map<Id128, uint32_t, IdHash> node_file;  // node id -> file (index in order)
  std::unordered_map<Id128, bool, IdHash> module_nodes;   // Module ASTNode ids
  std::unordered_map<Id128, bool, IdHash> external_nodes;
};

Id128 LineHash(std::string_view line) {
  XXH128_hash_t h = XXH3_128bits(line.data(), line.size());
  return {h.high64, h.low64};
}

bool ReadSets(const std::string& path, LineSets* s, bool keep_nodes) {
  std::unordered_map<std::string, uint32_t> file_ids;
  bool opened = ForEachLine(path, [&](size_t n, std::string_view line) {
    Record r = Scan(line);
    if (!r.ok) {
      Fail("layout", path + ":" + std::to_string(n));
      return;
    }
    Id128 h = LineHash(line);
    if (r.is_node) {
      if (r.kind == Kind::kExternal) {
        s->externals.emplace(r.name);
        if (keep_nodes) s->external_nodes.emplace(r.id, true);
        return;
      }
      s->per_file.push_back(h);
      if (r.kind == Kind::kSourceFile) {
        if (!s->files.emplace(r.source_id).second) Fail("two SourceFile nodes", std::string(r.source_id));
        s->modules.emplace(r.module);
      }
      if (keep_nodes) {
        auto [it, added] =
            file_ids.try_emplace(std::string(r.source_id), static_cast<uint32_t>(file_ids.size()));
        s->node_file.emplace(r.id, it->second);
        if (r.node_type == "Module") s->module_nodes.emplace(r.id, true);
      }
      return;
    }
    if (r.label == "DEPENDS_ON") {
      s->depends.push_back(h);
      s->depends_ends.push_back({h, {r.start, r.end}});
      std::string ref(reinterpret_cast<const char*>(&r.start), sizeof r.start);
      ref.append(r.dep_type).push_back('\0');
      ref.append(r.dep_name);
      s->depends_refs.push_back({h, LineHash(ref)});
    } else {
      s->per_file.push_back(h);
    }
  });
  std::sort(s->per_file.begin(), s->per_file.end());
  std::sort(s->depends.begin(), s->depends.end());
  std::sort(s->depends_ends.begin(), s->depends_ends.end());
  std::sort(s->depends_refs.begin(), s->depends_refs.end());
  return opened;
}

int Shards(const std::string& full_path, const std::vector<std::string>& shard_paths) {
  LineSets full;
  if (!ReadSets(full_path, &full, true)) return 2;
  LineSets uni;  // union of the shards
  for (const std::string& p : shard_paths) {
    LineSets shard;
    if (!ReadSets(p, &shard, true)) return 2;
    for (const std::string& f : shard.files) {
      if (!uni.files.insert(f).second) Fail("file in two shards", f);
    }
    uni.per_file.insert(uni.per_file.end(), shard.per_file.begin(), shard.per_file.end());
    uni.depends.insert(uni.depends.end(), shard.depends.begin(), shard.depends.end());
    uni.depends_ends.insert(uni.depends_ends.end(), shard.depends_ends.begin(),
                            shard.depends_ends.end());
    uni.depends_refs.insert(uni.depends_refs.end(), shard.depends_refs.begin(),
                            shard.depends_refs.end());
    uni.externals.insert(shard.externals.begin(), shard.externals.end());
    for (const auto& [id, b] : shard.external_nodes) uni.external_nodes.emplace(id, b);
  }
  std::sort(uni.per_file.begin(), uni.per_file.end());
  if (std::adjacent_find(uni.per_file.begin(), uni.per_file.end()) != uni.per_file.end()) {
    Fail("per-file line in two shards", "a node or CHILD/NEXT line is written by two shards");
  }
  uni.per_file.erase(std::unique(uni.per_file.begin(), uni.per_file.end()), uni.per_file.end());
  std::sort(uni.depends.begin(), uni.depends.end());
  uni.depends.erase(std::unique(uni.depends.begin(), uni.depends.end()), uni.depends.end());
  std::sort(uni.depends_ends.begin(), uni.depends_ends.end());
  std::sort(uni.depends_refs.begin(), uni.depends_refs.end());

  if (uni.files != full.files) {
    Fail("files", std::to_string(uni.files.size()) + " SourceFiles in the shards, " +
                      std::to_string(full.files.size()) + " in the full run");
  }
  std::vector<Id128> diff;
  std::set_symmetric_difference(full.per_file.begin(), full.per_file.end(), uni.per_file.begin(),
                                uni.per_file.end(), std::back_inserter(diff));
  if (!diff.empty()) {
    Fail("per-file part", std::to_string(diff.size()) +
                              " node/CHILD/NEXT lines differ between the full run and the shards");
  }

  auto ends_of = [](const LineSets& s, const Id128& h) {
    auto it = std::lower_bound(s.depends_ends.begin(), s.depends_ends.end(),
                               std::make_pair(h, std::make_pair(Id128{}, Id128{})));
    return it->second;
  };
  std::vector<Id128> full_only, shard_only;
  std::set_difference(full.depends.begin(), full.depends.end(), uni.depends.begin(),
                      uni.depends.end(), std::back_inserter(full_only));
  std::set_difference(uni.depends.begin(), uni.depends.end(), full.depends.begin(),
                      full.depends.end(), std::back_inserter(shard_only));
  size_t cross_in_full = 0;
  for (const auto& [h, se] : full.depends_ends) {
    auto s = full.node_file.find(se.first);
    auto e = full.node_file.find(se.second);
    if (s != full.node_file.end() && e != full.node_file.end() && s->second != e->second) {
      ++cross_in_full;
    }
  }
  auto ref_of = [](const LineSets& s, const Id128& h) {
    return std::lower_bound(s.depends_refs.begin(), s.depends_refs.end(),
                            std::make_pair(h, Id128{}))->second;
  };
  // The references the shards resolved differently: for each, the full run's edge is replaced by
  // a stand-in, not lost.
  std::vector<Id128> replaced;
  for (const Id128& h : shard_only) replaced.push_back(ref_of(uni, h));
  std::sort(replaced.begin(), replaced.end());
  size_t with_stand_in = 0, cross_missing = 0;
  for (const Id128& h : full_only) {
    if (std::binary_search(replaced.begin(), replaced.end(), ref_of(full, h))) {
      ++with_stand_in;
      continue;
    }
    auto [start, end] = ends_of(full, h);
    auto s = full.node_file.find(start);
    auto e = full.node_file.find(end);
    bool cross = e == full.node_file.end() || s == full.node_file.end() || s->second != e->second;
    if (!cross) {
      Fail("intra-file DEPENDS_ON missing from the shards", Hex(start) + " -> " + Hex(end));
    }
    ++cross_missing;
  }
  size_t to_external = 0, to_module = 0;
  for (const Id128& h : shard_only) {
    auto [start, end] = ends_of(uni, h);
    if (uni.external_nodes.count(end)) {
      ++to_external;
    } else if (full.module_nodes.count(end)) {
      ++to_module;
    } else {
      Fail("shard-only DEPENDS_ON to neither an ExternalModule nor a Module",
           Hex(start) + " -> " + Hex(end));
    }
  }
  size_t stand_ins = 0;
  for (const std::string& name : uni.externals) {
    if (full.externals.count(name)) continue;
    if (full.modules.count(name)) {
      ++stand_ins;
    } else {
      Fail("ExternalModule of a shard that is neither external nor a project module", name);
    }
  }
  std::printf(
      "%zu shards, %zu files; per-file lines: %zu; DEPENDS_ON: %zu in the full run "
      "(%zu across files), %zu of them not in any shard (%zu resolved to a stand-in there, %zu "
      "cross-file edges without one), %zu only in shards (%zu to an ExternalModule, %zu to a "
      "Module node); ExternalModule: %zu in the full run, %zu in the shards, of which %zu stand "
      "in for project modules of other shards\n",
      shard_paths.size(), full.files.size(), full.per_file.size(), full.depends.size(),
      cross_in_full, full_only.size(), with_stand_in, cross_missing, shard_only.size(),
      to_external, to_module,
      full.externals.size(), uni.externals.size(), stand_ins);
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  int rc = 2;
  if (args.size() >= 2 && args[0] == "invariants") {
    std::string counts;
    if (args.size() == 4 && args[2] == "--counts") counts = args[3];
    if (args.size() == 2 || !counts.empty()) rc = Invariants(args[1], counts);
  } else if (args.size() >= 3 && args[0] == "shards") {
    rc = Shards(args[1], std::vector<std::string>(args.begin() + 2, args.end()));
  }
  if (rc == 2 && failures == 0) {
    std::fprintf(stderr,
                 "usage: graph_check invariants OUT.jsonl [--counts FILE]\n"
                 "       graph_check shards FULL.jsonl SHARD.jsonl...\n");
    return 2;
  }
  for (const auto& [kind, n] : failures_by_kind) {
    std::printf("%s: %d failures\n", kind.c_str(), n);
  }
  return rc;
}
