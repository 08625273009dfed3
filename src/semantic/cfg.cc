#include "semantic/cfg.h"

#include <algorithm>
#include <tuple>

namespace ast2graph::semantic {

namespace {

using ast::Kind;
using ast::List;
using ast::Node;

static_assert(+ast::ForFields::body == +ast::AsyncForFields::body &&
              +ast::ForFields::orelse == +ast::AsyncForFields::orelse &&
              +ast::ForFields::iter == +ast::AsyncForFields::iter &&
              +ast::ForFields::target == +ast::AsyncForFields::target);
static_assert(+ast::WithFields::items == +ast::AsyncWithFields::items &&
              +ast::WithFields::body == +ast::AsyncWithFields::body);
static_assert(+ast::TryFields::body == +ast::TryStarFields::body &&
              +ast::TryFields::handlers == +ast::TryStarFields::handlers &&
              +ast::TryFields::orelse == +ast::TryStarFields::orelse &&
              +ast::TryFields::finalbody == +ast::TryStarFields::finalbody);
static_assert(+ast::FunctionDefFields::body == +ast::AsyncFunctionDefFields::body);

const List* ListField(const Node* n, uint32_t field) { return n->fields[field].list; }
const Node* NodeField(const Node* n, uint32_t field) { return n->fields[field].node; }

/// An open end of the flow: control leaves `from` (null: data flow only, no NEXT edge) with
/// `kind`, carrying the state after (or, with `in_state`, before) point `point`.
constexpr uint32_t kUnset = 0xffffffffu;

struct End {
  const Node* from;
  NextKind kind;
  uint32_t point;
  bool in_state;
  /// The first point of `from` (whether `from` is reachable); kUnset: the owner's of `point`.
  uint32_t from_primary = kUnset;
};

/// A short list of ends: most statements leave by one or two, so no allocation for those.
class Ends {
 public:
  Ends() = default;
  /// One end: `return {{s, NextKind::kNext, p, false}}`.
  Ends(const End& e) : size_(1) { inline_[0] = e; }  // NOLINT(google-explicit-constructor)
  void push_back(const End& e) {
    if (spilled_) {
      heap_.push_back(e);
    } else if (size_ < kInline) {
      inline_[size_++] = e;
    } else {
      heap_.reserve(2 * kInline + 4);
      heap_.assign(inline_, inline_ + size_);
      heap_.push_back(e);
      spilled_ = true;
    }
  }
  /// Makes `e` the only end (a spilled buffer keeps its capacity).
  void assign(const End& e) {
    clear();
    inline_[0] = e;
    size_ = 1;
  }
  void clear() {
    if (spilled_) heap_.clear();
    spilled_ = false;
    size_ = 0;
  }
  void append(const Ends& other) {
    for (const End& e : other) push_back(e);
  }
  size_t size() const { return spilled_ ? heap_.size() : size_; }
  bool empty() const { return size() == 0; }
  End* begin() { return spilled_ ? heap_.data() : inline_; }
  End* end() { return begin() + size(); }
  const End* begin() const { return spilled_ ? heap_.data() : inline_; }
  const End* end() const { return begin() + size(); }

