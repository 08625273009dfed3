#include "flow/flow_properties.h"

#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "semantic/cfg.h"

namespace ast2graph::flowtest {

namespace {

using ast::Kind;
using ast::List;
using ast::Node;
using semantic::NextKind;

std::string_view StrView(const ast::Str* s) { return s == nullptr ? std::string_view() : s->view(); }

bool IsScope(const Node* n) {
  return n->kind == Kind::Module || n->kind == Kind::FunctionDef ||
         n->kind == Kind::AsyncFunctionDef || n->kind == Kind::ClassDef;
}

const List* Body(const Node* n) {
  switch (n->kind) {
    case Kind::Module: return n->fields[ast::ModuleFields::body].list;
    case Kind::FunctionDef:
    case Kind::AsyncFunctionDef: return n->fields[ast::FunctionDefFields::body].list;
    case Kind::ClassDef: return n->fields[ast::ClassDefFields::body].list;
    default: return nullptr;
  }
}

/// The name a definition node binds, as written.
std::string_view BoundName(const Node* d) {
  switch (d->kind) {
    case Kind::Name: return StrView(d->fields[ast::NameFields::id].str);
    case Kind::arg: return StrView(d->fields[ast::argFields::arg].str);
    case Kind::FunctionDef:
    case Kind::AsyncFunctionDef: return StrView(d->fields[ast::FunctionDefFields::name].str);
    case Kind::ClassDef: return StrView(d->fields[ast::ClassDefFields::name].str);
    case Kind::alias: {
      std::string_view as = StrView(d->fields[ast::aliasFields::asname].str);
      if (!as.empty()) return as;
      std::string_view name = StrView(d->fields[ast::aliasFields::name].str);
      return name.substr(0, name.find('.'));
    }
    case Kind::ExceptHandler: return StrView(d->fields[ast::ExceptHandlerFields::name].str);
    case Kind::MatchAs: return StrView(d->fields[ast::MatchAsFields::name].str);
    case Kind::MatchStar: return StrView(d->fields[ast::MatchStarFields::name].str);
    case Kind::MatchMapping: return StrView(d->fields[ast::MatchMappingFields::rest].str);
    case Kind::TypeVar: return StrView(d->fields[ast::TypeVarFields::name].str);
    case Kind::ParamSpec: return StrView(d->fields[ast::ParamSpecFields::name].str);
    case Kind::TypeVarTuple: return StrView(d->fields[ast::TypeVarTupleFields::name].str);
    default: return {};
  }
}

/// `_C__x` is what `__x` means inside class C (private name mangling).
bool MangledEqual(std::string_view plain, std::string_view mangled) {
  if (!plain.starts_with("__") || plain.ends_with("__")) return false;
  return mangled.size() > plain.size() + 1 && mangled[0] == '_' && mangled.ends_with(plain);
}

class Checker {
 public:
  Checker(const ParsedModule& module, const semantic::FileSemantics& sem,
          std::vector<std::string>* errors, PropertyStats* stats, size_t max_errors)
      : module_(module), sem_(sem), errors_(errors), stats_(stats), max_errors_(max_errors) {}

  void Run() {
    Index();
    for (const semantic::NextEdge& e : sem_.next) {
      // An edge back to the scope node (exit, return, raise) does not reach it as a statement.
      auto from_scope = scope_of_.find(e.from);
      bool to_scope_role = from_scope != scope_of_.end() && from_scope->second == e.to;
      if (!to_scope_role) in_.insert(e.to);
      if (e.kind != NextKind::kEntry) out_.insert(e.from);
      if (e.kind == NextKind::kEntry) entry_.insert(e.from);
    }
    stats_->next_edges += sem_.next.size();
    CheckReachability();
    CheckScopes();
    CheckData();
  }

 private:
  void Error(const Node* n, const std::string& what) {
    if (errors_->size() >= max_errors_) return;
    errors_->push_back(std::to_string(module_.lines().Line(n->begin)) + ":" +
                       std::to_string(module_.lines().Column(n->begin)) + ": " +
                       ast::KindName(n->kind) + ": " + what);
  }

