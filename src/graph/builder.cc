#include "graph/builder.h"

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include <algorithm>
#include <array>
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
    for (size_t i = 0; i < present_.size(); ++i) {
      if (!present_[i]) continue;
      out->push_back(props_[i]);
      present_[i] = false;
      ++n;
    }
    return n;
  }

 private:
  Prop& Set(NodeProp key, PropType type) {
    auto i = static_cast<size_t>(key);
    present_[i] = true;
    props_[i] = Prop{};
    props_[i].key = static_cast<uint8_t>(key);
    props_[i].type = type;
    return props_[i];
  }
  std::array<Prop, static_cast<size_t>(NodeProp::kCount)> props_{};
  std::array<bool, static_cast<size_t>(NodeProp::kCount)> present_{};
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
    auto it = ids_.find(node);
    if (it == ids_.end()) return std::nullopt;
    return it->second;
  }

  const SourceInfo& info_;
  const ParsedModule* module_;
  BuiltFile* out_;
  FileGraph& g_;
  PropSet props_;
  Id file_id_;
  std::string_view source_id_;
  std::unordered_map<const ast::Node*, Id> ids_;
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

void Builder::AddTree(const semantic::FileSemantics* semantics) {
  want_ids_ = semantics != nullptr;
  if (want_ids_) ids_.reserve(module_->node_count() + 1);
  // Pre-order walk with an explicit stack (trees can be thousands of levels deep). `path` is the
  // field path of the node last visited; a frame's parent path is always a prefix of it, so each
  // node costs only its own path suffix.
  std::string path;
  std::vector<Frame> stack;
  stack.push_back({module_->root(), file_id_, kRootParent, "module", -1});
  char index_text[24];
  while (!stack.empty()) {
    Frame f = stack.back();
    stack.pop_back();
    int index_len = 0;
    if (f.parent_len != kRootParent) {
      path.resize(f.parent_len);
      if (!path.empty()) path.push_back('.');
      path.append(f.field);
      if (f.index >= 0) {
        index_len = std::snprintf(index_text, sizeof index_text, "%lld",
                                  static_cast<long long>(f.index));
        path.push_back('.');
        path.append(index_text, index_len);
      }
    } else {
      path.clear();
    }
    Id id = NodeId(source_id_, path);
    if (want_ids_) ids_.emplace(f.node, id);
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
    auto len = static_cast<uint32_t>(path.size());
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
    const ast::LineTable& lines = module_->lines();
    props_.Int(NodeProp::lineno, lines.Line(node->begin));
    props_.Int(NodeProp::col_offset, lines.Column(node->begin));
    props_.Int(NodeProp::end_lineno, lines.Line(node->end));
    props_.Int(NodeProp::end_col_offset, lines.Column(node->end));
  }
  bool have_value = false;
  uint32_t nfields = ast::FieldCount(node->kind);
  for (uint32_t i = 0; i < nfields; ++i) {
    const ast::FieldInfo& field = ast::Field(node->kind, i);
    const ast::Slot& slot = node->fields[i];
    std::string_view name = field.name;
    switch (field.type) {
      case ast::FieldType::IDENT:
      case ast::FieldType::OPT_STR:
        if (name == "type_comment" || slot.str == nullptr) break;
        if (name == "kind") {
          props_.Str(NodeProp::kind, Identifier(slot));
        } else if (name == "asname") {
          props_.Str(NodeProp::asname, Identifier(slot));
        } else if (!have_value) {
          std::string_view text = Identifier(slot);
          if (node->kind == ast::Kind::ImportFrom) {
            int64_t level = node->fields[ast::ImportFromFields::level].integer;
            if (level > 0) text = g_.Own(std::string(level, '.') + std::string(text));
          }
          props_.Str(NodeProp::value, text);
          have_value = true;
        }
        break;
      case ast::FieldType::CONST: {
        std::string repr;
        ast::ReprConstant(*slot.constant, &repr);
        props_.Str(NodeProp::value, g_.Own(std::move(repr)));
        have_value = true;
        break;
      }
      case ast::FieldType::INT:
        if (name == "conversion") props_.Int(NodeProp::conversion, slot.integer);
        if (name == "is_async") props_.Int(NodeProp::is_async, slot.integer);
        if (name == "level") props_.Int(NodeProp::level, slot.integer);
        if (name == "simple") props_.Int(NodeProp::simple, slot.integer);
        break;
      case ast::FieldType::ENUM: {
        const char* s = ast::SingletonName(static_cast<ast::Singleton>(slot.integer));
        if (name == "ctx") {
          props_.Str(NodeProp::ctx, s);
        } else {
          props_.Str(NodeProp::op, s);
          props_.Str(NodeProp::value, s);
          have_value = true;
        }
        break;
      }
      case ast::FieldType::ENUM_LIST: {
        std::string ops;
        for (const ast::Slot& item : *slot.list) {
          if (!ops.empty()) ops.push_back(',');
          ops += ast::SingletonName(static_cast<ast::Singleton>(item.integer));
        }
        std::string_view owned = g_.Own(std::move(ops));
        props_.Str(NodeProp::op, owned);
        props_.Str(NodeProp::value, owned);
        have_value = true;
        break;
      }
      case ast::FieldType::IDENT_LIST: {
        auto begin = static_cast<uint32_t>(g_.list_items.size());
        for (const ast::Slot& item : *slot.list) g_.list_items.push_back(Identifier(item));
        props_.List(NodeProp::names, begin, slot.list->size);
        break;
      }
      default:
        break;
    }
  }
  if (node->kind == ast::Kind::Import) {
    // An Import's own text is the modules it imports.
    std::string modules;
    for (const ast::Slot& alias : *node->fields[ast::ImportFields::names].list) {
      if (!modules.empty()) modules.push_back(',');
      modules += Identifier(alias.node->fields[ast::aliasFields::name]);
    }
    props_.Str(NodeProp::value, g_.Own(std::move(modules)));
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
  char hex[2][32];
  start.WriteHex(hex[0]);
  end.WriteHex(hex[1]);
  XXH3_state_t state;
  XXH3_128bits_reset(&state);
  std::string_view name = EdgeTypeName(type);
  XXH3_128bits_update(&state, name.data(), name.size());
  for (const char* h : {hex[0], hex[1]}) {
    XXH3_128bits_update(&state, "\0", 1);
    XXH3_128bits_update(&state, h, 32);
  }
  for (std::string_view p : props) {
    XXH3_128bits_update(&state, "\0", 1);
    XXH3_128bits_update(&state, p.data(), p.size());
  }
  XXH128_hash_t h = XXH3_128bits_digest(&state);
  return {h.high64, h.low64};
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
  graph_.props.push_back(EdgeStr(EdgeProp::name, graph_.Own(std::string(name))));
  graph_.edges.push_back(
      {EdgeId(EdgeType::kDependsOn, from, to, {type_name}), EdgeType::kDependsOn, from, to, begin, 2});
}

void LinkGraphBuilder::AddExternal(const Id& from, std::string_view module,
                                   semantic::DependsType type, std::string_view name) {
  std::string_view owned = graph_.Own(std::string(module));
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
