#include "semantic/defuse.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "semantic/imports.h"

namespace ast2graph::semantic {

namespace {

using ast::Kind;
using ast::List;
using ast::Node;

std::string_view StrView(const ast::Str* s) { return s == nullptr ? std::string_view() : s->view(); }
std::string_view NameId(const Node* name) { return StrView(name->fields[ast::NameFields::id].str); }

/// A use or definition that takes part in reaching definitions, in evaluation order.
enum class OccType : uint8_t {
  kUse,   ///< a load of the name
  kDef,   ///< a definition: kills the name's other definitions
  kGen,   ///< a definition that may not happen (walrus under and/or/if-else, a capture)
  kKill,  ///< del, or the implicit del at the end of an except-as body
};

struct Occ {
  OccType type;
  uint32_t key;
  const Node* node;
};

/// A binding: the scope whose namespace holds it and the symbol's name there (mangled form).
struct BindingKey {
  const Scope* owner;
  std::string_view name;
  bool operator==(const BindingKey& o) const { return owner == o.owner && name == o.name; }
};
struct BindingKeyHash {
  size_t operator()(const BindingKey& k) const {
    return std::hash<const void*>()(k.owner) * 1000003u ^ std::hash<std::string_view>()(k.name);
  }
};

/// What an import alias binds: a module (`import a.b`, `import a.b as c`) or a name in a module
/// (`from m import x`).
struct ImportInfo {
  std::string module;
  std::string name;  ///< empty for a module
};

/// A call or base class whose callee is `base` (a Name) followed by attribute names.
struct Reference {
  DependsType type;
  const Node* from;  ///< the Call, or the ClassDef for a base
  const Node* base;  ///< Name(Load)
  std::vector<std::string_view> chain;
};

/// Sort key of a node by position (kind breaks ties between nodes of the same range).
auto PosKey(const Node* n) { return std::make_tuple(n->begin, n->end, static_cast<int>(n->kind)); }

class DefUse {
 public:
  DefUse(const SymbolTable& table, const ModuleContext& context, FileSemantics* out)
      : table_(table), context_(context), out_(out) {}

  void Run(const std::vector<ScopeFlow>& flows) {
    states_.resize(flows.size());
    for (size_t i = 0; i < flows.size(); ++i) {
      states_[i].flow = &flows[i];
      states_[i].scope = table_.ScopeOf(flows[i].scope);
      if (states_[i].scope == nullptr) continue;
      cur_ = &states_[i];
      Expand();
    }
    cur_ = nullptr;
    for (FlowState& fs : states_) {
      if (fs.scope != nullptr) Dataflow(fs);
    }
    for (const LooseUse& u : loose_) {
      for (const Node* d : all_defs_[u.key]) AddData(u.node, d);
    }
    ResolveReferences();
    if (!states_.empty() && states_[0].scope != nullptr) RemoteExports();
    Finish();
  }

 private:
  struct FlowState {
    const ScopeFlow* flow = nullptr;
    const Scope* scope = nullptr;
    std::vector<Occ> occs;
    std::vector<uint32_t> first;  ///< occs of point p: [first[p], first[p+1])
  };
  struct LooseUse {
    const Node* node;
    uint32_t key;
  };
  struct WalkItem {
    const Node* node;
    bool cond;
  };

  uint32_t Key(const Scope* owner, std::string_view name) {
    auto [it, inserted] = keys_.try_emplace({owner, name}, static_cast<uint32_t>(key_list_.size()));
    if (inserted) {
      key_list_.push_back({owner, name});
      all_defs_.emplace_back();
      remote_defs_.emplace_back();
    }
    return it->second;
  }

  /// The occurrence runs where the current flow runs: in its scope, or in a comprehension CPython
  /// inlines into it (PEP 709), not in a lambda, generator expression or annotation scope.
  bool Inline(const Scope* sc) const {
    while (sc != nullptr && sc != cur_->scope && sc->is_inlined()) sc = sc->parent();
    return sc == cur_->scope;
  }

  // ---- items to occurrences ----