  /// The scope of every statement and handler; the statement lists.
  void Index() {
    struct W {
      const Node* node;
      const Node* scope;
    };
    std::vector<W> work{{module_.root(), nullptr}};
    while (!work.empty()) {
      W w = work.back();
      work.pop_back();
      const Node* n = w.node;
      ast::Sum sum = ast::KindSum(n->kind);
      if (sum == ast::Sum::stmt || sum == ast::Sum::excepthandler) scope_of_[n] = w.scope;
      if (sum == ast::Sum::stmt) ++stats_->statements;
      if (sum == ast::Sum::expr) continue;  // no statements inside expressions
      const Node* child_scope = IsScope(n) ? n : w.scope;
      for (uint32_t i = 0; i < ast::FieldCount(n->kind); ++i) {
        const ast::Slot& s = n->fields[i];
        ast::FieldType t = ast::Field(n->kind, i).type;
        if ((t == ast::FieldType::NODE || t == ast::FieldType::OPT_NODE) && s.node != nullptr) {
          work.push_back({s.node, child_scope});
        } else if (t == ast::FieldType::NODE_LIST) {
          std::string_view asdl = ast::Field(n->kind, i).asdl_type;
          if (asdl == "stmt") lists_.push_back(s.list);
          for (const ast::Slot& item : *s.list) {
            if (item.node != nullptr) work.push_back({item.node, child_scope});
          }
        }
      }
      if (IsScope(n)) scopes_.push_back(n);
    }
  }

  bool Reached(const Node* n) const { return in_.count(n) != 0; }

  void ExpectReached(const Node* n, const char* why) {
    if (!Reached(n)) Error(n, std::string("no incoming NEXT (") + why + ")");
  }

  /// Whether a reached statement may go on to the statement after it, judged from syntax alone
  /// (true only where that is certain).
  static bool SurelyFallsThrough(const Node* s) {
    switch (s->kind) {
      case Kind::Return:
      case Kind::Raise:
      case Kind::Break:
      case Kind::Continue:
      case Kind::Try:
      case Kind::TryStar:
      case Kind::With:
      case Kind::AsyncWith:
      case Kind::Match: return false;
      case Kind::Assert: return semantic::ConstantTruth(s->fields[ast::AssertFields::test].node) != 0;
      case Kind::If: {
        const List* orelse = s->fields[ast::IfFields::orelse].list;
        return orelse->size == 0 && semantic::ConstantTruth(s->fields[ast::IfFields::test].node) != 1;
      }
      case Kind::While: {
        const List* orelse = s->fields[ast::WhileFields::orelse].list;
        return orelse->size == 0 && semantic::ConstantTruth(s->fields[ast::WhileFields::test].node) != 1;
      }
      case Kind::For:
      case Kind::AsyncFor: return s->fields[ast::ForFields::orelse].list->size == 0;
      default: return true;
    }
  }

  void CheckReachability() {
    for (const Node* scope : scopes_) {
      const List* body = Body(scope);
      if (body->size > 0 && entry_.count(scope) == 0) Error(scope, "no entry edge");
      if (body->size > 0) ExpectReached(body->items[0].node, "first statement of a scope");
    }
    for (const List* list : lists_) {
      for (uint32_t i = 0; i < list->size; ++i) {
        const Node* s = list->items[i].node;
        if (!Reached(s)) continue;
        ++stats_->reachable;
        if (out_.count(s) == 0) Error(s, "reached but no outgoing NEXT");
        if (i + 1 < list->size && SurelyFallsThrough(s)) {
          ExpectReached(list->items[i + 1].node, "after a statement that falls through");
        }
        CheckBodies(s);
      }
    }
    for (const semantic::NextEdge& e : sem_.next) {
      if (e.kind != NextKind::kEntry && !Reached(e.from) && e.from->kind != Kind::Module) {
        Error(e.from, std::string("outgoing NEXT [") + semantic::NextKindName(e.kind) +
                          "] from a statement without incoming NEXT");
      }
    }
  }

  void FirstOf(const List* body, const char* why) {
    if (body->size > 0) ExpectReached(body->items[0].node, why);
  }

