#include "graph/builder.h"

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <optional>

#include "ast/repr.h"
#include "semantic/resolver.h"

namespace ast2graph::graph {

namespace {

Id HashParts(std::initializer_list<std::string_view> parts) {
  // Parts joined by '\0'; hashed in one pass over a stack buffer when small.
  XXH3_state_t state;
  XXH3_128bits_reset(&state);
  bool first = true;
  for (std::string_view p : parts) {
    if (!first) XXH3_128bits_update(&state, "\0", 1);
    first = false;
    XXH3_128bits_update(&state, p.data(), p.size());
  }
  XXH128_hash_t h = XXH3_128bits_digest(&state);
  return {h.high64, h.low64};
}

Id HashBytes(std::string_view bytes) {
  XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  return {h.high64, h.low64};
}

/// Collects one record's properties by schema slot, then appends the present ones in order.
class PropSet {
 public:
  void Str(NodeProp key, std::string_view v) { Set(key, PropType::kString).text = v; }
  void Int(NodeProp key, int64_t v) { Set(key, PropType::kInt).integer = v; }
  void List(NodeProp key, uint32_t begin, uint32_t count) {
    Prop& p = Set(key, PropType::kStringList);
    p.list_begin = begin;
    p.list_count = count;
  }
  /// Appends the set properties to `out` and returns how many.
  uint32_t Flush(std::vector<Prop>* out) {
    uint32_t n = 0;
    for (uint32_t bits = present_; bits != 0; bits &= bits - 1) {
      out->push_back(props_[static_cast<size_t>(__builtin_ctz(bits))]);
      ++n;
    }
    present_ = 0;
    return n;
  }

 private:
  static_assert(static_cast<size_t>(NodeProp::kCount) <= 32, "present_ is a 32-bit mask");
  Prop& Set(NodeProp key, PropType type) {
    auto i = static_cast<size_t>(key);
    present_ |= uint32_t{1} << i;
    props_[i] = Prop{};
    props_[i].key = static_cast<uint8_t>(key);
    props_[i].type = type;
    return props_[i];
  }
  std::array<Prop, static_cast<size_t>(NodeProp::kCount)> props_{};
  uint32_t present_ = 0;
};

/// What AddNode does with one field of one node kind, decided once from the field's name and
/// type instead of comparing names for every node.
enum class FieldAction : uint8_t {
  kSkip, kKind, kAsname, kValueIdent, kConst, kConversion, kIsAsync, kLevel, kSimple, kCtx, kOp,
  kOps, kNames
};
constexpr size_t kKinds = static_cast<size_t>(ast::Kind::kCount);
constexpr size_t kMaxFields = 8;

struct FieldActions {
  std::array<std::array<FieldAction, kMaxFields>, kKinds> action{};
  std::array<uint8_t, kKinds> count{};
};

FieldAction ActionFor(const ast::FieldInfo& field) {
  std::string_view name = field.name;
  switch (field.type) {
    case ast::FieldType::IDENT:
    case ast::FieldType::OPT_STR:
      if (name == "type_comment") return FieldAction::kSkip;
      if (name == "kind") return FieldAction::kKind;
      if (name == "asname") return FieldAction::kAsname;
      return FieldAction::kValueIdent;
    case ast::FieldType::CONST:
      return FieldAction::kConst;
    case ast::FieldType::INT:
      if (name == "conversion") return FieldAction::kConversion;
      if (name == "is_async") return FieldAction::kIsAsync;
      if (name == "level") return FieldAction::kLevel;
      if (name == "simple") return FieldAction::kSimple;
      return FieldAction::kSkip;
    case ast::FieldType::ENUM:
      return name == "ctx" ? FieldAction::kCtx : FieldAction::kOp;
    case ast::FieldType::ENUM_LIST:
      return FieldAction::kOps;
    case ast::FieldType::IDENT_LIST:
      return FieldAction::kNames;
    default:
      return FieldAction::kSkip;
  }
}

const FieldActions& Actions() {
  static const FieldActions table = [] {
    FieldActions t;
    for (size_t k = 0; k < kKinds; ++k) {
      auto kind = static_cast<ast::Kind>(k);
      uint32_t n = ast::FieldCount(kind);
      // Fields past kMaxFields (none today) are looked up by AddNode itself.
      t.count[k] = static_cast<uint8_t>(std::min<uint32_t>(n, kMaxFields));
      for (uint32_t i = 0; i < t.count[k]; ++i) t.action[k][i] = ActionFor(ast::Field(kind, i));
    }
    return t;
  }();
  return table;
}

/// Line and column of byte offsets, remembering the last line found: consecutive nodes in
/// pre-order mostly start (and end) on the same line, so most lookups skip the binary search.
class LineCursor {
 public:
  explicit LineCursor(const ast::LineTable& lines) : lines_(lines) {}
  void Locate(uint32_t offset, int64_t* line, int64_t* column) {
    if (offset < start_ || offset >= next_) {
      line_ = lines_.Line(offset);
      start_ = lines_.LineStart(line_);
      next_ = line_ < lines_.line_count() ? lines_.LineStart(line_ + 1) : UINT32_MAX;
    }
    *line = line_;
    *column = offset - start_;
  }

