#include "ast2graph/ast.h"

#include <algorithm>
#include <cstring>

namespace ast2graph::ast {

namespace {

constexpr size_t kBlockSize = 64 * 1024;

struct KindInfo {
  const char* name;
  Sum sum;
  bool has_position;
  uint32_t first_field;
  uint32_t field_count;
};

constexpr FieldInfo kFields[] = {
#define A2G_FIELD(node, field, type, asdl) {#field, FieldType::type, #asdl},
#include "ast2graph/ast_nodes.def"
    {nullptr, FieldType::NODE, nullptr},
};

// Field counts per kind, in kind order.
constexpr uint32_t kFieldCounts[] = {
#define A2G_NODE(name, sum, pos) name##Fields::kCount,
#include "ast2graph/ast_nodes.def"
};

constexpr bool kHasPos[] = {
#define A2G_NODE(name, sum, pos) (#pos[0] == 'P'),
#include "ast2graph/ast_nodes.def"
};

constexpr const char* kKindNames[] = {
#define A2G_NODE(name, sum, pos) #name,
#include "ast2graph/ast_nodes.def"
};

constexpr Sum kKindSums[] = {
#define A2G_NODE(name, sum, pos) Sum::sum,
#include "ast2graph/ast_nodes.def"
};

constexpr const char* kSingletonNames[] = {
#define A2G_ENUM(sum, name) #name,
#include "ast2graph/ast_nodes.def"
};

struct FirstFields {
  uint32_t first[static_cast<size_t>(Kind::kCount)];
  constexpr FirstFields() : first() {
    uint32_t at = 0;
    for (size_t k = 0; k < static_cast<size_t>(Kind::kCount); ++k) {
      first[k] = at;
      at += kFieldCounts[k];
    }
  }
};
constexpr FirstFields kFirst;

List kEmptyList = {0, {}};

}  // namespace

void* Arena::Allocate(size_t size) {
  size = (size + 7) & ~size_t{7};
  if (size > left_) {
    size_t block = std::max(kBlockSize, size);
    blocks_.emplace_back(new std::byte[block]);
    cur_ = blocks_.back().get();
    left_ = block;
    reserved_ += block;
  }
  void* p = cur_;
  std::memset(p, 0, size);
  cur_ += size;
  left_ -= size;
  return p;
}

const char* KindName(Kind kind) { return kKindNames[static_cast<size_t>(kind)]; }
Sum KindSum(Kind kind) { return kKindSums[static_cast<size_t>(kind)]; }
bool HasPosition(Kind kind) { return kHasPos[static_cast<size_t>(kind)]; }
uint32_t FieldCount(Kind kind) { return kFieldCounts[static_cast<size_t>(kind)]; }
const FieldInfo& Field(Kind kind, uint32_t index) {
  return kFields[kFirst.first[static_cast<size_t>(kind)] + index];
}
const char* SingletonName(Singleton s) { return kSingletonNames[static_cast<size_t>(s)]; }

Node* NewNode(Arena& arena, Kind kind, uint32_t begin, uint32_t end) {
  uint32_t n = FieldCount(kind);
  size_t size = offsetof(Node, fields) + sizeof(Slot) * std::max<uint32_t>(n, 1);
  auto* node = static_cast<Node*>(arena.Allocate(size));
  node->kind = kind;
  node->begin = begin;
  node->end = end;
  for (uint32_t i = 0; i < n; ++i) {
    FieldType t = Field(kind, i).type;
    if (t == FieldType::NODE_LIST || t == FieldType::IDENT_LIST || t == FieldType::ENUM_LIST) {
      node->fields[i].list = &kEmptyList;
    }
  }
  return node;
}

List* NewList(Arena& arena, uint32_t size) {
  if (size == 0) return &kEmptyList;
  size_t bytes = offsetof(List, items) + sizeof(Slot) * size;
  auto* list = static_cast<List*>(arena.Allocate(bytes));
  list->size = size;
  return list;
}

const Str* NewStr(Arena& arena, std::string_view text) {
  auto* s = static_cast<Str*>(arena.Allocate(offsetof(Str, data) + text.size() + 1));
  s->size = static_cast<uint32_t>(text.size());
  if (!text.empty()) std::memcpy(s->data, text.data(), text.size());
  s->data[text.size()] = '\0';
  return s;
}

LineTable::LineTable(std::string_view text) {
  starts_.push_back(0);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') starts_.push_back(static_cast<uint32_t>(i + 1));
  }
}

uint32_t LineTable::Line(uint32_t offset) const {
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  return static_cast<uint32_t>(it - starts_.begin());
}

uint32_t LineTable::Column(uint32_t offset) const { return offset - starts_[Line(offset) - 1]; }

}  // namespace ast2graph::ast
