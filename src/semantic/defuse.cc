#include "semantic/defuse.h"

#include <algorithm>
#include <span>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "base/key_sort.h"
#include "base/walk_stack.h"
#include "semantic/imports.h"
#include "semantic/reaching.h"

namespace ast2graph::semantic {

namespace {

using ast::Kind;
using ast::List;
using ast::Node;

std::string_view StrView(const ast::Str* s) { return s == nullptr ? std::string_view() : s->view(); }
std::string_view NameId(const Node* name) { return StrView(name->fields[ast::NameFields::id].str); }

/// A use or definition that takes part in reaching definitions, in evaluation order.
using OccType = RdType;

constexpr uint32_t kNoRef = 0xffffffffu;

/// An occurrence of a binding in a flow. Its type is kept only in the RdOcc beside it: 16 bytes,
/// not 24 (a module's occurrences are written, then read again once every flow is expanded).
struct Occ {
  uint32_t key;
  uint32_t ref;  ///< a use that is the callee or base class of buf_.refs[ref], else kNoRef
  const Node* node;
};

/// Lists of nodes per key in one array, each linked from its latest entry: no allocation per key.
class NodeLists {
 public:
  void AddKey() { head_.push_back(kEnd); }
  void Add(uint32_t key, const Node* n) {
    entries_.push_back({n, head_[key]});
    head_[key] = static_cast<uint32_t>(entries_.size() - 1);
  }
  bool Empty(uint32_t key) const { return head_[key] == kEnd; }
  template <typename F>
  void ForEach(uint32_t key, F&& f) const {
    for (uint32_t i = head_[key]; i != kEnd; i = entries_[i].next) f(entries_[i].node);
  }
  void Clear() {
    head_.clear();
    entries_.clear();
  }
  /// Bytes its buffers hold.
  size_t bytes() const {
    return head_.capacity() * sizeof(uint32_t) + entries_.capacity() * sizeof(Entry);
  }

 private:
  static constexpr uint32_t kEnd = 0xffffffffu;
  struct Entry {
    const Node* node;
    uint32_t next;
  };
  std::vector<uint32_t> head_;
  std::vector<Entry> entries_;
};

/// A binding: the scope whose namespace holds it and the symbol's name there (mangled form).
struct BindingKey {
  const Scope* owner;
  std::string_view name;
  uint32_t name_id;  ///< SymbolTable's interned id of `name`
  /// `name` cannot be a mangled private name (`_C__x`, for `__x` in class C): an edge's name
  /// can then be `name` without reading the use's identifier (UseName).
  bool plain;
};

/// Binding keys (owner scope index, interned name id) to dense ids: open addressing on one
/// 64-bit integer, no allocation per key and no string hashing (one lookup per name occurrence,
/// so this is on the hot path).
class KeyTable {
 public:
  /// A binding's dense id in the module, and its number among its owner's bindings (its key in
  /// the owner's flow).
  struct Ids {
    uint32_t id;
    uint32_t local;
  };
  /// The ids of `key`, and whether it was new (then they are `next`).
  std::pair<Ids, bool> FindOrAdd(uint64_t key, Ids next) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    const size_t mask = slots_.size() - 1;
    for (size_t i = Hash(key) & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.id == kEmpty) {
        slot = {key, next.id, next.local};
        ++size_;
        return {next, true};
      }
      if (slot.key == key) return {{slot.id, slot.local}, false};
    }
  }
  /// Empties the table. It starts small again (sized for the next module, not the largest so
  /// far); its buffers keep their capacity.
  void Clear() {
    slots_.clear();
    size_ = 0;
  }
  /// Sizes the empty table for `n` keys at once (no growth and rehashing on the way).
  void Reserve(size_t n) {
    size_t size = 256;
    while ((n + 1) * 2 > size) size *= 2;
    if (size > slots_.size()) slots_.assign(size, Slot{});
  }
  /// Bytes its buffers hold.
  size_t bytes() const { return (slots_.capacity() + spare_.capacity()) * sizeof(Slot); }

 private:
  static constexpr uint32_t kEmpty = 0xffffffffu;
  struct Slot {
    uint64_t key = 0;
    uint32_t id = kEmpty;
    uint32_t local = 0;
  };
  /// splitmix64's finalizer.
  static uint64_t Hash(uint64_t k) {
    k = (k ^ (k >> 30)) * 0xbf58476d1ce4e5b9ull;
    k = (k ^ (k >> 27)) * 0x94d049bb133111ebull;
    return k ^ (k >> 31);
  }
  void Grow() {
    spare_.assign(slots_.empty() ? 256 : slots_.size() * 2, Slot{});
    const size_t mask = spare_.size() - 1;
    for (const Slot& s : slots_) {
      if (s.id == kEmpty) continue;
      size_t i = Hash(s.key) & mask;
      while (spare_[i].id != kEmpty) i = (i + 1) & mask;
      spare_[i] = s;
    }
    slots_.swap(spare_);
  }
  std::vector<Slot> slots_, spare_;  ///< spare_: the rehash target, swapped in on growth
  size_t size_ = 0;
};

/// What an import alias binds: a module (`import a.b`, `import a.b as c`) or a name in a module
/// (`from m import x`), read from the import's own ExternalRef (no copies of its strings).
struct ImportInfo {
  const Node* alias;
  uint32_t external;      ///< index of the alias's ExternalRef in FileSemantics::external
  bool first_component;   ///< `import a.b.c` binds module `a`: the first component of its module
};

/// A call or base class whose callee is `base` (a Name) followed by attribute names.
struct Reference {
  DependsType type;
  const Node* from;    ///< the Call, or the ClassDef for a base
  const Node* base;    ///< Name(Load)
  const Node* callee;  ///< `base` itself or the Attribute chain above it
};

/// `a.b.c` -> {"b", "c"} for the chain above base `a`, into *chain.
void AttributeChain(const Node* callee, std::vector<std::string_view>* chain) {
  chain->clear();
  while (callee->kind == Kind::Attribute) {
    chain->push_back(StrView(callee->fields[ast::AttributeFields::attr].str));
    callee = callee->fields[ast::AttributeFields::value].node;
  }
  std::reverse(chain->begin(), chain->end());
}

