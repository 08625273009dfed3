// semantic::Analyze: the symbol table, one flow per def/class scope, then def-use.
#include <algorithm>
#include <memory>

#include "ast2graph/parse.h"
#include "ast2graph/semantic.h"
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
  flows.push_back(BuildScopeFlow(root, &scratch));
  for (size_t i = 0; i < flows.size(); ++i) {
    std::vector<const ast::Node*> nested = std::move(flows[i].nested);
    for (const ast::Node* n : nested) flows.push_back(BuildScopeFlow(n, &scratch));
  }
  // The module first, then the def and class scopes by position.
  std::sort(flows.begin() + 1, flows.end(), [](const ScopeFlow& a, const ScopeFlow& b) {
    return std::make_pair(a.scope->begin, a.scope->end) < std::make_pair(b.scope->begin, b.scope->end);
  });
  return flows;
}

FileSemantics Analyze(const ParsedModule& module, const ModuleContext& context) {
  FileSemantics out;
  if (!module.ok()) return out;
  // A file CPython's symtable rejects does not compile: like a syntax error, no semantic edges.
  ParseError error;
  std::unique_ptr<SymbolTable> table = BuildSymbolTable(module, &error);
  if (table == nullptr) return out;
  std::vector<ScopeFlow> flows = BuildModuleFlows(module.root());
  AnalyzeDefUse(*table, flows, context, &out);
  size_t total = 0;
  for (const ScopeFlow& f : flows) total += f.next.size();
  out.next.reserve(total);
  for (const ScopeFlow& f : flows) out.next.insert(out.next.end(), f.next.begin(), f.next.end());
  return out;
}

}  // namespace ast2graph::semantic
