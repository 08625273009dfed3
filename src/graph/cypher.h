// The Cypher statements that write a graph into Neo4j, shared by the `cypher` exporter (which
// inlines the rows as literals: `UNWIND [...] AS r ...`) and the Bolt writer (which sends them as
// the `$rows` parameter). Written once so both produce the same graph.
//
// The statements run on Neo4j 4.4 and every 5.x, with no APOC:
//  - schema: `CREATE CONSTRAINT name IF NOT EXISTS FOR (n:L) REQUIRE n.id IS UNIQUE` (the syntax
//    both 4.4 and 5 accept) and `CREATE INDEX name IF NOT EXISTS FOR (n:L) ON (n.p)`;
//  - node types are labels written as escaped literals, so rows are grouped per label and node
//    type, one statement per group (dynamic labels `SET n:$(...)` exist only from 5.26);
//  - relationships are grouped per type and endpoint labels; both endpoints are MERGEd on their
//    unique id, so an edge may be written before the node it points to (a cross-file edge, or a
//    batch that fills up first): the node's own statement later adds its properties and labels.
//    Everything is keyed by content ids, so running any statement twice changes nothing.
//
// Row shapes (what `$rows` holds, or what the literal list inlines):
//   node row:         {id: '<hex>', <property>: <value>, ...}   every property the node has
//   relationship row: {src: '<hex>', dst: '<hex>', props: {id: '<hex>', <property>: <value>...}}
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ast2graph/graph.h"

namespace ast2graph::graph::cypher {

/// The parameter name the Bolt writer binds.
inline constexpr std::string_view kRowsParameter = "$rows";
/// Keys of a relationship row.
inline constexpr std::string_view kRowStart = "src";
inline constexpr std::string_view kRowEnd = "dst";
inline constexpr std::string_view kRowProps = "props";

/// Constraints first (ASTNode, SourceFile, ExternalModule: `id` unique), then the indexes
/// ASTNode(source_id), ASTNode(node_type), SourceFile(source_id). One statement each, no `;`.
std::span<const std::string_view> SchemaStatements();

/// Appends "UNWIND <rows> AS r MERGE (n:`Label` {id: r.id}) SET n += r[, n:`NodeType`]".
/// `node_type` is the second label of ASTNode rows (ignored for the other labels).
void AppendNodeStatement(std::string* out, NodeLabel label, std::string_view node_type,
                         std::string_view rows);
/// Appends "UNWIND <rows> AS r MERGE (a:`Start` {id: r.src}) MERGE (b:`End` {id: r.dst})
/// MERGE (a)-[e:`TYPE` {id: r.props.id}]->(b) SET e += r.props".
void AppendRelationshipStatement(std::string* out, EdgeType type, NodeLabel start, NodeLabel end,
                                 std::string_view rows);
/// The same with `$rows`, as the Bolt writer sends them.
std::string NodeStatement(NodeLabel label, std::string_view node_type);
std::string RelationshipStatement(EdgeType type, NodeLabel start, NodeLabel end);

/// A Cypher string literal, in ASCII: single-quoted; backslash as `\\`; the quote characters as
/// `\u0027` and `\u0022` (so no quote character ever appears inside a literal, and client-side
/// statement splitters such as cypher-shell's cannot misread where it ends); \b \f \n \r \t;
/// every other control and non-ASCII character as \uXXXX (\UXXXXXXXX beyond the BMP), lone
/// surrogates (WTF-8) included, so the script reads the same whatever charset the JVM running
/// cypher-shell assumes; invalid UTF-8 bytes as \uFFFD.
void AppendString(std::string* out, std::string_view s);
/// An identifier in backticks with backticks doubled: labels, relationship types.
void AppendQuotedName(std::string* out, std::string_view name);
/// A map key or property name: bare when it is [A-Za-z_][A-Za-z0-9_]*, else quoted as above.
void AppendKey(std::string* out, std::string_view key);

/// The literal node row of `node` (see the row shapes above).
void AppendNodeRow(std::string* out, const FileGraph& file, const NodeRecord& node);
/// The literal relationship row of `edge`.
void AppendRelationshipRow(std::string* out, const FileGraph& file, const EdgeRecord& edge);

/// The primary label of each relationship endpoint of one file, for grouping relationship rows.
/// SourceFile and ExternalModule nodes are found among the file's own nodes (the builder puts
/// every node a file's edges touch there, except AST nodes of other files); anything else is an
/// ASTNode, including the targets of cross-file edges.
class EndpointLabels {
 public:
  void Reset(const FileGraph& file);
  NodeLabel Of(Id id) const;

 private:
  struct Entry {
    Id id;
    NodeLabel label;
  };
  std::vector<Entry> entries_;  // sorted by id
};

}  // namespace ast2graph::graph::cypher
