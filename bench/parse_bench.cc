// Parser throughput, single thread, AST built (Google Benchmark; bench/run.sh runs it next to
// CPython 3.13's ast.parse on the same files). The files are CPython 3.13's standard library
// (found through $PYENV_ROOT) or every .py under $AST2GRAPH_BENCH_DIR; without either, the
// snapshot corpus. All files are read into memory first; only parsing is timed.
//   parse/all        Parse() of every file in turn; bytes/s over all of them
//   tokenize/all     lex::Tokenize() alone over every decoded text (when the tokenizer exists)
//   parse/worst      the file with the lowest throughput in a first pass (files >= 4 KB)
//   parse/largest    the largest file
//   semantic/scopes  BuildSymbolTable() of every accepted file (parsed once up front)
//   semantic/flow    what Analyze() does after the scopes: control flow, reaching definitions,
//                    def-use (symbol tables built up front)
//   semantic/all     Analyze() of every accepted file (parsed once up front); issue #6 wants it
//                    to cost less than parse/all per MB
//   parse+semantic/all  Parse() then Analyze() of each file in turn, as the pipeline runs them:
//                    the tree is still in the cache when Analyze walks it (semantic/all walks
//                    trees parsed long before); counters parse_ms and analyze_ms split each
//                    file's CPU time between the two
// At the end it prints the peak RSS and the largest arena, in the same run.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "ast2graph/parse.h"
#include "ast2graph/semantic.h"
#include "base/cpu_time.h"
#include "semantic/cfg.h"
#include "semantic/defuse.h"
#include "semantic/symtable.h"
#if __has_include("lex/tokenizer.h")
#include "lex/tokenizer.h"
#define A2G_BENCH_TOKENIZER 1
#endif

namespace {

namespace fs = std::filesystem;
using ast2graph::ThreadCpuSeconds;

struct SourceFile {
  std::string path;
  std::string bytes;
  std::string decoded;  // ParsedModule::text() of an accepted file
  bool ok = false;
};

std::vector<SourceFile> g_files;
size_t g_total_bytes = 0;
size_t g_decoded_bytes = 0;

/// The accepted files parsed once, for the semantic benchmarks (which time no parsing).
struct AnalyzedFile {
  ast2graph::ParsedModule module;
  ast2graph::semantic::ModuleContext context;
  std::unique_ptr<ast2graph::semantic::SymbolTable> table;  // null when symtable rejects it
};
std::vector<AnalyzedFile> g_modules;
size_t g_module_bytes = 0;  // source bytes of g_modules

fs::path FindDirectory() {
  if (const char* dir = std::getenv("AST2GRAPH_BENCH_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  std::error_code ec;
  if (const char* root = std::getenv("PYENV_ROOT"); root != nullptr && *root != '\0') {
    std::vector<fs::path> found;
    for (const auto& e : fs::directory_iterator(fs::path(root) / "versions", ec)) {
      std::string name = e.path().filename().string();
      fs::path lib = e.path() / "lib" / "python3.13";
      if (name.rfind("3.13", 0) == 0 && fs::is_directory(lib, ec)) found.push_back(lib);
    }
    std::sort(found.begin(), found.end());
    if (!found.empty()) return found.back();
  }
  return fs::path(A2G_SOURCE_DIR) / "tests" / "corpus" / "ok";
}

void LoadFiles(const fs::path& dir) {
  std::vector<fs::path> paths;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".py") paths.push_back(e.path());
  }
  std::sort(paths.begin(), paths.end());
  for (const fs::path& p : paths) {
    std::ifstream in(p, std::ios::binary);
    SourceFile f;
    f.path = fs::relative(p, dir, ec).string();
    f.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    ast2graph::ParsedModule m = ast2graph::Parse(f.bytes);
    f.ok = m.ok();
    if (f.ok) f.decoded = std::string(m.text());
    g_total_bytes += f.bytes.size();
    g_decoded_bytes += f.decoded.size();
    g_files.push_back(std::move(f));
  }
}

/// "a/b/c.py" -> module "a.b.c"; "a/b/__init__.py" -> package "a.b" (as the pipeline names them).
ast2graph::semantic::ModuleContext ContextOf(const std::string& relative) {
  ast2graph::semantic::ModuleContext context;
  fs::path rel(relative);
  std::string name;
  for (const fs::path& part : rel.parent_path()) {
    if (!name.empty()) name += '.';
    name += part.string();
  }
  if (rel.stem() == "__init__") {
    context.is_package = true;
  } else {
    if (!name.empty()) name += '.';
    name += rel.stem().string();
  }
  context.module_name = std::move(name);
  return context;
}

long g_rss_before_modules_kb = 0;  // peak RSS when the parse benchmarks are done

/// Parses the accepted files once, on the first semantic benchmark (after the parse benchmarks,
/// so that the peak RSS they report is the parser's alone).
void LoadModules() {
  if (!g_modules.empty()) return;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  g_rss_before_modules_kb = usage.ru_maxrss;
  for (const SourceFile& f : g_files) {
    if (!f.ok) continue;
    AnalyzedFile a{ast2graph::Parse(f.bytes), ContextOf(f.path), nullptr};
    ast2graph::ParseError error;
    a.table = ast2graph::semantic::BuildSymbolTable(a.module, &error);
    g_module_bytes += f.bytes.size();
    g_modules.push_back(std::move(a));
  }
}

void SetSemanticCounters(benchmark::State& state) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * g_module_bytes));
  state.counters["files"] = static_cast<double>(g_modules.size());
  state.counters["MB"] = static_cast<double>(g_module_bytes) / 1e6;
}