 private:
  static constexpr uint32_t kInline = 2;
  End inline_[kInline] = {};
  uint32_t size_ = 0;
  bool spilled_ = false;
  std::vector<End> heap_;
};

struct Handler {
  const Node* node;
  uint32_t point;
};

/// Ways control can enter a finally body; each leaves it again the same way.
struct FinallyState {
  Ends entries;
  bool way_fall = false;
  bool way_return = false;
  bool way_break = false;
  bool way_continue = false;
  bool way_exception = false;
};

enum class FrameType : uint8_t {
  kLoop,         ///< inside a loop body: break and continue stop here
  kTryBody,      ///< inside a try body: exceptions go to the handlers
  kTryRest,      ///< inside the handlers or else of a try: only its finally catches
  kFinallyBody,  ///< inside a finally body: transparent
  kWith,         ///< inside a with body: __exit__ may swallow an exception (data flow only)
};

struct Frame {
  FrameType type;
  const Node* node = nullptr;
  uint32_t point = 0;                           ///< kLoop: continue target; kWith: suppress
  Ends* breaks = nullptr;                       ///< kLoop
  const std::vector<Handler>* handlers = nullptr;  ///< kTryBody
  bool catch_all = false;                       ///< kTryBody
  FinallyState* fin = nullptr;                  ///< kTryBody, kTryRest: the try has a finally
};

bool IsBaseExceptionName(const Node* type) {
  return type != nullptr && type->kind == Kind::Name &&
         type->fields[ast::NameFields::id].str->view() == "BaseException";
}

/// A case that always matches: no guard and an irrefutable pattern (a capture or wildcard,
/// possibly under `as` or in an or-pattern).
bool IrrefutableCase(const Node* match_case) {
  if (NodeField(match_case, ast::match_caseFields::guard) != nullptr) return false;
  const Node* p = NodeField(match_case, ast::match_caseFields::pattern);
  // Or-patterns and as-patterns nest; the depth is bounded by the parser, but walk a worklist.
  std::vector<const Node*> work{p};
  while (!work.empty()) {
    const Node* q = work.back();
    work.pop_back();
    if (q->kind == Kind::MatchAs) {
      const Node* inner = NodeField(q, ast::MatchAsFields::pattern);
      if (inner == nullptr) return true;
      work.push_back(inner);
    } else if (q->kind == Kind::MatchOr) {
      for (const ast::Slot& s : *ListField(q, ast::MatchOrFields::patterns)) work.push_back(s.node);
    }
  }
  return false;
}

class ScopeBuilder {
 public:
  ScopeBuilder(const Node* scope, ScopeFlow* out, FlowScratch* scratch)
      : scope_(scope),
        out_(out),
        scratch_(scratch),
        primary_(scratch->primary),
        made_(scratch->made),
        reached_(out->live) {
    primary_.clear();
    made_.clear();
  }

  void Build() {
    out_->scope = scope_;
    const List* body = nullptr;
    switch (scope_->kind) {
      case Kind::Module: body = ListField(scope_, ast::ModuleFields::body); break;
      case Kind::Interactive: body = ListField(scope_, ast::InteractiveFields::body); break;
      case Kind::FunctionDef:
      case Kind::AsyncFunctionDef: body = ListField(scope_, ast::FunctionDefFields::body); break;
      case Kind::ClassDef: body = ListField(scope_, ast::ClassDefFields::body); break;
      default: return;
    }
    bool function = scope_->kind == Kind::FunctionDef || scope_->kind == Kind::AsyncFunctionDef;
    out_->entry_point = function ? NewPoint(scope_, kUnset, {{ItemKind::kParams, scope_}})
                                 : NewPoint(scope_, kUnset, {});
    reached_[out_->entry_point] = 1;
    out_->exit_point = NewPoint(scope_, out_->entry_point, {});
    if (body->size > 0) {  // an empty module has no flow at all
      Ends ends = BuildBody(body, {{scope_, NextKind::kEntry, out_->entry_point, false}});
      ConnectAs(ends, NextKind::kExit, scope_, out_->exit_point);
    }
    Finish();
  }

 private:
  /// Items are written straight into the flow: a statement appends its items, then makes the
  /// point holding them (before any nested statement appends its own).
  uint32_t ItemsEnd() const { return static_cast<uint32_t>(out_->items.size()); }
  void AddItem(ItemKind kind, const Node* node) { out_->items.push_back({kind, node}); }
  /// Appends `items`; returns where they begin.
  uint32_t AddItems(std::initializer_list<Item> items) {
    uint32_t first = ItemsEnd();
    for (const Item& item : items) out_->items.push_back(item);
    return first;
  }

  /// A new point of `owner` holding the items from `first` on; `primary` is the owner's first
  /// point (kUnset: this is it).
  /// Always inline: its three push_backs' growth paths made GCC keep it out of line, a call that
  /// saves and restores six registers for every point.
  [[gnu::always_inline]] uint32_t NewPointFrom(const Node* owner, uint32_t primary,
                                               uint32_t first) {
    auto p = static_cast<uint32_t>(out_->points.size());
    out_->points.push_back({first, ItemsEnd() - first, owner});
    primary_.push_back(primary == kUnset ? p : primary);
    reached_.push_back(0);
    return p;
  }
  uint32_t NewPoint(const Node* owner, uint32_t primary, std::initializer_list<Item> items) {
    return NewPointFrom(owner, primary, AddItems(items));
  }

