// libFuzzer target: any bytes through Parse, then what the pipeline does with an accepted tree:
// the symbol table (and its dump-scopes text), Analyze (NEXT, DEPENDS_ON, external references,
// exports), the flow listing, and the file's graph. The input's length picks the module context
// (package or not, top-level or nested) so that relative imports resolve both ways; the whole
// input is the source, so Python seed files stay valid. Crashes, sanitizer reports, hangs
// (-timeout) and broken invariants (__builtin_trap) are findings:
//   - every NEXT and DEPENDS_ON edge of Analyze joins two nodes, and a data edge names its use;
//   - every edge of the file's graph starts and ends at a node of that graph (cross-file
//     references are pending, never edges), and node ids are unique.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>

#include "ast2graph/parse.h"
#include "ast2graph/semantic.h"
#include "graph/builder.h"
#include "semantic/flow_dump.h"
#include "semantic/symtable.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ast2graph;
  std::string_view source(reinterpret_cast<const char*>(data), size);
  auto module = std::make_shared<ParsedModule>(Parse(source));
  if (!module->ok()) return 0;

  ParseError error;
  std::unique_ptr<semantic::SymbolTable> table = semantic::BuildSymbolTable(*module, &error);
  if (table == nullptr) {
    // symtable's SyntaxError: a message and a line inside the file.
    if (error.message.empty() || error.lineno < 1) __builtin_trap();
    return 0;
  }
  std::string scopes;
  semantic::DumpScopes(*table, &scopes);
  if (scopes.rfind("module top 0\n", 0) != 0) __builtin_trap();
  table.reset();

  semantic::ModuleContext context;
  context.module_name = (size & 1) != 0 ? "pkg.sub" : "mod";
  context.is_package = (size & 2) != 0;
  semantic::FileSemantics sem = semantic::Analyze(*module, context);
  for (const semantic::NextEdge& e : sem.next) {
    if (e.from == nullptr || e.to == nullptr) __builtin_trap();
  }
  for (const semantic::DependsEdge& e : sem.depends) {
    if (e.from == nullptr || e.to == nullptr) __builtin_trap();
    if (e.type == semantic::DependsType::kData && e.name.empty()) __builtin_trap();
  }
  for (const semantic::ExternalRef& r : sem.external) {
    if (r.from == nullptr || r.module.empty()) __builtin_trap();
  }
  if (size < 4096) {
    std::string flow;
    semantic::DumpFlow(*module, sem, &flow);
  }

  graph::SourceInfo info;
  info.source_id = "pkg/sub.py";
  info.path = info.source_id;
  info.module = context.module_name;
  info.size = source.size();
  graph::BuiltFile built;
  graph::BuildFileGraph(info, module, &sem, &built);
  std::unordered_set<graph::Id, graph::IdHash> ids;
  for (const graph::NodeRecord& n : built.graph.nodes) {
    if (!ids.insert(n.id).second) __builtin_trap();
  }
  for (const graph::EdgeRecord& e : built.graph.edges) {
    if (ids.count(e.start) == 0 || ids.count(e.end) == 0) __builtin_trap();
  }
  return 0;
}
