// The Python 3.13 abstract syntax tree, as CPython's `ast` module defines it.
//
// Node kinds, their fields and field order come from one table, ast_nodes.def, generated from
// CPython 3.13 itself (tools/gen_ast_def.py). Every node is a fixed header plus one Slot per
// field, bump-allocated in the Arena of the ParsedModule that owns it; nothing is freed one at a
// time. Positions are byte offsets into the decoded UTF-8 source; LineTable turns them into
// CPython's (lineno, col_offset) only when printing or exporting.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ast2graph::ast {

/// Bump allocator: every node, list, string and constant of one module lives here.
class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  /// Returns `size` bytes aligned to 8, zero-filled.
  void* Allocate(size_t size);
  /// Total bytes reserved from the system (for memory accounting).
  size_t bytes_reserved() const { return reserved_; }

 private:
  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::byte* cur_ = nullptr;
  size_t left_ = 0;
  size_t reserved_ = 0;
};

/// Every node kind of CPython 3.13's ast module (`Kind::BinOp`, `Kind::arg`, ...).
enum class Kind : uint16_t {
#define A2G_NODE(name, sum, pos) name,
#include "ast2graph/ast_nodes.def"
  kCount
};

/// The ASDL sum or product a node kind belongs to.
enum class Sum : uint8_t {
  mod, stmt, expr, excepthandler, pattern, type_ignore, type_param,
  comprehension, arguments, arg, keyword, alias, withitem, match_case
};

/// Context and operator singletons (`Load`, `Add`, `Eq`, ...): printed as `Name()` by the dump,
/// folded into the `ctx`/`op` properties by the graph builder.
enum class Singleton : uint8_t {
#define A2G_ENUM(sum, name) name,
#include "ast2graph/ast_nodes.def"
  kCount
};

enum class FieldType : uint8_t {
  NODE,        ///< one child node, never null
  OPT_NODE,    ///< one child node or null (None)
  NODE_LIST,   ///< list of nodes; items may be null (Dict.keys, arguments.kw_defaults)
  IDENT,       ///< identifier (Str)
  IDENT_LIST,  ///< list of identifiers
  OPT_STR,     ///< string or null (ImportFrom.module, Constant.kind, type_comment)
  CONST,       ///< a Constant value (Constant.value, MatchSingleton.value)
  INT,         ///< an integer (conversion, is_async, level, simple, lineno)
  ENUM,        ///< one Singleton
  ENUM_LIST,   ///< list of Singletons (Compare.ops)
};

/// Per-kind field indexes: `n->fields[BinOpFields::left]`.
#define A2G_NODE(name, sum, pos) \
  struct name##Fields {          \
    enum : uint8_t {
#define A2G_FIELD(node, field, type, asdl) field,
#define A2G_NODE_END(name) \
  kCount                   \
  }                        \
  ;                        \
  }                        \
  ;
#include "ast2graph/ast_nodes.def"

/// A length-prefixed, NUL-terminated string in the arena. Identifiers are NFKC-normalized UTF-8;
/// str constants are UTF-8 in which lone surrogates (from "\ud800") use their 3-byte form.
struct Str {
  uint32_t size;
  char data[1];  // size + 1 bytes are allocated
  std::string_view view() const { return {data, size}; }
};

enum class ConstKind : uint8_t { kNone, kTrue, kFalse, kEllipsis, kInt, kFloat, kComplex, kStr, kBytes };

/// A Python constant. kInt: `text` is the value's decimal digits (any size, never negative);
/// kFloat/kComplex: `number` (the imaginary part for complex); kStr/kBytes: `text` holds the
/// value's bytes.
struct Constant {
  ConstKind kind;
  double number;
  const Str* text;
};

struct Node;
struct List;

/// One field value; which member is live is given by the field's FieldType.
union Slot {
  Node* node;                // NODE, OPT_NODE (null = None)
  List* list;                // NODE_LIST, IDENT_LIST, ENUM_LIST (never null; may be empty)
  const Str* str;            // IDENT, OPT_STR (null = None)
  const Constant* constant;  // CONST
  int64_t integer;           // INT, ENUM (a Singleton)
};

struct List {
  uint32_t size;
  Slot items[1];  // max(size, 1) slots are allocated
  const Slot* begin() const { return items; }
  const Slot* end() const { return items + size; }
};

/// A node: kind, source range [begin, end) in bytes of the decoded source, then its fields in
/// CPython's order. Kinds without positions in CPython (`has_position(kind)` false) ignore the
/// range.
struct Node {
  Kind kind;
  uint16_t reserved;
  uint32_t begin;
  uint32_t end;
  /// Zero when the parser makes the node; an analysis of the finished tree may keep a per-node
  /// number here (it fills what would be padding). The semantic symbol table stores each
  /// recorded name's occurrence index + 1, so that def-use finds it without a node hash; a
  /// reader must check that the number still refers to this node (another table built over the
  /// same tree later overwrites it). So a tree is analyzed by one thread at a time (the pipeline
  /// analyzes each module once, on one worker).
  mutable uint32_t aux;
  Slot fields[1];  // max(field_count(kind), 1) slots are allocated
};

struct FieldInfo {
  const char* name;
  FieldType type;
  const char* asdl_type;  // "expr", "stmt", "identifier", "operator", ...
};

/// Table lookups generated from ast_nodes.def.
const char* KindName(Kind kind);
Sum KindSum(Kind kind);
bool HasPosition(Kind kind);
uint32_t FieldCount(Kind kind);
const FieldInfo& Field(Kind kind, uint32_t index);
const char* SingletonName(Singleton s);

/// Allocates a node of `kind` with every field zeroed (null nodes, null strings, integer 0) and
/// every list field set to a shared empty list.
Node* NewNode(Arena& arena, Kind kind, uint32_t begin, uint32_t end);
List* NewList(Arena& arena, uint32_t size);
const Str* NewStr(Arena& arena, std::string_view text);

/// Maps byte offsets of the decoded source to CPython's 1-based line and 0-based byte column.
class LineTable {
 public:
  LineTable() = default;
  explicit LineTable(std::string_view text);
  uint32_t Line(uint32_t offset) const;    // 1-based
  uint32_t Column(uint32_t offset) const;  // 0-based, in bytes
  uint32_t line_count() const { return static_cast<uint32_t>(starts_.size()); }
  uint32_t LineStart(uint32_t line) const { return starts_[line - 1]; }

 private:
  std::vector<uint32_t> starts_;
};

}  // namespace ast2graph::ast