/// The node and node-list fields of every kind, in field order (the generic walk's table).
struct ChildFields {
  uint8_t count = 0;
  uint8_t index[8] = {};
  bool is_list[8] = {};
};
const ChildFields& ChildrenOf(Kind kind) {
  static const std::vector<ChildFields> table = [] {
    std::vector<ChildFields> t(static_cast<size_t>(Kind::kCount));
    for (size_t k = 0; k < t.size(); ++k) {
      auto kind = static_cast<Kind>(k);
      for (uint32_t i = 0; i < ast::FieldCount(kind) && t[k].count < 8; ++i) {
        ast::FieldType type = ast::Field(kind, i).type;
        if (type == ast::FieldType::NODE || type == ast::FieldType::OPT_NODE ||
            type == ast::FieldType::NODE_LIST) {
          t[k].index[t[k].count] = static_cast<uint8_t>(i);
          t[k].is_list[t[k].count] = type == ast::FieldType::NODE_LIST;
          ++t[k].count;
        }
      }
    }
    return t;
  }();
  return table[static_cast<size_t>(kind)];
}

struct WalkItem {
  const Node* node;
  bool cond;
};

/// What def-use needs of a symbol, worked out at its first occurrence (a symbol's binding is the
/// same at every occurrence): the symbol table's resolution is not repeated per name.
/// 16 bytes, filled for every symbol of the module: the binding's owner is read from key_list
/// where it is needed (a definition made outside the owner's flow), not stored here.
struct SymbolInfo {
  static constexpr uint32_t kUnset = 0xffffffffu;
  uint32_t key = kUnset;        ///< dense id of its binding; kNone when it has no owner
  uint32_t local = 0;           ///< BindingKey::local of `key`
  uint32_t class_key = kUnset;  ///< from_class_namespace: the module's binding of the name
  /// The owner's Scope::index() when an occurrence runs in the owner's flow (it is in the
  /// owner's scope, or in a comprehension CPython inlines into it, PEP 709; not in a lambda,
  /// generator expression or annotation scope), else kUnset: such occurrences take part in the
  /// owner's reaching definitions, the others are resolved flow-insensitively.
  uint32_t flow_owner = kUnset;
};

/// Bytes a buffer holds (DefUseBuffers::Trim).
template <typename T>
size_t BytesOf(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}
size_t BytesOf(const NodeLists& l) { return l.bytes(); }
size_t BytesOf(const KeyTable& t) { return t.bytes(); }
template <typename T>
size_t BytesOf(const WalkStack<T>& s) {
  return s.bytes();
}

/// The occurrences of one flow in DefUseBuffers.
struct FlowState {
  const ScopeFlow* flow = nullptr;
  const Scope* scope = nullptr;
  uint32_t occ_begin = 0;  ///< its occurrences: buf_.occs[occ_begin, occ_end)
  uint32_t occ_end = 0;
  uint32_t first_begin =
      0;  ///< occurrences of point p: [buf_.first[first_begin + p], ... + p + 1])
  uint32_t uses = 0;  ///< how many of its occurrences are uses
};

/// A use resolved flow-insensitively (a free or global name).
struct LooseUse {
  const Node* node;
  uint32_t key;
  uint32_t ref;
};

/// Sort key of a call or inherit edge (Finish).
struct SortKey {
  uint64_t from;  // begin, end
  uint64_t to;
  uint32_t kinds;  // from kind, to kind, type
  uint32_t index;
};

/// Buffers of the def-use pass that do not outlive it, kept from one module to the next on a
/// thread (the pipeline analyzes many files per worker) instead of being allocated and grown
/// again for every module.
struct DefUseBuffers {
  WalkStack<Occ> occs;               ///< the occurrences of every flow, flow after flow
  WalkStack<RdOcc> rd_occs;          ///< beside each occurrence: what the solver reads of it
  std::vector<uint32_t> first;       ///< per flow and point: its first occurrence (see FlowState)
  WalkStack<WalkItem> walk_stack;    ///< reused by Walk
  RdWorkspace rd_ws;
  RdResult rd_result;
  /// Per scope index: how many bindings it owns (BindingKey::local counts them), and whether a
  /// definition of one is made outside its flow (remote_defs).
  std::vector<uint32_t> owned_keys;
  std::vector<uint8_t> owns_remote;
  /// Per scope index: where its symbols start in symbol_info; per symbol there: what an
  /// occurrence of it needs (SymbolInfo::key kUnset until first needed).
  std::vector<uint32_t> symbol_base;
  std::vector<SymbolInfo> symbol_info;
  // Per module: the flows' states, binding keys, definitions per key, references, uses left
  // to flow-insensitive resolution, the edge sort.
  std::vector<FlowState> states;
  KeyTable keys;
  std::vector<BindingKey> key_list;
  NodeLists all_defs;     ///< per key: every live definition
  NodeLists remote_defs;  ///< per key: those outside the owner's flow
  std::vector<std::pair<uint32_t, const Node*>> ref_defs;      ///< (reference, callee's def)
  std::vector<uint32_t> ref_first;           ///< ResolveReferences: per reference, its run
  std::vector<const Node*> ref_grouped;      ///< ResolveReferences: ref_defs grouped by reference
  WalkStack<LooseUse> loose;
  std::vector<Reference> refs;
  std::vector<ImportInfo> imports;  ///< every import alias's binding
  std::vector<SortKey> sort_keys, sort_scratch;
  std::vector<std::string_view> chain;  ///< ResolveReference's attribute names
  std::vector<DependsEdge> sorted_edges;
  std::vector<uint32_t> order;  ///< SortUnique's index array