  void Expand() {
    const ScopeFlow& f = *cur_->flow;
    cur_->first.assign(f.points.size() + 1, 0);
    for (size_t p = 0; p < f.points.size(); ++p) {
      cur_->first[p] = static_cast<uint32_t>(cur_->occs.size());
      if (f.live[p] == 0) continue;  // unreachable code defines and uses nothing
      const Point& pt = f.points[p];
      NoteLambdaAssignment(pt.owner);
      for (uint32_t i = 0; i < pt.item_count; ++i) ExpandItem(f.items[pt.first_item + i]);
    }
    cur_->first[f.points.size()] = static_cast<uint32_t>(cur_->occs.size());
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
      NoteReference(DependsType::kInherit, cls, b.node);
      Walk(b.node, false);
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
        if (base.empty()) continue;
        if (name == "*") {
          out_->external.push_back({alias, DependsType::kImport, base, ""});
          if (cur_ == &states_[0]) {
            out_->exports.push_back({"*", alias, base, "*"});
          }
          continue;
        }
        out_->external.push_back({alias, DependsType::kImport, base, std::string(name)});
        import_info_[alias] = {base, std::string(name)};
      } else {
        out_->external.push_back({alias, DependsType::kImport, std::string(name), ""});
        // `import a.b.c` binds `a` (the package); `import a.b.c as d` binds the module a.b.c.
        import_info_[alias] = {std::string(has_asname ? name : FirstComponent(name)), ""};
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
    std::vector<W>& stack = walk_stack_;
    stack.clear();
    stack.push_back({root, conditional});
    while (!stack.empty()) {
      W w = stack.back();
      stack.pop_back();
      const Node* n = w.node;
      switch (n->kind) {
        case Kind::Name: {
          auto ctx = static_cast<ast::Singleton>(n->fields[ast::NameFields::ctx].integer);
          if (ctx == ast::Singleton::Load) {
            Use(n);
          } else if (ctx == ast::Singleton::Store) {
            Define(n, w.cond);
          } else {
            Kill(n);
          }
          continue;
        }
        case Kind::NamedExpr:
          stack.push_back({n->fields[ast::NamedExprFields::target].node, w.cond});
          stack.push_back({n->fields[ast::NamedExprFields::value].node, w.cond});
          continue;
        case Kind::BoolOp: {
          const List* values = n->fields[ast::BoolOpFields::values].list;
          for (uint32_t i = values->size; i-- > 0;) stack.push_back({values->items[i].node, w.cond || i > 0});
          continue;
        }
        case Kind::IfExp:
          stack.push_back({n->fields[ast::IfExpFields::orelse].node, true});
          stack.push_back({n->fields[ast::IfExpFields::body].node, true});
          stack.push_back({n->fields[ast::IfExpFields::test].node, w.cond});
          continue;
        case Kind::ListComp:
        case Kind::SetComp:
        case Kind::GeneratorExp:
        case Kind::DictComp: {
          const List* gens;
          if (n->kind == Kind::DictComp) {
            stack.push_back({n->fields[ast::DictCompFields::value].node, true});
            stack.push_back({n->fields[ast::DictCompFields::key].node, true});
            gens = n->fields[ast::DictCompFields::generators].list;
          } else {
            static_assert(+ast::ListCompFields::elt == +ast::SetCompFields::elt &&
                          +ast::ListCompFields::elt == +ast::GeneratorExpFields::elt &&
                          +ast::ListCompFields::generators == +ast::SetCompFields::generators &&
                          +ast::ListCompFields::generators == +ast::GeneratorExpFields::generators);
            stack.push_back({n->fields[ast::ListCompFields::elt].node, true});
            gens = n->fields[ast::ListCompFields::generators].list;
          }
          for (uint32_t g = gens->size; g-- > 0;) {
            const Node* comp = gens->items[g].node;
            const List* ifs = comp->fields[ast::comprehensionFields::ifs].list;
            for (uint32_t i = ifs->size; i-- > 0;) stack.push_back({ifs->items[i].node, true});
            stack.push_back({comp->fields[ast::comprehensionFields::target].node, true});
            stack.push_back({comp->fields[ast::comprehensionFields::iter].node, g == 0 ? w.cond : true});
          }
          continue;
        }
        case Kind::Lambda: {
          const Node* args = n->fields[ast::LambdaFields::args].node;
          stack.push_back({n->fields[ast::LambdaFields::body].node, true});
          ForEachArg(args, [&](const Node* a) { Define(a, false); });
          for (uint32_t field : {ast::argumentsFields::defaults, ast::argumentsFields::kw_defaults}) {
            const List* l = args->fields[field].list;
            for (uint32_t i = l->size; i-- > 0;) {
              if (l->items[i].node != nullptr) stack.push_back({l->items[i].node, w.cond});
            }
          }
          continue;
        }
        case Kind::Call:
          NoteReference(DependsType::kCall, n, n->fields[ast::CallFields::func].node);
          break;
        default: break;
      }
      for (uint32_t i = ast::FieldCount(n->kind); i-- > 0;) {
        const ast::Slot& slot = n->fields[i];
        switch (ast::Field(n->kind, i).type) {
          case ast::FieldType::NODE:
          case ast::FieldType::OPT_NODE:
            if (slot.node != nullptr) stack.push_back({slot.node, w.cond});
            break;
          case ast::FieldType::NODE_LIST:
            for (uint32_t j = slot.list->size; j-- > 0;) {
              if (slot.list->items[j].node != nullptr) stack.push_back({slot.list->items[j].node, w.cond});
            }
            break;
          default: break;
        }
      }
    }
  }