 private:
  const ast::LineTable& lines_;
  uint32_t line_ = 0;
  uint32_t start_ = 1;  // empty range until the first lookup
  uint32_t next_ = 0;
};

/// Node pointer -> id, open addressing: one allocation per file instead of one per node.
class NodeIdMap {
 public:
  void Reserve(size_t n) {
    size_t cap = 16;
    while (cap < 2 * n) cap <<= 1;
    slots_.assign(cap, Slot{});
    size_ = 0;
  }
  void Insert(const ast::Node* key, const Id& id) {
    if (2 * (size_ + 1) > slots_.size()) Grow();
    size_t mask = slots_.size() - 1;
    size_t i = Hash(key) & mask;
    while (slots_[i].key != nullptr) i = (i + 1) & mask;
    slots_[i] = {key, id};
    ++size_;
  }
  const Id* Find(const ast::Node* key) const {
    if (slots_.empty() || key == nullptr) return nullptr;
    size_t mask = slots_.size() - 1;
    for (size_t i = Hash(key) & mask;; i = (i + 1) & mask) {
      if (slots_[i].key == key) return &slots_[i].id;
      if (slots_[i].key == nullptr) return nullptr;
    }
  }

 private:
  struct Slot {
    const ast::Node* key = nullptr;
    Id id;
  };
  static size_t Hash(const ast::Node* key) {
    return static_cast<size_t>((reinterpret_cast<uintptr_t>(key) >> 3) * 0x9E3779B97F4A7C15ull >> 20);
  }
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    Reserve(std::max<size_t>(old.size(), 16));
    for (const Slot& s : old) {
      if (s.key != nullptr) Insert(s.key, s.id);
    }
  }
  std::vector<Slot> slots_;
  size_t size_ = 0;
};

class Builder {
 public:
  Builder(const SourceInfo& info, const ParsedModule* module, BuiltFile* out)
      : info_(info), module_(module), out_(out), g_(out->graph) {}

  void Run(const semantic::FileSemantics* semantics);

 private:
  struct Frame {
    const ast::Node* node;
    Id parent;
    uint32_t parent_len;  // length of the parent's field path; kRootParent for the Module
    const char* field;
    int64_t index;  // -1 when the field is not a list
  };
  static constexpr uint32_t kRootParent = UINT32_MAX;

  void AddSourceFile();
  void AddTree(const semantic::FileSemantics* semantics);
  void AddNode(const ast::Node* node, const Id& id);
  void AddEdge(EdgeType type, const Id& from, const Id& to, std::initializer_list<Prop> props,
               std::initializer_list<std::string_view> id_parts);
  void AddSemantics(const semantic::FileSemantics& semantics);
  std::optional<Id> IdOf(const ast::Node* node) const {
    const Id* id = ids_.Find(node);
    if (id == nullptr) return std::nullopt;
    return *id;
  }