  void Clear() {
    occs.clear();
    rd_occs.clear();
    first.clear();
    symbol_base.clear();
    symbol_info.clear();
    states.clear();
    keys.Clear();
    key_list.clear();
    all_defs.Clear();
    remote_defs.Clear();
    ref_defs.clear();
    loose.clear();
    refs.clear();
    imports.clear();
  }
  /// Releases what an unusually large module grew.
  void Trim() {
    // Buffers over 128 KB (a module far above the average) are released, not kept for the
    // thread's lifetime: the pipeline's peak memory is the workers' buffers plus files in flight.
    constexpr size_t kMaxBytes = size_t{128} << 10;
    auto trim = [](auto& buffer) {
      if (BytesOf(buffer) > kMaxBytes) buffer = {};
    };
    trim(occs);
    trim(first);
    trim(walk_stack);
    trim(rd_occs);
    trim(owned_keys);
    trim(owns_remote);
    trim(symbol_info);
    trim(symbol_base);
    trim(keys);
    trim(key_list);
    trim(all_defs);
    trim(remote_defs);
    trim(ref_defs);
    trim(ref_first);
    trim(ref_grouped);
    trim(loose);
    trim(refs);
    trim(imports);
    trim(sort_keys);
    trim(sort_scratch);
    trim(sorted_edges);
    trim(order);
  }
};

/// Sort key of a node by position (kind breaks ties between nodes of the same range).
auto PosKey(const Node* n) { return std::make_tuple(n->begin, n->end, static_cast<int>(n->kind)); }

class DefUse {
 public:
  DefUse(const SymbolTable& table, const ModuleContext& context, FileSemantics* out,
         DefUseBuffers* buffers)
      : table_(table), context_(context), out_(out), buf_(*buffers) {
    buf_.Clear();
    // Every scope's entries in symbol_info at once: a name's lookup then has one test (whether
    // its symbol was met before), not a second for its scope.
    buf_.symbol_base.resize(table.scope_count());
    size_t symbols = 0;
    for (uint32_t i = 0; i < table.scope_count(); ++i) {
      buf_.symbol_base[i] = static_cast<uint32_t>(symbols);
      symbols += table.scope(i).symbols().size();
    }
    buf_.symbol_info.assign(symbols, SymbolInfo{});
    buf_.owned_keys.assign(table.scope_count(), 0);
    buf_.owns_remote.assign(table.scope_count(), 0);
    // A binding is a symbol of its owner scope (a class body's read of a global adds a few more).
    buf_.keys.Reserve(symbols);
    buf_.key_list.reserve(symbols);
  }

  void Run(std::span<const ScopeFlow> flows) {
    buf_.states.resize(flows.size());
    for (size_t i = 0; i < flows.size(); ++i) {
      buf_.states[i].flow = &flows[i];
      buf_.states[i].scope = table_.ScopeOf(flows[i].scope);
      if (buf_.states[i].scope == nullptr) continue;
      cur_ = &buf_.states[i];
      cur_index_ = cur_->scope->index();
      Expand();
    }
    cur_ = nullptr;
    // Every import is noted now; FindImport searches them by alias.
    std::sort(buf_.imports.begin(), buf_.imports.end(), ImportByAlias);
    // Most uses get one definition: room for that many edges at once instead of doubling.
    out_->depends.reserve(buf_.occs.size() + buf_.loose.size());
    for (FlowState& fs : buf_.states) {
      if (fs.scope != nullptr) Dataflow(fs);
    }
    for (size_t i = 0; i < buf_.loose.size(); ++i) {
      const LooseUse& u = buf_.loose.data()[i];
      buf_.all_defs.ForEach(u.key, [&](const Node* d) { AddData(u.node, u.key, d, u.ref); });
    }
    const size_t refs_begin = out_->depends.size();
    ResolveReferences();
    if (!buf_.states.empty() && buf_.states[0].scope != nullptr) RemoteExports();
    Finish(refs_begin);
  }

 private:
  /// The ids of the binding of name `name_id` in `owner`.
  KeyTable::Ids Key(const Scope* owner, uint32_t name_id) {
    uint64_t k = (uint64_t{owner->index()} << 32) | name_id;
    uint32_t& owned = buf_.owned_keys[owner->index()];
    auto [ids, inserted] =
        buf_.keys.FindOrAdd(k, {static_cast<uint32_t>(buf_.key_list.size()), owned});
    if (inserted) {
      ++owned;
      std::string_view name = table_.NameOf(name_id);
      buf_.key_list.push_back({owner, name, name_id, !name.empty() && name[0] != '_'});
      buf_.all_defs.AddKey();
      buf_.remote_defs.AddKey();
    }
    return ids;
  }

  /// The symbol `node` recorded, or null when it has none or no binding (a name CPython leaves
  /// unresolved). Resolved through the symbol table once per symbol, then remembered.
  [[gnu::always_inline]] const SymbolInfo* InfoOf(const Node* node) {
    SymbolTable::SymbolIndex ref = table_.FindOccurrenceIndex(node);
    if (ref.scope == SymbolTable::SymbolIndex::kNotRecorded) return nullptr;
    SymbolInfo& info = buf_.symbol_info[buf_.symbol_base[ref.scope] + ref.index];
    // The first meeting is out of line, so that its calls do not weigh on every name's path.
    if (info.key == kUnset) Resolve(ref, &info);
    return info.key == kNone ? nullptr : &info;
  }
  /// InfoOf's entry for a symbol met for the first time: its binding resolved and keyed.
  [[gnu::noinline]] void Resolve(SymbolTable::SymbolIndex ref, SymbolInfo* info) {
    NameResolution r = table_.ResolveSymbol(table_.scope(ref.scope), ref.index);
    const Scope* sc = r.scope;
    while (sc != nullptr && sc != r.owner && sc->is_inlined()) sc = sc->parent();
    info->flow_owner = sc != nullptr && sc == r.owner ? r.owner->index() : kUnset;
    if (r.owner == nullptr) {
      info->key = kNone;
      return;
    }
    const KeyTable::Ids ids = Key(r.owner, r.name_id);
    info->key = ids.id;
    info->local = ids.local;
    if (r.from_class_namespace) info->class_key = Key(&table_.top(), r.name_id).id;
  }

  // ---- items to occurrences ----

