// Control flow of one scope (DESIGN.md section 3, NEXT): the statement-level edges the graph
// shows, and beside them a finer flow graph of "points" that the def-use pass runs reaching
// definitions over. Kinds, the try/finally routing and the decisions DESIGN.md leaves open are
// described in docs/semantic-flow.md.
#pragma once

#include <cstdint>
#include <vector>

#include "ast2graph/ast.h"
#include "ast2graph/semantic.h"

namespace ast2graph::semantic {

/// What a flow point evaluates, in order. The def-use pass turns items into uses and
/// definitions; the flow builder only decides where and in which order they happen.
enum class ItemKind : uint8_t {
  kExpr,        ///< evaluate an expression: loads are uses, walrus targets definitions
  kTarget,      ///< store into an assignment target (Name, Tuple, List, Starred, Attribute, ...)
  kAugTarget,   ///< AugAssign target: a load, then a store
  kDelete,      ///< `del` target: a Name loses its definitions
  kFunction,    ///< a def statement in its enclosing scope: decorators, defaults, annotations,
                ///< type parameters, then the name
  kClass,       ///< a class statement: decorators, type parameters, bases, keywords, the name
  kTypeAlias,   ///< `type X[T] = v`: defines X (the parameters and the value are lazy scopes)
  kImport,      ///< Import / ImportFrom: each alias defines a name
  kHandler,     ///< ExceptHandler: its type expression, then its `as` name
  kHandlerEnd,  ///< end of an `except ... as name` body: the name is deleted, as CPython does
  kPattern,     ///< a case pattern: value and class uses, then its captures
  kParams,      ///< entry of a function scope: its parameters are defined
};

struct Item {
  ItemKind kind;
  const ast::Node* node;
};

/// A place in the flow graph: its items run in order. `owner` is the statement, handler or scope
/// node whose evaluation the point is part of (dead when the owner is unreachable).
struct Point {
  uint32_t first_item;
  uint32_t item_count;
  const ast::Node* owner;
};

/// Control passes from `from` to `to`. With `from_in_state` the state before `from`'s items
/// flows (an exception raised while the statement runs, before its own definitions happen).
struct FlowEdge {
  uint32_t from;
  uint32_t to;
  bool from_in_state;
  /// Follows a NEXT edge or joins points of one statement. False for data-flow-only paths (a
  /// with's __exit__ swallowing an exception), which make nothing reachable.
  bool structural;
};

/// The control flow of one scope (Module, FunctionDef, AsyncFunctionDef or ClassDef body).
struct ScopeFlow {
  const ast::Node* scope = nullptr;
  std::vector<NextEdge> next;  ///< deduplicated; only edges leaving reachable nodes
  std::vector<Point> points;
  std::vector<Item> items;
  std::vector<FlowEdge> edges;  ///< in creation order; may repeat an edge
  uint32_t entry_point = 0;     ///< before the first statement (a function's parameters)
  uint32_t exit_point = 0;      ///< where exit, return and uncaught raise edges arrive
  /// Per point: its owner is reachable. Dead points take no part in reaching definitions.
  std::vector<uint8_t> live;
  /// FunctionDef, AsyncFunctionDef and ClassDef statements directly in this scope (in source
  /// order, also unreachable ones): each has its own ScopeFlow.
  std::vector<const ast::Node*> nested;
};

/// Buffers of the flow builder, reused from one scope (and one module) to the next: a module
/// has thousands of small scopes, whose buffers would otherwise each be allocated and grown.
struct FlowScratch {
  std::vector<uint32_t> primary;    ///< per point: the first point of its owner
  struct MadeEdge {
    NextEdge edge;
    uint32_t from_primary;  ///< the first point of its source (whether the source is reachable)
  };
  std::vector<MadeEdge> made;  ///< a scope's NEXT edges as made, before Finish orders them
  struct NextKey {
    uint64_t starts;  // the source's begin, the target's
    uint64_t ends;    // the source's end, the target's
    uint32_t kinds;   // the source's kind, the target's, the edge's
    uint32_t index;   // in `made`
  };
  std::vector<NextKey> keys;
  std::vector<const ast::Node*> pending;  ///< BuildModuleFlows: scopes still to build
};

/// Builds the flow of `scope`. Recursion follows statement nesting only (bounded by the parser's
/// indentation limit); expressions are not walked here. `scratch` (may be null) holds buffers
/// reused from one scope to the next.
ScopeFlow BuildScopeFlow(const ast::Node* scope, FlowScratch* scratch = nullptr);
/// The same into `out`, whose vectors are cleared and refilled (their capacity is reused).
void BuildScopeFlowInto(const ast::Node* scope, FlowScratch* scratch, ScopeFlow* out);

/// The flows of a module: the Module's first, then every def and class scope by position.
std::vector<ScopeFlow> BuildModuleFlows(const ast::Node* root);
/// The same into the first N flows of `*flows`, N returned: the flows it already holds are
/// refilled (their vectors keep their capacity) and those after the first N stay as spares for
/// the next module.
size_t BuildModuleFlows(const ast::Node* root, FlowScratch* scratch, std::vector<ScopeFlow>* flows);

/// Truth value of an expression when it is a Constant: 1 true, 0 false, -1 unknown.
int ConstantTruth(const ast::Node* expr);

}  // namespace ast2graph::semantic