  const SourceInfo& info_;
  const ParsedModule* module_;
  BuiltFile* out_;
  FileGraph& g_;
  PropSet props_;
  std::string repr_;  // scratch for a Constant's repr
  std::optional<LineCursor> begin_cursor_;
  std::optional<LineCursor> end_cursor_;
  Id file_id_;
  std::string_view source_id_;
  NodeIdMap ids_;
  bool want_ids_ = false;
};

std::string_view Identifier(const ast::Slot& slot) {
  return slot.str ? slot.str->view() : std::string_view();
}

void Builder::Run(const semantic::FileSemantics* semantics) {
  g_.source_id = info_.source_id;
  AddSourceFile();
  if (module_ != nullptr && module_->ok()) AddTree(semantics);
}

void Builder::AddSourceFile() {
  file_id_ = SourceFileId(info_.source_id);
  // The graph owns copies of the texts its properties view; SourceInfo may die first.
  source_id_ = g_.Own(info_.source_id);
  props_.Str(NodeProp::source_id, source_id_);
  props_.Str(NodeProp::path, g_.Own(info_.path));
  props_.Str(NodeProp::module, g_.Own(info_.module));
  props_.Str(NodeProp::content_hash, g_.Own(info_.content_hash.Hex()));
  props_.Int(NodeProp::size, static_cast<int64_t>(info_.size));
  props_.Int(NodeProp::lines, info_.lines);
  props_.Str(NodeProp::status, ErrorCodeStatus(info_.status));
  if (info_.status != ErrorCode::kOk) {
    props_.Str(NodeProp::error_code, ErrorCodeString(info_.status));
    props_.Str(NodeProp::error, g_.Own(info_.error));
  }
  auto begin = static_cast<uint32_t>(g_.props.size());
  uint32_t count = props_.Flush(&g_.props);
  g_.nodes.push_back({file_id_, NodeLabel::kSourceFile, {}, begin, count});
}

void Builder::AddEdge(EdgeType type, const Id& from, const Id& to, std::initializer_list<Prop> props,
                      std::initializer_list<std::string_view> id_parts) {
  auto begin = static_cast<uint32_t>(g_.props.size());
  for (const Prop& p : props) g_.props.push_back(p);
  g_.edges.push_back({EdgeId(type, from, to, id_parts), type, from, to, begin,
                      static_cast<uint32_t>(props.size())});
}

Prop EdgeStr(EdgeProp key, std::string_view v) {
  Prop p{};
  p.key = static_cast<uint8_t>(key);
  p.type = PropType::kString;
  p.text = v;
  return p;
}
Prop EdgeInt(EdgeProp key, int64_t v) {
  Prop p{};
  p.key = static_cast<uint8_t>(key);
  p.type = PropType::kInt;
  p.integer = v;
  return p;
}

/// Properties reserved per AST node, its CHILD edge's included.
constexpr size_t kPropsPerNode = 10;

void Builder::AddTree(const semantic::FileSemantics* semantics) {
  want_ids_ = semantics != nullptr;
  begin_cursor_.emplace(module_->lines());
  end_cursor_.emplace(module_->lines());
  size_t n = module_->node_count() + 1;
  if (want_ids_) ids_.Reserve(n);
  size_t semantic_edges = semantics ? semantics->next.size() + semantics->depends.size() : 0;
  g_.nodes.reserve(g_.nodes.size() + n);
  g_.edges.reserve(n + semantic_edges);
  // Properties: a node's own and its CHILD edge's field and index (on the 3.13 stdlib 8.4 a node
  // on average, at most 9.2 in a file of over 1,000 nodes), then one or two per NEXT /
  // DEPENDS_ON edge. Reserving 7 a node made every file's vector double once, and made a large
  // file hold the old and the doubled copy at once (45 MB, not 18 MB, for test_typing.py): that
  // transient set the high-water mark of the worker's malloc arena.
  g_.props.reserve(g_.props.size() + kPropsPerNode * n + 2 * semantic_edges);
  // Pre-order walk with an explicit stack (trees can be thousands of levels deep). `key` is
  // source_id + "\0" + the field path of the node last visited, the bytes its id hashes; a
  // frame's parent path is always a prefix of it, so each node costs only its own path suffix.
  std::string key(source_id_);
  key.push_back('\0');
  const auto base = static_cast<uint32_t>(key.size());
  std::vector<Frame> stack;
  stack.push_back({module_->root(), file_id_, kRootParent, "module", -1});
  char index_text[24];
  while (!stack.empty()) {
    Frame f = stack.back();
    stack.pop_back();
    int index_len = 0;
    if (f.parent_len != kRootParent) {
      key.resize(f.parent_len);
      if (key.size() != base) key.push_back('.');
      key.append(f.field);
      if (f.index >= 0) {
        index_len = static_cast<int>(
            std::to_chars(index_text, index_text + sizeof index_text, f.index).ptr - index_text);
        key.push_back('.');
        key.append(index_text, index_len);
      }
    } else {
      key.resize(base);
    }
    Id id = HashBytes(key);
    if (want_ids_) ids_.Insert(f.node, id);
    AddNode(f.node, id);
    if (f.index >= 0) {
      AddEdge(EdgeType::kChild, f.parent, id,
              {EdgeStr(EdgeProp::field, f.field), EdgeInt(EdgeProp::index, f.index)},
              {f.field, std::string_view(index_text, index_len)});
    } else {
      AddEdge(EdgeType::kChild, f.parent, id, {EdgeStr(EdgeProp::field, f.field)}, {f.field});
    }
    // Children, pushed in reverse so they pop in field order (pre-order overall).
    const ast::Node* node = f.node;
    auto len = static_cast<uint32_t>(key.size());
    for (uint32_t i = ast::FieldCount(node->kind); i-- > 0;) {
      const ast::FieldInfo& field = ast::Field(node->kind, i);
      const ast::Slot& slot = node->fields[i];
      if (field.type == ast::FieldType::NODE || field.type == ast::FieldType::OPT_NODE) {
        if (slot.node != nullptr) stack.push_back({slot.node, id, len, field.name, -1});
      } else if (field.type == ast::FieldType::NODE_LIST) {
        for (uint32_t j = slot.list->size; j-- > 0;) {
          const ast::Node* child = slot.list->items[j].node;
          if (child != nullptr) stack.push_back({child, id, len, field.name, j});
        }
      }
    }
  }
  out_->ast_nodes = g_.nodes.size() - 1;
  if (semantics != nullptr) AddSemantics(*semantics);
}

void Builder::AddNode(const ast::Node* node, const Id& id) {
  const char* type = ast::KindName(node->kind);
  props_.Str(NodeProp::node_type, type);
  props_.Str(NodeProp::source_id, source_id_);
  if (ast::HasPosition(node->kind)) {
    int64_t line = 0;
    int64_t column = 0;
    begin_cursor_->Locate(node->begin, &line, &column);
    props_.Int(NodeProp::lineno, line);
    props_.Int(NodeProp::col_offset, column);
    end_cursor_->Locate(node->end, &line, &column);
    props_.Int(NodeProp::end_lineno, line);
    props_.Int(NodeProp::end_col_offset, column);
  }
  bool have_value = false;
  const FieldActions& actions = Actions();
  auto k = static_cast<size_t>(node->kind);
  uint32_t nfields = ast::FieldCount(node->kind);
  for (uint32_t i = 0; i < nfields; ++i) {
    const ast::Slot& slot = node->fields[i];
    FieldAction action =
        i < kMaxFields ? actions.action[k][i] : ActionFor(ast::Field(node->kind, i));
    switch (action) {
      case FieldAction::kSkip:
        break;
      case FieldAction::kKind:
        if (slot.str != nullptr) props_.Str(NodeProp::kind, Identifier(slot));
        break;
      case FieldAction::kAsname:
        if (slot.str != nullptr) props_.Str(NodeProp::asname, Identifier(slot));
        break;
      case FieldAction::kValueIdent:
        if (slot.str != nullptr && !have_value) {
          std::string_view text = Identifier(slot);
          if (node->kind == ast::Kind::ImportFrom) {
            int64_t level = node->fields[ast::ImportFromFields::level].integer;
            if (level > 0) text = g_.Own(std::string(level, '.') + std::string(text));
          }
          props_.Str(NodeProp::value, text);
          have_value = true;
        }
        break;
      case FieldAction::kConst: {
        repr_.clear();
        ast::ReprConstant(*slot.constant, &repr_);
        props_.Str(NodeProp::value, g_.Own(repr_));
        have_value = true;
        break;
      }
      case FieldAction::kConversion:
        props_.Int(NodeProp::conversion, slot.integer);
        break;
      case FieldAction::kIsAsync:
        props_.Int(NodeProp::is_async, slot.integer);
        break;
      case FieldAction::kLevel:
        props_.Int(NodeProp::level, slot.integer);
        break;
      case FieldAction::kSimple:
        props_.Int(NodeProp::simple, slot.integer);
        break;
      case FieldAction::kCtx:
        props_.Str(NodeProp::ctx, ast::SingletonName(static_cast<ast::Singleton>(slot.integer)));
        break;
      case FieldAction::kOp: {
        const char* op = ast::SingletonName(static_cast<ast::Singleton>(slot.integer));
        props_.Str(NodeProp::op, op);
        props_.Str(NodeProp::value, op);
        have_value = true;
        break;
      }
      case FieldAction::kOps: {
        std::string ops;
        for (const ast::Slot& item : *slot.list) {
          if (!ops.empty()) ops.push_back(',');
          ops += ast::SingletonName(static_cast<ast::Singleton>(item.integer));
        }
        std::string_view owned = g_.Own(ops);
        props_.Str(NodeProp::op, owned);
        props_.Str(NodeProp::value, owned);
        have_value = true;
        break;
      }
      case FieldAction::kNames: {
        auto begin = static_cast<uint32_t>(g_.list_items.size());
        for (const ast::Slot& item : *slot.list) g_.list_items.push_back(Identifier(item));
        props_.List(NodeProp::names, begin, slot.list->size);
        break;
      }
    }
  }
  if (node->kind == ast::Kind::Import) {
    // An Import's own text is the modules it imports.
    std::string modules;
    for (const ast::Slot& alias : *node->fields[ast::ImportFields::names].list) {
      if (!modules.empty()) modules.push_back(',');
      modules += Identifier(alias.node->fields[ast::aliasFields::name]);
    }
    props_.Str(NodeProp::value, g_.Own(modules));
  }
  auto begin = static_cast<uint32_t>(g_.props.size());
  uint32_t count = props_.Flush(&g_.props);
  g_.nodes.push_back({id, NodeLabel::kASTNode, type, begin, count});
}

void Builder::AddSemantics(const semantic::FileSemantics& semantics) {
  for (const semantic::NextEdge& e : semantics.next) {
    auto from = IdOf(e.from);
    auto to = IdOf(e.to);
    if (!from || !to) continue;
    const char* kind = semantic::NextKindName(e.kind);
    AddEdge(EdgeType::kNext, *from, *to, {EdgeStr(EdgeProp::kind, kind)}, {kind});
  }
  for (const semantic::DependsEdge& e : semantics.depends) {
    auto from = IdOf(e.from);
    auto to = IdOf(e.to);
    if (!from || !to) continue;
    const char* type = semantic::DependsTypeName(e.type);
    AddEdge(EdgeType::kDependsOn, *from, *to,
            {EdgeStr(EdgeProp::type, type), EdgeStr(EdgeProp::name, e.name)}, {type});
  }
  for (const semantic::ExternalRef& r : semantics.external) {
    auto from = IdOf(r.from);
    if (!from) continue;
    out_->pending.push_back({*from, r.type, r.module, r.name});
  }
  for (const semantic::ModuleExport& e : semantics.exports) {
    auto node = e.node ? IdOf(e.node) : std::nullopt;
    out_->exports.push_back(
        {e.name, node.value_or(Id{}), e.from_module, e.from_name, semantic::ExportFlags(e)});
  }
}

}  // namespace

