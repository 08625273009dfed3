// Scope analysis identical to CPython 3.13's symbol table (Python/symtable.c as the `symtable`
// module shows it): the tree of scopes of one module, every symbol with CPython's flags and
// binding (local, cell, free, global explicit/implicit), and a lookup from a name occurrence in
// the tree to the scope that owns its binding. The control-flow and def-use analysis resolve
// names through this table, and `ast2graph dump-scopes` prints it (DESIGN.md section 2).
//
// CPython 3.13 facts this mirrors (see docs in symtable.cc for the details):
//  - list/set/dict comprehensions are inlined (PEP 709): their scope exists while analyzing,
//    its symbols are merged into the enclosing scope, and its children are spliced into the
//    enclosing scope's children; generator expressions keep their scope, and so do
//    comprehensions inside annotation scopes that can see a class;
//  - PEP 695 scopes: "type parameters" around generic defs/classes/aliases, "type variable" for
//    each bound, constraint tuple or default, "type alias" for the value of a `type` statement;
//  - annotations are evaluated in the enclosing scope, except under
//    `from __future__ import annotations`, where CPython analyzes them in a scope it then drops;
//  - private names are mangled (`__x` in class C is the symbol `_C__x`).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ast2graph/ast.h"
#include "ast2graph/parse.h"

namespace ast2graph::semantic {

/// symtable.SymbolTable.get_type() of CPython 3.13.
enum class ScopeType : uint8_t {
  kModule,          ///< "module"
  kFunction,        ///< "function": def, async def, lambda, comprehensions, generator expressions
  kClass,           ///< "class"
  kAnnotation,      ///< "annotation" (never in the tree: CPython 3.13 drops these scopes)
  kTypeAlias,       ///< "type alias": the value of `type X = ...`
  kTypeParameters,  ///< "type parameters": `def f[T]`, `class C[T]`, `type X[T]`
  kTypeVariable,    ///< "type variable": a TypeVar bound/constraints or a type parameter default
};

/// "module", "function", "class", "annotation", "type alias", "type parameters",
/// "type variable".
const char* ScopeTypeName(ScopeType type);

/// CPython's DEF_* symbol flags (Include/internal/pycore_symtable.h), same bit values.
enum SymbolFlag : uint32_t {
  kDefGlobal = 1u << 0,     ///< `global` statement
  kDefLocal = 1u << 1,      ///< assignment (store or del) in the block
  kDefParam = 1u << 2,      ///< formal parameter
  kDefNonlocal = 1u << 3,   ///< `nonlocal` statement (or walrus target inside a comprehension)
  kUse = 1u << 4,           ///< name is loaded
  kDefFreeClass = 1u << 6,  ///< free in a method, and bound in the class
  kDefImport = 1u << 7,     ///< bound by an import
  kDefAnnot = 1u << 8,      ///< annotated (`x: int`)
  kDefCompIter = 1u << 9,   ///< comprehension iteration variable
  kDefTypeParam = 1u << 10, ///< type parameter
  kDefCompCell = 1u << 11,  ///< cell in an inlined comprehension
};
constexpr uint32_t kDefBound = kDefLocal | kDefParam | kDefImport;

/// Where a name's value lives, CPython's LOCAL/GLOBAL_EXPLICIT/GLOBAL_IMPLICIT/FREE/CELL.
enum class Binding : uint8_t {
  kNone = 0,
  kLocal = 1,           ///< fast local (or a module/class namespace entry)
  kGlobalExplicit = 2,  ///< declared `global` here (or in a class an annotation scope sees)
  kGlobalImplicit = 3,  ///< not bound in any enclosing function: module globals, then builtins
  kFree = 4,            ///< bound in an enclosing function scope (closure)
  kCell = 5,            ///< local here and captured by a nested scope
};

class Scope;
class SymbolTable;

/// One entry of a scope's symbol table.
struct Symbol {
  std::string_view name;  ///< as CPython stores it: mangled (`_C__x`), or `.0`, `.type_params`
  uint32_t flags = 0;     ///< SymbolFlag bits
  Binding binding = Binding::kNone;

