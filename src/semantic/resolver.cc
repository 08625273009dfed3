#include "semantic/resolver.h"

#include <algorithm>
#include <cstring>

namespace ast2graph::semantic {

namespace {

constexpr size_t kBlockBytes = 256 * 1024;
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

uint32_t Resolver::Find(std::string_view s) const {
  auto it = index_.find(s);
  return it == index_.end() ? kNoString : it->second;
}

uint32_t Resolver::Intern(std::string_view s) {
  auto it = index_.find(s);
  if (it != index_.end()) return it->second;
  char* at;
  if (blocks_.empty() || block_used_ + s.size() > kBlockBytes) {
    size_t size = std::max(kBlockBytes, s.size());
    blocks_.emplace_back(new char[size]);
    block_used_ = 0;
  }
  at = blocks_.back().get() + block_used_;
  if (!s.empty()) std::memcpy(at, s.data(), s.size());
  block_used_ += s.size();
  std::string_view stored(at, s.size());
  auto id = static_cast<uint32_t>(strings_.size());
  strings_.push_back(stored);
  index_.emplace(stored, id);
  return id;
}

void Resolver::AddModule(std::string_view module, const graph::Id& module_node,
                         std::span<const ExportRow> exports) {
  ModuleRec rec{};
  rec.name = Intern(module);
  rec.first_row = static_cast<uint32_t>(rows_.size());
  rec.row_count = static_cast<uint32_t>(exports.size());
  PutId(module_node, rec.id);
  for (const ExportRow& e : exports) {
    Row row{};
    row.name = (Intern(e.name) & kNameMask) | (uint32_t{e.flags} << kNameBits);
    row.from_module = e.from_module.empty() ? kNoString : Intern(e.from_module);
    row.from_name = row.from_module == kNoString ? kNoString : Intern(e.from_name);
    PutId(e.node, row.id);
    rows_.push_back(row);
  }
  modules_.push_back(rec);
  frozen_ = false;
}

void Resolver::Freeze() {
  for (const ModuleRec& m : modules_) {
    std::stable_sort(rows_.begin() + m.first_row, rows_.begin() + m.first_row + m.row_count,
                     [](const Row& a, const Row& b) {
                       return (a.name & kNameMask) < (b.name & kNameMask);
                     });
  }
  module_of_string_.assign(strings_.size(), kNoModule);
  for (size_t i = 0; i < modules_.size(); ++i) {
    uint32_t& slot = module_of_string_[modules_[i].name];
    if (slot == kNoModule) slot = static_cast<uint32_t>(i);  // the first file of a name wins
  }
  rows_.shrink_to_fit();
  modules_.shrink_to_fit();
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
    auto begin = rows_.begin() + rec.first_row;
    auto end = begin + rec.row_count;
    if (nid != kNoString) {
      auto lo = std::lower_bound(begin, end, nid, [](const Row& r, uint32_t id) {
        return (r.name & kNameMask) < id;
      });
      for (auto it = lo; it != end && (it->name & kNameMask) == nid; ++it) {
        found = true;
        uint8_t flags = static_cast<uint8_t>(it->name >> kNameBits);
        if (it->from_module == kNoString) {
          if (p.parts.size() != 1) continue;  // an attribute of a definition: not followed
          if (type == DependsType::kCall && (flags & kExportCallable) == 0) continue;
          if (type == DependsType::kInherit && (flags & kExportClass) == 0) continue;
          out->push_back({Resolution::kNode, GetId(it->id), {}});
          continue;
        }
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
        auto lo = std::lower_bound(begin, end, star, [](const Row& r, uint32_t id) {
          return (r.name & kNameMask) < id;
        });
        for (auto it = lo; it != end && (it->name & kNameMask) == star; ++it) {
          if (it->from_module != kNoString) next.push_back({Str(it->from_module), p.parts, p.depth + 1});
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
  size_t bytes = blocks_.size() * kBlockBytes;
  bytes += strings_.capacity() * sizeof(std::string_view);
  // unordered_map: a node per entry (key, value, next pointer, cached hash) and the buckets.
  bytes += index_.size() * (sizeof(std::string_view) + sizeof(uint32_t) + 2 * sizeof(void*)) +
           index_.bucket_count() * sizeof(void*);
  bytes += modules_.capacity() * sizeof(ModuleRec);
  bytes += rows_.capacity() * sizeof(Row);
  bytes += module_of_string_.capacity() * sizeof(uint32_t);
  return bytes;
}

}  // namespace ast2graph::semantic