  /// `structural`: the edge follows a NEXT edge or joins points of one statement; false for
  /// data-flow-only paths (a with's __exit__ swallowing an exception), which reach nothing.
  /// Reachability from the entry is propagated as edges are made, which is exact because every
  /// edge into a point is made before any edge out of it (a statement is entered when its point
  /// is made; handlers and finally bodies are built after everything that can jump to them),
  /// except the edges back to a loop's head, which come from its body: the body is reached only
  /// through the head, so they never make the head reachable.
  void AddFlow(uint32_t from, uint32_t to, bool in_state, bool structural = true) {
    out_->edges.push_back({from, to, in_state, structural});
    if (structural) reached_[to] |= reached_[from];
  }

  /// One end into `to` (entered at `to_point`) with the end's own kind.
  void Connect1(const End& e, const Node* to, uint32_t to_point) {
    if (e.from != nullptr) {
      made_.push_back({{e.from, to, e.kind},
                       e.from_primary != kUnset ? e.from_primary : primary_[e.point]});
    }
    AddFlow(e.point, to_point, e.in_state, e.from != nullptr);
  }
  void Connect(const Ends& ends, const Node* to, uint32_t to_point) {
    for (const End& e : ends) Connect1(e, to, to_point);
  }
  /// Every end into `to` relabelled `kind` (structural joins: loop, exit, finally).
  void ConnectAs(const Ends& ends, NextKind kind, const Node* to, uint32_t to_point) {
    for (End e : ends) {
      e.kind = kind;
      Connect1(e, to, to_point);
    }
  }
  static Ends Relabel(Ends ends, NextKind kind) {
    for (End& e : ends) e.kind = kind;
    return ends;
  }

  // ---- routing of abrupt exits through the enclosing frames ----

  void EnterFinally(FinallyState* fin, End e) {
    e.kind = NextKind::kFinally;
    fin->entries.push_back(e);
  }

  /// An exception leaving `e` (kind exception for an implicit one, raise or finally-raise for an
  /// explicit one): to the handlers of the enclosing try, through finally bodies, to the scope
  /// node when nothing catches it and it is explicit.
  void RouteRaise(End e, bool explicit_raise) {
    for (size_t i = frames_.size(); i-- > 0;) {
      Frame& f = frames_[i];
      switch (f.type) {
        case FrameType::kTryBody:
          for (const Handler& h : *f.handlers) Connect1(e, h.node, h.point);
          if (f.catch_all) return;
          if (f.fin != nullptr) {
            f.fin->way_exception = true;
            EnterFinally(f.fin, e);
            return;
          }
          break;
        case FrameType::kTryRest:
          if (f.fin != nullptr) {
            f.fin->way_exception = true;
            EnterFinally(f.fin, e);
            return;
          }
          break;
        case FrameType::kWith:
          AddFlow(e.point, f.point, e.in_state, false);
          break;
        case FrameType::kLoop:
        case FrameType::kFinallyBody:
          break;
      }
    }
    if (explicit_raise) Connect1(e, scope_, out_->exit_point);
  }

  /// A statement may raise while it runs: `exception` edges to the handlers that can catch it.
  void RouteImplicit(const Node* stmt, uint32_t point) {
    if (frames_.empty()) return;
    RouteRaise({stmt, NextKind::kException, point, true}, false);
  }

  void RouteReturn(const End& e) {
    for (size_t i = frames_.size(); i-- > 0;) {
      Frame& f = frames_[i];
      if ((f.type == FrameType::kTryBody || f.type == FrameType::kTryRest) && f.fin != nullptr) {
        f.fin->way_return = true;
        EnterFinally(f.fin, e);
        return;
      }
    }
    Connect1(e, scope_, out_->exit_point);
  }

  void RouteBreak(const End& e, bool is_continue) {
    for (size_t i = frames_.size(); i-- > 0;) {
      Frame& f = frames_[i];
      if (f.type == FrameType::kLoop) {
        if (is_continue) {
          Connect1(e, f.node, f.point);
        } else {
          f.breaks->push_back(e);
        }
        return;
      }
      if ((f.type == FrameType::kTryBody || f.type == FrameType::kTryRest) && f.fin != nullptr) {
        (is_continue ? f.fin->way_continue : f.fin->way_break) = true;
        EnterFinally(f.fin, e);
        return;
      }
    }
    // break/continue outside a loop is a SyntaxError; the parser rejects it.
  }

  // ---- statements ----

  Ends BuildBody(const List* body, Ends in) {
    for (const ast::Slot& s : *body) BuildStmt(s.node, in);
    return in;
  }