  void Expand() {
    const ScopeFlow& f = *cur_->flow;
    const size_t num_points = f.points.size();
    cur_->occ_begin = static_cast<uint32_t>(buf_.occs.size());
    cur_->first_begin = static_cast<uint32_t>(buf_.first.size());
    buf_.first.resize(buf_.first.size() + num_points + 1);
    uint32_t* first = buf_.first.data() + cur_->first_begin;
    for (size_t p = 0; p < num_points; ++p) {
      first[p] = static_cast<uint32_t>(buf_.occs.size()) - cur_->occ_begin;
      if (f.live[p] == 0) continue;  // unreachable code defines and uses nothing
      const Point& pt = f.points[p];
      for (uint32_t i = 0; i < pt.item_count; ++i) {
        const Item& item = f.items[pt.first_item + i];
        // The statement itself is read only when it evaluates a lambda (not at every point).
        // The rare kind is tested first: whether an item is an expression or a target follows
        // no pattern a predictor learns.
        if (item.node->kind == Kind::Lambda && item.kind == ItemKind::kExpr) {
          NoteLambdaAssignment(pt.owner);
        }
        ExpandItem(item);
      }
    }
    first[num_points] = static_cast<uint32_t>(buf_.occs.size()) - cur_->occ_begin;
    cur_->occ_end = static_cast<uint32_t>(buf_.occs.size());
  }

  /// `f = lambda ...: ...` lets calls of f resolve to the lambda.
  void NoteLambdaAssignment(const Node* stmt) {
    if (stmt->kind == Kind::Assign) {
      const Node* value = stmt->fields[ast::AssignFields::value].node;
      if (value->kind != Kind::Lambda) return;
      for (const ast::Slot& t : *stmt->fields[ast::AssignFields::targets].list) {
        if (t.node->kind == Kind::Name) lambda_of_[t.node] = value;
      }
    } else if (stmt->kind == Kind::AnnAssign) {
      const Node* value = stmt->fields[ast::AnnAssignFields::value].node;
      const Node* target = stmt->fields[ast::AnnAssignFields::target].node;
      if (value != nullptr && value->kind == Kind::Lambda && target->kind == Kind::Name) {
        lambda_of_[target] = value;
      }
    }
  }

  void ExpandItem(const Item& item) {
    const Node* n = item.node;
    // Most items are expressions and assignment targets: tested before the switch's jump table.
    static_assert(ItemKind::kExpr < ItemKind::kTarget && ItemKind::kTarget < ItemKind::kAugTarget);
    if (item.kind <= ItemKind::kTarget) return Walk(n, false);
    switch (item.kind) {
      case ItemKind::kExpr:
      case ItemKind::kTarget:
      case ItemKind::kDelete: Walk(n, false); break;
      case ItemKind::kAugTarget:
        if (n->kind == Kind::Name) {
          Use(n);
        } else {
          Walk(n, false);
        }
        break;
      case ItemKind::kFunction: ExpandFunction(n); break;
      case ItemKind::kClass: ExpandClass(n); break;
      case ItemKind::kTypeAlias:
        Walk(n->fields[ast::TypeAliasFields::name].node, false);
        TypeParams(n->fields[ast::TypeAliasFields::type_params].list);
        Walk(n->fields[ast::TypeAliasFields::value].node, false);
        break;
      case ItemKind::kImport: ExpandImport(n); break;
      case ItemKind::kHandler:
        if (const Node* type = n->fields[ast::ExceptHandlerFields::type].node) Walk(type, false);
        if (n->fields[ast::ExceptHandlerFields::name].str != nullptr) Define(n, false);
        break;
      case ItemKind::kHandlerEnd: Kill(n); break;
      case ItemKind::kPattern: ExpandPattern(n); break;
      case ItemKind::kParams: {
        const Node* args = n->fields[ast::FunctionDefFields::args].node;
        ForEachArg(args, [&](const Node* a) { Define(a, false); });
        break;
      }
    }
  }

  template <typename F>
  static void ForEachArg(const Node* args, F&& f) {
    for (uint32_t field : {ast::argumentsFields::posonlyargs, ast::argumentsFields::args}) {
      for (const ast::Slot& a : *args->fields[field].list) f(a.node);
    }
    if (const Node* v = args->fields[ast::argumentsFields::vararg].node) f(v);
    for (const ast::Slot& a : *args->fields[ast::argumentsFields::kwonlyargs].list) f(a.node);
    if (const Node* k = args->fields[ast::argumentsFields::kwarg].node) f(k);
  }

  void WalkList(const List* list) {
    for (const ast::Slot& s : *list) {
      if (s.node != nullptr) Walk(s.node, false);
    }
  }

  void TypeParams(const List* params) {
    for (const ast::Slot& s : *params) {
      const Node* tp = s.node;
      Define(tp, false);
      if (tp->kind == Kind::TypeVar) {
        if (const Node* b = tp->fields[ast::TypeVarFields::bound].node) Walk(b, false);
        if (const Node* d = tp->fields[ast::TypeVarFields::default_value].node) Walk(d, false);
      } else if (tp->kind == Kind::ParamSpec) {
        if (const Node* d = tp->fields[ast::ParamSpecFields::default_value].node) Walk(d, false);
      } else if (tp->kind == Kind::TypeVarTuple) {
        if (const Node* d = tp->fields[ast::TypeVarTupleFields::default_value].node) Walk(d, false);
      }
    }
  }

  void ExpandFunction(const Node* fn) {
    const Node* args = fn->fields[ast::FunctionDefFields::args].node;
    WalkList(fn->fields[ast::FunctionDefFields::decorator_list].list);
    WalkList(args->fields[ast::argumentsFields::defaults].list);
    WalkList(args->fields[ast::argumentsFields::kw_defaults].list);
    TypeParams(fn->fields[ast::FunctionDefFields::type_params].list);
    ForEachArg(args, [&](const Node* a) {
      if (const Node* ann = a->fields[ast::argFields::annotation].node) Walk(ann, false);
    });
    if (const Node* r = fn->fields[ast::FunctionDefFields::returns].node) Walk(r, false);
    Define(fn, false);
  }

  void ExpandClass(const Node* cls) {
    WalkList(cls->fields[ast::ClassDefFields::decorator_list].list);
    TypeParams(cls->fields[ast::ClassDefFields::type_params].list);
    for (const ast::Slot& b : *cls->fields[ast::ClassDefFields::bases].list) {
      if (!UseCallee(DependsType::kInherit, cls, b.node)) Walk(b.node, false);
    }
    for (const ast::Slot& k : *cls->fields[ast::ClassDefFields::keywords].list) {
      Walk(k.node->fields[ast::keywordFields::value].node, false);
    }
    Define(cls, false);
  }