  bool Has(uint32_t flag) const { return (flags & flag) != 0; }
};

/// One symbol table (CPython's PySTEntryObject): a module, function, class, lambda,
/// comprehension or PEP 695 scope. Owned by its SymbolTable; pointers stay valid as long as it.
class Scope {
 public:
  ScopeType type() const { return type_; }
  /// get_name(): "top" for the module, the def/class/alias/type-parameter name (unmangled),
  /// "lambda", "listcomp", "setcomp", "dictcomp", "genexpr".
  std::string_view name() const { return name_; }
  /// get_lineno(): 0 for the module; the line of the def/class/lambda/comprehension/`type`
  /// statement; for a type variable scope the line of its bound or default expression.
  /// Looked up when asked (the walk that builds the table never needs it).
  uint32_t lineno() const;
  /// The node that opened the scope: Module, FunctionDef, AsyncFunctionDef, ClassDef, Lambda,
  /// ListComp, SetComp, DictComp, GeneratorExp, TypeAlias (for its "type alias" scope and its
  /// "type parameters" scope), or the TypeVar/ParamSpec/TypeVarTuple of a "type variable" scope.
  /// The "type parameters" scope of a generic def/class has that def/class as node.
  const ast::Node* node() const { return node_; }
  /// The lexically enclosing scope (an inlined comprehension stays the parent of the scopes
  /// nested in it). Null for the module.
  const Scope* parent() const { return parent_; }
  /// Position in creation order (0 for the module): a dense id of the scope in its table.
  uint32_t index() const { return index_; }
  /// get_children(), in CPython's order: inlined comprehensions are replaced by their children.
  std::span<const Scope* const> children() const { return children_; }
  /// Every symbol, in CPython's insertion order.
  std::span<const Symbol> symbols() const { return symbols_; }
  /// The interned name id (SymbolTable::NameOf) of symbols()[i].
  uint32_t symbol_id(size_t i) const { return symbol_ids_[i]; }
  /// The symbol stored under `name` (mangled form), or null.
  const Symbol* Find(std::string_view name) const;

  /// A list/set/dict comprehension or generator expression scope.
  bool is_comprehension() const { return comprehension_; }
  /// A comprehension whose symbols CPython merged into the parent scope (PEP 709): its names
  /// still resolve through this scope, but it is no scope of its own at run time.
  bool is_inlined() const { return inlined_; }
  /// An annotation scope (type parameters, type alias, type variable) directly inside a class,
  /// which sees names of that class before globals.
  bool can_see_class_scope() const { return can_see_class_scope_; }
  /// Function, lambda, comprehension and the PEP 695 scopes: names bound here are visible to
  /// nested scopes (class and module bindings are not).
  bool is_function_like() const;

  // The predicates of symtable.Symbol, with its quirk that any table named "top" counts as
  // module scope for is_global/is_local.
  bool IsReferenced(const Symbol& s) const { return s.Has(kUse); }
  bool IsImported(const Symbol& s) const { return s.Has(kDefImport); }
  bool IsParameter(const Symbol& s) const { return s.Has(kDefParam); }
  bool IsGlobal(const Symbol& s) const;
  bool IsNonlocal(const Symbol& s) const { return s.Has(kDefNonlocal); }
  bool IsDeclaredGlobal(const Symbol& s) const { return s.binding == Binding::kGlobalExplicit; }
  bool IsLocal(const Symbol& s) const;
  bool IsAnnotated(const Symbol& s) const { return s.Has(kDefAnnot); }
  bool IsFree(const Symbol& s) const { return s.binding == Binding::kFree; }
  bool IsAssigned(const Symbol& s) const { return s.Has(kDefLocal); }
  /// Some child scope (children()) has the symbol's name: it names a def, class, ...
  /// (a scan of the children).
  bool IsNamespace(const Symbol& s) const;

 private:
  friend class SymtableBuilder;
  friend class SymbolTable;