void BM_SemanticScopes(benchmark::State& state) {
  LoadModules();
  // Into one reused table, as Analyze does.
  ast2graph::semantic::SymbolTable table;
  for (auto _ : state) {
    for (const AnalyzedFile& a : g_modules) {
      ast2graph::ParseError error;
      benchmark::DoNotOptimize(ast2graph::semantic::BuildSymbolTableInto(a.module, &table, &error));
    }
  }
  SetSemanticCounters(state);
}

/// Analyze() after its BuildSymbolTable(): flows of every scope, def-use, the NEXT list.
void BM_SemanticFlow(benchmark::State& state) {
  LoadModules();
  namespace sem = ast2graph::semantic;
  // Flows into reused buffers, as Analyze does.
  sem::FlowScratch scratch;
  std::vector<sem::ScopeFlow> all_flows;
  for (auto _ : state) {
    for (const AnalyzedFile& a : g_modules) {
      if (a.table == nullptr) continue;
      sem::FileSemantics out;
      std::span<const sem::ScopeFlow> flows(
          all_flows.data(), sem::BuildModuleFlows(a.module.root(), &scratch, &all_flows));
      sem::AnalyzeDefUse(*a.table, flows, a.context, &out);
      size_t total = 0;
      for (const sem::ScopeFlow& f : flows) total += f.next.size();
      out.next.reserve(total);
      for (const sem::ScopeFlow& f : flows) out.next.insert(out.next.end(), f.next.begin(), f.next.end());
      benchmark::DoNotOptimize(out.next.data());
      benchmark::DoNotOptimize(out.depends.data());
    }
  }
  SetSemanticCounters(state);
}

void BM_SemanticAll(benchmark::State& state) {
  LoadModules();
  for (auto _ : state) {
    for (const AnalyzedFile& a : g_modules) {
      ast2graph::semantic::FileSemantics out = ast2graph::semantic::Analyze(a.module, a.context);
      benchmark::DoNotOptimize(out.next.data());
      benchmark::DoNotOptimize(out.depends.data());
    }
  }
  SetSemanticCounters(state);
}

/// Parse then Analyze of each file, as a pipeline worker does: bytes/s over all files.
void BM_ParseAndAnalyzeAll(benchmark::State& state) {
  LoadModules();  // only for the module names (g_modules holds the accepted files in order)
  // Each file's Parse and Analyze are also timed apart (thread CPU time): their ratio is issue
  // #6's goal measured as the pipeline meets it, each tree analyzed right after its parse.
  double parse_s = 0, analyze_s = 0;
  for (auto _ : state) {
    size_t m = 0;
    for (const SourceFile& f : g_files) {
      const double t0 = ThreadCpuSeconds();
      ast2graph::ParsedModule module = ast2graph::Parse(f.bytes);
      const double t1 = ThreadCpuSeconds();
      parse_s += t1 - t0;
      if (!module.ok()) continue;
      ast2graph::semantic::FileSemantics out =
          ast2graph::semantic::Analyze(module, g_modules[m++].context);
      analyze_s += ThreadCpuSeconds() - t1;
      benchmark::DoNotOptimize(out.next.data());
      benchmark::DoNotOptimize(out.depends.data());
    }
  }
  const auto iterations = static_cast<double>(state.iterations());
  state.counters["parse_ms"] = parse_s * 1e3 / iterations;
  state.counters["analyze_ms"] = analyze_s * 1e3 / iterations;
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * g_total_bytes));
  state.counters["files"] = static_cast<double>(g_files.size());
  state.counters["MB"] = static_cast<double>(g_total_bytes) / 1e6;
}

void BM_ParseAll(benchmark::State& state) {
  for (auto _ : state) {
    for (const SourceFile& f : g_files) {
      ast2graph::ParsedModule m = ast2graph::Parse(f.bytes);
      benchmark::DoNotOptimize(m.root());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * g_total_bytes));
  state.counters["files"] = static_cast<double>(g_files.size());
  state.counters["MB"] = static_cast<double>(g_total_bytes) / 1e6;
}