  void ExpandImport(const Node* stmt) {
    bool from = stmt->kind == Kind::ImportFrom;
    std::string base;
    if (from) {
      std::string_view module = StrView(stmt->fields[ast::ImportFromFields::module].str);
      if (!ResolveImportFrom(context_, stmt->fields[ast::ImportFromFields::level].integer, module,
                             &base)) {
        base.clear();  // a relative import above the top-level package: nothing to point at
      }
    }
    const List* names = stmt->fields[from ? +ast::ImportFromFields::names : +ast::ImportFields::names].list;
    for (const ast::Slot& s : *names) {
      const Node* alias = s.node;
      std::string_view name = StrView(alias->fields[ast::aliasFields::name].str);
      bool has_asname = alias->fields[ast::aliasFields::asname].str != nullptr;
      if (from) {
        if (name == "*") {
          if (base.empty()) continue;
          out_->external.push_back({alias, DependsType::kImport, base, ""});
          if (cur_ == &buf_.states[0]) {
            out_->exports.push_back({"*", alias, base, "*"});
          }
          continue;
        }
        if (!base.empty()) {
          AddImport(alias, false);
          out_->external.push_back({alias, DependsType::kImport, base, std::string(name)});
        }
      } else {
        // `import a.b.c` binds `a` (the package); `import a.b.c as d` binds the module a.b.c.
        AddImport(alias, !has_asname);
        out_->external.push_back({alias, DependsType::kImport, std::string(name), ""});
      }
      Define(alias, false);
    }
  }

  void ExpandPattern(const Node* pattern) {
    std::vector<const Node*> captures;
    std::vector<const Node*> work{pattern};
    while (!work.empty()) {
      const Node* q = work.back();
      work.pop_back();
      auto push_list = [&](const List* l) {
        for (uint32_t i = l->size; i-- > 0;) work.push_back(l->items[i].node);
      };
      switch (q->kind) {
        case Kind::MatchValue: Walk(q->fields[ast::MatchValueFields::value].node, false); break;
        case Kind::MatchSequence: push_list(q->fields[ast::MatchSequenceFields::patterns].list); break;
        case Kind::MatchMapping:
          WalkList(q->fields[ast::MatchMappingFields::keys].list);
          push_list(q->fields[ast::MatchMappingFields::patterns].list);
          if (q->fields[ast::MatchMappingFields::rest].str != nullptr) captures.push_back(q);
          break;
        case Kind::MatchClass:
          Walk(q->fields[ast::MatchClassFields::cls].node, false);
          push_list(q->fields[ast::MatchClassFields::kwd_patterns].list);
          push_list(q->fields[ast::MatchClassFields::patterns].list);
          break;
        case Kind::MatchStar:
          if (q->fields[ast::MatchStarFields::name].str != nullptr) captures.push_back(q);
          break;
        case Kind::MatchAs:
          if (q->fields[ast::MatchAsFields::name].str != nullptr) captures.push_back(q);
          if (const Node* inner = q->fields[ast::MatchAsFields::pattern].node) work.push_back(inner);
          break;
        case Kind::MatchOr: push_list(q->fields[ast::MatchOrFields::patterns].list); break;
        default: break;  // MatchSingleton
      }
    }
    // The alternatives of an or-pattern bind the same names: kill once, then generate each.
    for (const Node* c : captures) Kill(c);
    for (const Node* c : captures) Define(c, true);
  }

  /// Evaluates an expression: loads are uses, stores definitions, dels kills. An explicit stack,
  /// children pushed in reverse so they pop in evaluation order. `conditional`: the expression
  /// may not run (right of and/or, a branch of if-else, a comprehension body, a lambda).
  void Walk(const Node* root, bool conditional) {
    using W = WalkItem;
    // Many expressions walked are one name (`return x`, an assignment's target): no stack.
    if (root->kind == Kind::Name) return VisitName(root, conditional);
    WalkStack<W>& stack = buf_.walk_stack;
    stack.clear();
    stack.push({root, conditional});
    while (!stack.empty()) {
      W w = stack.pop();
      const Node* n = w.node;
      // An attribute evaluates only its object (whatever its context): `a.b.c` goes straight to
      // `a`, without a stack round per dot.
      while (n->kind == Kind::Attribute) n = n->fields[ast::AttributeFields::value].node;
      // Names, the most common node here, are tested before the switch's jump table.
      if (n->kind == Kind::Name) {
        VisitName(n, w.cond);
        continue;
      }
      switch (n->kind) {
        case Kind::NamedExpr:
          stack.push({n->fields[ast::NamedExprFields::target].node, w.cond});
          stack.push({n->fields[ast::NamedExprFields::value].node, w.cond});
          continue;
        case Kind::BoolOp: {
          const List* values = n->fields[ast::BoolOpFields::values].list;
          for (uint32_t i = values->size; i-- > 0;)
            stack.push({values->items[i].node, w.cond || i > 0});
          continue;
        }
        case Kind::IfExp:
          stack.push({n->fields[ast::IfExpFields::orelse].node, true});
          stack.push({n->fields[ast::IfExpFields::body].node, true});
          stack.push({n->fields[ast::IfExpFields::test].node, w.cond});
          continue;
        case Kind::ListComp:
        case Kind::SetComp:
        case Kind::GeneratorExp:
        case Kind::DictComp: {
          const List* gens;
          if (n->kind == Kind::DictComp) {
            stack.push({n->fields[ast::DictCompFields::value].node, true});
            stack.push({n->fields[ast::DictCompFields::key].node, true});
            gens = n->fields[ast::DictCompFields::generators].list;
          } else {
            static_assert(+ast::ListCompFields::elt == +ast::SetCompFields::elt &&
                          +ast::ListCompFields::elt == +ast::GeneratorExpFields::elt &&
                          +ast::ListCompFields::generators == +ast::SetCompFields::generators &&
                          +ast::ListCompFields::generators == +ast::GeneratorExpFields::generators);
            stack.push({n->fields[ast::ListCompFields::elt].node, true});
            gens = n->fields[ast::ListCompFields::generators].list;
          }
          for (uint32_t g = gens->size; g-- > 0;) {
            const Node* comp = gens->items[g].node;
            const List* ifs = comp->fields[ast::comprehensionFields::ifs].list;
            for (uint32_t i = ifs->size; i-- > 0;) stack.push({ifs->items[i].node, true});
            stack.push({comp->fields[ast::comprehensionFields::target].node, true});
            stack.push({comp->fields[ast::comprehensionFields::iter].node, g == 0 ? w.cond : true});
          }
          continue;
        }
        case Kind::Lambda: {
          const Node* args = n->fields[ast::LambdaFields::args].node;
          stack.push({n->fields[ast::LambdaFields::body].node, true});
          ForEachArg(args, [&](const Node* a) { Define(a, false); });
          for (uint32_t field : {ast::argumentsFields::defaults, ast::argumentsFields::kw_defaults}) {
            const List* l = args->fields[field].list;
            for (uint32_t i = l->size; i-- > 0;) {
              if (l->items[i].node != nullptr) stack.push({l->items[i].node, w.cond});
            }
          }
          continue;
        }
        case Kind::Call: {
          // The generic order (function, arguments, keywords), with each keyword's value pushed
          // in place of the keyword node; the function is evaluated first, so its use (when it
          // is a name or attributes of one) is made before anything pushed is popped.
          const List* keywords = n->fields[ast::CallFields::keywords].list;
          for (uint32_t i = keywords->size; i-- > 0;) {
            const Node* value = keywords->items[i].node->fields[ast::keywordFields::value].node;
            if (value->kind != Kind::Constant) stack.push({value, w.cond});
          }
          const List* args = n->fields[ast::CallFields::args].list;
          for (uint32_t i = args->size; i-- > 0;) {
            const Node* arg = args->items[i].node;
            if (arg->kind != Kind::Constant) stack.push({arg, w.cond});
          }
          const Node* func = n->fields[ast::CallFields::func].node;
          if (!UseCallee(DependsType::kCall, n, func)) stack.push({func, w.cond});
          continue;
        }
        default: break;
      }
      const ChildFields& children = ChildrenOf(n->kind);
      for (uint32_t c = children.count; c-- > 0;) {
        const ast::Slot& slot = n->fields[children.index[c]];
        // A Constant uses and defines nothing: it is not pushed.
        if (!children.is_list[c]) {
          if (slot.node != nullptr && slot.node->kind != Kind::Constant) {
            stack.push({slot.node, w.cond});
          }
          continue;
        }
        for (uint32_t j = slot.list->size; j-- > 0;) {
          const Node* child = slot.list->items[j].node;
          if (child != nullptr && child->kind != Kind::Constant) stack.push({child, w.cond});
        }
      }
    }
  }

