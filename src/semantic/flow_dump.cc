#include "semantic/flow_dump.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_set>
#include <vector>

namespace ast2graph::semantic {

namespace {

using ast::Kind;
using ast::Node;

std::string_view StrView(const ast::Str* s) { return s == nullptr ? std::string_view() : s->view(); }

bool IsScopeNode(const Node* n) {
  return n->kind == Kind::Module || n->kind == Kind::FunctionDef ||
         n->kind == Kind::AsyncFunctionDef || n->kind == Kind::ClassDef;
}

class Dumper {
 public:
  Dumper(const ParsedModule& module, const FileSemantics& sem, std::string* out)
      : module_(module), sem_(sem), out_(out) {}

  void Run() {
    // Statements that share a line are named line:col.
    std::map<uint32_t, std::set<const Node*>> by_line;
    for (const NextEdge& e : sem_.next) {
      if (!AsScope(e, true)) by_line[Line(e.from)].insert(e.from);
      if (!AsScope(e, false)) by_line[Line(e.to)].insert(e.to);
    }
    for (const auto& [line, nodes] : by_line) {
      if (nodes.size() > 1) ambiguous_.insert(nodes.begin(), nodes.end());
    }

    out_->append("# NEXT\n");
    for (const NextEdge& e : sem_.next) {
      if (e.kind == NextKind::kEntry) *out_ += "scope " + ScopeLabel(e.from) + "\n";
      *out_ += "  " + Label(e, true) + " -> " + Label(e, false) + " [" + NextKindName(e.kind) + "]\n";
    }
    Unreachable();

    // By position of the use, then of the definition, then type (Analyze gives them in the order
    // it made them); an edge made twice shows twice.
    std::vector<const DependsEdge*> depends;
    for (const DependsEdge& d : sem_.depends) depends.push_back(&d);
    auto key = [](const DependsEdge* e) {
      return std::make_tuple(e->from->begin, e->from->end, e->to->begin, e->to->end,
                             static_cast<int>(e->from->kind), static_cast<int>(e->to->kind),
                             static_cast<int>(e->type), e->name);
    };
    std::stable_sort(depends.begin(), depends.end(),
                     [&](const DependsEdge* a, const DependsEdge* b) { return key(a) < key(b); });
    out_->append("# DEPENDS_ON\n");
    for (const DependsEdge* edge : depends) {
      const DependsEdge& d = *edge;
      switch (d.type) {
        case DependsType::kData: *out_ += Describe(d.from, true) + " <- " + Describe(d.to, false); break;
        case DependsType::kCall: *out_ += Describe(d.from, true) + " -> " + Describe(d.to, false); break;
        case DependsType::kInherit:
          *out_ += "inherit " + Describe(d.from, false) + " -> " + Describe(d.to, false);
          break;
        case DependsType::kImport: *out_ += "import " + Describe(d.from, false) + " -> " + Describe(d.to, false); break;
      }
      out_->push_back('\n');
    }
    out_->append("# EXTERNAL\n");
    for (const ExternalRef& r : sem_.external) {
      // A Call and an alias describe themselves ("call f@...", "import os@..."); a class does not.
      if (r.type == DependsType::kInherit) out_->append("inherit ");
      *out_ += Describe(r.from, true) + " -> " + r.module;
      if (!r.name.empty()) *out_ += ":" + r.name;
      out_->push_back('\n');
    }
    out_->append("# EXPORTS\n");
    for (const ModuleExport& e : sem_.exports) {
      *out_ += e.name + " -> " + (e.node != nullptr ? Describe(e.node, false) : std::string("?"));
      if (!e.from_module.empty()) *out_ += " (from " + e.from_module + (e.from_name.empty() ? "" : ":" + e.from_name) + ")";
      out_->push_back('\n');
    }
  }

 private:
  uint32_t Line(const Node* n) const { return module_.lines().Line(n->begin); }
  uint32_t Col(const Node* n) const { return module_.lines().Column(n->begin); }
  std::string Pos(const Node* n) const {
    return std::to_string(Line(n)) + ":" + std::to_string(Col(n));
  }

  /// Whether the edge's endpoint is the scope node in its role as the scope (not as a statement
  /// of its parent): the source of `entry`, or a target enclosing the source.
  static bool AsScope(const NextEdge& e, bool from_side) {
    if (from_side) return e.kind == NextKind::kEntry;
    // Only these kinds end at the scope node; a def or class statement is also the target of
    // ordinary edges in its parent scope, from outside its own range.
    if (e.kind != NextKind::kExit && e.kind != NextKind::kReturn && e.kind != NextKind::kRaise &&
        e.kind != NextKind::kFinally) {
      return false;
    }
    const Node* to = e.to;
    if (!IsScopeNode(to)) return false;
    if (to->kind == Kind::Module) return true;
    return e.from->begin > to->begin && e.from->begin < to->end;
  }

