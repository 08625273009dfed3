// The property graph of one source file, as the exporters and the Neo4j writer consume it.
//
// A FileGraph is built per file by the graph builder (src/graph) and handed, in source_id order,
// to one sink (an exporter or the Neo4j writer). Records are flat and reference their properties
// by range; string values are views into storage the FileGraph keeps alive (the parsed module's
// arena and the graph's own string pool), so building a graph allocates little.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ast2graph/id.h"
#include "ast2graph/status.h"

namespace ast2graph::graph {

enum class PropType : uint8_t { kString, kInt, kStringList };

/// Every property a node or relationship can have, with its type: one schema for all exporters
/// (CSV header columns, GraphML keys, Cypher maps). Order here is column order.
#define A2G_NODE_PROPERTIES(X)                                                              \
  X(node_type, kString) X(source_id, kString) X(value, kString) X(lineno, kInt)             \
  X(col_offset, kInt) X(end_lineno, kInt) X(end_col_offset, kInt) X(ctx, kString)           \
  X(op, kString) X(kind, kString) X(conversion, kInt) X(is_async, kInt) X(level, kInt)      \
  X(simple, kInt) X(names, kStringList) X(path, kString) X(module, kString)                 \
  X(content_hash, kString) X(size, kInt) X(lines, kInt) X(status, kString)                  \
  X(error_code, kString) X(error, kString) X(asname, kString) X(name, kString)
#define A2G_EDGE_PROPERTIES(X) X(field, kString) X(index, kInt) X(kind, kString) \
  X(type, kString) X(name, kString)

enum class NodeProp : uint8_t {
#define A2G_X(name, type) name,
  A2G_NODE_PROPERTIES(A2G_X)
#undef A2G_X
  kCount
};
enum class EdgeProp : uint8_t {
#define A2G_X(name, type) name,
  A2G_EDGE_PROPERTIES(A2G_X)
#undef A2G_X
  kCount
};
const char* NodePropName(NodeProp p);
PropType NodePropType(NodeProp p);
const char* EdgePropName(EdgeProp p);
PropType EdgePropType(EdgeProp p);

/// Node labels: every AST node is `:ASTNode:<node_type>`.
enum class NodeLabel : uint8_t { kSourceFile, kASTNode, kExternalModule };
inline constexpr size_t kNodeLabelCount = 3;
const char* NodeLabelName(NodeLabel l);

enum class EdgeType : uint8_t { kChild, kNext, kDependsOn };
inline constexpr size_t kEdgeTypeCount = 3;
const char* EdgeTypeName(EdgeType t);  // "CHILD", "NEXT", "DEPENDS_ON"

/// One property value. Strings are UTF-8 views valid while the FileGraph lives; a string list is
/// `list_count` views starting at `list_begin` in FileGraph::list_items.
struct Prop {
  uint8_t key;  // NodeProp or EdgeProp, by record kind
  PropType type;
  int64_t integer = 0;
  std::string_view text;
  uint32_t list_begin = 0;
  uint32_t list_count = 0;
};

struct NodeRecord {
  Id id;
  NodeLabel label;
  std::string_view node_type;  // second label for ASTNode ("FunctionDef"); empty otherwise
  uint32_t prop_begin;         // into FileGraph::props, properties in NodeProp order
  uint32_t prop_count;
};

struct EdgeRecord {
  Id id;
  EdgeType type;
  Id start;
  Id end;
  uint32_t prop_begin;  // into FileGraph::props, properties in EdgeProp order
  uint32_t prop_count;
};

/// The graph of one file: its SourceFile node first, then AST nodes in pre-order, then edges
/// (CHILD, NEXT, DEPENDS_ON); ExternalModule nodes referenced by its imports come after the AST
/// nodes. `keepalive` holds whatever the string views point into (e.g. the ParsedModule).
struct FileGraph {
  std::string source_id;
  std::vector<NodeRecord> nodes;
  std::vector<EdgeRecord> edges;
  std::vector<Prop> props;
  std::vector<std::string_view> list_items;
  std::shared_ptr<const void> keepalive;

  FileGraph() = default;
  FileGraph(FileGraph&&) noexcept = default;
  FileGraph& operator=(FileGraph&&) noexcept = default;
  FileGraph(const FileGraph&) = delete;  // views into the pool must not be copied
  FileGraph& operator=(const FileGraph&) = delete;

  /// Copies `text` into storage owned by the graph; the view stays valid while the graph lives
  /// (also across moves).
  std::string_view Own(std::string_view text) { return strings_.Add(text); }

 private:
  /// Text packed into large blocks: no allocation per string, views stable.
  class StringPool {
   public:
    StringPool() = default;
    StringPool(StringPool&& o) noexcept
        : blocks_(std::move(o.blocks_)), next_(o.next_), left_(o.left_) {
      o.blocks_.clear();
      o.next_ = nullptr;
      o.left_ = 0;
    }
    StringPool& operator=(StringPool&& o) noexcept {
      if (this != &o) {
        blocks_ = std::move(o.blocks_);
        next_ = o.next_;
        left_ = o.left_;
        o.blocks_.clear();
        o.next_ = nullptr;
        o.left_ = 0;
      }
      return *this;
    }
    std::string_view Add(std::string_view text) {
      if (text.size() > left_) {
        size_t size = std::max<size_t>(text.size(), blocks_.empty() ? 4096 : 65536);
        blocks_.push_back(std::make_unique<char[]>(size));
        next_ = blocks_.back().get();
        left_ = size;
      }
      char* p = next_;
      if (!text.empty()) std::memcpy(p, text.data(), text.size());
      next_ += text.size();
      left_ -= text.size();
      return {p, text.size()};
    }

   private:
    std::vector<std::unique_ptr<char[]>> blocks_;
    char* next_ = nullptr;
    size_t left_ = 0;
  };
  StringPool strings_;
};

/// The properties of a node or relationship of `g`, and the items of a kStringList property.
inline std::span<const Prop> PropsOf(const FileGraph& g, const NodeRecord& n) {
  return {g.props.data() + n.prop_begin, n.prop_count};
}
inline std::span<const Prop> PropsOf(const FileGraph& g, const EdgeRecord& e) {
  return {g.props.data() + e.prop_begin, e.prop_count};
}
inline std::span<const std::string_view> ListOf(const FileGraph& g, const Prop& p) {
  return {g.list_items.data() + p.list_begin, p.list_count};
}

/// Where graphs go: an exporter or the Neo4j writer. Receives each file's graph in source_id order
/// from one thread, then Finish() once.
class GraphSink {
 public:
  virtual ~GraphSink() = default;
  virtual Status Write(const FileGraph& file) = 0;
  /// Flushes and commits the output (for files: the temporary name is renamed to OUT only now).
  virtual Status Finish() = 0;
};

}  // namespace ast2graph::graph