  /// A Name: a load is a use, a store a definition, a del a kill.
  void VisitName(const Node* n, bool conditional) {
    auto ctx = static_cast<ast::Singleton>(n->fields[ast::NameFields::ctx].integer);
    if (ctx == ast::Singleton::Load) {
      Use(n);
    } else if (ctx == ast::Singleton::Store) {
      Define(n, conditional);
    } else {
      Kill(n);
    }
  }

  /// A call or base class whose callee is a Name or attributes of one (anything else: false,
  /// for the caller to walk) is evaluated as a use of that Name, an attribute evaluating only its
  /// object; the use is made here, carrying the reference its definitions resolve.
  bool UseCallee(DependsType type, const Node* from, const Node* callee) {
    const Node* base = callee;
    while (base->kind == Kind::Attribute) base = base->fields[ast::AttributeFields::value].node;
    if (base->kind != Kind::Name) return false;
    const auto ref = static_cast<uint32_t>(buf_.refs.size());
    buf_.refs.push_back({type, from, base, callee});
    Use(base, ref);
    return true;
  }

  /// A Name read; `ref`: the call or base class whose callee it is (UseCallee).
  void Use(const Node* name, uint32_t ref = kNoRef) {
    const SymbolInfo* info = InfoOf(name);
    if (info == nullptr) return;
    if (info->flow_owner == cur_index_) {
      AddOcc(OccType::kUse, {info->key, ref, name}, info->local);
      return;
    }
    buf_.loose.push({name, info->key, ref});
    // (A different binding: the same one twice would make each of its edges twice.)
    if (info->class_key != kUnset && info->class_key != info->key) {
      buf_.loose.push({name, info->class_key, ref});
    }
  }

  void Define(const Node* def, bool conditional) {
    const SymbolInfo* info = InfoOf(def);
    if (info == nullptr) return;
    buf_.all_defs.Add(info->key, def);
    if (info->flow_owner == cur_index_) {
      AddOcc(conditional ? OccType::kGen : OccType::kDef, {info->key, kNoRef, def}, info->local);
    } else {
      buf_.remote_defs.Add(info->key, def);
      buf_.owns_remote[buf_.key_list[info->key].owner->index()] = 1;
    }
  }

  void Kill(const Node* node) {
    const SymbolInfo* info = InfoOf(node);
    if (info == nullptr) return;
    if (info->flow_owner == cur_index_) {
      AddOcc(OccType::kKill, {info->key, kNoRef, node}, info->local);
    }
  }

  /// An occurrence of the current flow, `local` its binding's number there (forced inline: one
  /// per name, and GCC kept it a call).
  [[gnu::always_inline]] void AddOcc(OccType type, const Occ& occ, uint32_t local) {
    buf_.occs.push(occ);
    buf_.rd_occs.push({type, local});
    cur_->uses += type == OccType::kUse ? 1 : 0;
  }

  // ---- reaching definitions ----