Id NodeId(std::string_view source_id, std::string_view field_path) {
  return HashParts({source_id, field_path});
}
Id SourceFileId(std::string_view source_id) { return HashParts({"file", source_id}); }
Id ExternalModuleId(std::string_view name) { return HashParts({"external", name}); }

Id EdgeId(EdgeType type, const Id& start, const Id& end,
          std::initializer_list<std::string_view> props) {
  // type "\0" start-hex "\0" end-hex ("\0" prop)*, hashed in one call from a reused buffer.
  thread_local std::string buf;
  std::string_view name = EdgeTypeName(type);
  size_t size = name.size() + 2 * 33;
  for (std::string_view p : props) size += 1 + p.size();
  buf.resize(size);
  char* out = buf.data();
  std::memcpy(out, name.data(), name.size());
  out += name.size();
  *out++ = '\0';
  start.WriteHex(out);
  out += 32;
  *out++ = '\0';
  end.WriteHex(out);
  out += 32;
  for (std::string_view p : props) {
    *out++ = '\0';
    if (!p.empty()) std::memcpy(out, p.data(), p.size());
    out += p.size();
  }
  return HashBytes(buf);
}

Id ContentHash(std::string_view bytes) {
  XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  return {h.high64, h.low64};
}

void LinkGraphBuilder::AddEdge(const Id& from, const Id& to, semantic::DependsType type,
                               std::string_view name) {
  const char* type_name = semantic::DependsTypeName(type);
  auto begin = static_cast<uint32_t>(graph_.props.size());
  graph_.props.push_back(EdgeStr(EdgeProp::type, type_name));
  graph_.props.push_back(EdgeStr(EdgeProp::name, graph_.Own(name)));
  graph_.edges.push_back(
      {EdgeId(EdgeType::kDependsOn, from, to, {type_name}), EdgeType::kDependsOn, from, to, begin, 2});
}

void LinkGraphBuilder::AddExternal(const Id& from, std::string_view module,
                                   semantic::DependsType type, std::string_view name) {
  std::string_view owned = graph_.Own(module);
  externals_.push_back(owned);
  AddEdge(from, ExternalModuleId(module), type, name);
}

void LinkGraphBuilder::Finish(FileGraph* out) {
  std::sort(externals_.begin(), externals_.end());
  externals_.erase(std::unique(externals_.begin(), externals_.end()), externals_.end());
  for (std::string_view name : externals_) {
    auto begin = static_cast<uint32_t>(graph_.props.size());
    Prop p{};
    p.key = static_cast<uint8_t>(NodeProp::name);
    p.type = PropType::kString;
    p.text = name;
    graph_.props.push_back(p);
    graph_.nodes.push_back({ExternalModuleId(name), NodeLabel::kExternalModule, {}, begin, 1});
  }
  *out = std::move(graph_);
}

void BuildFileGraph(const SourceInfo& info, std::shared_ptr<const ParsedModule> module,
                    const semantic::FileSemantics* semantics, BuiltFile* out) {
  Builder builder(info, module.get(), out);
  builder.Run(semantics);
  out->graph.keepalive = std::move(module);
}

}  // namespace ast2graph::graph