  void CheckBodies(const Node* s) {
    switch (s->kind) {
      case Kind::If: {
        int t = semantic::ConstantTruth(s->fields[ast::IfFields::test].node);
        if (t != 0) FirstOf(s->fields[ast::IfFields::body].list, "if body");
        if (t != 1) FirstOf(s->fields[ast::IfFields::orelse].list, "else body");
        break;
      }
      case Kind::While: {
        int t = semantic::ConstantTruth(s->fields[ast::WhileFields::test].node);
        if (t != 0) FirstOf(s->fields[ast::WhileFields::body].list, "while body");
        if (t != 1) FirstOf(s->fields[ast::WhileFields::orelse].list, "while else");
        break;
      }
      case Kind::For:
      case Kind::AsyncFor:
        FirstOf(s->fields[ast::ForFields::body].list, "for body");
        FirstOf(s->fields[ast::ForFields::orelse].list, "for else");
        break;
      case Kind::With:
      case Kind::AsyncWith: FirstOf(s->fields[ast::WithFields::body].list, "with body"); break;
      case Kind::Try:
      case Kind::TryStar:
        FirstOf(s->fields[ast::TryFields::body].list, "try body");
        for (const ast::Slot& h : *s->fields[ast::TryFields::handlers].list) {
          ExpectReached(h.node, "handler of a reached try");
          FirstOf(h.node->fields[ast::ExceptHandlerFields::body].list, "handler body");
        }
        FirstOf(s->fields[ast::TryFields::finalbody].list, "finally body");
        break;
      case Kind::Match:
        for (const ast::Slot& c : *s->fields[ast::MatchFields::cases].list) {
          FirstOf(c.node->fields[ast::match_caseFields::body].list, "case body");
        }
        break;
      default: break;
    }
  }

  void CheckScopes() {
    for (const semantic::NextEdge& e : sem_.next) {
      auto from_it = scope_of_.find(e.from);
      const Node* from_scope = e.kind == NextKind::kEntry ? e.from
                               : from_it != scope_of_.end() ? from_it->second
                                                            : nullptr;
      if (from_scope == nullptr) {
        Error(e.from, "NEXT from a node that is no statement");
        continue;
      }
      bool ok = false;
      if (IsScope(e.to) && from_scope == e.to) ok = true;  // exit, return, raise to the scope
      auto to_it = scope_of_.find(e.to);
      if (to_it != scope_of_.end() && to_it->second == from_scope) ok = true;
      if (!ok) {
        Error(e.from, std::string("NEXT [") + semantic::NextKindName(e.kind) +
                          "] to a node of another scope");
      }
    }
  }

  void CheckData() {
    std::set<std::tuple<const Node*, const Node*, semantic::DependsType>> seen;
    for (const semantic::DependsEdge& d : sem_.depends) {
      if (!seen.insert({d.from, d.to, d.type}).second) {
        Error(d.from, std::string("DEPENDS_ON [") + semantic::DependsTypeName(d.type) +
                          "] edge made twice");
      }
      if (d.type != semantic::DependsType::kData) continue;
      ++stats_->data_edges;
      if (d.from->kind != Kind::Name) {
        Error(d.from, "data edge from a node that is no Name");
        continue;
      }
      std::string_view use = StrView(d.from->fields[ast::NameFields::id].str);
      std::string_view def = BoundName(d.to);
      if (def.empty()) {
        Error(d.to, "data edge to a node that defines nothing");
      } else if (use != def && !MangledEqual(use, def) && !MangledEqual(def, use)) {
        Error(d.from, "data edge from " + std::string(use) + " to a definition of " + std::string(def));
      }
      if (use != d.name) Error(d.from, "data edge named " + std::string(d.name));
    }
  }

  const ParsedModule& module_;
  const semantic::FileSemantics& sem_;
  std::vector<std::string>* errors_;
  PropertyStats* stats_;
  size_t max_errors_;
  std::unordered_map<const Node*, const Node*> scope_of_;
  std::vector<const List*> lists_;
  std::vector<const Node*> scopes_;
  std::unordered_set<const Node*> in_, out_, entry_;
};

}  // namespace

void CheckProperties(const ParsedModule& module, const semantic::FileSemantics& sem,
                     std::vector<std::string>* errors, PropertyStats* stats, size_t max_errors) {
  Checker(module, sem, errors, stats, max_errors).Run();
}

}  // namespace ast2graph::flowtest