  /// Reaching definitions over the points of one flow (semantic/reaching.h), then the edges:
  /// each use to the definitions that reach it, plus those made elsewhere (a nested function's
  /// `global`/`nonlocal`); a class body's not-yet-bound names to the module's definitions; a
  /// module's definitions reaching its end become its exports.
  void Dataflow(FlowState& fs) {
    const auto num_occs = fs.occ_end - fs.occ_begin;
    const Occ* occs = buf_.occs.data() + fs.occ_begin;
    bool is_class = fs.scope->type() == ScopeType::kClass;
    bool is_module = &fs == &buf_.states[0];

    // The flow's keys are the bindings its scope owns, numbered when made (BindingKey::local):
    // the solver reads them without a renumbering pass.
    const bool remote = buf_.owns_remote[fs.scope->index()] != 0;  // definitions made elsewhere
    RdProblem problem;
    problem.flow = fs.flow;
    problem.first = buf_.first.data() + fs.first_begin;
    problem.occs = buf_.rd_occs.data() + fs.occ_begin;
    problem.num_occs = num_occs;
    problem.num_keys = buf_.owned_keys[fs.scope->index()];
    problem.entry_pseudo = is_class;
    problem.want_exit = is_module;
    buf_.rd_result.use_defs.clear();
    buf_.rd_result.exit_defs.clear();
    // A flow that reads no name has nothing to solve, unless it is the module's (its exports).
    if (fs.uses != 0 || is_module) SolveReaching(problem, &buf_.rd_ws, &buf_.rd_result);

    for (const auto& [use, def] : buf_.rd_result.use_defs) {
      const Occ& u = occs[use];
      if (def != kPseudoDef) {
        AddData(u, occs[def].node);
      } else {
        // Read before the class binds it: the global of that name.
        buf_.all_defs.ForEach(Key(&table_.top(), buf_.key_list[u.key].name_id).id,
                          [&](const Node* d) { AddData(u, d); });
      }
    }
    out_->exports.reserve(out_->exports.size() + buf_.rd_result.exit_defs.size());
    for (uint32_t def : buf_.rd_result.exit_defs)
      AddExport(buf_.key_list[occs[def].key].name, occs[def].node);
    for (uint32_t i = 0; remote && i < num_occs; ++i) {
      if (problem.occs[i].type != OccType::kUse) continue;
      buf_.remote_defs.ForEach(occs[i].key,
                               [&](const Node* d) { AddData(occs[i], d); });
    }
  }

  void AddData(const Occ& use, const Node* def) { AddData(use.node, use.key, def, use.ref); }
  /// A data edge from `use` (of binding `key`) to `def`. Each is made once: a use is walked once
  /// and reads each definition once, from its flow or from elsewhere (see Finish).
  void AddData(const Node* use, uint32_t key, const Node* def, uint32_t ref) {
    out_->depends.push_back({use, def, DependsType::kData, UseName(use, key)});
    if (ref != kNoRef) buf_.ref_defs.push_back({ref, def});
  }
  /// The identifier of Name `use`, which binds `key`. Read from the binding, which the pass has
  /// at hand, unless it may be a mangled private name (`_C__x` for `__x` in class C): those begin
  /// with '_', and only then is the node's own identifier read.
  std::string_view UseName(const Node* use, uint32_t key) const {
    const BindingKey& bound = buf_.key_list[key];
    return bound.plain ? bound.name : NameId(use);
  }

  // ---- exports, calls, bases ----

  void AddExport(std::string_view name, const Node* def) {
    ModuleExport e{std::string(name), def, "", ""};
    if (def->kind == Kind::alias) {
      if (const ImportInfo* info = FindImport(def)) {
        e.from_module = ImportModule(*info);
        e.from_name = out_->external[info->external].name;
      }
    }
    out_->exports.push_back(std::move(e));
  }

  /// Notes what `alias` binds: the ExternalRef pushed next is its own.
  void AddImport(const Node* alias, bool first_component) {
    buf_.imports.push_back({alias, static_cast<uint32_t>(out_->external.size()), first_component});
  }
  static bool ImportByAlias(const ImportInfo& a, const ImportInfo& b) { return a.alias < b.alias; }
  /// What import alias `alias` binds, or null (a relative import above the top-level package).
  /// Called once every flow is expanded (buf_.imports is then sorted).
  const ImportInfo* FindImport(const Node* alias) const {
    const std::vector<ImportInfo>& imports = buf_.imports;
    auto it = std::lower_bound(imports.begin(), imports.end(), ImportInfo{alias, 0, false},
                               ImportByAlias);
    return it != imports.end() && it->alias == alias ? &*it : nullptr;
  }
  std::string_view ImportModule(const ImportInfo& info) const {
    std::string_view module = out_->external[info.external].module;
    return info.first_component ? FirstComponent(module) : module;
  }

  void RemoteExports() {
    const Scope* top = &table_.top();
    if (buf_.owns_remote[top->index()] == 0) return;  // (most modules: no scan of every key)
    for (size_t k = 0; k < buf_.key_list.size(); ++k) {
      if (buf_.key_list[k].owner != top) continue;
      buf_.remote_defs.ForEach(k, [&](const Node* d) { AddExport(buf_.key_list[k].name, d); });
    }
  }

  /// Each reference with the definitions of its callee, grouped by reference with a counting sort
  /// (references are numbered densely). The order of references and of one reference's
  /// definitions does not matter: Finish sorts what they produce.
  void ResolveReferences() {
    const std::vector<std::pair<uint32_t, const Node*>>& ref_defs = buf_.ref_defs;
    if (ref_defs.empty()) return;
    std::vector<uint32_t>& first = buf_.ref_first;
    first.assign(buf_.refs.size() + 1, 0);
    for (const auto& [ref, def] : ref_defs) ++first[ref + 1];
    for (size_t i = 1; i < first.size(); ++i) first[i] += first[i - 1];
    std::vector<const Node*>& defs = buf_.ref_grouped;
    defs.resize(ref_defs.size());
    for (const auto& [ref, def] : ref_defs) defs[first[ref]++] = def;  // first[r]: end of r's run
    for (uint32_t ref = 0, begin = 0; ref < buf_.refs.size(); begin = first[ref++]) {
      if (first[ref] != begin) {
        ResolveReference(buf_.refs[ref], {defs.data() + begin, first[ref] - begin});
      }
    }
  }