#ifdef A2G_BENCH_TOKENIZER
void BM_TokenizeAll(benchmark::State& state) {
  std::vector<ast2graph::lex::Token> tokens;
  ast2graph::lex::TokenError error;
  for (auto _ : state) {
    for (const SourceFile& f : g_files) {
      if (!f.ok) continue;
      tokens.clear();
      benchmark::DoNotOptimize(ast2graph::lex::Tokenize(f.decoded, &tokens, &error));
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * g_decoded_bytes));
  state.counters["MB"] = static_cast<double>(g_decoded_bytes) / 1e6;
}
#endif

void BM_ParseOne(benchmark::State& state, const SourceFile* f) {
  for (auto _ : state) {
    ast2graph::ParsedModule m = ast2graph::Parse(f->bytes);
    benchmark::DoNotOptimize(m.root());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f->bytes.size()));
  state.counters["MB"] = static_cast<double>(f->bytes.size()) / 1e6;
  state.SetLabel(f->path);
}

/// The accepted file of at least 4 KB with the lowest throughput (best of 3 runs each, in CPU
/// time).
const SourceFile* FindWorstFile() {
  const SourceFile* worst = nullptr;
  double worst_rate = 0;
  for (const SourceFile& f : g_files) {
    if (!f.ok || f.bytes.size() < 4096) continue;
    double best = 1e30;
    for (int i = 0; i < 3; ++i) {
      double t0 = ThreadCpuSeconds();
      ast2graph::ParsedModule m = ast2graph::Parse(f.bytes);
      benchmark::DoNotOptimize(m.root());
      best = std::min(best, ThreadCpuSeconds() - t0);
    }
    double rate = static_cast<double>(f.bytes.size()) / std::max(best, 1e-9);
    if (worst == nullptr || rate < worst_rate) {
      worst = &f;
      worst_rate = rate;
    }
  }
  return worst;
}

void PrintMemory() {
  size_t largest_arena = 0;
  const SourceFile* largest_file = nullptr;
  for (const SourceFile& f : g_files) {
    if (!f.ok) continue;
    ast2graph::ParsedModule m = ast2graph::Parse(f.bytes);
    if (m.arena().bytes_reserved() > largest_arena) {
      largest_arena = m.arena().bytes_reserved();
      largest_file = &f;
    }
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  long parse_peak_kb = g_modules.empty() ? usage.ru_maxrss : g_rss_before_modules_kb;
  std::printf("peak RSS: %.1f MB (the %zu input files held in memory: %.1f MB)\n",
              static_cast<double>(parse_peak_kb) / 1024.0, g_files.size(),
              static_cast<double>(g_total_bytes + g_decoded_bytes) / (1 << 20));
  if (!g_modules.empty()) {
    std::printf("peak RSS with the %zu parsed modules and symbol tables of semantic/*: %.1f MB\n",
                g_modules.size(), static_cast<double>(usage.ru_maxrss) / 1024.0);
  }
  if (largest_file != nullptr) {
    std::printf(
        "largest arena: %.1f MB for %s (%.1f KB of source, %.1fx)\n",
        static_cast<double>(largest_arena) / (1 << 20), largest_file->path.c_str(),
        static_cast<double>(largest_file->bytes.size()) / 1024.0,
        static_cast<double>(largest_arena) / static_cast<double>(largest_file->bytes.size()));
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  fs::path dir = FindDirectory();
  LoadFiles(dir);
  size_t accepted = 0;
  for (const SourceFile& f : g_files) accepted += f.ok;
  std::printf("files: %zu (%.1f MB) under %s, %zu accepted by our parser\n", g_files.size(),
              static_cast<double>(g_total_bytes) / (1 << 20), dir.string().c_str(), accepted);
  if (g_files.empty()) return 1;

  // Wall-clock time, as CPython's side measures with time.perf_counter (run.sh also compares CPU
  // time, which a busy machine disturbs less).
  benchmark::RegisterBenchmark("parse/all", BM_ParseAll)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
#ifdef A2G_BENCH_TOKENIZER
  benchmark::RegisterBenchmark("tokenize/all", BM_TokenizeAll)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
#endif
  if (const SourceFile* worst = FindWorstFile()) {
    benchmark::RegisterBenchmark("parse/worst", BM_ParseOne, worst)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
  const SourceFile* largest = &*std::max_element(
      g_files.begin(), g_files.end(),
      [](const SourceFile& a, const SourceFile& b) { return a.bytes.size() < b.bytes.size(); });
  benchmark::RegisterBenchmark("parse/largest", BM_ParseOne, largest)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  using BenchFn = void (*)(benchmark::State&);
  const std::pair<const char*, BenchFn> semantic[] = {{"semantic/scopes", BM_SemanticScopes},
                                                      {"semantic/flow", BM_SemanticFlow},
                                                      {"semantic/all", BM_SemanticAll},
                                                      {"parse+semantic/all", BM_ParseAndAnalyzeAll}};
  for (const auto& [name, fn] : semantic) {
    benchmark::RegisterBenchmark(name, fn)->Unit(benchmark::kMillisecond)->UseRealTime();
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  PrintMemory();
  return 0;
}
