// semantic::Analyze: the symbol table, one flow per def/class scope, then def-use.
#include <algorithm>
#include <memory>
#include <span>

#include "ast2graph/parse.h"
#include "ast2graph/semantic.h"
#include "base/cpu_time.h"
#include "semantic/analyze.h"
#include "semantic/cfg.h"
#include "semantic/defuse.h"
#include "semantic/symtable.h"

namespace ast2graph::semantic {

const char* NextKindName(NextKind kind) {
  switch (kind) {
    case NextKind::kEntry: return "entry";
    case NextKind::kNext: return "next";
    case NextKind::kTrue: return "true";
    case NextKind::kFalse: return "false";
    case NextKind::kCase: return "case";
    case NextKind::kLoop: return "loop";
    case NextKind::kBreak: return "break";
    case NextKind::kContinue: return "continue";
    case NextKind::kReturn: return "return";
    case NextKind::kRaise: return "raise";
    case NextKind::kException: return "exception";
    case NextKind::kFinally: return "finally";
    case NextKind::kExit: return "exit";
  }
  return "";
}

const char* DependsTypeName(DependsType type) {
  switch (type) {
    case DependsType::kData: return "data";
    case DependsType::kImport: return "import";
    case DependsType::kCall: return "call";
    case DependsType::kInherit: return "inherit";
  }
  return "";
}

std::vector<ScopeFlow> BuildModuleFlows(const ast::Node* root) {
  FlowScratch scratch;
  std::vector<ScopeFlow> flows;
  flows.resize(BuildModuleFlows(root, &scratch, &flows));
  return flows;
}

size_t BuildModuleFlows(const ast::Node* root, FlowScratch* scratch,
                        std::vector<ScopeFlow>* flows) {
  // The module first, then the def and class scopes by position: a scope lies inside the one it
  // is nested in, after its start, and its siblings (in source order) do not overlap it, so a
  // depth-first walk meets the scopes in that order and the flows need no sorting.
  std::vector<const ast::Node*>& pending = scratch->pending;
  pending.assign(1, root);
  size_t count = 0;
  while (!pending.empty()) {
    const ast::Node* scope = pending.back();
    pending.pop_back();
    if (count == flows->size()) flows->emplace_back();
    ScopeFlow& flow = (*flows)[count++];
    BuildScopeFlowInto(scope, scratch, &flow);
    pending.insert(pending.end(), flow.nested.rbegin(), flow.nested.rend());
  }
  return count;
}

namespace {

/// Buffers Analyze reuses from one module to the next on a thread (the pipeline analyzes many
/// files per worker), so that ordinary modules allocate no flow vectors at all.
struct AnalyzeWorkspace {
  std::unique_ptr<SymbolTable> table = std::make_unique<SymbolTable>();
  FlowScratch scratch;
  std::vector<ScopeFlow> flows;

  /// After a module: what an unusually large one grew is released rather than kept for the
  /// thread's lifetime (a generated file of 100,000 statements makes megabytes of points).
  /// `used`: the flows this module filled (the others were checked after earlier modules).
  void Trim(size_t used) {
    constexpr size_t kMaxFlows = 256, kMaxPoints = 1 << 12;
    if (flows.size() > kMaxFlows) flows.resize(kMaxFlows);
    for (size_t i = 0; i < std::min(used, flows.size()); ++i) {
      ScopeFlow& f = flows[i];
      if (f.points.capacity() > kMaxPoints || f.edges.capacity() > 2 * kMaxPoints) f = ScopeFlow();
    }
    if (scratch.primary.capacity() > kMaxPoints || scratch.keys.capacity() > kMaxPoints) {
      scratch = FlowScratch();
    }
    if (table->Oversized()) table = std::make_unique<SymbolTable>();
  }
};

}  // namespace

FileSemantics Analyze(const ParsedModule& module, const ModuleContext& context) {
  return AnalyzeTimed(module, context, nullptr);
}

FileSemantics AnalyzeTimed(const ParsedModule& module, const ModuleContext& context,
                           PhaseTimes* times) {
  FileSemantics out;
  if (!module.ok()) return out;
  double t0 = times != nullptr ? ThreadCpuSeconds() : 0;
  auto lap = [&](double PhaseTimes::*phase) {
    if (times == nullptr) return;
    double t = ThreadCpuSeconds();
    times->*phase += t - t0;
    t0 = t;
  };
  // A file CPython's symtable rejects does not compile: like a syntax error, no semantic edges.
  ParseError error;
  thread_local AnalyzeWorkspace workspace;
  SymbolTable& table = *workspace.table;
  bool scoped = BuildSymbolTableInto(module, &table, &error);
  lap(&PhaseTimes::scopes);
  if (!scoped) {
    workspace.Trim(0);
    return out;
  }
  const size_t count = BuildModuleFlows(module.root(), &workspace.scratch, &workspace.flows);
  std::span<const ScopeFlow> flows(workspace.flows.data(), count);
  lap(&PhaseTimes::flows);
  AnalyzeDefUse(table, flows, context, &out);
  size_t total = 0;
  for (const ScopeFlow& f : flows) total += f.next.size();
  out.next.reserve(total);
  for (const ScopeFlow& f : flows) out.next.insert(out.next.end(), f.next.begin(), f.next.end());
  workspace.Trim(count);
  lap(&PhaseTimes::defuse);
  return out;
}

}  // namespace ast2graph::semantic
