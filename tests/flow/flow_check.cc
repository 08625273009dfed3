// Test driver for control flow and dependencies (semantic::Analyze, the cross-file resolver):
//
//   flow_check snapshot CASE.py       DumpFlow of CASE.py must equal CASE.flow (module name:
//                                     FOLDER.STEM), then the properties of flow_properties.h
//   flow_check package DIR EXPECTED   every .py under DIR analyzed as one project (module names
//                                     from paths), cross-file references resolved; the listing
//                                     must equal EXPECTED
//   flow_check properties PATH...     the properties on every .py under PATHs; prints counts and
//                                     parse / analysis time per MB
//   flow_check bench ROUNDS PATH...   CPU time per MB of Parse and of Analyze, each file parsed
//                                     and analyzed in turn
//   flow_check dump PATH...           DumpFlow of every .py under PATHs, each after a
//                                     `# FILE` line: compare two builds' outputs to show that
//                                     a change to the semantic layer changes no edge
//
// AST2GRAPH_UPDATE_SNAPSHOTS=1 rewrites CASE.flow / EXPECTED from our output (review the diff by
// eye: the expected files are checked by hand).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "ast2graph/parse.h"
#include "ast2graph/semantic.h"
#include "base/cpu_time.h"
#include "flow/flow_properties.h"
#include "semantic/analyze.h"
#include "semantic/cfg.h"
#include "semantic/defuse.h"
#include "semantic/flow_dump.h"
#include "semantic/reaching.h"
#include "semantic/resolver.h"
#include "semantic/symtable.h"

namespace fs = std::filesystem;
using namespace ast2graph;