  /// The point of statement `s`, holding the items from `first` on, entered from `in`.
  uint32_t SimpleFrom(const Node* s, const Ends& in, uint32_t first) {
    uint32_t p = NewPointFrom(s, kUnset, first);
    Connect(in, s, p);
    return p;
  }
  uint32_t Simple(const Node* s, const Ends& in, std::initializer_list<Item> items) {
    return SimpleFrom(s, in, AddItems(items));
  }

  /// Builds statement `s`, entered from `ends`, and leaves in `ends` the ways out of it. Simple
  /// statements (most of them) replace the ends in place: no Ends is made, moved and destroyed
  /// per statement.
  void BuildStmt(const Node* s, Ends& ends) {
    switch (s->kind) {
      case Kind::FunctionDef:
      case Kind::AsyncFunctionDef:
      case Kind::ClassDef: {
        out_->nested.push_back(s);
        uint32_t p = Simple(
            s, ends, {{s->kind == Kind::ClassDef ? ItemKind::kClass : ItemKind::kFunction, s}});
        RouteImplicit(s, p);
        ends.assign({s, NextKind::kNext, p, false});
        return;
      }
      case Kind::Return: {
        uint32_t first = ItemsEnd();
        if (const Node* v = NodeField(s, ast::ReturnFields::value)) AddItem(ItemKind::kExpr, v);
        uint32_t p = SimpleFrom(s, ends, first);
        RouteImplicit(s, p);
        RouteReturn({s, NextKind::kReturn, p, false});
        ends.clear();
        return;
      }
      case Kind::Delete: {
        uint32_t first = ItemsEnd();
        for (const ast::Slot& t : *ListField(s, ast::DeleteFields::targets)) {
          AddItem(ItemKind::kDelete, t.node);
        }
        return SimpleNextFrom(s, ends, first);
      }
      case Kind::Assign: {
        uint32_t first = ItemsEnd();
        AddItem(ItemKind::kExpr, NodeField(s, ast::AssignFields::value));
        for (const ast::Slot& t : *ListField(s, ast::AssignFields::targets)) {
          AddItem(ItemKind::kTarget, t.node);
        }
        return SimpleNextFrom(s, ends, first);
      }
      case Kind::TypeAlias:
        return SimpleNext(s, ends, {{ItemKind::kTypeAlias, s}});
      case Kind::AugAssign: {
        // The target is read, the value evaluated, then the target written. Only a Name's store
        // defines anything: an attribute or subscript target's own loads (`self` in `self.n += 1`)
        // run once, with the read.
        const Node* target = NodeField(s, ast::AugAssignFields::target);
        const Node* value = NodeField(s, ast::AugAssignFields::value);
        if (target->kind != Kind::Name) {
          return SimpleNext(s, ends, {{ItemKind::kAugTarget, target}, {ItemKind::kExpr, value}});
        }
        return SimpleNext(s, ends,
                          {{ItemKind::kAugTarget, target},
                           {ItemKind::kExpr, value},
                           {ItemKind::kTarget, target}});
      }
      case Kind::AnnAssign: {
        // CPython: the value, then the store, then (module and class level) the annotation.
        uint32_t first = ItemsEnd();
        const Node* target = NodeField(s, ast::AnnAssignFields::target);
        if (const Node* v = NodeField(s, ast::AnnAssignFields::value)) {
          AddItem(ItemKind::kExpr, v);
          AddItem(ItemKind::kTarget, target);
        } else if (target->kind != Kind::Name) {
          AddItem(ItemKind::kExpr, target);  // `a.b: int` evaluates `a`
        }
        AddItem(ItemKind::kExpr, NodeField(s, ast::AnnAssignFields::annotation));
        return SimpleNextFrom(s, ends, first);
      }
      case Kind::For:
      case Kind::AsyncFor:
        ends = BuildFor(s, ends);
        return;
      case Kind::While:
        ends = BuildWhile(s, ends);
        return;
      case Kind::If:
        ends = BuildIf(s, ends);
        return;
      case Kind::With:
      case Kind::AsyncWith:
        ends = BuildWith(s, ends);
        return;
      case Kind::Match:
        ends = BuildMatch(s, ends);
        return;
      case Kind::Raise: {
        uint32_t first = ItemsEnd();
        if (const Node* e = NodeField(s, ast::RaiseFields::exc)) AddItem(ItemKind::kExpr, e);
        if (const Node* c = NodeField(s, ast::RaiseFields::cause)) {
          AddItem(ItemKind::kExpr, c);
        }
        uint32_t p = SimpleFrom(s, ends, first);
        RouteRaise({s, NextKind::kRaise, p, false}, true);
        ends.clear();
        return;
      }
      case Kind::Try:
      case Kind::TryStar:
        ends = BuildTry(s, ends);
        return;
      case Kind::Assert: {
        const Node* test = NodeField(s, ast::AssertFields::test);
        uint32_t first = ItemsEnd();
        AddItem(ItemKind::kExpr, test);
        if (const Node* m = NodeField(s, ast::AssertFields::msg)) AddItem(ItemKind::kExpr, m);
        uint32_t p = SimpleFrom(s, ends, first);
        RouteImplicit(s, p);
        int truth = ConstantTruth(test);
        if (truth != 1) RouteRaise({s, NextKind::kRaise, p, false}, true);
        if (truth == 0) {
          ends.clear();
        } else {
          ends.assign({s, NextKind::kNext, p, false});
        }
        return;
      }
      case Kind::Import:
      case Kind::ImportFrom:
        return SimpleNext(s, ends, {{ItemKind::kImport, s}});
      case Kind::Expr:
        return SimpleNext(s, ends, {{ItemKind::kExpr, NodeField(s, ast::ExprFields::value)}});
      case Kind::Break:
      case Kind::Continue: {
        uint32_t p = Simple(s, ends, {});
        RouteImplicit(s, p);
        bool is_continue = s->kind == Kind::Continue;
        RouteBreak({s, is_continue ? NextKind::kContinue : NextKind::kBreak, p, false}, is_continue);
        ends.clear();
        return;
      }
      default:  // Pass, Global, Nonlocal
        return SimpleNext(s, ends, {});
    }
  }