  void NoteReference(DependsType type, const Node* from, const Node* callee) {
    std::vector<std::string_view> chain;
    while (callee->kind == Kind::Attribute) {
      chain.push_back(StrView(callee->fields[ast::AttributeFields::attr].str));
      callee = callee->fields[ast::AttributeFields::value].node;
    }
    if (callee->kind != Kind::Name) return;
    std::reverse(chain.begin(), chain.end());
    refs_.push_back({type, from, callee, std::move(chain)});
  }

  void Use(const Node* name) {
    NameResolution r = table_.Resolve(name);
    if (r.symbol == nullptr || r.owner == nullptr) return;
    uint32_t key = Key(r.owner, r.symbol->name);
    if (r.owner == cur_->scope && Inline(r.scope)) {
      cur_->occs.push_back({OccType::kUse, key, name});
      return;
    }
    loose_.push_back({name, key});
    if (r.from_class_namespace) loose_.push_back({name, Key(&table_.top(), r.symbol->name)});
  }

  void Define(const Node* def, bool conditional) {
    NameResolution r = table_.Resolve(def);
    if (r.symbol == nullptr || r.owner == nullptr) return;
    uint32_t key = Key(r.owner, r.symbol->name);
    all_defs_[key].push_back(def);
    if (r.owner == cur_->scope && Inline(r.scope)) {
      cur_->occs.push_back({conditional ? OccType::kGen : OccType::kDef, key, def});
    } else {
      remote_defs_[key].push_back(def);
    }
  }

  void Kill(const Node* node) {
    NameResolution r = table_.Resolve(node);
    if (r.symbol == nullptr || r.owner == nullptr) return;
    if (r.owner == cur_->scope && Inline(r.scope)) {
      cur_->occs.push_back({OccType::kKill, Key(r.owner, r.symbol->name), node});
    }
  }

  // ---- reaching definitions ----

  /// Iterative bit-vector reaching definitions over the points of one flow, 64 definitions at a
  /// time (definitions of a name are contiguous, so a kill is a mask). Memory is linear in the
  /// number of points; time is points x definitions / 64 x loop depth.
  void Dataflow(FlowState& fs) {
    const ScopeFlow& f = *fs.flow;
    const auto num_points = static_cast<uint32_t>(f.points.size());
    bool is_class = fs.scope->type() == ScopeType::kClass;
    bool is_module = &fs == &states_[0];

    // Local key ids.
    std::unordered_map<uint32_t, uint32_t> local;
    std::vector<uint32_t> local_key;  // local id -> global key
    std::vector<uint32_t> occ_local(fs.occs.size());
    for (size_t i = 0; i < fs.occs.size(); ++i) {
      auto [it, inserted] = local.try_emplace(fs.occs[i].key, static_cast<uint32_t>(local_key.size()));
      if (inserted) local_key.push_back(fs.occs[i].key);
      occ_local[i] = it->second;
    }
    const auto num_local = static_cast<uint32_t>(local_key.size());

    // Definitions: in a class body, a name may be read before the class binds it (then Python
    // reads the global): a pseudo definition per used name at the entry stands for that.
    struct Def {
      uint32_t local;
      const Node* node;  // null: the pseudo definition
    };
    std::vector<Def> defs;
    std::vector<uint32_t> occ_def(fs.occs.size(), UINT32_MAX);
    if (is_class) {
      std::vector<uint8_t> used(num_local, 0);
      for (size_t i = 0; i < fs.occs.size(); ++i) {
        if (fs.occs[i].type == OccType::kUse && used[occ_local[i]] == 0) {
          used[occ_local[i]] = 1;
          defs.push_back({occ_local[i], nullptr});
        }
      }
    }
    const auto num_pseudo = static_cast<uint32_t>(defs.size());
    for (size_t i = 0; i < fs.occs.size(); ++i) {
      if (fs.occs[i].type == OccType::kDef || fs.occs[i].type == OccType::kGen) {
        occ_def[i] = static_cast<uint32_t>(defs.size());
        defs.push_back({occ_local[i], fs.occs[i].node});
      }
    }
    const auto num_defs = static_cast<uint32_t>(defs.size());
    if (num_defs == 0) return;
    std::vector<uint32_t> order(num_defs);
    for (uint32_t i = 0; i < num_defs; ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](uint32_t a, uint32_t b) { return defs[a].local < defs[b].local; });
    std::vector<uint32_t> pos(num_defs);
    for (uint32_t i = 0; i < num_defs; ++i) pos[order[i]] = i;
    std::vector<uint32_t> range_begin(num_local, 0), range_end(num_local, 0);
    for (uint32_t i = num_defs; i-- > 0;) range_begin[defs[order[i]].local] = i;
    for (uint32_t i = 0; i < num_defs; ++i) range_end[defs[order[i]].local] = i + 1;