  const SymbolTable* table_ = nullptr;
  uint32_t index_ = 0;  // position in SymbolTable::scopes_
  ScopeType type_ = ScopeType::kModule;
  bool comprehension_ = false;
  bool generator_ = false;
  bool inlined_ = false;
  bool can_see_class_scope_ = false;
  bool nested_ = false;
  uint32_t line_offset_ = kNoLine;  // byte offset on the lineno() line; kNoLine: the module
  static constexpr uint32_t kNoLine = ~0u;
  std::string_view name_;
  const ast::Node* node_ = nullptr;
  Scope* parent_ = nullptr;
  std::vector<const Scope*> children_;
  std::vector<Symbol> symbols_;
  std::vector<uint32_t> symbol_ids_;  // interned name id of each symbol
  bool hashed_ = false;  // its symbols are in SymbolTable's hash (else found by scanning the ids)
  /// The first kScanIds ids of symbol_ids_, the rest kNoId: FindSymbol compares all of them,
  /// without a branch per symbol (a scan that stops at the match mispredicts where it stops).
  static constexpr uint32_t kScanIds = 32;
  std::array<uint32_t, kScanIds> scan_ids_ = FreshScanIds();
  static constexpr std::array<uint32_t, kScanIds> FreshScanIds() {
    std::array<uint32_t, kScanIds> a{};
    for (uint32_t& id : a) id = 0xffffffffu;
    return a;
  }

  /// A fresh scope again (for a table reused by BuildSymbolTableInto); the vectors keep their
  /// capacity.
  void Reset();
};

/// How one name occurrence resolves (what a def-use analysis needs).
struct NameResolution {
  /// The scope whose table holds the occurrence (for a name inside an inlined comprehension,
  /// that comprehension), and its entry there. Both null when the node was not recorded.
  const Scope* scope = nullptr;
  const Symbol* symbol = nullptr;
  /// symbol->binding.
  Binding binding = Binding::kNone;
  /// The interned id of symbol->name (SymbolTable::NameOf): equal names, equal ids.
  uint32_t name_id = 0xffffffffu;
  /// The scope whose namespace holds the binding: `scope` itself for locals and cells; the
  /// nearest enclosing function-like scope binding the name for free names (nonlocal
  /// declarations and walrus targets inside comprehensions are free); the module for globals;
  /// the class itself for a name an annotation scope reads from its class (see
  /// `from_class_namespace`), and for the implicit `__class__`/`__classdict__` cells.
  const Scope* owner = nullptr;
  /// A global-implicit name of an annotation scope that the enclosing class binds: Python looks
  /// it up in the class namespace first, then in the globals.
  bool from_class_namespace = false;
};

/// The analyzed scopes of one module.
class SymbolTable {
 public:
  SymbolTable();
  ~SymbolTable();
  SymbolTable(const SymbolTable&) = delete;
  SymbolTable& operator=(const SymbolTable&) = delete;

  /// The module scope ("top").
  const Scope& top() const { return *top_; }

  /// The scope opened by `node` (Module, FunctionDef, AsyncFunctionDef, Lambda, ClassDef,
  /// ListComp, SetComp, DictComp, GeneratorExp, TypeAlias -> its "type alias" scope), or null.
  const Scope* ScopeOf(const ast::Node* node) const;
  /// The "type parameters" scope of a generic FunctionDef/AsyncFunctionDef/ClassDef/TypeAlias.
  const Scope* TypeParamsScopeOf(const ast::Node* node) const;

  /// Resolves a node that binds, loads or declares a name: Name; arg; alias;
  /// FunctionDef/AsyncFunctionDef/ClassDef (the name they bind in the enclosing scope);
  /// ExceptHandler, MatchAs, MatchStar, MatchMapping (their `name`/`rest`);
  /// TypeVar/ParamSpec/TypeVarTuple; Global/Nonlocal (pass `identifier` to choose among their
  /// names). `identifier` is the name as written in the source (unmangled); empty = the first
  /// name the node recorded. Returns an empty resolution for other nodes.
  NameResolution Resolve(const ast::Node* node, std::string_view identifier = {}) const;