  /// A call or base class whose callee Name has the definitions `callee_defs`.
  void ResolveReference(const Reference& r, std::span<const Node* const> callee_defs) {
    bool interesting = false;
    for (const Node* d : callee_defs) {
      Kind k = d->kind;
      interesting = interesting || k == Kind::ClassDef || k == Kind::FunctionDef ||
                    k == Kind::AsyncFunctionDef || k == Kind::alias || k == Kind::Name;
    }
    if (!interesting) return;
    std::vector<std::string_view>& chain = buf_.chain;
    AttributeChain(r.callee, &chain);
    std::string_view name = chain.empty() ? NameId(r.base) : chain.back();
    for (const Node* d : callee_defs) {
      switch (d->kind) {
        case Kind::ClassDef:
          if (chain.empty()) {
            out_->depends.push_back({r.from, d, r.type, name});
          } else if (chain.size() == 1 && r.type == DependsType::kCall) {
            // `C.method()`: a def of that name in the class body.
            for (const ast::Slot& s : *d->fields[ast::ClassDefFields::body].list) {
              const Node* m = s.node;
              if ((m->kind == Kind::FunctionDef || m->kind == Kind::AsyncFunctionDef) &&
                  StrView(m->fields[ast::FunctionDefFields::name].str) == chain[0]) {
                out_->depends.push_back({r.from, m, r.type, name});
              }
            }
          }
          break;
        case Kind::FunctionDef:
        case Kind::AsyncFunctionDef:
          if (chain.empty() && r.type == DependsType::kCall) {
            out_->depends.push_back({r.from, d, r.type, name});
          }
          break;
        case Kind::Name: {
          auto it = lambda_of_.find(d);
          if (it != lambda_of_.end() && chain.empty() && r.type == DependsType::kCall) {
            out_->depends.push_back({r.from, it->second, r.type, name});
          }
          break;
        }
        case Kind::alias: {
          const ImportInfo* info = FindImport(d);
          if (info == nullptr) break;
          std::string target = out_->external[info->external].name;
          for (std::string_view part : chain) {
            if (!target.empty()) target.push_back('.');
            target.append(part);
          }
          if (target.empty()) break;  // calling a module
          // Copied before the push, which may move the strings it is read from.
          std::string module(ImportModule(*info));
          out_->external.push_back({r.from, r.type, std::move(module), std::move(target)});
          break;
        }
        default: break;
      }
    }
  }

  /// DEPENDS_ON edges stay in the order they were made (deterministic: flows by position, each
  /// flow's uses in evaluation order, then free and global names, then calls and bases); the
  /// graph's consumers do not need them sorted, and sorting every module's edges cost more than
  /// any other step of def-use but the walk. Data edges are unique as made. Calls and bases,
  /// made last, can repeat one (`class A(B, B)`): those are sorted by position and deduplicated.
  /// External references and exports are sorted: the resolver merges them across files.
  void Finish(size_t refs_begin) {
    auto& deps = out_->depends;
    const size_t n = deps.size() - refs_begin;
    std::vector<SortKey>& keys = buf_.sort_keys;
    keys.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const DependsEdge& e = deps[refs_begin + i];
      keys[i] = {(uint64_t{e.from->begin} << 32) | e.from->end, (uint64_t{e.to->begin} << 32) | e.to->end,
                 (static_cast<uint32_t>(e.from->kind) << 20) | (static_cast<uint32_t>(e.to->kind) << 4) |
                     static_cast<uint32_t>(e.type),
                 static_cast<uint32_t>(refs_begin + i)};
    }
    SortByKey(
        keys, buf_.sort_scratch,
        [](const SortKey& k) { return static_cast<uint32_t>(k.from >> 32); },
        [&](const SortKey& a, const SortKey& b) {
          if (a.from != b.from) return a.from < b.from;
          if (a.to != b.to) return a.to < b.to;
          if (a.kinds != b.kinds) return a.kinds < b.kinds;
          return deps[a.index].name < deps[b.index].name;
        });
    std::vector<DependsEdge>& sorted = buf_.sorted_edges;
    sorted.clear();
    for (const SortKey& k : keys) {
      const DependsEdge& e = deps[k.index];
      if (!sorted.empty() && sorted.back().from == e.from && sorted.back().to == e.to &&
          sorted.back().type == e.type) {
        continue;
      }
      sorted.push_back(e);
    }
    deps.resize(refs_begin);
    deps.insert(deps.end(), sorted.begin(), sorted.end());
    auto ext_key = [](const ExternalRef& r) {
      return std::make_tuple(PosKey(r.from), static_cast<int>(r.type), std::string_view(r.module),
                             std::string_view(r.name));
    };
    SortUnique(
        out_->external,
        [&](const ExternalRef& a, const ExternalRef& b) { return ext_key(a) < ext_key(b); },
        [&](const ExternalRef& a, const ExternalRef& b) {
          return a.from == b.from && ext_key(a) == ext_key(b);
        });
    auto exp_key = [](const ModuleExport& e) {
      return std::make_tuple(std::string_view(e.name), PosKey(e.node));
    };
    SortUnique(
        out_->exports,
        [&](const ModuleExport& a, const ModuleExport& b) { return exp_key(a) < exp_key(b); },
        [](const ModuleExport& a, const ModuleExport& b) {
          return a.name == b.name && a.node == b.node;
        });
  }

  /// Sorts `v` by `less` and drops each record `same` as the one kept before it. Through an
  /// index array: records holding strings move once, not at every step of the sort.
  template <typename T, typename Less, typename Same>
  void SortUnique(std::vector<T>& v, Less less, Same same) {
    std::vector<uint32_t>& order = buf_.order;
    order.resize(v.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return less(v[a], v[b]); });
    std::vector<T> sorted;
    sorted.reserve(v.size());
    for (uint32_t i : order) {
      if (!sorted.empty() && same(sorted.back(), v[i])) continue;
      sorted.push_back(std::move(v[i]));
    }
    v.swap(sorted);
  }

  const SymbolTable& table_;
  const ModuleContext& context_;
  FileSemantics* out_;
  FlowState* cur_ = nullptr;
  uint32_t cur_index_ = 0;  ///< cur_->scope->index()

  DefUseBuffers& buf_;  ///< occurrences, walk stack, solver scratch, per-symbol and per-key tables
  std::unordered_map<const Node*, const Node*> lambda_of_;
  static constexpr uint32_t kUnset = SymbolInfo::kUnset;
  static constexpr uint32_t kNone = 0xfffffffeu;  ///< SymbolInfo::key of a symbol without owner
};

}  // namespace

void AnalyzeDefUse(const SymbolTable& table, std::span<const ScopeFlow> flows,
                   const ModuleContext& context, FileSemantics* out) {
  thread_local DefUseBuffers buffers;
  DefUse pass(table, context, out, &buffers);
  pass.Run(flows);
  buffers.Trim();
}

}  // namespace ast2graph::semantic