    // Predecessors and reverse post-order over live points, from the entry.
    std::vector<uint32_t> pred_first(num_points + 1, 0), succ_first(num_points + 1, 0);
    for (const FlowEdge& e : f.edges) {
      if (f.live[e.from] == 0 || f.live[e.to] == 0) continue;
      ++pred_first[e.to + 1];
      ++succ_first[e.from + 1];
    }
    for (uint32_t p = 0; p < num_points; ++p) {
      pred_first[p + 1] += pred_first[p];
      succ_first[p + 1] += succ_first[p];
    }
    std::vector<std::pair<uint32_t, bool>> preds(pred_first[num_points]);
    std::vector<uint32_t> succs(succ_first[num_points]);
    {
      std::vector<uint32_t> pf(pred_first.begin(), pred_first.end() - 1);
      std::vector<uint32_t> sf(succ_first.begin(), succ_first.end() - 1);
      for (const FlowEdge& e : f.edges) {
        if (f.live[e.from] == 0 || f.live[e.to] == 0) continue;
        preds[pf[e.to]++] = {e.from, e.from_in_state};
        succs[sf[e.from]++] = e.to;
      }
    }
    std::vector<uint32_t> rpo;
    {
      std::vector<uint8_t> seen(num_points, 0);
      std::vector<std::pair<uint32_t, uint32_t>> dfs{{f.entry_point, succ_first[f.entry_point]}};
      seen[f.entry_point] = 1;
      while (!dfs.empty()) {
        auto& [p, next] = dfs.back();
        if (next < succ_first[p + 1]) {
          uint32_t q = succs[next++];
          if (seen[q] == 0) {
            seen[q] = 1;
            dfs.push_back({q, succ_first[q]});
          }
        } else {
          rpo.push_back(p);
          dfs.pop_back();
        }
      }
      std::reverse(rpo.begin(), rpo.end());
    }