  /// The symbol a node recorded, as Resolve finds it, without working out its binding: the scope
  /// whose table holds it and its index in scope->symbols() (scope null when not recorded).
  struct SymbolRef {
    const Scope* scope = nullptr;
    uint32_t index = 0;
  };
  SymbolRef FindOccurrence(const ast::Node* node, std::string_view identifier) const;
  /// The first symbol `node` recorded (FindOccurrence with an empty identifier), inline: def-use
  /// asks this for every name.
  SymbolRef FindOccurrence(const ast::Node* node) const {
    uint32_t o = FirstOccurrence(node);
    if (o == kNoId) return {};
    return {scopes_[occurrences_[o].scope].get(), occurrences_[o].symbol};
  }
  /// FindOccurrence's answer as the scope's index (kNotRecorded when none) and the symbol's, for
  /// a caller that keeps its own per-scope arrays: one load fewer per name than the Scope object.
  struct SymbolIndex {
    static constexpr uint32_t kNotRecorded = 0xffffffffu;
    uint32_t scope = kNotRecorded;
    uint32_t index = 0;
  };
  SymbolIndex FindOccurrenceIndex(const ast::Node* node) const {
    uint32_t o = FirstOccurrence(node);
    if (o == kNoId) return {};
    return {occurrences_[o].scope, occurrences_[o].symbol};
  }
  /// The scope whose index() is `index` (below scope_count()).
  const Scope& scope(uint32_t index) const { return *scopes_[index]; }
  /// Resolve for symbols()[index] of `scope` (what Resolve does after FindOccurrence).
  NameResolution ResolveSymbol(const Scope& scope, uint32_t index) const;

  /// Resolves `name` (mangled form, as Symbol::name) as seen from `scope`.
  NameResolution ResolveIn(const Scope& scope, std::string_view name) const;

  /// Every scope in depth-first order of the children() tree (the order dump-scopes prints).
  std::vector<const Scope*> Preorder() const;

  /// Number of scopes (Scope::index() is below it) and of interned names.
  size_t scope_count() const { return scope_count_; }
  size_t name_count() const { return names_.size(); }
  /// Empties the table for another module, keeping its scope objects and buffers.
  void Reset();
  /// Whether the table grew so much (a huge module) that reusing it would hold memory.
  bool Oversized() const;

  /// The name with interned id `id` (NameResolution::name_id, Scope::symbol_id).
  std::string_view NameOf(uint32_t id) const { return names_[id].name; }

 private:
  friend class SymtableBuilder;
  friend class Scope;
  /// 16 bytes, written once per name the builder records: the name as written is not kept (only
  /// FindOccurrence with an identifier asks for it, and reads it from the node again).
  struct Occurrence {
    const ast::Node* node;
    uint32_t scope;
    uint32_t symbol;
  };
  struct ScopeKey {
    const ast::Node* node;
    uint32_t scope;
  };

  /// Id of an interned name, or kNoId.
  static constexpr uint32_t kNoId = 0xffffffffu;
  uint32_t FindId(std::string_view name) const;
  /// Index of the symbol `id` in scope `scope`, or kNoId. `id` is an interned id (never kNoId,
  /// which marks the unused slots a small scope compares).
  uint32_t FindSymbol(uint32_t scope, uint32_t id) const;
  /// Records an occurrence and indexes it by node (Node::aux). A node's occurrences are
  /// consecutive: only Global/Nonlocal record several (one per name, in order), and the one node
  /// recorded again later, a walrus target in a comprehension, records the same symbol twice
  /// (the second record is dropped).
  void AddOccurrence(const ast::Node* node, uint32_t scope, uint32_t symbol);
  /// Indexes every occurrence again, after the builder removed some (RemoveSymbol).
  void IndexOccurrences();
  /// The first occurrence of `node`, or kNoId: Node::aux - 1, when it still refers to this node
  /// (a table built later over the same tree overwrites it; then a search). The node's other
  /// occurrences follow it.
  uint32_t FirstOccurrence(const ast::Node* node) const {
    if (node == nullptr || node->aux == 0) return kNoId;  // no table recorded the node
    uint32_t o = node->aux - 1;
    if (o < occurrences_.size() && occurrences_[o].node == node) return o;
    return SearchOccurrence(node);
  }
  uint32_t SearchOccurrence(const ast::Node* node) const;