  /// A statement that falls through to the next: its point, entered from `ends`, becomes the one
  /// end.
  void SimpleNextFrom(const Node* s, Ends& ends, uint32_t first) {
    uint32_t p = SimpleFrom(s, ends, first);
    RouteImplicit(s, p);
    ends.assign({s, NextKind::kNext, p, false});
  }
  void SimpleNext(const Node* s, Ends& ends, std::initializer_list<Item> items) {
    SimpleNextFrom(s, ends, AddItems(items));
  }

  Ends BuildIf(const Node* s, const Ends& in) {
    const Node* test = NodeField(s, ast::IfFields::test);
    uint32_t p = Simple(s, in, {{ItemKind::kExpr, test}});
    RouteImplicit(s, p);
    int truth = ConstantTruth(test);
    Ends taken_true, taken_false;
    if (truth != 0) taken_true.push_back({s, NextKind::kTrue, p, false});
    if (truth != 1) taken_false.push_back({s, NextKind::kFalse, p, false});
    Ends out = BuildBody(ListField(s, ast::IfFields::body), std::move(taken_true));
    const List* orelse = ListField(s, ast::IfFields::orelse);
    Ends other = orelse->size > 0 ? BuildBody(orelse, std::move(taken_false)) : std::move(taken_false);
    out.append(other);
    return out;
  }

  /// The loop body with a loop frame; its fall-through ends go back to the loop statement.
  void BuildLoopBody(const Node* s, const List* body, Ends in, uint32_t head, Ends* breaks) {
    Frame f{FrameType::kLoop};
    f.node = s;
    f.point = head;
    f.breaks = breaks;
    frames_.push_back(f);
    Ends ends = BuildBody(body, std::move(in));
    ConnectAs(ends, NextKind::kLoop, s, head);
    frames_.pop_back();
  }

  Ends LoopElse(const List* orelse, Ends taken_false, Ends breaks) {
    Ends out = orelse->size > 0 ? BuildBody(orelse, std::move(taken_false)) : std::move(taken_false);
    out.append(breaks);
    return out;
  }

  Ends BuildWhile(const Node* s, const Ends& in) {
    const Node* test = NodeField(s, ast::WhileFields::test);
    uint32_t p = Simple(s, in, {{ItemKind::kExpr, test}});
    RouteImplicit(s, p);
    int truth = ConstantTruth(test);
    Ends taken_true, taken_false, breaks;
    if (truth != 0) taken_true.push_back({s, NextKind::kTrue, p, false});
    if (truth != 1) taken_false.push_back({s, NextKind::kFalse, p, false});
    BuildLoopBody(s, ListField(s, ast::WhileFields::body), std::move(taken_true), p, &breaks);
    return LoopElse(ListField(s, ast::WhileFields::orelse), std::move(taken_false),
                    std::move(breaks));
  }