    std::vector<uint64_t> in(num_points), out(num_points), kill(num_local);
    for (uint32_t base = 0; base < num_defs; base += 64) {
      const uint32_t limit = base + 64;
      for (uint32_t k = 0; k < num_local; ++k) {
        uint32_t b = std::max(range_begin[k], base), e = std::min(range_end[k], limit);
        kill[k] = b < e ? ((e - b == 64 ? ~uint64_t{0} : ((uint64_t{1} << (e - b)) - 1)) << (b - base)) : 0;
      }
      auto gen_bit = [&](uint32_t def) -> uint64_t {
        uint32_t p = pos[def];
        return p >= base && p < limit ? uint64_t{1} << (p - base) : 0;
      };
      uint64_t entry_bits = 0;
      for (uint32_t d = 0; d < num_pseudo; ++d) entry_bits |= gen_bit(d);
      auto transfer = [&](uint32_t p, uint64_t s) {
        for (uint32_t i = fs.first[p]; i < fs.first[p + 1]; ++i) {
          switch (fs.occs[i].type) {
            case OccType::kDef: s = (s & ~kill[occ_local[i]]) | gen_bit(occ_def[i]); break;
            case OccType::kGen: s |= gen_bit(occ_def[i]); break;
            case OccType::kKill: s &= ~kill[occ_local[i]]; break;
            case OccType::kUse: break;
          }
        }
        return s;
      };
      std::fill(in.begin(), in.end(), 0);
      std::fill(out.begin(), out.end(), 0);
      for (bool changed = true; changed;) {
        changed = false;
        for (uint32_t p : rpo) {
          uint64_t s = p == f.entry_point ? entry_bits : 0;
          for (uint32_t i = pred_first[p]; i < pred_first[p + 1]; ++i) {
            s |= preds[i].second ? in[preds[i].first] : out[preds[i].first];
          }
          uint64_t o = transfer(p, s);
          if (s != in[p] || o != out[p]) {
            in[p] = s;
            out[p] = o;
            changed = true;
          }
        }
      }
      // Uses read the state where they occur.
      for (uint32_t p : rpo) {
        uint64_t s = in[p];
        for (uint32_t i = fs.first[p]; i < fs.first[p + 1]; ++i) {
          const Occ& occ = fs.occs[i];
          switch (occ.type) {
            case OccType::kUse:
              for (uint64_t m = s & kill[occ_local[i]]; m != 0; m &= m - 1) {
                const Def& d = defs[order[base + static_cast<uint32_t>(__builtin_ctzll(m))]];
                if (d.node != nullptr) {
                  AddData(occ.node, d.node);
                } else {
                  loose_fallback_.push_back(
                      {occ.node, Key(&table_.top(), key_list_[occ.key].name)});
                }
              }
              break;
            case OccType::kDef: s = (s & ~kill[occ_local[i]]) | gen_bit(occ_def[i]); break;
            case OccType::kGen: s |= gen_bit(occ_def[i]); break;
            case OccType::kKill: s &= ~kill[occ_local[i]]; break;
          }
        }
      }
      if (is_module) {
        for (uint64_t m = in[f.exit_point]; m != 0; m &= m - 1) {
          const Def& d = defs[order[base + static_cast<uint32_t>(__builtin_ctzll(m))]];
          if (d.node != nullptr) AddExport(key_list_[local_key[d.local]].name, d.node);
        }
      }
    }
    // Definitions made elsewhere (a nested function's `global`/`nonlocal`) may reach any use.
    for (size_t i = 0; i < fs.occs.size(); ++i) {
      if (fs.occs[i].type != OccType::kUse) continue;
      for (const Node* d : remote_defs_[fs.occs[i].key]) AddData(fs.occs[i].node, d);
    }
    for (const LooseUse& u : loose_fallback_) {
      for (const Node* d : all_defs_[u.key]) AddData(u.node, d);
    }
    loose_fallback_.clear();
  }

  void AddData(const Node* use, const Node* def) {
    out_->depends.push_back({use, def, DependsType::kData, NameId(use)});
  }

  // ---- exports, calls, bases ----

  void AddExport(std::string_view name, const Node* def) {
    ModuleExport e{std::string(name), def, "", ""};
    if (def->kind == Kind::alias) {
      auto it = import_info_.find(def);
      if (it != import_info_.end()) {
        e.from_module = it->second.module;
        e.from_name = it->second.name;
      }
    }
    out_->exports.push_back(std::move(e));
  }

  void RemoteExports() {
    const Scope* top = &table_.top();
    for (size_t k = 0; k < key_list_.size(); ++k) {
      if (key_list_[k].owner != top) continue;
      for (const Node* d : remote_defs_[k]) AddExport(key_list_[k].name, d);
    }
  }