namespace {

bool ReadFile(const fs::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

bool Updating() {
  const char* u = std::getenv("AST2GRAPH_UPDATE_SNAPSHOTS");
  return u != nullptr && std::string(u) == "1";
}

/// Compares `got` with the file `want`, or rewrites it when updating. Prints the first
/// differing line.
bool Compare(const fs::path& want_path, const std::string& got) {
  std::string want;
  bool have = ReadFile(want_path, &want);
  if (Updating()) {
    if (!have || want != got) {
      std::ofstream(want_path, std::ios::binary) << got;
      std::printf("updated %s\n", want_path.string().c_str());
    }
    return true;
  }
  if (!have) {
    std::printf("FAIL %s: no expected file\n", want_path.string().c_str());
    return false;
  }
  if (want == got) return true;
  size_t line = 1, at = 0;
  while (at < want.size() && at < got.size() && want[at] == got[at]) {
    if (want[at] == '\n') ++line;
    ++at;
  }
  auto line_of = [](const std::string& s, size_t pos) {
    size_t b = s.rfind('\n', pos == 0 ? 0 : pos - 1);
    b = (b == std::string::npos || pos == 0) ? 0 : b + 1;
    size_t e = s.find('\n', pos);
    return s.substr(b, e == std::string::npos ? std::string::npos : e - b);
  };
  std::printf("FAIL %s: differs at line %zu\n  want: %s\n  got:  %s\n", want_path.string().c_str(),
              line, line_of(want, at).c_str(), line_of(got, at).c_str());
  std::printf("--- got (whole)\n%s", got.c_str());
  return false;
}

bool CheckAndReport(const std::string& label, const ParsedModule& module,
                    const semantic::FileSemantics& sem, flowtest::PropertyStats* stats) {
  std::vector<std::string> errors;
  flowtest::CheckProperties(module, sem, &errors, stats);
  for (const std::string& e : errors) std::printf("FAIL %s:%s\n", label.c_str(), e.c_str());
  return errors.empty();
}

int Snapshot(const fs::path& file) {
  std::string bytes;
  if (!ReadFile(file, &bytes)) {
    std::printf("FAIL cannot read %s\n", file.string().c_str());
    return 1;
  }
  ParsedModule module = Parse(bytes);
  if (!module.ok()) {
    std::printf("FAIL %s", FormatParseError(file.string(), module.error()).c_str());
    return 1;
  }
  // As if the corpus folder were a package: `flow.NAME`, so that relative imports resolve.
  semantic::ModuleContext context{fs::absolute(file).parent_path().filename().string() + "." + file.stem().string(),
                                  false};
  semantic::FileSemantics sem = semantic::Analyze(module, context);
  std::string got;
  semantic::DumpFlow(module, sem, &got);
  fs::path want = file;
  want.replace_extension(".flow");
  bool ok = Compare(want, got);
  flowtest::PropertyStats stats;
  ok = CheckAndReport(file.filename().string(), module, sem, &stats) && ok;
  if (ok) std::printf("ok %s\n", file.filename().string().c_str());
  return ok ? 0 : 1;
}

std::vector<fs::path> PyFiles(const fs::path& root) {
  std::vector<fs::path> files;
  if (fs::is_regular_file(root)) {
    files.push_back(root);
    return files;
  }
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (it->is_regular_file(ec) && it->path().extension() == ".py") files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

/// "a/b/c.py" -> ("a.b.c", false); "a/b/__init__.py" -> ("a.b", true).
semantic::ModuleContext ModuleOf(const fs::path& relative) {
  semantic::ModuleContext ctx;
  std::string name;
  fs::path parent = relative.parent_path();
  for (const fs::path& part : parent) {
    if (!name.empty()) name += ".";
    name += part.string();
  }
  if (relative.stem() == "__init__") {
    ctx.is_package = true;
  } else {
    if (!name.empty()) name += ".";
    name += relative.stem().string();
  }
  ctx.module_name = name;
  return ctx;
}

/// A stand-in for the graph builder's content ids: a file-unique id per node pointer.
graph::Id FakeId(uint64_t file, uint64_t node) { return {file, node}; }

int Package(const fs::path& root, const fs::path& expected) {
  struct File {
    std::string rel;
    semantic::ModuleContext ctx;
    ParsedModule module;
    semantic::FileSemantics sem;
    std::map<const ast::Node*, uint64_t> ids;
  };
  std::vector<File> files;
  bool ok = true;
  for (const fs::path& p : PyFiles(root)) {
    File f;
    f.rel = fs::relative(p, root).generic_string();
    f.ctx = ModuleOf(fs::relative(p, root));
    std::string bytes;
    ReadFile(p, &bytes);
    f.module = Parse(bytes);
    if (!f.module.ok()) {
      std::printf("FAIL %s", FormatParseError(f.rel, f.module.error()).c_str());
      ok = false;
      continue;
    }
    f.sem = semantic::Analyze(f.module, f.ctx);
    flowtest::PropertyStats stats;
    ok = CheckAndReport(f.rel, f.module, f.sem, &stats) && ok;
    files.push_back(std::move(f));
  }
  // Node "ids": (file index + 1, position in the file) for the nodes the listing names.
  auto describe = std::map<std::pair<uint64_t, uint64_t>, std::string>();
  auto id_of = [&](size_t fi, const ast::Node* n) {
    File& f = files[fi];
    auto [it, inserted] = f.ids.try_emplace(n, f.ids.size() + 1);
    if (inserted) {
      const ast::LineTable& lines = f.module.lines();
      std::string what = n->kind == ast::Kind::Module ? "module" : ast::KindName(n->kind);
      std::string d = f.rel + ":" + what;
      if (ast::HasPosition(n->kind)) {
        d += "@" + std::to_string(lines.Line(n->begin)) + ":" + std::to_string(lines.Column(n->begin));
      }
      describe[{fi + 1, it->second}] = d;
    }
    return FakeId(fi + 1, it->second);
  };
  semantic::Resolver resolver;
  for (size_t fi = 0; fi < files.size(); ++fi) {
    std::vector<semantic::ExportRow> rows;
    for (const semantic::ModuleExport& e : files[fi].sem.exports) {
      rows.push_back({e.name, e.node != nullptr ? id_of(fi, e.node) : graph::Id{}, e.from_module,
                      e.from_name, semantic::ExportFlags(e)});
    }
    resolver.AddModule(files[fi].ctx.module_name, id_of(fi, files[fi].module.root()), rows);
  }
  resolver.Freeze();
  std::string got;
  for (size_t fi = 0; fi < files.size(); ++fi) {
    got += "# " + files[fi].rel + " (" + files[fi].ctx.module_name +
           (files[fi].ctx.is_package ? ", package" : "") + ")\n";
    for (const semantic::ExternalRef& r : files[fi].sem.external) {
      graph::Id from = id_of(fi, r.from);
      std::vector<semantic::Resolution> res;
      resolver.Resolve(r.type, r.module, r.name, &res);
      got += std::string(semantic::DependsTypeName(r.type)) + " " + describe[{from.hi, from.lo}] +
             " " + r.module + (r.name.empty() ? "" : ":" + r.name) + " =>";
      if (res.empty()) got += " unresolved";
      for (const semantic::Resolution& x : res) {
        if (x.kind == semantic::Resolution::kNode) {
          got += " " + describe[{x.node.hi, x.node.lo}];
        } else {
          got += " external " + x.external;
        }
      }
      got += "\n";
    }
    for (const semantic::DependsEdge& d : files[fi].sem.depends) {
      if (d.type == semantic::DependsType::kData) continue;
      graph::Id a = id_of(fi, d.from), b = id_of(fi, d.to);
      got += std::string(semantic::DependsTypeName(d.type)) + " " + describe[{a.hi, a.lo}] +
             " => " + describe[{b.hi, b.lo}] + " (in file)\n";
    }
  }
  ok = Compare(expected, got) && ok;
  if (ok) std::printf("ok %s\n", root.string().c_str());
  return ok ? 0 : 1;
}

/// The dense and the sparse reaching-definitions solvers, and the default choice among them, give
/// the same DEPENDS_ON and exports.
bool SolversAgree(const std::string& label, const ParsedModule& module,
                  const semantic::ModuleContext& ctx) {
  auto digest = [&](semantic::RdSolver solver) {
    semantic::ForceSolverForTesting(solver);
    semantic::FileSemantics sem = semantic::Analyze(module, ctx);
    semantic::ForceSolverForTesting(semantic::RdSolver::kAuto);
    std::vector<std::string> lines;
    for (const semantic::DependsEdge& d : sem.depends) {
      lines.push_back(std::to_string(d.from->begin) + " " + std::to_string(d.to->begin) + " " +
                      semantic::DependsTypeName(d.type));
    }
    for (const semantic::ModuleExport& e : sem.exports) {
      lines.push_back("export " + e.name + " " + std::to_string(e.node ? e.node->begin : 0));
    }
    // Edges come in the order a solver found them: compare them as sets.
    std::sort(lines.begin(), lines.end());
    return lines;
  };
  std::vector<std::string> dense = digest(semantic::RdSolver::kDense);
  bool ok = true;
  // The sparse solver, and the default choice (which answers parameter-only and one-word flows
  // itself).
  for (semantic::RdSolver other : {semantic::RdSolver::kSparse, semantic::RdSolver::kAuto}) {
    std::vector<std::string> got = digest(other);
    if (got == dense) continue;
    size_t i = 0;
    while (i < dense.size() && i < got.size() && dense[i] == got[i]) ++i;
    std::printf(
        "FAIL %s: the dense solver and the %s one differ at entry %zu: dense '%s', "
        "other '%s'\n",
        label.c_str(), other == semantic::RdSolver::kSparse ? "sparse" : "default", i,
        i < dense.size() ? dense[i].c_str() : "(end)", i < got.size() ? got[i].c_str() : "(end)");
    ok = false;
  }
  return ok;
}

int Properties(const std::vector<fs::path>& roots) {
  size_t files = 0, parsed = 0, failures = 0;
  uint64_t bytes_total = 0;
  double parse_s = 0, scopes_s = 0, flow_s = 0, defuse_s = 0, analyze_s = 0;
  flowtest::PropertyStats stats;
  size_t next = 0, depends = 0, external = 0, exports = 0;
  for (const fs::path& root : roots) {
    for (const fs::path& p : PyFiles(root)) {
      ++files;
      std::string bytes;
      if (!ReadFile(p, &bytes)) continue;
      double t0 = ThreadCpuSeconds();
      ParsedModule module = Parse(bytes);
      parse_s += ThreadCpuSeconds() - t0;
      if (!module.ok()) continue;
      ++parsed;
      bytes_total += bytes.size();
      semantic::ModuleContext ctx = ModuleOf(fs::relative(p, root));
      // The stages of Analyze one by one, for the time of each.
      double t1 = ThreadCpuSeconds();
      ParseError error;
      auto table = semantic::BuildSymbolTable(module, &error);
      double t2 = ThreadCpuSeconds();
      scopes_s += t2 - t1;
      if (table != nullptr) {
        std::vector<semantic::ScopeFlow> flows = semantic::BuildModuleFlows(module.root());
        double t3 = ThreadCpuSeconds();
        flow_s += t3 - t2;
        semantic::FileSemantics part;
        semantic::AnalyzeDefUse(*table, flows, ctx, &part);
        defuse_s += ThreadCpuSeconds() - t3;
      }
      double t4 = ThreadCpuSeconds();
      semantic::FileSemantics sem = semantic::Analyze(module, ctx);
      analyze_s += ThreadCpuSeconds() - t4;
      next += sem.next.size();
      depends += sem.depends.size();
      external += sem.external.size();
      exports += sem.exports.size();
      bool ok = CheckAndReport(p.string(), module, sem, &stats);
      ok = SolversAgree(p.string(), module, ctx) && ok;
      if (!ok) ++failures;
    }
  }
  double mb = static_cast<double>(bytes_total) / 1e6;
  auto per_mb = [&](double s) { return mb > 0 ? s * 1e3 / mb : 0.0; };
  std::printf("files %zu, parsed %zu (%.1f MB), statements %zu (reachable %zu), NEXT %zu, "
              "DEPENDS_ON %zu (data %zu), external refs %zu, exports %zu\n",
              files, parsed, mb, stats.statements, stats.reachable, next, depends, stats.data_edges,
              external, exports);
  std::printf("CPU time per MB: parse %.1f ms; Analyze %.1f ms = symtable %.1f + flow %.1f + "
              "def-use %.1f\n",
              per_mb(parse_s), per_mb(analyze_s), per_mb(scopes_s), per_mb(flow_s), per_mb(defuse_s));
  std::printf("files with property violations: %zu\n", failures);
  return failures == 0 && parsed > 0 ? 0 : 1;
}

/// Reads every file once, then `rounds` times parses each file and analyzes it right away, as a
/// pipeline worker does (the tree is in cache), timing the two separately: the ratio that issue
/// #6's goal is about, without the checks of `properties`, for profiling the semantic layer.
int Bench(const std::vector<fs::path>& roots, int rounds) {
  std::vector<std::string> sources;
  std::vector<semantic::ModuleContext> contexts;
  for (const fs::path& root : roots) {
    for (const fs::path& p : PyFiles(root)) {
      std::string bytes;
      if (!ReadFile(p, &bytes)) continue;
      sources.push_back(std::move(bytes));
      contexts.push_back(ModuleOf(fs::relative(p, root)));
    }
  }
  uint64_t bytes_total = 0;
  double parse_s = 0, analyze_s = 0;
  size_t edges = 0, analyzed = 0;
  for (int r = 0; r < rounds; ++r) {
    for (size_t i = 0; i < sources.size(); ++i) {
      double t0 = ThreadCpuSeconds();
      ParsedModule module = Parse(sources[i]);
      double t1 = ThreadCpuSeconds();
      parse_s += t1 - t0;
      if (!module.ok()) continue;
      semantic::FileSemantics sem = semantic::Analyze(module, contexts[i]);
      analyze_s += ThreadCpuSeconds() - t1;
      edges += sem.next.size() + sem.depends.size();
      bytes_total += sources[i].size();
      ++analyzed;
    }
  }
  double mb = static_cast<double>(bytes_total) / 1e6;
  std::printf("%zu files, %.1f MB: parse %.1f ms/MB, Analyze %.1f ms/MB, ratio %.2f (%d rounds, "
              "%zu edges)\n",
              analyzed / static_cast<size_t>(rounds), mb / rounds, parse_s * 1e3 / mb,
              analyze_s * 1e3 / mb, analyze_s / parse_s, rounds, edges / static_cast<size_t>(rounds));
  // The phases in one more round (apart: reading the clock between phases costs time too).
  semantic::PhaseTimes phases;
  for (size_t i = 0; i < sources.size(); ++i) {
    ParsedModule module = Parse(sources[i]);
    if (module.ok()) semantic::AnalyzeTimed(module, contexts[i], &phases);
  }
  double phase_mb = mb / rounds, parse_per_mb = parse_s / mb;
  std::printf("  Analyze per phase: scopes %.1f ms/MB (%.2f of parse), flows %.1f (%.2f), def-use "
              "%.1f (%.2f)\n",
              phases.scopes * 1e3 / phase_mb, phases.scopes / phase_mb / parse_per_mb,
              phases.flows * 1e3 / phase_mb, phases.flows / phase_mb / parse_per_mb,
              phases.defuse * 1e3 / phase_mb, phases.defuse / phase_mb / parse_per_mb);
  return 0;
}

/// DumpFlow of every file, for comparing the output of two builds.
int DumpAll(const std::vector<fs::path>& roots) {
  std::string out;
  for (const fs::path& root : roots) {
    for (const fs::path& p : PyFiles(root)) {
      std::string bytes;
      if (!ReadFile(p, &bytes)) continue;
      ParsedModule module = Parse(bytes);
      out = "# " + fs::relative(p, root).generic_string() + "\n";
      if (module.ok()) {
        semantic::FileSemantics sem = semantic::Analyze(module, ModuleOf(fs::relative(p, root)));
        semantic::DumpFlow(module, sem, &out);
      }
      std::fwrite(out.data(), 1, out.size(), stdout);
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 2 && args[0] == "snapshot") return Snapshot(args[1]);
  if (args.size() == 3 && args[0] == "package") return Package(args[1], args[2]);
  if (args.size() >= 3 && args[0] == "bench") {
    return Bench(std::vector<fs::path>(args.begin() + 2, args.end()), std::stoi(args[1]));
  }
  if (args.size() >= 2 && args[0] == "dump") {
    return DumpAll(std::vector<fs::path>(args.begin() + 1, args.end()));
  }
  if (args.size() >= 2 && args[0] == "properties") {
    return Properties(std::vector<fs::path>(args.begin() + 1, args.end()));
  }
  std::fprintf(stderr,
               "usage: flow_check snapshot CASE.py | package DIR EXPECTED | properties PATH... | "
               "bench ROUNDS PATH... | dump PATH...\n");
  return 2;
}