  Ends BuildFor(const Node* s, const Ends& in) {
    // The iterable is evaluated once; the head (next item or exhaustion) on every iteration;
    // the target is assigned only when an item was taken.
    uint32_t p_iter = Simple(s, in, {{ItemKind::kExpr, NodeField(s, ast::ForFields::iter)}});
    uint32_t p_head = NewPoint(s, p_iter, {});
    AddFlow(p_iter, p_head, false);
    uint32_t p_target = NewPoint(s, p_iter, {{ItemKind::kTarget, NodeField(s, ast::ForFields::target)}});
    AddFlow(p_head, p_target, false);
    RouteImplicit(s, p_head);
    Ends breaks;
    BuildLoopBody(s, ListField(s, ast::ForFields::body), {{s, NextKind::kTrue, p_target, false}},
                  p_head, &breaks);
    return LoopElse(ListField(s, ast::ForFields::orelse), {{s, NextKind::kFalse, p_head, false}},
                    std::move(breaks));
  }

  Ends BuildWith(const Node* s, const Ends& in) {
    uint32_t first = ItemsEnd();
    for (const ast::Slot& it : *ListField(s, ast::WithFields::items)) {
      AddItem(ItemKind::kExpr, NodeField(it.node, ast::withitemFields::context_expr));
      if (const Node* v = NodeField(it.node, ast::withitemFields::optional_vars)) {
        AddItem(ItemKind::kTarget, v);
      }
    }
    uint32_t p = SimpleFrom(s, in, first);
    RouteImplicit(s, p);
    // __exit__ may swallow an exception raised in the body: control then goes on after the
    // with statement. There is no statement for __exit__, so this path exists only in the data
    // flow (a definition reaching any statement of the body also reaches what follows).
    uint32_t suppress = NewPoint(s, p, {});
    Frame f{FrameType::kWith};
    f.node = s;
    f.point = suppress;
    frames_.push_back(f);
    Ends out = BuildBody(ListField(s, ast::WithFields::body), {{s, NextKind::kNext, p, false}});
    frames_.pop_back();
    out.push_back({nullptr, NextKind::kNext, suppress, false, p});
    return out;
  }

  Ends BuildMatch(const Node* s, const Ends& in) {
    uint32_t p = Simple(s, in, {{ItemKind::kExpr, NodeField(s, ast::MatchFields::subject)}});
    RouteImplicit(s, p);
    // Each case tries its pattern, then its guard; failing either moves to the next case. A
    // failed pattern may have bound some captures, so both its in- and out-states move on.
    std::vector<std::pair<uint32_t, bool>> fail{{p, false}};
    Ends out;
    for (const ast::Slot& c : *ListField(s, ast::MatchFields::cases)) {
      const Node* mc = c.node;
      uint32_t pp = NewPoint(s, p, {{ItemKind::kPattern, NodeField(mc, ast::match_caseFields::pattern)}});
      for (auto [from, in_state] : fail) AddFlow(from, pp, in_state);
      uint32_t body_from = pp;
      fail = {{pp, true}, {pp, false}};
      if (const Node* guard = NodeField(mc, ast::match_caseFields::guard)) {
        uint32_t pg = NewPoint(s, p, {{ItemKind::kExpr, guard}});
        AddFlow(pp, pg, false);
        body_from = pg;
        fail.push_back({pg, false});
      }
      Ends body = BuildBody(ListField(mc, ast::match_caseFields::body),
                            {{s, NextKind::kCase, body_from, false}});
      out.append(body);
      if (IrrefutableCase(mc)) {
        fail.clear();
        break;  // CPython rejects cases after an irrefutable one
      }
    }
    for (auto [from, in_state] : fail) out.push_back({s, NextKind::kFalse, from, in_state});
    return out;
  }

