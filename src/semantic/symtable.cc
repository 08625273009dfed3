// Scope analysis as CPython 3.13's Python/symtable.c does it, in two passes:
//
// 1. A walk of the tree records raw facts per block (scope): a name is loaded, stored, a
//    parameter, declared global/nonlocal, imported, annotated... Its first levels are native
//    calls; deeper ones run on an explicit task stack, because the parser accepts trees
//    thousands of levels deep (long operator or attribute chains). CPython's limit on that
//    depth ("maximum recursion depth exceeded during compilation") is reproduced as a counter.
// 2. An analysis of the block tree decides each name's binding (local, cell, free, global
//    implicit/explicit) from the bindings visible in the enclosing function scopes, inlines
//    list/set/dict comprehensions into their parent (PEP 709), and propagates free names up
//    until a function scope provides them.
//
// The order in which CPython visits nodes, inserts symbols and reports errors is kept, so the
// first error CPython raises is the one reported here, at the same position.
// CPython 3.13 specifics (3.14 differs): annotations are visited in the scope that holds them,
// or, under `from __future__ import annotations`, in an annotation block that is never attached
// to the tree; no `__annotate__`/`.format`/`__conditional_annotations__`; no `__debug__` or
// async checks in the symbol table (the compiler does them).
#include "semantic/symtable.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cassert>
#include <bit>
#include <cstring>
#include <iterator>
#include <string>
#include <utility>

#include "base/walk_stack.h"
#include "semantic/imports.h"