  void ResolveReferences() {
    if (refs_.empty()) return;
    std::unordered_map<const Node*, std::vector<const Node*>> defs_of;
    for (const Reference& r : refs_) defs_of.try_emplace(r.base);
    for (const DependsEdge& e : out_->depends) {
      auto it = defs_of.find(e.from);
      if (it != defs_of.end()) it->second.push_back(e.to);
    }
    for (const Reference& r : refs_) {
      std::string_view name = r.chain.empty() ? NameId(r.base) : r.chain.back();
      for (const Node* d : defs_of[r.base]) {
        switch (d->kind) {
          case Kind::ClassDef:
            if (r.chain.empty()) {
              out_->depends.push_back({r.from, d, r.type, name});
            } else if (r.chain.size() == 1 && r.type == DependsType::kCall) {
              // `C.method()`: a def of that name in the class body.
              for (const ast::Slot& s : *d->fields[ast::ClassDefFields::body].list) {
                const Node* m = s.node;
                if ((m->kind == Kind::FunctionDef || m->kind == Kind::AsyncFunctionDef) &&
                    StrView(m->fields[ast::FunctionDefFields::name].str) == r.chain[0]) {
                  out_->depends.push_back({r.from, m, r.type, name});
                }
              }
            }
            break;
          case Kind::FunctionDef:
          case Kind::AsyncFunctionDef:
            if (r.chain.empty() && r.type == DependsType::kCall) {
              out_->depends.push_back({r.from, d, r.type, name});
            }
            break;
          case Kind::Name: {
            auto it = lambda_of_.find(d);
            if (it != lambda_of_.end() && r.chain.empty() && r.type == DependsType::kCall) {
              out_->depends.push_back({r.from, it->second, r.type, name});
            }
            break;
          }
          case Kind::alias: {
            auto it = import_info_.find(d);
            if (it == import_info_.end()) break;
            const ImportInfo& info = it->second;
            std::string target = info.name;
            for (std::string_view part : r.chain) {
              if (!target.empty()) target.push_back('.');
              target.append(part);
            }
            if (target.empty()) break;  // calling a module
            out_->external.push_back({r.from, r.type, info.module, std::move(target)});
            break;
          }
          default: break;
        }
      }
    }
  }

  void Finish() {
    auto& deps = out_->depends;
    std::sort(deps.begin(), deps.end(), [](const DependsEdge& a, const DependsEdge& b) {
      auto ka = std::make_tuple(PosKey(a.from), PosKey(a.to), static_cast<int>(a.type));
      auto kb = std::make_tuple(PosKey(b.from), PosKey(b.to), static_cast<int>(b.type));
      if (ka != kb) return ka < kb;
      return a.name < b.name;
    });
    deps.erase(std::unique(deps.begin(), deps.end(),
                           [](const DependsEdge& a, const DependsEdge& b) {
                             return a.from == b.from && a.to == b.to && a.type == b.type;
                           }),
               deps.end());
    auto& ext = out_->external;
    auto ext_key = [](const ExternalRef& r) {
      return std::make_tuple(PosKey(r.from), static_cast<int>(r.type), std::string_view(r.module),
                             std::string_view(r.name));
    };
    std::sort(ext.begin(), ext.end(),
              [&](const ExternalRef& a, const ExternalRef& b) { return ext_key(a) < ext_key(b); });
    ext.erase(std::unique(ext.begin(), ext.end(),
                          [&](const ExternalRef& a, const ExternalRef& b) {
                            return a.from == b.from && ext_key(a) == ext_key(b);
                          }),
              ext.end());
    auto& exp = out_->exports;
    auto exp_key = [](const ModuleExport& e) {
      return std::make_tuple(std::string_view(e.name), PosKey(e.node));
    };
    std::sort(exp.begin(), exp.end(),
              [&](const ModuleExport& a, const ModuleExport& b) { return exp_key(a) < exp_key(b); });
    exp.erase(std::unique(exp.begin(), exp.end(),
                          [](const ModuleExport& a, const ModuleExport& b) {
                            return a.name == b.name && a.node == b.node;
                          }),
              exp.end());
  }

  const SymbolTable& table_;
  const ModuleContext& context_;
  FileSemantics* out_;
  std::vector<FlowState> states_;
  FlowState* cur_ = nullptr;

  std::unordered_map<BindingKey, uint32_t, BindingKeyHash> keys_;
  std::vector<BindingKey> key_list_;
  std::vector<std::vector<const Node*>> all_defs_;     ///< per key: every live definition
  std::vector<std::vector<const Node*>> remote_defs_;  ///< per key: those outside the owner's flow
  std::vector<LooseUse> loose_;           ///< uses resolved flow-insensitively
  std::vector<LooseUse> loose_fallback_;  ///< class-body reads that fall back to globals
  std::vector<Reference> refs_;
  std::unordered_map<const Node*, ImportInfo> import_info_;
  std::unordered_map<const Node*, const Node*> lambda_of_;
  std::vector<WalkItem> walk_stack_;  ///< reused by Walk
};

}  // namespace

void AnalyzeDefUse(const SymbolTable& table, const std::vector<ScopeFlow>& flows,
                   const ModuleContext& context, FileSemantics* out) {
  DefUse pass(table, context, out);
  pass.Run(flows);
}

}  // namespace ast2graph::semantic
