// Builds the property graph of one file (DESIGN.md section 3) from its tree and semantics.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "ast2graph/graph.h"
#include "ast2graph/parse.h"
#include "ast2graph/semantic.h"
#include "ast2graph/status.h"

namespace ast2graph::graph {

/// What the pipeline knows about a file before (or instead of) parsing it.
struct SourceInfo {
  std::string source_id;     ///< path relative to the root, '/' separators
  std::string path;          ///< as given on the command line / found on disk
  std::string module;        ///< dotted module name
  uint64_t size = 0;         ///< bytes
  Id content_hash;           ///< XXH3-128 of the bytes
  uint32_t lines = 0;
  ErrorCode status = ErrorCode::kOk;
  std::string error;         ///< "LINE:COL: message" for a rejected file
};

/// Content ids (DESIGN.md section 3).
Id NodeId(std::string_view source_id, std::string_view field_path);
Id SourceFileId(std::string_view source_id);
Id ExternalModuleId(std::string_view name);
/// `props` are the distinguishing properties: {field, index}, {kind} or {type}.
Id EdgeId(EdgeType type, const Id& start, const Id& end, std::initializer_list<std::string_view> props);
Id ContentHash(std::string_view bytes);

/// A cross-file reference left for the resolver: from a node of this file to a module or a
/// top-level name of another module.
struct PendingRef {
  Id from;
  semantic::DependsType type;
  std::string module;
  std::string name;
};
/// A top-level name of a module with the id of its defining node, or a re-export.
struct ExportEntry {
  std::string name;
  Id node;
  std::string from_module;
  std::string from_name;
  uint8_t flags = 0;  ///< semantic::ExportFlag bits
};

/// Everything a file contributes to the graph and to cross-file resolution.
struct BuiltFile {
  FileGraph graph;
  std::vector<PendingRef> pending;
  std::vector<ExportEntry> exports;
  uint64_t ast_nodes = 0;
};

/// The graph of the cross-file part of a project: ExternalModule nodes (by name) and the
/// DEPENDS_ON edges that leave a file, resolved after every file was seen. `source_id` is empty.
struct LinkGraphBuilder {
  /// Adds DEPENDS_ON {type, name} from `from` to `to`.
  void AddEdge(const Id& from, const Id& to, semantic::DependsType type, std::string_view name);
  /// Adds DEPENDS_ON {type, name} from `from` to the ExternalModule `module` (node added once).
  void AddExternal(const Id& from, std::string_view module, semantic::DependsType type,
                   std::string_view name);
  /// Moves the nodes (sorted by name) and edges into `out`.
  void Finish(FileGraph* out);

 private:
  FileGraph graph_;
  std::vector<std::string_view> externals_;
};

/// Fills `out` with the SourceFile node, the AST nodes in pre-order, CHILD edges, and the NEXT and
/// DEPENDS_ON edges of `semantics` (may be null). `module` is null or not ok() for a file that
/// failed; then only its SourceFile node is written. Never recurses on the tree's depth.
void BuildFileGraph(const SourceInfo& info, std::shared_ptr<const ParsedModule> module,
                    const semantic::FileSemantics* semantics, BuiltFile* out);

}  // namespace ast2graph::graph