namespace ast2graph::semantic {

namespace {

using ast::Kind;
using ast::List;
using ast::Node;

/// CPython 3.13 stops at this visiting depth (its C recursion limit, 10000, minus the two levels
/// the `symtable` module's own call uses).
constexpr uint32_t kMaxVisitDepth = 9998;

enum class CompKind : uint8_t { kNone, kList, kSet, kDict, kGenerator };

/// The features `from __future__ import` accepts in 3.13 ("braces" is refused separately).
constexpr const char* kFutureFeatures[] = {
    "nested_scopes",  "generators",       "division",       "absolute_import",
    "with_statement", "print_function",   "unicode_literals", "barry_as_FLUFL",
    "generator_stop", "annotations",
};

const Node* NodeField(const Node* n, uint32_t i) { return n->fields[i].node; }
const List* ListField(const Node* n, uint32_t i) { return n->fields[i].list; }
std::string_view StrField(const Node* n, uint32_t i) {
  const ast::Str* s = n->fields[i].str;
  return s ? s->view() : std::string_view();
}
bool HasStr(const Node* n, uint32_t i) { return n->fields[i].str != nullptr; }
/// The name an import alias binds: `asname`, else the first part of the dotted `name` ("*" for a
/// star import).
std::string_view AliasStoreName(const Node* a) {
  const uint32_t field =
      HasStr(a, ast::aliasFields::asname) ? +ast::aliasFields::asname : +ast::aliasFields::name;
  return FirstComponent(StrField(a, field));
}

// FunctionDef/AsyncFunctionDef, For/AsyncFor, With/AsyncWith and Try/TryStar share layouts.
static_assert(int{ast::FunctionDefFields::name} == int{ast::AsyncFunctionDefFields::name});
static_assert(int{ast::FunctionDefFields::type_params} == int{ast::AsyncFunctionDefFields::type_params});
static_assert(int{ast::FunctionDefFields::returns} == int{ast::AsyncFunctionDefFields::returns});
static_assert(int{ast::ForFields::orelse} == int{ast::AsyncForFields::orelse});
static_assert(int{ast::WithFields::body} == int{ast::AsyncWithFields::body});
static_assert(int{ast::TryFields::finalbody} == int{ast::TryStarFields::finalbody});

bool IsFunctionLikeType(ScopeType t) {
  return t == ScopeType::kFunction || t == ScopeType::kTypeVariable ||
         t == ScopeType::kTypeAlias || t == ScopeType::kTypeParameters;
}

/// CPython's _Py_Mangle: `__x` inside class `_C` becomes `_C__x`; dunder names, dotted names
/// and classes named only with underscores are left alone. Returns false when unchanged.
bool MangleInto(std::string_view privateobj, std::string_view ident, std::string* out) {
  if (privateobj.empty() || ident.size() < 2 || ident[0] != '_' || ident[1] != '_') return false;
  if ((ident[ident.size() - 1] == '_' && ident[ident.size() - 2] == '_') ||
      ident.find('.') != std::string_view::npos) {
    return false;
  }
  size_t strip = 0;
  while (strip < privateobj.size() && privateobj[strip] == '_') ++strip;
  if (strip == privateobj.size()) return false;
  out->assign("_");
  out->append(privateobj.substr(strip));
  out->append(ident);
  return true;
}

// Sorted vectors of name ids: the name sets of CPython's analysis (bound, free, global, ...).
using IdSet = std::vector<uint32_t>;

bool Contains(const IdSet& s, uint32_t id) { return std::binary_search(s.begin(), s.end(), id); }
void Insert(IdSet& s, uint32_t id) {
  auto it = std::lower_bound(s.begin(), s.end(), id);
  if (it == s.end() || *it != id) s.insert(it, id);
}
bool Erase(IdSet& s, uint32_t id) {
  auto it = std::lower_bound(s.begin(), s.end(), id);
  if (it == s.end() || *it != id) return false;
  s.erase(it);
  return true;
}
void UnionInto(IdSet& into, const IdSet& from) {
  if (from.empty()) return;
  if (into.empty()) {
    into = from;
    return;
  }
  // The merge goes into a per-thread buffer that then swaps with `into`: the buffers of the
  // analysis circulate instead of being allocated for every union.
  thread_local IdSet merged;
  merged.clear();
  std::set_union(into.begin(), into.end(), from.begin(), from.end(), std::back_inserter(merged));
  into.swap(merged);
  if (merged.capacity() > (1u << 16)) merged = IdSet();  // not kept after an unusual module
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Scope and SymbolTable

const char* ScopeTypeName(ScopeType type) {
  switch (type) {
    case ScopeType::kModule: return "module";
    case ScopeType::kFunction: return "function";
    case ScopeType::kClass: return "class";
    case ScopeType::kAnnotation: return "annotation";
    case ScopeType::kTypeAlias: return "type alias";
    case ScopeType::kTypeParameters: return "type parameters";
    case ScopeType::kTypeVariable: return "type variable";
  }
  return "?";
}

bool Scope::is_function_like() const { return IsFunctionLikeType(type_); }

const Symbol* Scope::Find(std::string_view name) const {
  uint32_t id = table_->FindId(name);
  if (id == SymbolTable::kNoId) return nullptr;
  uint32_t i = table_->FindSymbol(index_, id);
  return i == SymbolTable::kNoId ? nullptr : &symbols_[i];
}

bool Scope::IsGlobal(const Symbol& s) const {
  return s.binding == Binding::kGlobalImplicit || s.binding == Binding::kGlobalExplicit ||
         (name_ == "top" && s.Has(kDefBound));
}

bool Scope::IsLocal(const Symbol& s) const {
  return s.binding == Binding::kLocal || s.binding == Binding::kCell ||
         (name_ == "top" && s.Has(kDefBound));
}

uint32_t Scope::lineno() const {
  return line_offset_ == kNoLine ? 0 : table_->lines_->Line(line_offset_);
}

bool Scope::IsNamespace(const Symbol& s) const {
  for (const Scope* c : children_) {
    if (c->name_ == s.name) return true;
  }
  return false;
}

SymbolTable::SymbolTable() = default;
SymbolTable::~SymbolTable() = default;

void Scope::Reset() {
  std::vector<const Scope*> children = std::move(children_);
  std::vector<Symbol> symbols = std::move(symbols_);
  std::vector<uint32_t> ids = std::move(symbol_ids_);
  *this = Scope();
  children_ = std::move(children);
  symbols_ = std::move(symbols);
  symbol_ids_ = std::move(ids);
  children_.clear();
  symbols_.clear();
  symbol_ids_.clear();
}

namespace {

/// A removed entry of the symbol table (SymbolTable::kNoId marks an empty one).
constexpr uint32_t kRemoved = 0xfffffffeu;

/// The first min(size, 8) bytes of `s`, zero-padded, without a variable-length copy (an
/// identifier holds no NUL, so two names of up to 8 bytes are equal exactly when these are).
/// The overlapping loads below put byte i at bits 8i..8i+7 only on a little-endian machine.
static_assert(std::endian::native == std::endian::little, "FirstWord assumes little-endian");
uint64_t FirstWord(std::string_view s) {
  const char* p = s.data();
  const size_t n = s.size();
  if (n >= 4) {
    // Two 4-byte loads of the first min(n, 8) bytes, overlapping for n < 8: one path (no
    // branch on the size to mispredict) for every name of 4 bytes or more.
    const size_t m = std::min<size_t>(n, 8);
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + m - 4, 4);
    return lo | (uint64_t{hi} << ((m - 4) * 8));
  }
  if (n == 0) return 0;
  // 1-3 bytes: first, middle, last (overlapping for n < 3).
  const auto byte = [p](size_t i) { return uint64_t{static_cast<unsigned char>(p[i])}; };
  return byte(0) | (byte(n / 2) << (n / 2 * 8)) | (byte(n - 1) << ((n - 1) * 8));
}

/// A fast hash of a short string (identifiers); `first` is FirstWord(s).
uint32_t HashName(std::string_view s, uint64_t first) {
  uint64_t h = (0x9e3779b97f4a7c15ull ^ s.size()) ^ first;
  h *= 0xbf58476d1ce4e5b9ull;
  // Longer names: the following 8-byte words, the last one overlapping its predecessor.
  for (size_t i = 8; i < s.size(); i += 8) {
    uint64_t v;
    std::memcpy(&v, s.data() + std::min(i, s.size() - 8), 8);
    h = (h ^ (h >> 31) ^ v) * 0xbf58476d1ce4e5b9ull;
  }
  h = (h ^ (h >> 29)) * 0x94d049bb133111ebull;
  return static_cast<uint32_t>(h ^ (h >> 32));
}

/// splitmix64's finalizer.
uint64_t HashKey(uint64_t k) {
  k = (k ^ (k >> 30)) * 0xbf58476d1ce4e5b9ull;
  k = (k ^ (k >> 27)) * 0x94d049bb133111ebull;
  return k ^ (k >> 31);
}

}  // namespace

uint32_t SymbolTable::FindId(std::string_view name) const {
  if (name_slots_.empty()) return kNoId;
  const uint64_t first = FirstWord(name);
  const uint32_t hash = HashName(name, first);
  const size_t mask = name_slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const NameSlot& slot = name_slots_[i];
    if (slot.id_plus_1 == 0) return kNoId;
    if (SlotHolds(slot, name, hash, first)) return slot.id_plus_1 - 1;
  }
}

bool SymbolTable::SlotHolds(const NameSlot& slot, std::string_view name, uint32_t hash,
                            uint64_t first) const {
  if (slot.hash != hash || slot.first != first ||
      slot.size != std::min<size_t>(name.size(), 0xffff)) {
    return false;
  }
  if (name.size() <= 8) return true;  // the size and the first word are the whole name
  std::string_view held = names_[slot.id_plus_1 - 1].name;
  return held.size() == name.size() &&
         std::memcmp(held.data() + 8, name.data() + 8, name.size() - 8) == 0;
}

uint32_t SymbolTable::InternId(std::string_view name) {
  const uint64_t first = FirstWord(name);
  const uint32_t hash = HashName(name, first);
  if (!name_slots_.empty()) {
    const size_t mask = name_slots_.size() - 1;
    for (size_t i = hash & mask; name_slots_[i].id_plus_1 != 0; i = (i + 1) & mask) {
      const NameSlot& slot = name_slots_[i];
      if (SlotHolds(slot, name, hash, first)) return slot.id_plus_1 - 1;
    }
  }
  return AddName(name, hash, first);
}

uint32_t SymbolTable::AddName(std::string_view name, uint32_t hash, uint64_t first) {
  if ((names_.size() + 1) * 2 > name_slots_.size()) {  // keep the load under 1/2
    // Rehash into the spare buffer (a reused table's buffers keep their capacity).
    std::vector<NameSlot>& slots = spare_name_slots_;
    slots.assign(std::max<size_t>(64, name_slots_.size() * 2), NameSlot{});
    const size_t mask = slots.size() - 1;
    for (const NameSlot& old : name_slots_) {
      if (old.id_plus_1 == 0) continue;
      size_t i = old.hash & mask;
      while (slots[i].id_plus_1 != 0) i = (i + 1) & mask;
      slots[i] = old;
    }
    name_slots_.swap(slots);
  }
  const size_t mask = name_slots_.size() - 1;
  size_t i = hash & mask;
  while (name_slots_[i].id_plus_1 != 0) i = (i + 1) & mask;
  const uint32_t id = static_cast<uint32_t>(names_.size());
  names_.push_back({name});
  name_slots_[i] = {first, hash, id + 1,
                    static_cast<uint16_t>(std::min<size_t>(name.size(), 0xffff))};
  return id;
}

uint32_t SymbolTable::FindSymbol(uint32_t scope, uint32_t id) const {
  assert(id != kNoId);
  const Scope& sc = *scopes_[scope];
  if (!sc.hashed_) {
    // A small scope (most are): its ids in place are quicker to compare than a hash probe.
    static_assert(Scope::kScanIds == 32);
#if defined(__SSE2__)
    const __m128i key = _mm_set1_epi32(static_cast<int>(id));
    auto eq = [&](int q) {
      __m128i v;
      std::memcpy(&v, sc.scan_ids_.data() + 4 * q, sizeof v);
      return _mm_cmpeq_epi32(v, key);
    };
    // Four lanes of -1/0 per compare, narrowed to one byte per id, then one bit per id.
    auto found16 = [&](int q) {
      const __m128i bytes = _mm_packs_epi16(_mm_packs_epi32(eq(q), eq(q + 1)),
                                            _mm_packs_epi32(eq(q + 2), eq(q + 3)));
      return static_cast<uint32_t>(_mm_movemask_epi8(bytes));
    };
    const uint32_t found = found16(0) | (found16(4) << 16);
#else
    uint32_t found = 0;
    for (uint32_t i = 0; i < Scope::kScanIds; ++i) found |= uint32_t{sc.scan_ids_[i] == id} << i;
#endif
    return found != 0 ? static_cast<uint32_t>(__builtin_ctz(found)) : kNoId;
  }
  const uint64_t key = (uint64_t{scope} << 32) | id;
  const size_t mask = symbol_slots_.size() - 1;
  for (size_t i = HashKey(key) & mask;; i = (i + 1) & mask) {
    const SymbolSlot& slot = symbol_slots_[i];
    if (slot.index == kNoId) return kNoId;
    if (slot.key == key && slot.index != kRemoved) return slot.index;
  }
}

void SymbolTable::HashSymbol(uint32_t scope, uint32_t id, uint32_t index) {
  Scope& sc = *scopes_[scope];
  if (!sc.hashed_) {
    // The scope outgrew scanning: from now on all its symbols are in the hash.
    sc.hashed_ = true;
    for (uint32_t i = 0; i < sc.symbol_ids_.size(); ++i) {
      if (sc.symbol_ids_[i] != id) HashSymbol(scope, sc.symbol_ids_[i], i);
    }
  }
  const uint64_t key = (uint64_t{scope} << 32) | id;
  if ((symbol_count_ + 1) * 2 > symbol_slots_.size()) {
    std::vector<SymbolSlot>& slots = spare_symbol_slots_;
    slots.assign(std::max<size_t>(64, symbol_slots_.size() * 2), SymbolSlot{0, kNoId});
    const size_t mask = slots.size() - 1;
    symbol_count_ = 0;
    for (const SymbolSlot& old : symbol_slots_) {
      if (old.index == kNoId || old.index == kRemoved) continue;
      size_t i = HashKey(old.key) & mask;
      while (slots[i].index != kNoId) i = (i + 1) & mask;
      slots[i] = old;
      ++symbol_count_;
    }
    symbol_slots_.swap(slots);
  }
  const size_t mask = symbol_slots_.size() - 1;
  for (size_t i = HashKey(key) & mask;; i = (i + 1) & mask) {
    SymbolSlot& slot = symbol_slots_[i];
    if (slot.index != kNoId && slot.key == key && slot.index != kRemoved) {
      slot.index = index == kNoId ? kRemoved : index;
      return;
    }
    if (slot.index == kNoId) {
      if (index == kNoId) return;
      slot = {key, index};
      ++symbol_count_;
      return;
    }
  }
}

void SymbolTable::Reset() {
  top_ = nullptr;
  // The hash tables start small again, as a new table's would: tables sized for the largest
  // module so far would spread a small module's lookups over memory it does not need. Their
  // buffers keep their capacity (growth rehashes into the spare ones and swaps).
  name_slots_.clear();
  names_.clear();
  symbol_slots_.clear();
  symbol_count_ = 0;
  scope_count_ = 0;
  occurrences_.clear();
  occurrences_reindex_ = false;
  body_scopes_.clear();
  type_param_scopes_.clear();
  strings_.clear();
}

bool SymbolTable::Oversized() const {
  constexpr size_t kMax = size_t{1} << 14;
  return scopes_.size() > 512 || names_.capacity() > kMax || name_slots_.capacity() > kMax ||
         spare_name_slots_.capacity() > kMax || symbol_slots_.capacity() > kMax ||
         spare_symbol_slots_.capacity() > kMax || occurrences_.capacity() > kMax;
}

namespace {

template <typename Key>
const Key* FindKey(const std::vector<Key>& keys, const Node* node) {
  auto it = std::lower_bound(keys.begin(), keys.end(), node,
                             [](const Key& k, const Node* n) { return k.node < n; });
  return it != keys.end() && it->node == node ? &*it : nullptr;
}

}  // namespace

const Scope* SymbolTable::ScopeOf(const ast::Node* node) const {
  const ScopeKey* k = FindKey(body_scopes_, node);
  return k ? scopes_[k->scope].get() : nullptr;
}

const Scope* SymbolTable::TypeParamsScopeOf(const ast::Node* node) const {
  const ScopeKey* k = FindKey(type_param_scopes_, node);
  return k ? scopes_[k->scope].get() : nullptr;
}

// Inline into the builder's DefineSymbol, once per name occurrence.
[[gnu::always_inline]] inline void SymbolTable::AddOccurrence(const ast::Node* node,
                                                              uint32_t scope, uint32_t symbol) {
  const uint32_t o = static_cast<uint32_t>(occurrences_.size());
  // A number left by a table built earlier over the same tree refers to no earlier occurrence of
  // this node here, so the node starts its run.
  const uint32_t a = node->aux;
  if (a != 0 && a - 1 < o && occurrences_[a - 1].node == node) {
    if (occurrences_[o - 1].node != node) {  // a walrus target, recorded again
      assert(occurrences_[a - 1].scope == scope && occurrences_[a - 1].symbol == symbol);
      return;
    }
  } else {
    node->aux = o + 1;
  }
  occurrences_.push_back({node, scope, symbol});
}

void SymbolTable::IndexOccurrences() {
  for (uint32_t o = 0; o < occurrences_.size(); ++o) {
    const ast::Node* node = occurrences_[o].node;
    if (o == 0 || occurrences_[o - 1].node != node) node->aux = o + 1;
  }
}

uint32_t SymbolTable::SearchOccurrence(const ast::Node* node) const {
  for (uint32_t i = 0; i < occurrences_.size(); ++i) {
    if (occurrences_[i].node == node) return i;
  }
  return kNoId;
}

namespace {

/// The name as written that occurrence `k` of `node` recorded (the builder's AddDef calls):
/// Global/Nonlocal record one per name, the other nodes one.
std::string_view RecordedIdentifier(const Node* node, uint32_t k) {
  switch (node->kind) {
    case Kind::Global:
    case Kind::Nonlocal:
      return ListField(node, 0)->items[k].str->view();  // Global.names / Nonlocal.names
    case Kind::Name:
      return StrField(node, ast::NameFields::id);
    case Kind::arg:
      return StrField(node, ast::argFields::arg);
    case Kind::alias:
      return AliasStoreName(node);
    case Kind::FunctionDef:
    case Kind::AsyncFunctionDef:
      return StrField(node, ast::FunctionDefFields::name);
    case Kind::ClassDef:
      return StrField(node, ast::ClassDefFields::name);
    case Kind::ExceptHandler:
      return StrField(node, ast::ExceptHandlerFields::name);
    case Kind::MatchAs:
      return StrField(node, ast::MatchAsFields::name);
    case Kind::MatchStar:
      return StrField(node, ast::MatchStarFields::name);
    case Kind::MatchMapping:
      return StrField(node, ast::MatchMappingFields::rest);
    default:  // TypeVar/ParamSpec/TypeVarTuple
      return StrField(node, 0);
  }
}

}  // namespace

SymbolTable::SymbolRef SymbolTable::FindOccurrence(const ast::Node* node,
                                                   std::string_view identifier) const {
  const uint32_t first = FirstOccurrence(node);
  if (first == kNoId) return {};
  for (uint32_t o = first; o < occurrences_.size() && occurrences_[o].node == node; ++o) {
    if (identifier.empty() || RecordedIdentifier(node, o - first) == identifier) {
      return {scopes_[occurrences_[o].scope].get(), occurrences_[o].symbol};
    }
  }
  return {};
}

NameResolution SymbolTable::Resolve(const ast::Node* node, std::string_view identifier) const {
  SymbolRef ref = FindOccurrence(node, identifier);
  return ref.scope == nullptr ? NameResolution{} : ResolveSymbol(*ref.scope, ref.index);
}

NameResolution SymbolTable::ResolveIn(const Scope& scope, std::string_view name) const {
  uint32_t id = FindId(name);
  if (id == kNoId) return {};
  uint32_t index = FindSymbol(scope.index_, id);
  if (index == kNoId) return {};
  return ResolveSymbol(scope, index);
}

NameResolution SymbolTable::ResolveSymbol(const Scope& scope, uint32_t index) const {
  NameResolution r;
  const Symbol* sym = &scope.symbols_[index];
  const uint32_t id = scope.symbol_ids_[index];
  r.scope = &scope;
  r.symbol = sym;
  r.binding = sym->binding;
  r.name_id = id;
  auto find = [&](const Scope* p) -> const Symbol* {
    uint32_t i = FindSymbol(p->index_, id);
    return i == kNoId ? nullptr : &p->symbols_[i];
  };
  switch (sym->binding) {
    case Binding::kNone:
      break;
    case Binding::kLocal:
    case Binding::kCell:
      r.owner = &scope;
      break;
    case Binding::kGlobalExplicit:
    case Binding::kGlobalImplicit: {
      r.owner = top_;
      // An annotation scope in a class reads class-bound names from the class namespace.
      if (scope.can_see_class_scope_ && sym->binding == Binding::kGlobalImplicit) {
        for (const Scope* p = scope.parent_; p; p = p->parent_) {
          if (p->type_ == ScopeType::kClass) {
            const Symbol* cs = find(p);
            if (cs && cs->Has(kDefBound) && !cs->Has(kDefNonlocal)) {
              r.owner = p;
              r.from_class_namespace = true;
            }
            break;
          }
          if (!p->can_see_class_scope_) break;
        }
      }
      break;
    }
    case Binding::kFree: {
      bool class_cell = sym->name == "__class__" || sym->name == "__classdict__";
      for (const Scope* p = scope.parent_; p; p = p->parent_) {
        if (p->type_ == ScopeType::kClass) {
          if (class_cell) {
            r.owner = p;
            break;
          }
          continue;
        }
        const Symbol* ps = find(p);
        if (ps && (ps->binding == Binding::kLocal || ps->binding == Binding::kCell)) {
          r.owner = p;
          break;
        }
      }
      break;
    }
  }
  return r;
}

std::vector<const Scope*> SymbolTable::Preorder() const {
  std::vector<const Scope*> out;
  std::vector<const Scope*> stack{top_};
  while (!stack.empty()) {
    const Scope* s = stack.back();
    stack.pop_back();
    out.push_back(s);
    for (auto it = s->children_.rbegin(); it != s->children_.rend(); ++it) stack.push_back(*it);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The builder

class SymtableBuilder {
 public:
  SymtableBuilder(const Node* root, std::string_view text, const ast::LineTable& lines,
                  SymbolTable* table)
      : root_(root), text_(text), lines_(lines), table_(table) {
    table_->lines_ = &lines;
  }

  bool Run(ParseError* error);

 private:
  // What a task does when popped. Visit tasks (kStmt...kTypeParam) count one level of CPython's
  // recursion; the others are continuations of a construct whose children were pushed above
  // them, or constructs CPython visits without counting a level.
  enum class Op : uint8_t {
    kStmt, kExpr, kPattern, kTypeParam,
    kStmtCont, kExprCont, kPatternCont,
    kExceptHandler, kComprehension, kAnnotation, kBoundOrDefault,
  };
  struct Task {
    Op op;
    uint8_t phase;
    uint8_t aux;  // construct-specific: a flag, or the type variable's scope-info code
    uint32_t depth;
    const Node* node;
    const Node* node2;  // construct-specific second node
  };

  // Per-block state that only pass 1 needs.
  struct Block {
    CompKind comp = CompKind::kNone;
    bool comp_iter_target = false;
    int comp_iter_expr = 0;
    int32_t mangled = -1;           // index into mangled_sets_, -1 = none (CPython's NULL)
    const char* scope_info = nullptr;
    std::vector<std::pair<uint32_t, const Node*>> directives;  // global/nonlocal, in order
  };

  // --- names. Intern() keeps a view: `s` must outlive the table (the module's arena or a
  // literal); InternCopy() stores a copy first.
  uint32_t Intern(std::string_view s);
  uint32_t InternCopy(std::string_view s);
  std::string_view Name(uint32_t id) const { return table_->names_[id].name; }
  uint32_t MaybeMangle(uint32_t block, std::string_view name) {
    // Most names: no type-parameter mangling here, and not private (`__x`) in a class.
    if (blocks_[block].mangled < 0 &&
        (private_.empty() || name.size() < 2 || name[0] != '_' || name[1] != '_')) {
      return Intern(name);
    }
    return MaybeMangleSlow(block, name);
  }
  uint32_t MaybeMangleSlow(uint32_t block, std::string_view name);

  // --- symbols
  Scope& S(uint32_t i) { return *table_->scopes_[i]; }
  uint32_t FindSymbol(uint32_t scope, uint32_t id) const {
    return table_->FindSymbol(scope, id);
  }
  uint32_t SymbolFlags(uint32_t scope, uint32_t id) const {
    uint32_t i = FindSymbol(scope, id);
    return i == SymbolTable::kNoId ? 0 : table_->scopes_[scope]->symbols_[i].flags;
  }
  uint32_t AddSymbol(uint32_t scope, uint32_t id, uint32_t flags);

  // --- errors
  bool Fail(const Node* at, std::string message);
  /// Fail with CPython's depth error, out of line: Step inlines at every Push, where the
  /// message's string would take a slot in the caller's frame each time.
  [[gnu::cold, gnu::noinline]] bool FailTooDeep(const Node* at) {
    return Fail(at, "maximum recursion depth exceeded during compilation");
  }
  bool FailAtDirective(uint32_t block, uint32_t id, std::string message);

  // --- pass 1
  bool ParseFuture();
  /// Opens a scope whose lineno() is the line `line_node` starts on (the module: null).
  uint32_t EnterBlock(std::string_view name, ScopeType type, const Node* node,
                      const Node* line_node);
  void ExitBlock();
  bool AddDef(std::string_view name, uint32_t flag, const Node* loc, bool record = true);
  bool AddDefHelper(std::string_view name, uint32_t flag, uint32_t block, const Node* loc,
                    bool record);
  /// AddDefHelper's body, inline there and into VisitName (a name occurrence's flag is a load
  /// or a store: the checks of parameters, type parameters and globals fold away).
  [[gnu::always_inline]] bool DefineSymbol(std::string_view name, uint32_t flag, uint32_t block,
                                           const Node* loc, bool record);
  void RecordDirective(std::string_view name, const Node* loc);
  bool EnterTypeParamBlock(std::string_view name, const Node* node, bool has_defaults,
                           bool has_kwdefaults, bool is_class);
  bool VisitParams(const List* args);
  bool VisitArguments(const Node* a);
  bool VisitAlias(const Node* a);
  bool RaiseIfAnnotationBlock(const char* what, const Node* e);
  bool ExtendNamedExprScope(const Node* target);

  /// Dispatches a task (inline in Push, where its op is mostly a constant, and in RunTasks).
  [[gnu::always_inline]] bool Step(const Task& t) {
    // Visit tasks are the first ops: each checks CPython's depth limit.
    if (t.op <= Op::kTypeParam && t.depth > kMaxVisitDepth) return FailTooDeep(t.node);
    switch (t.op) {
      case Op::kStmt:
      case Op::kStmtCont:
        return StepStmt(t);
      case Op::kExpr:
      case Op::kExprCont:
        return StepExpr(t);
      case Op::kPattern:
      case Op::kPatternCont:
        return StepPattern(t);
      case Op::kTypeParam:
        return StepTypeParam(t);
      default:
        return StepConstruct(t);
    }
  }
  /// kExceptHandler, kComprehension, kAnnotation, kBoundOrDefault.
  bool StepConstruct(const Task& t);
  bool StepStmt(const Task& t);
  bool StepExpr(const Task& t);
  /// A Name expression: what StepExpr does with one (it has no children).
  bool VisitName(const Node* e);
  bool StepPattern(const Task& t);
  bool StepTypeParam(const Task& t);
  bool StepComprehensionExpr(const Task& t);

  // A child is visited when its step pushes it, by a native call, as CPython's recursion does,
  // while fewer than kNativeDepth steps are running natively: most trees are shallow, and a
  // call costs less than a task's round trip through the stack. Deeper, children go on the
  // explicit stack (the parser accepts trees thousands of levels deep): above mark_, in
  // visiting order, and Flush() reverses them there so that they pop in visiting order. Either
  // way a step's children run in order and each one's subtree before the next, so the errors
  // and their order are CPython's; a step never mixes the two ways (the native depth is the
  // same at each of its pushes).
  // A failure in a child visited natively (or in a Name visited when pushed, below) is kept in
  // failed_: no later child is visited, so no other error replaces it, and Run returns false.
  // Expressions that would only cost a task get none, unless their depth would fail:
  //  - an Attribute only visits its value, one level deeper: the value is pushed in its place
  //    (`a.b.c` is one task, or none);
  //  - a Constant does nothing when visited;
  //  - a Name visited natively, or pushed before any other child of this step (it would be the
  //    next task popped), is visited at once.
  [[gnu::always_inline]] void Push(Op op, const Node* n, uint32_t depth, uint8_t phase = 0,
                                   uint8_t aux = 0, const Node* n2 = nullptr) {
    if (n == nullptr || failed_) return;
    const bool native = native_depth_ < kNativeDepth;
    if (op == Op::kExpr) {
      while (n->kind == Kind::Attribute && depth <= kMaxVisitDepth) {
        n = NodeField(n, ast::AttributeFields::value);
        ++depth;
      }
      if (depth <= kMaxVisitDepth) {
        if (n->kind == Kind::Constant) return;
        if (n->kind == Kind::Name && (native || stack_.size() == mark_)) {
          failed_ = !VisitName(n);
          return;
        }
      }
    }
    if (native) {
      // Inline, so that Step's dispatch folds on the constant `op` of most callers.
      const size_t base = stack_.size();
      ++native_depth_;
      failed_ = !StepNow({op, phase, aux, depth, n, n2}, base) ||
                (has_next_ && !RunContinuations(base));
      --native_depth_;
      mark_ = stack_.size();
    } else {
      stack_.push({op, phase, aux, depth, n, n2});
    }
  }
  /// The continuation of the task being stepped (its next phase), always its last push. After
  /// a native step it runs when the step returns (RunContinuations), not one call deeper.
  void Continue(Op op, const Node* n, uint32_t depth, uint8_t phase, uint8_t aux = 0,
                const Node* n2 = nullptr) {
    if (failed_) return;
    if (native_depth_ < kNativeDepth) {
      next_ = {op, phase, aux, depth, n, n2};
      has_next_ = true;
    } else {
      stack_.push({op, phase, aux, depth, n, n2});
    }
  }
  /// Steps `t` natively, then what it left on the stack above `base`; false on an error.
  [[gnu::always_inline]] bool StepNow(const Task& t, size_t base) {
    mark_ = base;
    has_next_ = false;
    return Step(t) && !failed_ && (stack_.size() == base || RunTasks(base));
  }
  /// The continuations (next_) of a step that ran natively, until one has none.
  bool RunContinuations(size_t base);
  [[gnu::always_inline]] void PushList(Op op, const List* list, uint32_t depth,
                                       uint32_t from = 0) {
    for (uint32_t i = from; i < list->size; ++i) Push(op, list->items[i].node, depth);
  }
  void Flush() {
    stack_.ReverseFrom(mark_);
    mark_ = stack_.size();
  }
  /// Steps the tasks above `base` on the stack until none is left; false on an error.
  bool RunTasks(size_t base);
  /// Native steps take up to about 1.7 KB of stack each (StepStmt's frame): 48 levels stay under
  /// 100 KB, and the walk of the stdlib's Lib/*.py costs the same as with 128 (callgrind).
  static constexpr uint32_t kNativeDepth = 48;
  uint32_t native_depth_ = 0;  // steps running natively (called by Push)
  Task next_{};                // the continuation a native step left (Continue)
  bool has_next_ = false;

  // --- pass 2
  struct Frame;
  bool Analyze();
  bool AnalyzeName(Frame& f, uint32_t i);
  void InlineComprehension(Frame& f, Scope& comp, IdSet& comp_free);
  void UpdateSymbols(Frame& f);
  void RemoveSymbol(uint32_t scope, uint32_t id);

  void Finish();

  const Node* root_;
  std::string_view text_;
  const ast::LineTable& lines_;
  SymbolTable* table_;
  ParseError* error_ = nullptr;
  bool future_annotations_ = false;

  std::vector<Block> blocks_;              // parallel to table_->scopes_[0, scope_count_)
  std::vector<uint32_t> block_stack_;      // CPython's st_stack
  uint32_t cur_ = 0;                       // st_cur
  std::string_view private_;               // st_private ("" = none)
  std::vector<std::string_view> private_stack_;
  std::vector<IdSet> mangled_sets_;
  WalkStack<Task> stack_;
  size_t mark_ = 0;  // stack_[mark_, end): pushed by the current step, not flushed yet
  bool failed_ = false;  // a child Push visited failed (the error is in *error_)
  std::string scratch_;

  uint32_t id_class_ = 0, id_classdict_ = 0;
};

uint32_t SymtableBuilder::Intern(std::string_view s) {
  return table_->InternId(s);
}

uint32_t SymtableBuilder::InternCopy(std::string_view s) {
  uint32_t id = table_->FindId(s);
  if (id != SymbolTable::kNoId) return id;
  auto storage = std::make_unique<char[]>(s.size() + 1);
  std::memcpy(storage.get(), s.data(), s.size());
  storage[s.size()] = '\0';
  std::string_view owned(storage.get(), s.size());
  table_->strings_.push_back(std::move(storage));
  return Intern(owned);
}

// CPython's _Py_MaybeMangle: inside the type-parameter scope of a generic class only the type
// parameters themselves are mangled.
uint32_t SymtableBuilder::MaybeMangleSlow(uint32_t block, std::string_view name) {
  int32_t m = blocks_[block].mangled;
  if (m >= 0) {
    uint32_t raw = table_->FindId(name);
    if (raw == SymbolTable::kNoId || !Contains(mangled_sets_[m], raw)) return Intern(name);
  }
  if (MangleInto(private_, name, &scratch_)) return InternCopy(scratch_);
  return Intern(name);
}

uint32_t SymtableBuilder::AddSymbol(uint32_t scope, uint32_t id, uint32_t flags) {
  Scope& s = S(scope);
  uint32_t index = static_cast<uint32_t>(s.symbols_.size());
  s.symbols_.push_back({Name(id), flags, Binding::kNone});
  s.symbol_ids_.push_back(id);
  if (index < Scope::kScanIds) s.scan_ids_[index] = id;
  table_->SetSymbol(scope, id, index);
  return index;
}

bool SymtableBuilder::Fail(const Node* at, std::string message) {
  ParseError& e = *error_;
  e.kind = ParseErrorKind::kSyntax;
  e.message = std::move(message);
  const ast::LineTable& lines = lines_;
  uint32_t offset = at ? at->begin : 0;
  e.lineno = lines.Line(offset);
  e.offset = lines.Column(offset) + 1;
  std::string_view text = text_;
  size_t start = lines.LineStart(e.lineno);
  size_t end = text.find('\n', start);
  e.line_text = std::string(text.substr(start, end == std::string_view::npos ? end : end - start));
  return false;
}

bool SymtableBuilder::FailAtDirective(uint32_t block, uint32_t id, std::string message) {
  for (const auto& [name, node] : blocks_[block].directives) {
    if (name == id) return Fail(node, std::move(message));
  }
  // CPython raises "BUG: internal directive bookkeeping broken" here; unreachable for ASTs
  // the parser produces.
  return Fail(S(block).node_, std::move(message));
}

// _PyFuture_FromAST: the leading `from __future__ import ...` statements (after an optional
// docstring) must name known features.
bool SymtableBuilder::ParseFuture() {
  const List* body = ListField(root_, ast::ModuleFields::body);
  uint32_t i = 0;
  if (body->size > 0) {
    const Node* first = body->items[0].node;
    if (first->kind == Kind::Expr) {
      const Node* v = NodeField(first, ast::ExprFields::value);
      if (v->kind == Kind::Constant &&
          v->fields[ast::ConstantFields::value].constant->kind == ast::ConstKind::kStr) {
        i = 1;
      }
    }
  }
  for (; i < body->size; ++i) {
    const Node* s = body->items[i].node;
    if (s->kind != Kind::ImportFrom || s->fields[ast::ImportFromFields::level].integer != 0 ||
        StrField(s, ast::ImportFromFields::module) != "__future__") {
      return true;
    }
    const List* names = ListField(s, ast::ImportFromFields::names);
    for (uint32_t j = 0; j < names->size; ++j) {
      std::string_view feature = StrField(names->items[j].node, ast::aliasFields::name);
      bool known = false;
      for (const char* f : kFutureFeatures) known = known || feature == f;
      if (feature == "annotations") future_annotations_ = true;
      if (known) continue;
      if (feature == "braces") return Fail(s, "not a chance");
      return Fail(s, "future feature " + std::string(feature) + " is not defined");
    }
  }
  return true;
}

uint32_t SymtableBuilder::EnterBlock(std::string_view name, ScopeType type, const Node* node,
                                     const Node* line_node) {
  uint32_t index = static_cast<uint32_t>(table_->scope_count_++);
  if (index == table_->scopes_.size()) {
    table_->scopes_.push_back(std::make_unique<Scope>());
  } else {
    table_->scopes_[index]->Reset();
  }
  Scope* scope = table_->scopes_[index].get();
  scope->table_ = table_;
  scope->index_ = index;
  scope->type_ = type;
  scope->name_ = name;  // the tree's or a literal: it outlives the table, as names_ does
  scope->line_offset_ = line_node == nullptr ? Scope::kNoLine : line_node->begin;
  scope->node_ = node;
  // Most scopes have a few symbols: start with room for them instead of growing 1, 2, 4, 8.
  scope->symbols_.reserve(8);
  scope->symbol_ids_.reserve(8);
  Block block;
  if (!block_stack_.empty()) {
    Scope& prev = S(cur_);
    scope->parent_ = &prev;
    scope->nested_ = prev.nested_ || IsFunctionLikeType(prev.type_);
    block.comp_iter_expr = blocks_[cur_].comp_iter_expr;
    if (blocks_[cur_].mangled >= 0 && type != ScopeType::kClass) {
      block.mangled = blocks_[cur_].mangled;
    }
    // Annotation blocks (only under `from __future__ import annotations`) are analyzed for
    // errors but never attached to the tree.
    if (type != ScopeType::kAnnotation) prev.children_.push_back(scope);
  }
  blocks_.push_back(std::move(block));
  block_stack_.push_back(index);
  cur_ = index;
  return index;
}

void SymtableBuilder::ExitBlock() {
  block_stack_.pop_back();
  cur_ = block_stack_.empty() ? 0 : block_stack_.back();
}

bool SymtableBuilder::AddDef(std::string_view name, uint32_t flag, const Node* loc, bool record) {
  if ((flag & kDefTypeParam) && blocks_[cur_].mangled >= 0) {
    Insert(mangled_sets_[blocks_[cur_].mangled], Intern(name));
  }
  return AddDefHelper(name, flag, cur_, loc, record);
}

bool SymtableBuilder::AddDefHelper(std::string_view name, uint32_t flag, uint32_t block,
                                   const Node* loc, bool record) {
  return DefineSymbol(name, flag, block, loc, record);
}

inline bool SymtableBuilder::DefineSymbol(std::string_view name, uint32_t flag, uint32_t block,
                                          const Node* loc, bool record) {
  uint32_t id = MaybeMangle(cur_, name);
  // Symbols are only appended during this pass, so what the name last found stays true.
  const SymbolTable::NameEntry& last = table_->names_[id];
  uint32_t index = last.last_scope == block ? last.last_index : FindSymbol(block, id);
  uint32_t val = flag;
  if (index != SymbolTable::kNoId) {
    uint32_t old = S(block).symbols_[index].flags;
    if ((flag & kDefParam) && (old & kDefParam)) {
      return Fail(loc, "duplicate argument '" + std::string(name) +
                           "' in function definition");
    }
    if ((flag & kDefTypeParam) && (old & kDefTypeParam)) {
      return Fail(loc, "duplicate type parameter '" + std::string(name) + "'");
    }
    val = old | flag;
  }
  if (blocks_[block].comp_iter_target) {
    if (val & (kDefGlobal | kDefNonlocal)) {
      return Fail(loc, "comprehension inner loop cannot rebind assignment expression target '" +
                           std::string(name) + "'");
    }
    val |= kDefCompIter;
  }
  if (index == SymbolTable::kNoId) {
    index = AddSymbol(block, id, val);
  } else {
    S(block).symbols_[index].flags = val;
  }
  table_->names_[id].last_scope = block;
  table_->names_[id].last_index = index;
  if (record && loc) table_->AddOccurrence(loc, block, index);
  if (!(flag & kDefParam) && (flag & kDefGlobal)) {
    // st_global: the module's own table also learns about `global` declarations.
    uint32_t top = 0;
    uint32_t gi = FindSymbol(top, id);
    if (gi == SymbolTable::kNoId) {
      AddSymbol(top, id, flag);
    } else {
      S(top).symbols_[gi].flags |= flag;
    }
  }
  return true;
}

void SymtableBuilder::RecordDirective(std::string_view name, const Node* loc) {
  blocks_[cur_].directives.emplace_back(MaybeMangle(cur_, name), loc);
}

bool SymtableBuilder::EnterTypeParamBlock(std::string_view name, const Node* node,
                                          bool has_defaults, bool has_kwdefaults,
                                          bool is_class) {
  ScopeType current = S(cur_).type_;
  EnterBlock(name, ScopeType::kTypeParameters, node, node);
  table_->type_param_scopes_.push_back({node, cur_});
  if (current == ScopeType::kClass) {
    S(cur_).can_see_class_scope_ = true;
    if (!AddDef("__classdict__", kUse, node, false)) return false;
  }
  if (is_class) {
    if (!AddDef(".type_params", kDefLocal, node, false) ||
        !AddDef(".type_params", kUse, node, false) ||
        !AddDef(".generic_base", kDefLocal, node, false) ||
        !AddDef(".generic_base", kUse, node, false)) {
      return false;
    }
  }
  if (has_defaults && !AddDef(".defaults", kDefParam, node, false)) return false;
  if (has_kwdefaults && !AddDef(".kwdefaults", kDefParam, node, false)) return false;
  return true;
}

bool SymtableBuilder::VisitParams(const List* args) {
  for (const ast::Slot& a : *args) {
    if (!AddDef(StrField(a.node, ast::argFields::arg), kDefParam, a.node)) return false;
  }
  return true;
}

// Parameters bind in this order (it decides which duplicate is reported): positional-only,
// positional, keyword-only, *args, **kwargs.
bool SymtableBuilder::VisitArguments(const Node* a) {
  using F = ast::argumentsFields;
  if (!VisitParams(ListField(a, F::posonlyargs)) || !VisitParams(ListField(a, F::args)) ||
      !VisitParams(ListField(a, F::kwonlyargs))) {
    return false;
  }
  for (uint32_t field : {uint32_t{F::vararg}, uint32_t{F::kwarg}}) {
    if (const Node* v = NodeField(a, field)) {
      if (!AddDef(StrField(v, ast::argFields::arg), kDefParam, v)) return false;
    }
  }
  return true;
}

bool SymtableBuilder::VisitAlias(const Node* a) {
  std::string_view store = AliasStoreName(a);
  if (store == "*") {
    if (S(cur_).type_ != ScopeType::kModule) {
      return Fail(a, "import * only allowed at module level");
    }
    return true;
  }
  return AddDef(store, kDefImport, a);
}

bool SymtableBuilder::RaiseIfAnnotationBlock(const char* what, const Node* e) {
  auto msg = [what] { return std::string(what); };  // made only for an error
  switch (S(cur_).type_) {
    case ScopeType::kAnnotation:
      return Fail(e, msg() + " cannot be used within an annotation");
    case ScopeType::kTypeVariable:
      return Fail(e, msg() + " cannot be used within " + blocks_[cur_].scope_info);
    case ScopeType::kTypeAlias:
      return Fail(e, msg() + " cannot be used within a type alias");
    case ScopeType::kTypeParameters:
      return Fail(e, msg() + " cannot be used within the definition of a generic");
    default:
      return true;
  }
}

// A walrus inside a comprehension binds in the nearest enclosing function (or the module).
bool SymtableBuilder::ExtendNamedExprScope(const Node* target) {
  std::string_view name = StrField(target, ast::NameFields::id);
  for (size_t i = block_stack_.size(); i-- > 0;) {
    uint32_t b = block_stack_[i];
    Scope& ste = S(b);
    if (blocks_[b].comp != CompKind::kNone) {
      uint32_t flags = SymbolFlags(b, MaybeMangle(b, name));
      if ((flags & kDefCompIter) && (flags & kDefLocal)) {
        return Fail(target, "assignment expression cannot rebind comprehension iteration "
                            "variable '" + std::string(name) + "'");
      }
      continue;
    }
    switch (ste.type_) {
      case ScopeType::kFunction: {
        uint32_t flags = SymbolFlags(b, MaybeMangle(b, name));
        if (!AddDef(name, (flags & kDefGlobal) ? kDefGlobal : kDefNonlocal, target)) return false;
        RecordDirective(name, target);
        return AddDefHelper(name, kDefLocal, b, target, false);
      }
      case ScopeType::kModule:
        if (!AddDef(name, kDefGlobal, target)) return false;
        RecordDirective(name, target);
        return AddDefHelper(name, kDefGlobal, b, target, false);
      case ScopeType::kClass:
        return Fail(target, "assignment expression within a comprehension cannot be used in a "
                            "class body");
      case ScopeType::kTypeParameters:
        return Fail(target, "assignment expression within a comprehension cannot be used within "
                            "the definition of a generic");
      case ScopeType::kTypeAlias:
        return Fail(target, "assignment expression within a comprehension cannot be used in a "
                            "type alias");
      case ScopeType::kTypeVariable:
        return Fail(target, "assignment expression within a comprehension cannot be used in a "
                            "TypeVar bound");
      case ScopeType::kAnnotation:
        continue;
    }
  }
  return true;
}

bool SymtableBuilder::StepConstruct(const Task& t) {
  switch (t.op) {
    case Op::kExceptHandler: {
      using F = ast::ExceptHandlerFields;
      const Node* eh = t.node;
      if (t.phase == 0) {
        Push(Op::kExpr, NodeField(eh, F::type), t.depth + 1);
        Continue(Op::kExceptHandler, eh, t.depth, 1);
        Flush();
        return true;
      }
      if (HasStr(eh, F::name) && !AddDef(StrField(eh, F::name), kDefLocal, eh)) return false;
      PushList(Op::kStmt, ListField(eh, F::body), t.depth + 1);
      Flush();
      return true;
    }
    case Op::kComprehension: {  // a `for` clause after the first one
      using F = ast::comprehensionFields;
      const Node* lc = t.node;
      Block& b = blocks_[cur_];
      switch (t.phase) {
        case 0:
          b.comp_iter_target = true;
          Push(Op::kExpr, NodeField(lc, F::target), t.depth + 1);
          Continue(Op::kComprehension, lc, t.depth, 1);
          break;
        case 1:
          b.comp_iter_target = false;
          b.comp_iter_expr++;
          Push(Op::kExpr, NodeField(lc, F::iter), t.depth + 1);
          Continue(Op::kComprehension, lc, t.depth, 2);
          break;
        default:
          b.comp_iter_expr--;
          PushList(Op::kExpr, ListField(lc, F::ifs), t.depth + 1);
          break;
      }
      Flush();
      return true;
    }
    case Op::kAnnotation:  // symtable_visit_annotation of 3.13
      if (t.phase == 0) {
        if (future_annotations_) {
          EnterBlock("_annotation", ScopeType::kAnnotation, t.node, t.node);
        }
        Push(Op::kExpr, t.node, t.depth + 1);
        Continue(Op::kAnnotation, t.node, t.depth, 1);
        Flush();
      } else if (future_annotations_) {
        ExitBlock();
      }
      return true;
    case Op::kBoundOrDefault: {  // node: the bound or default expression, node2: the type param
      static const char* const kInfo[] = {"a TypeVar bound", "a TypeVar constraint",
                                          "a TypeVar default", "a TypeVarTuple default",
                                          "a ParamSpec default"};
      if (t.phase == 0) {
        bool in_class = S(cur_).can_see_class_scope_;
        std::string_view name = StrField(t.node2, 0);  // TypeVar/ParamSpec/TypeVarTuple.name
        EnterBlock(name, ScopeType::kTypeVariable, t.node2, t.node);
        S(cur_).can_see_class_scope_ = in_class;
        if (in_class && !AddDef("__classdict__", kUse, t.node, false)) return false;
        blocks_[cur_].scope_info = kInfo[t.aux];
        Push(Op::kExpr, t.node, t.depth + 1);
        Continue(Op::kBoundOrDefault, t.node, t.depth, 1, t.aux, t.node2);
        Flush();
      } else {
        ExitBlock();
      }
      return true;
    }
    default:  // visits and their continuations: Step sends them to StepStmt...
      break;
  }
  return true;
}

bool SymtableBuilder::StepStmt(const Task& t) {
  const Node* s = t.node;
  const uint32_t d = t.depth + 1;  // depth of the statement's children
  const uint8_t phase = t.op == Op::kStmt ? 0 : t.phase;
  auto cont = [&](uint8_t next, uint8_t aux = 0) {
    Continue(Op::kStmtCont, s, t.depth, next, aux);
  };
  switch (s->kind) {
    case Kind::FunctionDef:
    case Kind::AsyncFunctionDef: {
      using F = ast::FunctionDefFields;
      using A = ast::argumentsFields;
      std::string_view name = StrField(s, F::name);
      const Node* args = NodeField(s, F::args);
      bool generic = ListField(s, F::type_params)->size > 0;
      switch (phase) {
        case 0:
          if (!AddDef(name, kDefLocal, s)) return false;
          PushList(Op::kExpr, ListField(args, A::defaults), d);
          PushList(Op::kExpr, ListField(args, A::kw_defaults), d);
          PushList(Op::kExpr, ListField(s, F::decorator_list), d);
          cont(1);
          break;
        case 1:
          if (generic) {
            bool has_kwdefaults = false;
            for (const ast::Slot& k : *ListField(args, A::kw_defaults)) {
              has_kwdefaults = has_kwdefaults || k.node != nullptr;
            }
            // CPython tests `args->defaults != NULL`, which an empty list also passes.
            if (!EnterTypeParamBlock(name, s, true, has_kwdefaults, false)) return false;
            PushList(Op::kTypeParam, ListField(s, F::type_params), d);
          }
          cont(2);
          break;
        case 2: {  // symtable_visit_annotations
          if (future_annotations_) EnterBlock("_annotation", ScopeType::kAnnotation, s, s);
          auto push_annotations = [&](const List* list) {
            for (const ast::Slot& a : *list) {
              Push(Op::kExpr, NodeField(a.node, ast::argFields::annotation), d);
            }
          };
          push_annotations(ListField(args, A::posonlyargs));
          push_annotations(ListField(args, A::args));
          if (const Node* v = NodeField(args, A::vararg)) {
            Push(Op::kExpr, NodeField(v, ast::argFields::annotation), d);
          }
          if (const Node* k = NodeField(args, A::kwarg)) {
            Push(Op::kExpr, NodeField(k, ast::argFields::annotation), d);
          }
          push_annotations(ListField(args, A::kwonlyargs));
          cont(3);
          break;
        }
        case 3:
          if (future_annotations_) ExitBlock();
          Push(Op::kAnnotation, NodeField(s, F::returns), t.depth);
          cont(4);
          break;
        case 4:
          EnterBlock(name, ScopeType::kFunction, s, s);
          table_->body_scopes_.push_back({s, cur_});
          if (!VisitArguments(args)) return false;
          PushList(Op::kStmt, ListField(s, F::body), d);
          cont(5);
          break;
        default:
          ExitBlock();
          if (generic) ExitBlock();
          break;
      }
      break;
    }
    case Kind::ClassDef: {
      using F = ast::ClassDefFields;
      std::string_view name = StrField(s, F::name);
      bool generic = ListField(s, F::type_params)->size > 0;
      switch (phase) {
        case 0:
          if (!AddDef(name, kDefLocal, s)) return false;
          PushList(Op::kExpr, ListField(s, F::decorator_list), d);
          cont(1);
          break;
        case 1:
          private_stack_.push_back(private_);
          if (generic) {
            if (!EnterTypeParamBlock(name, s, false, false, true)) return false;
            private_ = name;
            blocks_[cur_].mangled = static_cast<int32_t>(mangled_sets_.size());
            mangled_sets_.emplace_back();
            PushList(Op::kTypeParam, ListField(s, F::type_params), d);
          }
          cont(2);
          break;
        case 2:
          PushList(Op::kExpr, ListField(s, F::bases), d);
          for (const ast::Slot& k : *ListField(s, F::keywords)) {
            Push(Op::kExpr, NodeField(k.node, ast::keywordFields::value), d);
          }
          cont(3);
          break;
        case 3:
          EnterBlock(name, ScopeType::kClass, s, s);
          table_->body_scopes_.push_back({s, cur_});
          private_ = name;
          if (generic && (!AddDef("__type_params__", kDefLocal, s, false) ||
                          !AddDef(".type_params", kUse, s, false))) {
            return false;
          }
          PushList(Op::kStmt, ListField(s, F::body), d);
          cont(4);
          break;
        default:
          ExitBlock();
          if (generic) ExitBlock();
          private_ = private_stack_.back();
          private_stack_.pop_back();
          break;
      }
      break;
    }
    case Kind::TypeAlias: {
      using F = ast::TypeAliasFields;
      const Node* target = NodeField(s, F::name);
      std::string_view name = StrField(target, ast::NameFields::id);
      bool generic = ListField(s, F::type_params)->size > 0;
      switch (phase) {
        case 0:
          Push(Op::kExpr, target, d);
          cont(1);
          break;
        case 1: {
          bool in_class = S(cur_).type_ == ScopeType::kClass;
          if (generic) {
            if (!EnterTypeParamBlock(name, s, false, false, false)) return false;
            PushList(Op::kTypeParam, ListField(s, F::type_params), d);
          }
          cont(2, in_class);
          break;
        }
        case 2: {
          const Node* value = NodeField(s, F::value);
          EnterBlock(name, ScopeType::kTypeAlias, s, s);
          table_->body_scopes_.push_back({s, cur_});
          S(cur_).can_see_class_scope_ = t.aux != 0;
          if (t.aux && !AddDef("__classdict__", kUse, value, false)) return false;
          Push(Op::kExpr, value, d);
          cont(3);
          break;
        }
        default:
          ExitBlock();
          if (generic) ExitBlock();
          break;
      }
      break;
    }
    case Kind::Return:
      Push(Op::kExpr, NodeField(s, ast::ReturnFields::value), d);
      break;
    case Kind::Delete:
      PushList(Op::kExpr, ListField(s, ast::DeleteFields::targets), d);
      break;
    case Kind::Assign:
      PushList(Op::kExpr, ListField(s, ast::AssignFields::targets), d);
      Push(Op::kExpr, NodeField(s, ast::AssignFields::value), d);
      break;
    case Kind::AnnAssign: {
      using F = ast::AnnAssignFields;
      const Node* target = NodeField(s, F::target);
      bool simple = s->fields[F::simple].integer != 0;
      const Node* value = NodeField(s, F::value);
      if (target->kind == Kind::Name) {
        std::string_view name = StrField(target, ast::NameFields::id);
        uint32_t cur = SymbolFlags(cur_, MaybeMangle(cur_, name));
        if ((cur & (kDefGlobal | kDefNonlocal)) && cur_ != 0 && simple) {
          return Fail(s, std::string("annotated name '") + std::string(name) + "' can't be " +
                             ((cur & kDefGlobal) ? "global" : "nonlocal"));
        }
        if (simple) {
          if (!AddDef(name, kDefAnnot | kDefLocal, target)) return false;
        } else if (value && !AddDef(name, kDefLocal, target)) {
          return false;
        }
      } else {
        Push(Op::kExpr, target, d);
      }
      Push(Op::kAnnotation, NodeField(s, F::annotation), t.depth);
      Push(Op::kExpr, value, d);
      break;
    }
    case Kind::AugAssign:
      Push(Op::kExpr, NodeField(s, ast::AugAssignFields::target), d);
      Push(Op::kExpr, NodeField(s, ast::AugAssignFields::value), d);
      break;
    case Kind::For:
    case Kind::AsyncFor:
      Push(Op::kExpr, NodeField(s, ast::ForFields::target), d);
      Push(Op::kExpr, NodeField(s, ast::ForFields::iter), d);
      PushList(Op::kStmt, ListField(s, ast::ForFields::body), d);
      PushList(Op::kStmt, ListField(s, ast::ForFields::orelse), d);
      break;
    case Kind::While:
      Push(Op::kExpr, NodeField(s, ast::WhileFields::test), d);
      PushList(Op::kStmt, ListField(s, ast::WhileFields::body), d);
      PushList(Op::kStmt, ListField(s, ast::WhileFields::orelse), d);
      break;
    case Kind::If:
      Push(Op::kExpr, NodeField(s, ast::IfFields::test), d);
      PushList(Op::kStmt, ListField(s, ast::IfFields::body), d);
      PushList(Op::kStmt, ListField(s, ast::IfFields::orelse), d);
      break;
    case Kind::Match:
      Push(Op::kExpr, NodeField(s, ast::MatchFields::subject), d);
      for (const ast::Slot& c : *ListField(s, ast::MatchFields::cases)) {
        Push(Op::kPattern, NodeField(c.node, ast::match_caseFields::pattern), d);
        Push(Op::kExpr, NodeField(c.node, ast::match_caseFields::guard), d);
        PushList(Op::kStmt, ListField(c.node, ast::match_caseFields::body), d);
      }
      break;
    case Kind::Raise:
      if (const Node* exc = NodeField(s, ast::RaiseFields::exc)) {
        Push(Op::kExpr, exc, d);
        Push(Op::kExpr, NodeField(s, ast::RaiseFields::cause), d);
      }
      break;
    case Kind::Try:
    case Kind::TryStar:
      PushList(Op::kStmt, ListField(s, ast::TryFields::body), d);
      for (const ast::Slot& h : *ListField(s, ast::TryFields::handlers)) {
        Push(Op::kExceptHandler, h.node, t.depth);
      }
      PushList(Op::kStmt, ListField(s, ast::TryFields::orelse), d);
      PushList(Op::kStmt, ListField(s, ast::TryFields::finalbody), d);
      break;
    case Kind::Assert:
      Push(Op::kExpr, NodeField(s, ast::AssertFields::test), d);
      Push(Op::kExpr, NodeField(s, ast::AssertFields::msg), d);
      break;
    case Kind::Import:
    case Kind::ImportFrom: {
      const List* names = ListField(s, s->kind == Kind::Import ? uint32_t{ast::ImportFields::names}
                                                              : uint32_t{ast::ImportFromFields::names});
      for (const ast::Slot& a : *names) {
        if (!VisitAlias(a.node)) return false;
      }
      break;
    }
    case Kind::Global:
    case Kind::Nonlocal: {
      bool global = s->kind == Kind::Global;
      const List* names = ListField(s, 0);  // Global.names / Nonlocal.names
      for (const ast::Slot& n : *names) {
        std::string_view name = n.str->view();
        uint32_t cur = SymbolFlags(cur_, MaybeMangle(cur_, name));
        if (cur & (kDefParam | kDefLocal | kUse | kDefAnnot)) {
          std::string quoted = "name '" + std::string(name) + "' is ";
          std::string what = global ? "global" : "nonlocal";
          if (cur & kDefParam) return Fail(s, quoted + "parameter and " + what);
          if (cur & kUse) return Fail(s, quoted + "used prior to " + what + " declaration");
          if (cur & kDefAnnot) {
            return Fail(s, "annotated name '" + std::string(name) + "' can't be " + what);
          }
          return Fail(s, quoted + "assigned to before " + what + " declaration");
        }
        if (!AddDef(name, global ? kDefGlobal : kDefNonlocal, s)) return false;
        RecordDirective(name, s);
      }
      break;
    }
    case Kind::Expr:
      Push(Op::kExpr, NodeField(s, ast::ExprFields::value), d);
      break;
    case Kind::With:
    case Kind::AsyncWith:
      for (const ast::Slot& item : *ListField(s, ast::WithFields::items)) {
        Push(Op::kExpr, NodeField(item.node, ast::withitemFields::context_expr), d);
        Push(Op::kExpr, NodeField(item.node, ast::withitemFields::optional_vars), d);
      }
      PushList(Op::kStmt, ListField(s, ast::WithFields::body), d);
      break;
    default:  // Pass, Break, Continue
      break;
  }
  Flush();
  return true;
}

bool SymtableBuilder::StepExpr(const Task& t) {
  const Node* e = t.node;
  const uint32_t d = t.depth + 1;
  const uint8_t phase = t.op == Op::kExpr ? 0 : t.phase;
  switch (e->kind) {
    case Kind::NamedExpr: {
      using F = ast::NamedExprFields;
      if (!RaiseIfAnnotationBlock("named expression", e)) return false;
      if (blocks_[cur_].comp_iter_expr > 0) {
        return Fail(e, "assignment expression cannot be used in a comprehension iterable "
                       "expression");
      }
      if (blocks_[cur_].comp != CompKind::kNone &&
          !ExtendNamedExprScope(NodeField(e, F::target))) {
        return false;
      }
      Push(Op::kExpr, NodeField(e, F::value), d);
      Push(Op::kExpr, NodeField(e, F::target), d);
      break;
    }
    case Kind::BoolOp:
      PushList(Op::kExpr, ListField(e, ast::BoolOpFields::values), d);
      break;
    case Kind::BinOp:
      Push(Op::kExpr, NodeField(e, ast::BinOpFields::left), d);
      Push(Op::kExpr, NodeField(e, ast::BinOpFields::right), d);
      break;
    case Kind::UnaryOp:
      Push(Op::kExpr, NodeField(e, ast::UnaryOpFields::operand), d);
      break;
    case Kind::Lambda: {
      using A = ast::argumentsFields;
      const Node* args = NodeField(e, ast::LambdaFields::args);
      if (phase == 0) {
        PushList(Op::kExpr, ListField(args, A::defaults), d);
        PushList(Op::kExpr, ListField(args, A::kw_defaults), d);
        Continue(Op::kExprCont, e, t.depth, 1);
      } else if (phase == 1) {
        EnterBlock("lambda", ScopeType::kFunction, e, e);
        table_->body_scopes_.push_back({e, cur_});
        if (!VisitArguments(args)) return false;
        Push(Op::kExpr, NodeField(e, ast::LambdaFields::body), d);
        Continue(Op::kExprCont, e, t.depth, 2);
      } else {
        ExitBlock();
      }
      break;
    }
    case Kind::IfExp:
      Push(Op::kExpr, NodeField(e, ast::IfExpFields::test), d);
      Push(Op::kExpr, NodeField(e, ast::IfExpFields::body), d);
      Push(Op::kExpr, NodeField(e, ast::IfExpFields::orelse), d);
      break;
    case Kind::Dict:
      PushList(Op::kExpr, ListField(e, ast::DictFields::keys), d);
      PushList(Op::kExpr, ListField(e, ast::DictFields::values), d);
      break;
    case Kind::Set:
      PushList(Op::kExpr, ListField(e, ast::SetFields::elts), d);
      break;
    case Kind::ListComp:
    case Kind::SetComp:
    case Kind::DictComp:
    case Kind::GeneratorExp:
      return StepComprehensionExpr(t);
    case Kind::Yield:
    case Kind::YieldFrom:
      if (phase == 0) {
        if (!RaiseIfAnnotationBlock("yield expression", e)) return false;
        Push(Op::kExpr, NodeField(e, 0), d);  // Yield.value / YieldFrom.value
        Continue(Op::kExprCont, e, t.depth, 1);
      } else {
        switch (blocks_[cur_].comp) {
          case CompKind::kNone: break;
          case CompKind::kList: return Fail(e, "'yield' inside list comprehension");
          case CompKind::kSet: return Fail(e, "'yield' inside set comprehension");
          case CompKind::kDict: return Fail(e, "'yield' inside dict comprehension");
          case CompKind::kGenerator: return Fail(e, "'yield' inside generator expression");
        }
        S(cur_).generator_ = true;
      }
      break;
    case Kind::Await:
      if (!RaiseIfAnnotationBlock("await expression", e)) return false;
      Push(Op::kExpr, NodeField(e, ast::AwaitFields::value), d);
      break;
    case Kind::Compare:
      Push(Op::kExpr, NodeField(e, ast::CompareFields::left), d);
      PushList(Op::kExpr, ListField(e, ast::CompareFields::comparators), d);
      break;
    case Kind::Call:
      Push(Op::kExpr, NodeField(e, ast::CallFields::func), d);
      PushList(Op::kExpr, ListField(e, ast::CallFields::args), d);
      for (const ast::Slot& k : *ListField(e, ast::CallFields::keywords)) {
        if (k.node) Push(Op::kExpr, NodeField(k.node, ast::keywordFields::value), d);
      }
      break;
    case Kind::FormattedValue:
      Push(Op::kExpr, NodeField(e, ast::FormattedValueFields::value), d);
      Push(Op::kExpr, NodeField(e, ast::FormattedValueFields::format_spec), d);
      break;
    case Kind::JoinedStr:
      PushList(Op::kExpr, ListField(e, ast::JoinedStrFields::values), d);
      break;
    case Kind::Subscript:
      Push(Op::kExpr, NodeField(e, ast::SubscriptFields::value), d);
      Push(Op::kExpr, NodeField(e, ast::SubscriptFields::slice), d);
      break;
    case Kind::Starred:
      Push(Op::kExpr, NodeField(e, ast::StarredFields::value), d);
      break;
    case Kind::Slice:
      Push(Op::kExpr, NodeField(e, ast::SliceFields::lower), d);
      Push(Op::kExpr, NodeField(e, ast::SliceFields::upper), d);
      Push(Op::kExpr, NodeField(e, ast::SliceFields::step), d);
      break;
    case Kind::Name:
      if (!VisitName(e)) return false;
      break;
    case Kind::List:
      PushList(Op::kExpr, ListField(e, ast::ListFields::elts), d);
      break;
    case Kind::Tuple:
      PushList(Op::kExpr, ListField(e, ast::TupleFields::elts), d);
      break;
    default:  // Constant; an Attribute gets no task (Push pushes its value instead)
      break;
  }
  Flush();
  return true;
}

bool SymtableBuilder::VisitName(const Node* e) {
  std::string_view id = StrField(e, ast::NameFields::id);
  bool load =
      static_cast<ast::Singleton>(e->fields[ast::NameFields::ctx].integer) == ast::Singleton::Load;
  if (!DefineSymbol(id, load ? kUse : kDefLocal, cur_, e, true)) return false;
  // super() needs the __class__ cell.
  return !(load && id == "super" && IsFunctionLikeType(S(cur_).type_) &&
           !AddDef("__class__", kUse, e, false));
}

// symtable_handle_comprehension: the first iterable is evaluated outside, in the current scope;
// the rest runs in a new function scope whose implicit parameter `.0` receives it.
bool SymtableBuilder::StepComprehensionExpr(const Task& t) {
  const Node* e = t.node;
  const uint32_t d = t.depth + 1;
  const uint8_t phase = t.op == Op::kExpr ? 0 : t.phase;
  const Node* elt;
  const Node* value = nullptr;
  const List* generators;
  const char* scope_name;
  CompKind kind;
  switch (e->kind) {
    case Kind::ListComp:
      elt = NodeField(e, ast::ListCompFields::elt);
      generators = ListField(e, ast::ListCompFields::generators);
      scope_name = "listcomp";
      kind = CompKind::kList;
      break;
    case Kind::SetComp:
      elt = NodeField(e, ast::SetCompFields::elt);
      generators = ListField(e, ast::SetCompFields::generators);
      scope_name = "setcomp";
      kind = CompKind::kSet;
      break;
    case Kind::DictComp:
      elt = NodeField(e, ast::DictCompFields::key);
      value = NodeField(e, ast::DictCompFields::value);
      generators = ListField(e, ast::DictCompFields::generators);
      scope_name = "dictcomp";
      kind = CompKind::kDict;
      break;
    default:
      elt = NodeField(e, ast::GeneratorExpFields::elt);
      generators = ListField(e, ast::GeneratorExpFields::generators);
      scope_name = "genexpr";
      kind = CompKind::kGenerator;
      break;
  }
  const Node* outermost = generators->items[0].node;
  using C = ast::comprehensionFields;
  switch (phase) {
    case 0:
      blocks_[cur_].comp_iter_expr++;
      Push(Op::kExpr, NodeField(outermost, C::iter), d);
      Continue(Op::kExprCont, e, t.depth, 1);
      break;
    case 1:
      blocks_[cur_].comp_iter_expr--;
      EnterBlock(scope_name, ScopeType::kFunction, e, e);
      table_->body_scopes_.push_back({e, cur_});
      S(cur_).comprehension_ = true;
      blocks_[cur_].comp = kind;
      if (!AddDef(".0", kDefParam, e, false)) return false;
      blocks_[cur_].comp_iter_target = true;
      Push(Op::kExpr, NodeField(outermost, C::target), d);
      Continue(Op::kExprCont, e, t.depth, 2);
      break;
    case 2:
      blocks_[cur_].comp_iter_target = false;
      PushList(Op::kExpr, ListField(outermost, C::ifs), d);
      for (uint32_t i = 1; i < generators->size; ++i) {
        Push(Op::kComprehension, generators->items[i].node, t.depth);
      }
      Push(Op::kExpr, value, d);
      Push(Op::kExpr, elt, d);
      Continue(Op::kExprCont, e, t.depth, 3);
      break;
    default:
      S(cur_).generator_ = kind == CompKind::kGenerator;
      ExitBlock();
      break;
  }
  Flush();
  return true;
}

bool SymtableBuilder::StepPattern(const Task& t) {
  const Node* p = t.node;
  const uint32_t d = t.depth + 1;
  const bool cont = t.op == Op::kPatternCont;
  switch (p->kind) {
    case Kind::MatchValue:
      Push(Op::kExpr, NodeField(p, ast::MatchValueFields::value), d);
      break;
    case Kind::MatchSequence:
      PushList(Op::kPattern, ListField(p, ast::MatchSequenceFields::patterns), d);
      break;
    case Kind::MatchStar:
      if (HasStr(p, ast::MatchStarFields::name) &&
          !AddDef(StrField(p, ast::MatchStarFields::name), kDefLocal, p)) {
        return false;
      }
      break;
    case Kind::MatchMapping:
      if (!cont) {
        PushList(Op::kExpr, ListField(p, ast::MatchMappingFields::keys), d);
        PushList(Op::kPattern, ListField(p, ast::MatchMappingFields::patterns), d);
        Continue(Op::kPatternCont, p, t.depth, 1);
      } else if (HasStr(p, ast::MatchMappingFields::rest) &&
                 !AddDef(StrField(p, ast::MatchMappingFields::rest), kDefLocal, p)) {
        return false;
      }
      break;
    case Kind::MatchClass:
      Push(Op::kExpr, NodeField(p, ast::MatchClassFields::cls), d);
      PushList(Op::kPattern, ListField(p, ast::MatchClassFields::patterns), d);
      PushList(Op::kPattern, ListField(p, ast::MatchClassFields::kwd_patterns), d);
      break;
    case Kind::MatchAs:
      if (!cont) {
        Push(Op::kPattern, NodeField(p, ast::MatchAsFields::pattern), d);
        Continue(Op::kPatternCont, p, t.depth, 1);
      } else if (HasStr(p, ast::MatchAsFields::name) &&
                 !AddDef(StrField(p, ast::MatchAsFields::name), kDefLocal, p)) {
        return false;
      }
      break;
    case Kind::MatchOr:
      PushList(Op::kPattern, ListField(p, ast::MatchOrFields::patterns), d);
      break;
    default:  // MatchSingleton
      break;
  }
  Flush();
  return true;
}

bool SymtableBuilder::StepTypeParam(const Task& t) {
  const Node* tp = t.node;
  std::string_view name = StrField(tp, 0);  // TypeVar/ParamSpec/TypeVarTuple.name
  if (!AddDef(name, kDefTypeParam | kDefLocal, tp)) return false;
  switch (tp->kind) {
    case Kind::TypeVar: {
      const Node* bound = NodeField(tp, ast::TypeVarFields::bound);
      uint8_t info = bound && bound->kind == Kind::Tuple ? 1 : 0;
      Push(Op::kBoundOrDefault, bound, t.depth, 0, info, tp);
      Push(Op::kBoundOrDefault, NodeField(tp, ast::TypeVarFields::default_value), t.depth, 0, 2,
           tp);
      break;
    }
    case Kind::TypeVarTuple:
      Push(Op::kBoundOrDefault, NodeField(tp, ast::TypeVarTupleFields::default_value), t.depth,
           0, 3, tp);
      break;
    default:  // ParamSpec
      Push(Op::kBoundOrDefault, NodeField(tp, ast::ParamSpecFields::default_value), t.depth, 0,
           4, tp);
      break;
  }
  Flush();
  return true;
}

// ---------------------------------------------------------------------------------------------
// Pass 2: analyze_block / analyze_child_block of CPython, on an explicit stack of frames.

struct SymtableBuilder::Frame {
  uint32_t scope;
  bool has_bound;          // false only for the module (CPython's bound == NULL)
  IdSet bound, free, global, type_params;  // this block's copies (analyze_child_block)
  const Scope* class_entry;
  std::vector<Binding> scopes;  // per symbol index
  IdSet local, newglobal, newfree, newbound, inlined_cells;
  uint32_t next_child = 0;
  bool inline_current = false;  // whether the child being analyzed gets inlined

  /// Empties the frame for another scope; its sets keep their capacity.
  void Reset(uint32_t scope_index, bool bound_known) {
    scope = scope_index;
    has_bound = bound_known;
    class_entry = nullptr;
    for (IdSet* set : {&bound, &free, &global, &type_params, &local, &newglobal, &newfree,
                       &newbound, &inlined_cells}) {
      set->clear();
    }
    next_child = 0;
    inline_current = false;
  }
};

bool SymtableBuilder::AnalyzeName(Frame& f, uint32_t i) {
  Scope& ste = S(f.scope);
  const uint32_t id = ste.symbol_ids_[i];
  const uint32_t flags = ste.symbols_[i].flags;
  const std::string_view name = Name(id);  // for messages only: copied when one is made
  Binding& scope = f.scopes[i];
  if (flags & kDefGlobal) {
    if (flags & kDefNonlocal) {
      return FailAtDirective(f.scope, id,
                             "name '" + std::string(name) + "' is nonlocal and global");
    }
    scope = Binding::kGlobalExplicit;
    Insert(f.global, id);
    if (f.has_bound) Erase(f.bound, id);
    return true;
  }
  if (flags & kDefNonlocal) {
    if (!f.has_bound) {
      return FailAtDirective(f.scope, id, "nonlocal declaration not allowed at module level");
    }
    if (!Contains(f.bound, id)) {
      return FailAtDirective(f.scope, id,
                             "no binding for nonlocal '" + std::string(name) + "' found");
    }
    if (Contains(f.type_params, id)) {
      return FailAtDirective(f.scope, id,
                             "nonlocal binding not allowed for type parameter '" +
                                 std::string(name) + "'");
    }
    scope = Binding::kFree;
    Insert(f.free, id);
    return true;
  }
  if (flags & kDefBound) {
    scope = Binding::kLocal;
    f.local.push_back(id);  // each symbol's id once: sorted where it is used (Analyze)
    // Most scopes see no global declaration and no type parameter.
    if (!f.global.empty()) Erase(f.global, id);
    if (flags & kDefTypeParam) {
      Insert(f.type_params, id);
    } else if (!f.type_params.empty()) {
      Erase(f.type_params, id);
    }
    return true;
  }
  // An annotation scope in a class sees the class's bindings (and its global declarations)
  // before those of enclosing functions.
  if (f.class_entry) {
    uint32_t ci = FindSymbol(f.class_entry->index_, id);
    uint32_t cflags = ci == SymbolTable::kNoId ? 0 : f.class_entry->symbols_[ci].flags;
    if (cflags & kDefGlobal) {
      scope = Binding::kGlobalExplicit;
      return true;
    }
    if ((cflags & kDefBound) && !(cflags & kDefNonlocal)) {
      scope = Binding::kGlobalImplicit;
      return true;
    }
  }
  if (f.has_bound && Contains(f.bound, id)) {
    scope = Binding::kFree;
    Insert(f.free, id);
    return true;
  }
  scope = Binding::kGlobalImplicit;
  return true;
}

static bool IsFreeInAnyChild(const Scope& comp, std::string_view name) {
  for (const Scope* c : comp.children()) {
    const Symbol* s = c->Find(name);
    if (s && s->binding == Binding::kFree) return true;
  }
  return false;
}

// PEP 709: the comprehension's names join the parent's table.
void SymtableBuilder::InlineComprehension(Frame& f, Scope& comp, IdSet& comp_free) {
  Scope& ste = S(f.scope);
  bool remove_dunder_class = false;
  for (size_t i = 0; i < comp.symbols_.size(); ++i) {
    const Symbol& sym = comp.symbols_[i];
    const uint32_t id = comp.symbol_ids_[i];
    if (sym.flags & kDefParam) continue;  // `.0`
    Binding scope = sym.binding;
    if (scope == Binding::kCell || (sym.flags & kDefCompCell)) Insert(f.inlined_cells, id);
    uint32_t existing = FindSymbol(f.scope, id);
    // __class__ is never free through a class scope.
    if (scope == Binding::kFree && ste.type_ == ScopeType::kClass && id == id_class_) {
      scope = Binding::kGlobalImplicit;
      Erase(comp_free, id);
      remove_dunder_class = true;
    }
    if (existing == SymbolTable::kNoId) {
      AddSymbol(f.scope, id, sym.flags);
      f.scopes.push_back(scope);
    } else if ((ste.symbols_[existing].flags & kDefBound) && ste.type_ != ScopeType::kClass) {
      if (!IsFreeInAnyChild(comp, sym.name)) Erase(comp_free, id);
    }
  }
  if (remove_dunder_class) RemoveSymbol(comp.index_, id_class_);
}

void SymtableBuilder::RemoveSymbol(uint32_t scope, uint32_t id) {
  uint32_t index = FindSymbol(scope, id);
  if (index == SymbolTable::kNoId) return;
  Scope& s = S(scope);
  s.symbols_.erase(s.symbols_.begin() + index);
  s.symbol_ids_.erase(s.symbol_ids_.begin() + index);
  s.scan_ids_ = Scope::FreshScanIds();
  for (uint32_t i = 0; i < std::min<size_t>(Scope::kScanIds, s.symbol_ids_.size()); ++i) {
    s.scan_ids_[i] = s.symbol_ids_[i];
  }
  table_->SetSymbol(scope, id, SymbolTable::kNoId);
  for (uint32_t i = index; i < s.symbols_.size(); ++i) table_->SetSymbol(scope, s.symbol_ids_[i], i);
  auto& occ = table_->occurrences_;
  occ.erase(std::remove_if(occ.begin(), occ.end(),
                           [&](const SymbolTable::Occurrence& o) {
                             return o.scope == scope && o.symbol == index;
                           }),
            occ.end());
  for (auto& o : occ) {
    if (o.scope == scope && o.symbol > index) --o.symbol;
  }
  table_->occurrences_reindex_ = true;  // the indices AddOccurrence kept have moved
}

void SymtableBuilder::UpdateSymbols(Frame& f) {
  Scope& ste = S(f.scope);
  const bool classflag = ste.type_ == ScopeType::kClass || ste.can_see_class_scope_;
  for (size_t i = 0; i < ste.symbols_.size(); ++i) {
    if (Contains(f.inlined_cells, ste.symbol_ids_[i])) ste.symbols_[i].flags |= kDefCompCell;
    ste.symbols_[i].binding = f.scopes[i];
  }
  // Free names of children not resolved here: record them as free, unless global.
  for (uint32_t id : f.newfree) {
    uint32_t existing = FindSymbol(f.scope, id);
    if (existing != SymbolTable::kNoId) {
      if (classflag) ste.symbols_[existing].flags |= kDefFreeClass;
      continue;
    }
    if (f.has_bound && !Contains(f.bound, id)) continue;
    uint32_t index = AddSymbol(f.scope, id, 0);
    ste.symbols_[index].binding = Binding::kFree;
  }
}

bool SymtableBuilder::Analyze() {
  // frames[d] is the frame of the scope at depth d of the walk. Frames stay allocated from one
  // scope (and module) to the next on this thread, so their sets keep their capacity.
  thread_local std::vector<std::unique_ptr<Frame>> frames;
  // What an unusually large module grew is not kept for the thread's lifetime.
  if (frames.size() > 64) frames.clear();
  for (const std::unique_ptr<Frame>& f : frames) {
    if (f->bound.capacity() + f->newbound.capacity() + f->local.capacity() > (1u << 16)) {
      frames.clear();
      break;
    }
  }
  size_t depth = 0;
  auto push = [&](uint32_t scope_index, bool bound_known) -> Frame& {
    if (depth == frames.size()) frames.push_back(std::make_unique<Frame>());
    Frame& f = *frames[depth++];
    f.Reset(scope_index, bound_known);
    return f;
  };
  push(0, false);
  IdSet module_free;  // the `free` set the module's analysis fills (unused afterwards)

  // Prepares the frame after its names are known: analyze_block up to the children loop.
  auto begin = [&](Frame& f) -> bool {
    Scope& ste = S(f.scope);
    f.scopes.assign(ste.symbols_.size(), Binding::kNone);
    const bool is_class = ste.type_ == ScopeType::kClass;
    if (is_class) {
      f.newglobal = f.global;
      if (f.has_bound) f.newbound = f.bound;
    }
    for (uint32_t i = 0; i < ste.symbols_.size(); ++i) {
      if (!AnalyzeName(f, i)) return false;
    }
    if (!is_class) {
      if (IsFunctionLikeType(ste.type_)) {
        std::sort(f.local.begin(), f.local.end());
        UnionInto(f.newbound, f.local);
      }
      if (f.has_bound) UnionInto(f.newbound, f.bound);
      UnionInto(f.newglobal, f.global);
    } else {
      Insert(f.newbound, id_class_);
      Insert(f.newbound, id_classdict_);
    }
    return true;
  };
  // The rest of analyze_block once every child is done.
  auto end = [&](Frame& f) {
    Scope& ste = S(f.scope);
    // Splice the children of inlined comprehensions into our children (a new vector only
    // when there is one: most scopes have none).
    if (std::any_of(ste.children_.begin(), ste.children_.end(),
                    [](const Scope* c) { return c->inlined_; })) {
      std::vector<const Scope*> spliced;
      spliced.reserve(ste.children_.size());
      for (const Scope* c : ste.children_) {
        if (c->inlined_) {
          spliced.insert(spliced.end(), c->children_.begin(), c->children_.end());
        } else {
          spliced.push_back(c);
        }
      }
      ste.children_.swap(spliced);
    }
    if (IsFunctionLikeType(ste.type_)) {
      for (size_t i = 0; i < ste.symbols_.size(); ++i) {
        if (f.scopes[i] != Binding::kLocal) continue;
        uint32_t id = ste.symbol_ids_[i];
        if (Contains(f.newfree, id) || Contains(f.inlined_cells, id)) {
          f.scopes[i] = Binding::kCell;
          Erase(f.newfree, id);
        }
      }
    } else if (ste.type_ == ScopeType::kClass) {
      Erase(f.newfree, id_class_);
      Erase(f.newfree, id_classdict_);
    }
    UpdateSymbols(f);
    UnionInto(f.free, f.newfree);
  };

  if (!begin(*frames[0])) return false;
  while (depth > 0) {
    Frame& f = *frames[depth - 1];
    Scope& ste = S(f.scope);
    if (f.next_child < ste.children_.size()) {
      const Scope* child = ste.children_[f.next_child++];
      Frame* c = &push(child->index_, true);
      c->bound = f.newbound;
      c->free = f.newfree;
      c->global = f.newglobal;
      c->type_params = f.type_params;
      if (child->can_see_class_scope_) {
        if (ste.type_ == ScopeType::kClass) {
          c->class_entry = &ste;
        } else if (f.class_entry) {
          c->class_entry = f.class_entry;
        }
      }
      f.inline_current = child->comprehension_ && !child->generator_ && !ste.can_see_class_scope_;
      if (!begin(*c)) return false;
      continue;
    }
    end(f);
    if (depth == 1) {
      UnionInto(module_free, f.free);
      break;
    }
    Frame* done = frames[--depth].get();  // stays intact until the next push
    Frame& parent = *frames[depth - 1];
    // done->free is CPython's child_free: the parent's free set so far plus the child's.
    if (parent.inline_current) {
      Scope& comp = S(done->scope);
      InlineComprehension(parent, comp, done->free);
      comp.inlined_ = true;
    }
    UnionInto(parent.newfree, done->free);
  }
  return true;
}

void SymtableBuilder::Finish() {
  auto by_node = [](const auto& a, const auto& b) { return a.node < b.node; };
  if (table_->occurrences_reindex_) table_->IndexOccurrences();
  std::sort(table_->body_scopes_.begin(), table_->body_scopes_.end(), by_node);
  std::sort(table_->type_param_scopes_.begin(), table_->type_param_scopes_.end(), by_node);
}

bool SymtableBuilder::RunContinuations(size_t base) {
  while (has_next_) {
    if (!StepNow(Task(next_), base)) return false;
  }
  return true;
}

bool SymtableBuilder::RunTasks(size_t base) {
  while (stack_.size() > base) {
    Task t = stack_.pop();
    mark_ = stack_.size();
    // A Name, the commonest task, is visited here: it pushes nothing, so Step's dispatch (and
    // its depth check, which a name within the limit passes) can be skipped.
    if (t.op == Op::kExpr && t.node->kind == Kind::Name && t.depth <= kMaxVisitDepth) {
      if (!VisitName(t.node)) return false;
      continue;
    }
    if (!Step(t) || failed_) return false;
  }
  return true;
}

bool SymtableBuilder::Run(ParseError* error) {
  error_ = error;
  id_class_ = Intern("__class__");
  id_classdict_ = Intern("__classdict__");
  if (!ParseFuture()) return false;
  const Node* mod = root_;
  EnterBlock("top", ScopeType::kModule, mod, nullptr);
  table_->top_ = &S(0);
  table_->body_scopes_.push_back({mod, 0});
  PushList(Op::kStmt, ListField(mod, ast::ModuleFields::body), 1);
  Flush();
  if (failed_ || !RunTasks(0)) return false;
  ExitBlock();
  if (!Analyze()) return false;
  Finish();
  return true;
}

namespace {

bool BuildInto(const ast::Node* root, std::string_view text, const ast::LineTable& lines,
               SymbolTable* table, ParseError* error) {
  table->Reset();
  SymtableBuilder builder(root, text, lines, table);
  return builder.Run(error);
}

}  // namespace

std::unique_ptr<SymbolTable> BuildSymbolTable(const ast::Node* root, std::string_view text,
                                              const ast::LineTable& lines, ParseError* error) {
  auto table = std::make_unique<SymbolTable>();
  if (!BuildInto(root, text, lines, table.get(), error)) return nullptr;
  return table;
}

std::unique_ptr<SymbolTable> BuildSymbolTable(const ParsedModule& module, ParseError* error) {
  return BuildSymbolTable(module.root(), module.text(), module.lines(), error);
}

bool BuildSymbolTableInto(const ParsedModule& module, SymbolTable* table, ParseError* error) {
  return BuildInto(module.root(), module.text(), module.lines(), table, error);
}

// ---------------------------------------------------------------------------------------------
// dump-scopes

void DumpScopes(const SymbolTable& table, std::string* out) {
  struct Item {
    const Scope* scope;
    uint32_t depth;
  };
  std::vector<Item> stack{{&table.top(), 0}};
  std::vector<const Symbol*> sorted;
  std::vector<std::string_view> child_names;  // sorted: is_namespace() without a scan per symbol
  while (!stack.empty()) {
    Item it = stack.back();
    stack.pop_back();
    const Scope& s = *it.scope;
    out->append(2 * it.depth, ' ');
    out->append(ScopeTypeName(s.type()));
    out->push_back(' ');
    out->append(s.name());
    out->push_back(' ');
    out->append(std::to_string(s.lineno()));
    out->push_back('\n');
    child_names.clear();
    for (const Scope* c : s.children()) child_names.push_back(c->name());
    std::sort(child_names.begin(), child_names.end());
    sorted.clear();
    for (const Symbol& sym : s.symbols()) sorted.push_back(&sym);
    std::sort(sorted.begin(), sorted.end(),
              [](const Symbol* a, const Symbol* b) { return a->name < b->name; });
    for (const Symbol* sym : sorted) {
      out->append(2 * it.depth + 2, ' ');
      out->append(sym->name);
      out->append(":");
      const bool flags[] = {s.IsReferenced(*sym), s.IsImported(*sym),       s.IsParameter(*sym),
                            s.IsGlobal(*sym),     s.IsNonlocal(*sym),       s.IsDeclaredGlobal(*sym),
                            s.IsLocal(*sym),      s.IsAnnotated(*sym),      s.IsFree(*sym),
                            s.IsAssigned(*sym),
                            std::binary_search(child_names.begin(), child_names.end(), sym->name)};
      static const char* const kNames[] = {"referenced", "imported", "parameter", "global",
                                           "nonlocal",   "declared_global", "local", "annotated",
                                           "free",       "assigned", "namespace"};
      bool first = true;
      out->push_back(' ');
      for (size_t i = 0; i < std::size(flags); ++i) {
        if (!flags[i]) continue;
        if (!first) out->push_back(' ');
        out->append(kNames[i]);
        first = false;
      }
      out->push_back('\n');
    }
    auto children = s.children();
    for (auto c = children.rbegin(); c != children.rend(); ++c) stack.push_back({*c, it.depth + 1});
  }
}

}  // namespace ast2graph::semantic