  std::string ScopeLabel(const Node* n) const {
    switch (n->kind) {
      case Kind::Module: return "<module>";
      case Kind::FunctionDef:
      case Kind::AsyncFunctionDef:
        return "<def " + std::string(StrView(n->fields[ast::FunctionDefFields::name].str)) + "@" +
               std::to_string(Line(n)) + ">";
      case Kind::ClassDef:
        return "<class " + std::string(StrView(n->fields[ast::ClassDefFields::name].str)) + "@" +
               std::to_string(Line(n)) + ">";
      default: return "?";
    }
  }

  std::string Label(const NextEdge& e, bool from_side) const {
    const Node* n = from_side ? e.from : e.to;
    if (AsScope(e, from_side)) return ScopeLabel(n);
    return ambiguous_.count(n) != 0 ? Pos(n) : std::to_string(Line(n));
  }

  void Unreachable() {
    std::unordered_set<const Node*> reached;
    for (const NextEdge& e : sem_.next) {
      if (!AsScope(e, false)) reached.insert(e.to);
    }
    std::vector<const Node*> missing;
    std::vector<const Node*> work{module_.root()};
    while (!work.empty()) {
      const Node* n = work.back();
      work.pop_back();
      if (ast::KindSum(n->kind) == ast::Sum::stmt && reached.count(n) == 0) missing.push_back(n);
      for (uint32_t i = ast::FieldCount(n->kind); i-- > 0;) {
        const ast::Slot& s = n->fields[i];
        ast::FieldType t = ast::Field(n->kind, i).type;
        if ((t == ast::FieldType::NODE || t == ast::FieldType::OPT_NODE) && s.node != nullptr) {
          work.push_back(s.node);
        } else if (t == ast::FieldType::NODE_LIST) {
          for (uint32_t j = s.list->size; j-- > 0;) {
            if (s.list->items[j].node != nullptr) work.push_back(s.list->items[j].node);
          }
        }
      }
    }
    if (missing.empty()) return;
    std::sort(missing.begin(), missing.end(),
              [](const Node* a, const Node* b) { return a->begin < b->begin; });
    out_->append("unreachable:");
    for (const Node* n : missing) *out_ += " " + Pos(n);
    out_->push_back('\n');
  }

  /// `what name@line:col`; `use` for a Name read (or an augmented target) on the use side.
  std::string Describe(const Node* n, bool use_side) const {
    std::string what, name;
    switch (n->kind) {
      case Kind::Name:
        what = use_side ? "use" : "def";
        name = StrView(n->fields[ast::NameFields::id].str);
        break;
      case Kind::arg: what = "arg"; name = StrView(n->fields[ast::argFields::arg].str); break;
      case Kind::FunctionDef:
      case Kind::AsyncFunctionDef:
        what = "function";
        name = StrView(n->fields[ast::FunctionDefFields::name].str);
        break;
      case Kind::ClassDef: what = "class"; name = StrView(n->fields[ast::ClassDefFields::name].str); break;
      case Kind::alias: {
        what = "import";
        std::string_view as = StrView(n->fields[ast::aliasFields::asname].str);
        name = as.empty() ? StrView(n->fields[ast::aliasFields::name].str) : as;
        break;
      }
      case Kind::ExceptHandler: what = "except"; name = StrView(n->fields[ast::ExceptHandlerFields::name].str); break;
      case Kind::MatchAs: what = "capture"; name = StrView(n->fields[ast::MatchAsFields::name].str); break;
      case Kind::MatchStar: what = "capture"; name = StrView(n->fields[ast::MatchStarFields::name].str); break;
      case Kind::MatchMapping: what = "capture"; name = StrView(n->fields[ast::MatchMappingFields::rest].str); break;
      case Kind::TypeVar: what = "typeparam"; name = StrView(n->fields[ast::TypeVarFields::name].str); break;
      case Kind::ParamSpec: what = "typeparam"; name = StrView(n->fields[ast::ParamSpecFields::name].str); break;
      case Kind::TypeVarTuple:
        what = "typeparam";
        name = StrView(n->fields[ast::TypeVarTupleFields::name].str);
        break;
      case Kind::Lambda: what = "lambda"; break;
      case Kind::Call: {
        what = "call";
        const Node* f = n->fields[ast::CallFields::func].node;
        if (f->kind == Kind::Name) name = StrView(f->fields[ast::NameFields::id].str);
        if (f->kind == Kind::Attribute) name = StrView(f->fields[ast::AttributeFields::attr].str);
        break;
      }
      default: what = ast::KindName(n->kind); break;
    }
    std::string s = what;
    if (!name.empty()) s += " " + name;
    if (ast::HasPosition(n->kind)) s += "@" + Pos(n);
    return s;
  }

  const ParsedModule& module_;
  const FileSemantics& sem_;
  std::string* out_;
  std::unordered_set<const Node*> ambiguous_;
};

}  // namespace

void DumpFlow(const ParsedModule& module, const FileSemantics& sem, std::string* out) {
  Dumper(module, sem, out).Run();
}

}  // namespace ast2graph::semantic