  // Creation order; those from scope_count_ on are spares kept for the next module.
  std::vector<std::unique_ptr<Scope>> scopes_;
  size_t scope_count_ = 0;
  Scope* top_ = nullptr;
  /// Interns `name` (which must outlive the table); returns its id.
  uint32_t InternId(std::string_view name);
  /// InternId for a name not in the table, out of line: the lookup stays a small function.
  [[gnu::noinline]] uint32_t AddName(std::string_view name, uint32_t hash, uint64_t first);
  /// Records symbol `index` of `scope` under name `id` (kNoId as index removes it), after the
  /// scope's symbol_ids_ changed. Scopes of up to kScanSymbols symbols are not hashed: FindSymbol
  /// scans their ids.
  void SetSymbol(uint32_t scope, uint32_t id, uint32_t index) {
    const Scope& sc = *scopes_[scope];
    if (!sc.hashed_ && sc.symbol_ids_.size() <= kScanSymbols) return;  // found by scanning its ids
    HashSymbol(scope, id, index);
  }
  /// SetSymbol for a scope found through the hash (or one that has just outgrown scanning).
  void HashSymbol(uint32_t scope, uint32_t id, uint32_t index);
  static constexpr size_t kScanSymbols = Scope::kScanIds;

  // Open-addressing hash tables (linear probing, power-of-two sizes): the analysis does one
  // name lookup per name occurrence, where node-based maps cost more than the parse.
  struct NameEntry {
    std::string_view name;
    /// The symbol the builder last found or added under this name (scope kNoId: none yet).
    /// A name mostly recurs in the block that last saw it, where this is the lookup.
    uint32_t last_scope = kNoId;
    uint32_t last_index = 0;
  };
  std::vector<NameEntry> names_;  // by id
  /// A name's slot holds what tells most names apart without reading names_: its hash, its
  /// first 8 bytes and its size (which with those bytes is the whole of a name of up to 8).
  struct NameSlot {
    uint64_t first = 0;      // FirstWord of the name
    uint32_t hash = 0;       // of the name
    uint32_t id_plus_1 = 0;  // 0 when empty
    uint16_t size = 0;       // of the name, at most 0xffff
  };
  bool SlotHolds(const NameSlot& slot, std::string_view name, uint32_t hash, uint64_t first) const;
  std::vector<NameSlot> name_slots_;
  std::vector<NameSlot> spare_name_slots_;  // rehash target, swapped in on growth
  struct SymbolSlot {
    uint64_t key;    // scope << 32 | id
    uint32_t index;  // symbol index, kNoId = empty, kNoId - 1 = removed
  };
  std::vector<SymbolSlot> symbol_slots_;
  std::vector<SymbolSlot> spare_symbol_slots_;
  size_t symbol_count_ = 0;                // occupied or removed slots
  // In recording order. Node -> its first occurrence: Node::aux holds its index + 1 (set by
  // AddOccurrence); the node's other occurrences follow it.
  std::vector<Occurrence> occurrences_;
  bool occurrences_reindex_ = false;            // occurrences were removed: index them again
  std::vector<ScopeKey> body_scopes_;           // sorted by node
  std::vector<ScopeKey> type_param_scopes_;     // sorted by node
  std::vector<std::unique_ptr<char[]>> strings_;  // mangled and synthesized names
  const ast::LineTable* lines_ = nullptr;          // the module's, for Scope::lineno()
};

/// Builds the symbol table of `module` (which must be ok()) as CPython 3.13's symtable does,
/// including the `from __future__` checks it runs first. On a SyntaxError CPython's symtable
/// raises, returns null and fills *error (message, 1-based line and column as SyntaxError's
/// lineno/offset, the source line). The table refers to names in the module's arena: it must
/// not outlive the module.
std::unique_ptr<SymbolTable> BuildSymbolTable(const ParsedModule& module, ParseError* error);

/// The same from a tree: `root` is a Module node, `text`/`lines` the decoded source it was
/// parsed from (positions of errors and the caret line come from them).
std::unique_ptr<SymbolTable> BuildSymbolTable(const ast::Node* root, std::string_view text,
                                              const ast::LineTable& lines, ParseError* error);

/// BuildSymbolTable into `*table`, which is emptied first and whose scope objects and buffers
/// are reused (a thread analyzing module after module allocates them once). On false (the
/// SyntaxError of *error) the table's content is unspecified.
bool BuildSymbolTableInto(const ParsedModule& module, SymbolTable* table, ParseError* error);

/// Appends the dump-scopes layout (DESIGN.md section 2) of `table` to `out`.
void DumpScopes(const SymbolTable& table, std::string* out);

}  // namespace ast2graph::semantic