  Ends BuildTry(const Node* s, const Ends& in) {
    bool star = s->kind == Kind::TryStar;
    uint32_t p = Simple(s, in, {});
    RouteImplicit(s, p);

    std::vector<Handler> handlers;
    bool catch_all = false;
    for (const ast::Slot& h : *ListField(s, ast::TryFields::handlers)) {
      handlers.push_back({h.node, NewPoint(h.node, kUnset, {{ItemKind::kHandler, h.node}})});
      const Node* type = NodeField(h.node, ast::ExceptHandlerFields::type);
      if (type == nullptr || IsBaseExceptionName(type)) catch_all = true;
    }
    const List* finalbody = ListField(s, ast::TryFields::finalbody);
    FinallyState fin_state;
    FinallyState* fin = finalbody->size > 0 ? &fin_state : nullptr;

    Frame body_frame{FrameType::kTryBody};
    body_frame.node = s;
    body_frame.handlers = &handlers;
    body_frame.catch_all = catch_all;
    body_frame.fin = fin;
    frames_.push_back(body_frame);
    Ends body_ends = BuildBody(ListField(s, ast::TryFields::body), {{s, NextKind::kNext, p, false}});
    frames_.pop_back();

    Frame rest_frame{FrameType::kTryRest};
    rest_frame.node = s;
    rest_frame.fin = fin;
    frames_.push_back(rest_frame);
    const List* orelse = ListField(s, ast::TryFields::orelse);
    Ends normal = orelse->size > 0 ? BuildBody(orelse, std::move(body_ends)) : std::move(body_ends);
    for (size_t i = 0; i < handlers.size(); ++i) {
      const Node* h = handlers[i].node;
      Ends ends = BuildBody(ListField(h, ast::ExceptHandlerFields::body),
                            {{h, NextKind::kNext, handlers[i].point, false}});
      if (h->fields[ast::ExceptHandlerFields::name].str != nullptr && !ends.empty()) {
        // `except E as name:` deletes name when its body completes.
        uint32_t k = NewPoint(h, handlers[i].point, {{ItemKind::kHandlerEnd, h}});
        for (End& e : ends) {
          if (e.from_primary == kUnset) e.from_primary = primary_[e.point];
          AddFlow(e.point, k, e.in_state, e.from != nullptr);
          e.point = k;
          e.in_state = false;
        }
      }
      if (star) {
        // except*: what one handler leaves of the exception group goes on to the later ones.
        for (size_t j = i + 1; j < handlers.size(); ++j) {
          ConnectAs(ends, NextKind::kException, handlers[j].node, handlers[j].point);
        }
      }
      normal.append(ends);
    }
    frames_.pop_back();

    if (fin == nullptr) return normal;

    // Falling through into the finally makes what follows the try reachable only when a
    // statement falls through; a data-flow-only end (a with's __exit__) keeps its data flow.
    bool flow_only_fall = false;
    for (End& e : normal) {
      if (e.from != nullptr) {
        fin->way_fall = true;
      } else {
        flow_only_fall = true;
      }
      EnterFinally(fin, e);
    }
    Frame fin_frame{FrameType::kFinallyBody};
    fin_frame.node = s;
    frames_.push_back(fin_frame);
    Ends fin_ends = BuildBody(finalbody, std::move(fin->entries));
    frames_.pop_back();

    // Out of the finally body, every way goes on where it was going.
    Ends out;
    if (fin->way_fall) {
      out = Relabel(fin_ends, NextKind::kFinally);
    } else if (flow_only_fall) {
      for (End e : fin_ends) {
        e.from = nullptr;
        out.push_back(e);
      }
    }
    if (fin->way_return) {
      for (const End& e : Relabel(fin_ends, NextKind::kFinally)) RouteReturn(e);
    }
    if (fin->way_break) {
      for (const End& e : Relabel(fin_ends, NextKind::kFinally)) RouteBreak(e, false);
    }
    if (fin->way_continue) {
      for (const End& e : Relabel(fin_ends, NextKind::kFinally)) RouteBreak(e, true);
    }
    if (fin->way_exception) {
      for (const End& e : Relabel(fin_ends, NextKind::kRaise)) RouteRaise(e, true);
    }
    return out;
  }

  // ---- finishing: reachability, dedup, order ----

