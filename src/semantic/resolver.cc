#include "semantic/resolver.h"

#include <algorithm>

namespace ast2graph::semantic {

namespace {

constexpr uint32_t kNameBits = 30;
constexpr uint32_t kNameMask = (1u << kNameBits) - 1;
/// Re-export chains longer than this are not followed (real ones are a few steps).
constexpr size_t kMaxChain = 64;

void PutId(const graph::Id& id, uint32_t* w) {
  w[0] = static_cast<uint32_t>(id.hi >> 32);
  w[1] = static_cast<uint32_t>(id.hi);
  w[2] = static_cast<uint32_t>(id.lo >> 32);
  w[3] = static_cast<uint32_t>(id.lo);
}
graph::Id GetId(const uint32_t* w) {
  return {(uint64_t{w[0]} << 32) | w[1], (uint64_t{w[2]} << 32) | w[3]};
}

std::vector<std::string_view> SplitDots(std::string_view s) {
  std::vector<std::string_view> parts;
  while (!s.empty()) {
    size_t dot = s.find('.');
    parts.push_back(s.substr(0, dot));
    if (dot == std::string_view::npos) break;
    s.remove_prefix(dot + 1);
  }
  return parts;
}

}  // namespace

uint8_t ExportFlags(const ModuleExport& e) {
  if (e.node == nullptr || !e.from_module.empty()) return 0;
  switch (e.node->kind) {
    case ast::Kind::ClassDef: return kExportCallable | kExportClass;
    case ast::Kind::FunctionDef:
    case ast::Kind::AsyncFunctionDef: return kExportCallable;
    default: return 0;
  }
}

Resolver::Resolver() = default;
Resolver::~Resolver() = default;

namespace {
uint64_t HashStr(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h ^ (h >> 31);
}
}  // namespace

uint32_t Resolver::Find(std::string_view s) const {
  if (index_.empty()) return kNoString;
  size_t mask = index_.size() - 1;
  for (size_t i = HashStr(s) & mask;; i = (i + 1) & mask) {
    uint32_t slot = index_[i];
    if (slot == 0) return kNoString;
    if (Str(slot - 1) == s) return slot - 1;
  }
}

void Resolver::Grow() {
  std::vector<uint32_t> old = std::move(index_);
  index_.assign(old.empty() ? 1024 : old.size() * 2, 0);
  size_t mask = index_.size() - 1;
  for (uint32_t slot : old) {
    if (slot == 0) continue;
    size_t i = HashStr(Str(slot - 1)) & mask;
    while (index_[i] != 0) i = (i + 1) & mask;
    index_[i] = slot;
  }
}

uint32_t Resolver::Intern(std::string_view s) {
  if ((offsets_.size() + 1) * 2 > index_.size()) Grow();
  size_t mask = index_.size() - 1;
  size_t i = HashStr(s) & mask;
  for (;; i = (i + 1) & mask) {
    uint32_t slot = index_[i];
    if (slot == 0) break;
    if (Str(slot - 1) == s) return slot - 1;
  }
  auto id = static_cast<uint32_t>(offsets_.size() - 1);
  chars_.append(s);
  offsets_.push_back(static_cast<uint32_t>(chars_.size()));
  index_[i] = id + 1;
  return id;
}

void Resolver::AddModule(std::string_view module, const graph::Id& module_node,
                         std::span<const ExportRow> exports) {
  ModuleRec rec{};
  rec.name = Intern(module);
  rec.first_def = static_cast<uint32_t>(defs_.size());
  rec.first_re = static_cast<uint32_t>(res_.size());
  PutId(module_node, rec.id);
  for (const ExportRow& e : exports) {
    uint32_t name = Intern(e.name);
    if (e.from_module.empty()) {
      DefRow row{};
      row.name = (name & kNameMask) | (uint32_t{e.flags} << kNameBits);
      PutId(e.node, row.id);
      defs_.push_back(row);
    } else {
      uint32_t from_module = Intern(e.from_module);
      res_.push_back({name, from_module, Intern(e.from_name)});
    }
  }
  rec.def_count = static_cast<uint32_t>(defs_.size()) - rec.first_def;
  rec.re_count = static_cast<uint32_t>(res_.size()) - rec.first_re;
  modules_.push_back(rec);
  frozen_ = false;
}

void Resolver::Freeze() {
  for (const ModuleRec& m : modules_) {
    std::stable_sort(defs_.begin() + m.first_def, defs_.begin() + m.first_def + m.def_count,
                     [](const DefRow& a, const DefRow& b) {
                       return (a.name & kNameMask) < (b.name & kNameMask);
                     });
    std::stable_sort(res_.begin() + m.first_re, res_.begin() + m.first_re + m.re_count,
                     [](const ReRow& a, const ReRow& b) { return a.name < b.name; });
  }
  module_of_string_.assign(offsets_.size() - 1, kNoModule);
  for (size_t i = 0; i < modules_.size(); ++i) {
    uint32_t& slot = module_of_string_[modules_[i].name];
    if (slot == kNoModule) slot = static_cast<uint32_t>(i);  // the first file of a name wins
  }
  defs_.shrink_to_fit();
  res_.shrink_to_fit();
  modules_.shrink_to_fit();
  chars_.shrink_to_fit();
  offsets_.shrink_to_fit();
  frozen_ = true;
}

uint32_t Resolver::ModuleIndex(uint32_t name) const {
  return name < module_of_string_.size() ? module_of_string_[name] : kNoModule;
}

bool Resolver::HasModule(std::string_view module) const {
  uint32_t id = Find(module);
  return id != kNoString && ModuleIndex(id) != kNoModule;
}

void Resolver::Resolve(DependsType type, std::string_view module, std::string_view name,
                       std::vector<Resolution>* out) const {
  size_t before = out->size();
  // Depth-first over re-exports with an explicit stack of pending lookups; `seen` holds the
  // (module, name) pairs already expanded, so that cycles stop.
  struct Pending {
    std::string_view module;
    std::vector<std::string_view> parts;
    size_t depth;
  };
  std::vector<Pending> work;
  work.push_back({module, SplitDots(name), 0});
  std::vector<std::pair<uint32_t, std::string_view>> seen;
  while (!work.empty()) {
    Pending p = std::move(work.back());
    work.pop_back();
    if (p.depth > kMaxChain) continue;
    uint32_t mid = Find(p.module);
    uint32_t m = mid == kNoString ? kNoModule : ModuleIndex(mid);
    if (m == kNoModule) {
      out->push_back({Resolution::kExternal, {}, std::string(p.module)});
      continue;
    }
    const ModuleRec& rec = modules_[m];
    if (p.parts.empty()) {
      out->push_back({Resolution::kNode, GetId(rec.id), {}});
      continue;
    }
    std::string_view first = p.parts[0];
    // Cycle guard: each (module, first name) is expanded once per query.
    bool cycle = false;
    for (const auto& s : seen) cycle = cycle || (s.first == m && s.second == first);
    if (cycle) continue;
    seen.push_back({m, first});

    std::vector<Pending> next;
    bool found = false;
    uint32_t nid = Find(first);
    auto defs_begin = defs_.begin() + rec.first_def;
    auto defs_end = defs_begin + rec.def_count;
    auto res_begin = res_.begin() + rec.first_re;
    auto res_end = res_begin + rec.re_count;
    if (nid != kNoString) {
      auto lo = std::lower_bound(defs_begin, defs_end, nid, [](const DefRow& r, uint32_t id) {
        return (r.name & kNameMask) < id;
      });
      for (auto it = lo; it != defs_end && (it->name & kNameMask) == nid; ++it) {
        found = true;
        if (p.parts.size() != 1) continue;  // an attribute of a definition: not followed
        uint8_t flags = static_cast<uint8_t>(it->name >> kNameBits);
        if (type == DependsType::kCall && (flags & kExportCallable) == 0) continue;
        if (type == DependsType::kInherit && (flags & kExportClass) == 0) continue;
        out->push_back({Resolution::kNode, GetId(it->id), {}});
      }
      auto rlo = std::lower_bound(res_begin, res_end, nid,
                                  [](const ReRow& r, uint32_t id) { return r.name < id; });
      for (auto it = rlo; it != res_end && it->name == nid; ++it) {
        found = true;
        Pending q{Str(it->from_module), {}, p.depth + 1};
        std::string_view from_name = Str(it->from_name);
        if (!from_name.empty()) q.parts = SplitDots(from_name);
        q.parts.insert(q.parts.end(), p.parts.begin() + 1, p.parts.end());
        next.push_back(std::move(q));
      }
    }
    if (!found && !first.starts_with("_")) {
      // `from m import *` rows: the name may come from there.
      uint32_t star = Find("*");
      if (star != kNoString) {
        auto lo = std::lower_bound(res_begin, res_end, star,
                                   [](const ReRow& r, uint32_t id) { return r.name < id; });
        for (auto it = lo; it != res_end && it->name == star; ++it) {
          next.push_back({Str(it->from_module), p.parts, p.depth + 1});
        }
      }
    }
    // A submodule: `pkg.sub` when pkg does not bind `sub` (or binds it only by importing it).
    std::string sub = std::string(p.module) + "." + std::string(first);
    uint32_t sub_id = Find(sub);
    if (sub_id != kNoString && ModuleIndex(sub_id) != kNoModule) {
      bool via_self = false;  // `from . import sub` in pkg/__init__.py re-exports pkg.sub itself
      for (const Pending& q : next) via_self = via_self || (q.module == p.module);
      if (!found || via_self) {
        next.push_back({Str(sub_id), std::vector<std::string_view>(p.parts.begin() + 1, p.parts.end()),
                        p.depth + 1});
      }
    }
    // Keep the natural order when popping.
    for (auto it = next.rbegin(); it != next.rend(); ++it) work.push_back(std::move(*it));
  }
  if (out->size() == before && type == DependsType::kImport && HasModule(module)) {
    // `from m import x` where m is ours but x is nowhere to be found: the module itself.
    out->push_back({Resolution::kNode, GetId(modules_[ModuleIndex(Find(module))].id), {}});
  }
  // Deduplicate what this call appended, keeping the first occurrence.
  std::vector<Resolution> unique;
  for (size_t i = before; i < out->size(); ++i) {
    if (std::find(unique.begin(), unique.end(), (*out)[i]) == unique.end()) unique.push_back((*out)[i]);
  }
  out->resize(before);
  out->insert(out->end(), unique.begin(), unique.end());
}

size_t Resolver::MemoryBytes() const {
  return chars_.capacity() + offsets_.capacity() * sizeof(uint32_t) +
         index_.capacity() * sizeof(uint32_t) + modules_.capacity() * sizeof(ModuleRec) +
         defs_.capacity() * sizeof(DefRow) + res_.capacity() * sizeof(ReRow) +
         module_of_string_.capacity() * sizeof(uint32_t);
}

}  // namespace ast2graph::semantic