  void Finish() {
    const auto num_points = static_cast<uint32_t>(out_->points.size());
    // Order by position: the scope node's entry first, then the source's start, the target's,
    // the source's end, the target's, the kinds; a node is reachable when its first point is
    // (reached_ was filled as the edges were made). Only the entry leaves the scope node and no
    // two statements or handlers of a scope start at the same place, so the two starts decide
    // nearly every comparison: the rest only breaks ties between an edge's duplicates, or targets
    // that start together (a module and its first statement). Equal keys are equal edges, so the
    // unstable sort's order among them does not matter. Keys are computed once (not through the
    // node pointers at every comparison).
    using SortKey = FlowScratch::NextKey;
    std::vector<SortKey>& keys = scratch_->keys;
    keys.clear();
    for (size_t i = 0; i < made_.size(); ++i) {
      if (reached_[made_[i].from_primary] == 0) continue;
      const NextEdge& e = made_[i].edge;
      uint32_t kinds = (static_cast<uint32_t>(e.from->kind) << 20) |
                       (static_cast<uint32_t>(e.to->kind) << 8) | static_cast<uint32_t>(e.kind);
      if (e.from == scope_ && e.kind == NextKind::kEntry) {
        keys.push_back({0, 0, kinds, static_cast<uint32_t>(i)});  // no node ends at 0
      } else {
        keys.push_back({(uint64_t{e.from->begin} << 32) | e.to->begin,
                        (uint64_t{e.from->end} << 32) | e.to->end, kinds, static_cast<uint32_t>(i)});
      }
    }
    std::sort(keys.begin(), keys.end(), [](const SortKey& a, const SortKey& b) {
      if (a.starts != b.starts) return a.starts < b.starts;
      return std::tie(a.ends, a.kinds) < std::tie(b.ends, b.kinds);
    });
    std::vector<NextEdge>& sorted = out_->next;
    uint64_t last_starts = 0;  // the entry's are 0, but nothing precedes it
    for (const SortKey& k : keys) {
      const NextEdge& e = made_[k.index].edge;
      // Duplicates are adjacent; most edges start elsewhere than the one before, so that is
      // compared first (comparing the source first would mispredict on every run of a node's edges).
      if (k.starts == last_starts && !sorted.empty() && sorted.back().from == e.from &&
          sorted.back().to == e.to && sorted.back().kind == e.kind) {
        continue;
      }
      last_starts = k.starts;
      sorted.push_back(e);
    }
    // A try builds its else before its handlers: nested scopes go back to source order.
    std::sort(out_->nested.begin(), out_->nested.end(),
              [](const Node* a, const Node* b) { return a->begin < b->begin; });

    // A point is live when its owner's first point is reached. In place: a first point keeps its
    // own value, and every other point's first point comes before it.
    uint8_t* live = reached_.data();
    const uint32_t* primary = primary_.data();
    for (uint32_t p = 0; p < num_points; ++p) live[p] = live[primary[p]];

    // Flow edges stay in creation order, duplicates included: reaching definitions joins sets, so
    // neither changes its result.
  }

  const Node* scope_;
  ScopeFlow* out_;
  FlowScratch* scratch_;
  std::vector<Frame> frames_;
  std::vector<uint32_t>& primary_;    ///< per point: the first point of its owner
  std::vector<FlowScratch::MadeEdge>& made_;  ///< NEXT edges as made, before Finish orders them
  /// Per point: reachable from the entry (see AddFlow). The flow's live vector, which Finish
  /// turns into liveness.
  std::vector<uint8_t>& reached_;
};

}  // namespace

int ConstantTruth(const Node* expr) {
  if (expr == nullptr || expr->kind != Kind::Constant) return -1;
  const ast::Constant* c = expr->fields[ast::ConstantFields::value].constant;
  if (c == nullptr) return -1;
  switch (c->kind) {
    case ast::ConstKind::kNone:
    case ast::ConstKind::kFalse: return 0;
    case ast::ConstKind::kTrue:
    case ast::ConstKind::kEllipsis: return 1;
    case ast::ConstKind::kInt: return c->text != nullptr && c->text->view() != "0" ? 1 : 0;
    case ast::ConstKind::kFloat:
    case ast::ConstKind::kComplex: return c->number != 0 ? 1 : 0;
    case ast::ConstKind::kStr:
    case ast::ConstKind::kBytes: return c->text != nullptr && c->text->size > 0 ? 1 : 0;
  }
  return -1;
}

ScopeFlow BuildScopeFlow(const Node* scope, FlowScratch* scratch) {
  FlowScratch local;
  ScopeFlow flow;
  BuildScopeFlowInto(scope, scratch != nullptr ? scratch : &local, &flow);
  return flow;
}

void BuildScopeFlowInto(const Node* scope, FlowScratch* scratch, ScopeFlow* out) {
  out->scope = nullptr;
  out->next.clear();
  out->points.clear();
  out->items.clear();
  out->edges.clear();
  out->entry_point = 0;
  out->exit_point = 0;
  out->live.clear();
  out->nested.clear();
  ScopeBuilder builder(scope, out, scratch);
  builder.Build();
}

}  // namespace ast2graph::semantic
