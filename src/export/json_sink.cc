// `json`: the per-file document of the upstream Python ast2graph (sugipamo/ast2graph,
// GraphExporter.export_to_json), for users migrating from it, made deterministic:
//   {"edges": [{"edge_type", "id", "label", "metadata", "source", "target", "type"}],
//    "metadata": {"edge_count", "edge_types", "node_count", "source_file", "total_edges",
//                 "total_nodes"},
//    "nodes": [{"ast_node_info", "id", "label", "metadata", "properties", "source_location",
//               "type"}],
//    "source_info": {"error", "error_code", "file_hash", "file_path", "line_count",
//                    "size_bytes", "source_id", "status"},
//    "version": "1.0.0"}
// laid out exactly as upstream's json.dumps(indent=2, sort_keys=True, ensure_ascii=False) does.
// Upstream's `created_at`, `export_id` (a random UUID), `parsed_at` and `encoding` are left out:
// they would make the output differ between runs, or we do not know them. Ids are our content
// ids, `file_hash` is our XXH3-128 content hash. SourceFile is not a node here (upstream has
// none): it is `source_info`, and its CHILD edge to the Module is left out.
//
// One input file gives that document; several give a JSON array of them in source_id order
// (the first document is held back until a second one arrives or Finish() says there is none).
#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <vector>

#include "export/output.h"
#include "export/sinks.h"
#include "export/text.h"

namespace ast2graph::exporters {

namespace {

using graph::EdgeProp;
using graph::EdgeRecord;
using graph::EdgeType;
using graph::FileGraph;
using graph::NodeLabel;
using graph::NodeProp;
using graph::NodeRecord;
using graph::Prop;
using graph::PropType;

constexpr size_t kNodeProps = static_cast<size_t>(NodeProp::kCount);
constexpr size_t kEdgeProps = static_cast<size_t>(EdgeProp::kCount);
/// Marks the pseudo-property "type" (the node type) in the sorted key order.
constexpr int kTypeKey = -1;

/// Writes JSON the way CPython's json.dumps(indent=2) lays it out: every item of a non-empty
/// container on its own line, indented two spaces per level; "{}" and "[]" when empty.
class PrettyJson {
 public:
  PrettyJson(std::string* out, int depth) : out_(out), depth_(depth) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  void Key(std::string_view key) {
    Item();
    AppendJsonString(out_, key);
    out_->append(": ");
    after_key_ = true;
  }
  void String(std::string_view s) {
    Value();
    AppendJsonString(out_, s);
  }
  void Int(int64_t v) {
    Value();
    AppendInt(out_, v);
  }
  void Null() {
    Value();
    out_->append("null");
  }

 private:
  void Value() {
    if (after_key_) {
      after_key_ = false;
    } else {
      Item();
    }
  }
  void Item() {
    if (!has_items_.empty()) {
      out_->append(has_items_.back() ? ",\n" : "\n");
      has_items_.back() = true;
      Indent(depth_);
    }
  }
  void Open(char c) {
    Value();
    out_->push_back(c);
    has_items_.push_back(false);
    ++depth_;
  }
  void Close(char c) {
    --depth_;
    if (has_items_.back()) {
      out_->push_back('\n');
      Indent(depth_);
    }
    has_items_.pop_back();
    out_->push_back(c);
  }
  void Indent(int depth) { out_->append(static_cast<size_t>(depth) * 2, ' '); }

  std::string* out_;
  int depth_;
  bool after_key_ = false;
  std::vector<bool> has_items_;
};

class JsonSink : public Sink {
 public:
  JsonSink() {
    for (size_t i = 0; i < kNodeProps; ++i) node_order_.push_back(static_cast<int>(i));
    node_order_.push_back(kTypeKey);
    std::sort(node_order_.begin(), node_order_.end(), [](int a, int b) {
      return std::string_view(NodeKey(a)) < std::string_view(NodeKey(b));
    });
    for (size_t i = 0; i < kEdgeProps; ++i) edge_order_.push_back(static_cast<int>(i));
    std::sort(edge_order_.begin(), edge_order_.end(), [](int a, int b) {
      return std::string_view(graph::EdgePropName(static_cast<EdgeProp>(a))) <
             std::string_view(graph::EdgePropName(static_cast<EdgeProp>(b)));
    });
  }

  Status Open(const std::string& path) { return out_.Open(path); }

  Status Write(const FileGraph& file) override {
    if (!out_.status().ok()) return out_.status();
    std::string& b = out_.buf();
    if (count_ == 0) {
      RenderDocument(&first_, file, 0);
    } else {
      if (count_ == 1) {
        // Now we know it is an array: emit the held-back document, one level deeper.
        b.append("[\n  ");
        for (char c : first_) {
          b.push_back(c);
          if (c == '\n') b.append("  ");
        }
        std::string().swap(first_);
      }
      b.append(",\n  ");
      RenderDocument(&b, file, 1);
    }
    ++count_;
    out_.MaybeFlush();
    return out_.status();
  }

  Status Finish() override {
    std::string& b = out_.buf();
    if (count_ == 0) {
      b.append("[]\n");
    } else if (count_ == 1) {
      b.append(first_);
      b.push_back('\n');
    } else {
      b.append("\n]\n");
    }
    return out_.Commit();
  }

 private:
  static const char* NodeKey(int key) {
    return key == kTypeKey ? "type" : graph::NodePropName(static_cast<NodeProp>(key));
  }

  static bool Skipped(const NodeRecord& n) { return n.label == NodeLabel::kSourceFile; }

  void RenderDocument(std::string* out, const FileGraph& file, int depth) {
    // Which node ids are left out (SourceFile), so their edges are too.
    skipped_.clear();
    const NodeRecord* source_file = nullptr;
    for (const NodeRecord& n : file.nodes) {
      if (Skipped(n)) {
        skipped_.push_back(n.id);
        if (source_file == nullptr) source_file = &n;
      }
    }
    auto skipped = [&](graph::Id id) {
      return std::find(skipped_.begin(), skipped_.end(), id) != skipped_.end();
    };
    size_t node_count = 0;
    for (const NodeRecord& n : file.nodes) node_count += Skipped(n) ? 0 : 1;
    size_t edge_count = 0;
    std::set<std::string_view> edge_types;
    for (const EdgeRecord& e : file.edges) {
      if (skipped(e.start) || skipped(e.end)) continue;
      ++edge_count;
      edge_types.insert(graph::EdgeTypeName(e.type));
    }

    PrettyJson j(out, depth);
    j.BeginObject();
    j.Key("edges");
    j.BeginArray();
    for (const EdgeRecord& e : file.edges) {
      if (skipped(e.start) || skipped(e.end)) continue;
      RenderEdge(&j, file, e);
    }
    j.EndArray();

    j.Key("metadata");
    j.BeginObject();
    j.Key("edge_count");
    j.Int(static_cast<int64_t>(edge_count));
    j.Key("edge_types");
    j.BeginArray();
    for (std::string_view t : edge_types) j.String(t);
    j.EndArray();
    j.Key("node_count");
    j.Int(static_cast<int64_t>(node_count));
    const Prop* path = source_file ? FindProp(file, *source_file, NodeProp::path) : nullptr;
    if (path != nullptr && path->type == PropType::kString) {
      j.Key("source_file");
      j.String(path->text);
    }
    j.Key("total_edges");
    j.Int(static_cast<int64_t>(edge_count));
    j.Key("total_nodes");
    j.Int(static_cast<int64_t>(node_count));
    j.EndObject();

    j.Key("nodes");
    j.BeginArray();
    for (const NodeRecord& n : file.nodes) {
      if (!Skipped(n)) RenderNode(&j, file, n);
    }
    j.EndArray();

    j.Key("source_info");
    RenderSourceInfo(&j, file, source_file);
    j.Key("version");
    j.String("1.0.0");
    j.EndObject();
  }

  void RenderNode(PrettyJson* j, const FileGraph& file, const NodeRecord& n) {
    std::array<const Prop*, kNodeProps> by_key{};
    for (const Prop& p : PropsOf(file, n)) {
      if (p.key < kNodeProps) by_key[p.key] = &p;
    }
    std::string_view type =
        n.label == NodeLabel::kASTNode ? n.node_type : graph::NodeLabelName(n.label);
    auto str = [&](NodeProp key) -> std::string_view {
      const Prop* p = by_key[static_cast<size_t>(key)];
      return p != nullptr && p->type == PropType::kString ? p->text : std::string_view();
    };
    std::string_view label = str(NodeProp::value);
    if (label.empty()) label = str(NodeProp::name);  // ExternalModule
    if (label.empty()) label = type;

    j->BeginObject();
    j->Key("ast_node_info");
    RenderNodeProps(j, file, by_key.data(), type);
    j->Key("id");
    AppendIdString(j, n.id);
    j->Key("label");
    j->String(label);
    j->Key("metadata");
    j->BeginObject();
    j->EndObject();
    j->Key("properties");
    RenderNodeProps(j, file, by_key.data(), type);
    j->Key("source_location");
    auto num = [&](NodeProp key) -> const Prop* {
      const Prop* p = by_key[static_cast<size_t>(key)];
      return p != nullptr && p->type == PropType::kInt ? p : nullptr;
    };
    const Prop* line = num(NodeProp::lineno);
    if (line == nullptr) {
      j->Null();
    } else {
      const Prop* col = num(NodeProp::col_offset);
      const Prop* end_line = num(NodeProp::end_lineno);
      const Prop* end_col = num(NodeProp::end_col_offset);
      int64_t c = col ? col->integer : 0;
      j->BeginArray();
      j->Int(line->integer);
      j->Int(c);
      j->Int(end_line ? end_line->integer : line->integer);
      j->Int(end_col ? end_col->integer : c);
      j->EndArray();
    }
    j->Key("type");
    j->String(type);
    j->EndObject();
  }

  void RenderNodeProps(PrettyJson* j, const FileGraph& file, const Prop* const* by_key,
                       std::string_view type) {
    j->BeginObject();
    for (int key : node_order_) {
      if (key == kTypeKey) {
        j->Key("type");
        j->String(type);
        continue;
      }
      if (const Prop* p = by_key[key]) {
        j->Key(NodeKey(key));
        RenderValue(j, file, *p);
      }
    }
    j->EndObject();
  }

  void RenderEdge(PrettyJson* j, const FileGraph& file, const EdgeRecord& e) {
    std::array<const Prop*, kEdgeProps> by_key{};
    for (const Prop& p : PropsOf(file, e)) {
      if (p.key < kEdgeProps) by_key[p.key] = &p;
    }
    const char* type = graph::EdgeTypeName(e.type);
    const char* label = "";  // upstream: the lowercase type
    switch (e.type) {
      case EdgeType::kChild:
        label = "child";
        break;
      case EdgeType::kNext:
        label = "next";
        break;
      case EdgeType::kDependsOn:
        label = "depends_on";
        break;
    }
    j->BeginObject();
    j->Key("edge_type");
    j->String(type);
    j->Key("id");
    AppendIdString(j, e.id);
    j->Key("label");
    j->String(label);
    j->Key("metadata");
    j->BeginObject();
    for (int key : edge_order_) {
      if (const Prop* p = by_key[key]) {
        j->Key(graph::EdgePropName(static_cast<EdgeProp>(key)));
        RenderValue(j, file, *p);
      }
    }
    j->EndObject();
    j->Key("source");
    AppendIdString(j, e.start);
    j->Key("target");
    AppendIdString(j, e.end);
    j->Key("type");
    j->String(type);
    j->EndObject();
  }

  void RenderSourceInfo(PrettyJson* j, const FileGraph& file, const NodeRecord* sf) {
    auto prop = [&](NodeProp key) { return sf ? FindProp(file, *sf, key) : nullptr; };
    // Sorted by output key.
    struct Field {
      const char* name;
      NodeProp key;
    };
    static constexpr Field kFields[] = {
        {"error", NodeProp::error},
        {"error_code", NodeProp::error_code},
        {"file_hash", NodeProp::content_hash},
        {"file_path", NodeProp::path},
        {"line_count", NodeProp::lines},
        {"size_bytes", NodeProp::size},
    };
    j->BeginObject();
    for (const Field& f : kFields) {
      if (const Prop* p = prop(f.key)) {
        j->Key(f.name);
        RenderValue(j, file, *p);
      }
    }
    j->Key("source_id");
    j->String(file.source_id);
    if (const Prop* p = prop(NodeProp::status)) {
      j->Key("status");
      RenderValue(j, file, *p);
    }
    j->EndObject();
  }

  static void RenderValue(PrettyJson* j, const FileGraph& file, const Prop& p) {
    switch (p.type) {
      case PropType::kString:
        j->String(p.text);
        break;
      case PropType::kInt:
        j->Int(p.integer);
        break;
      case PropType::kStringList:
        j->BeginArray();
        for (std::string_view item : ListOf(file, p)) j->String(item);
        j->EndArray();
        break;
    }
  }

  static void AppendIdString(PrettyJson* j, graph::Id id) {
    char hex[32];
    id.WriteHex(hex);
    j->String(std::string_view(hex, 32));
  }

  OutputFile out_;
  size_t count_ = 0;
  std::string first_;
  std::vector<graph::Id> skipped_;
  std::vector<int> node_order_;  // NodeProp indexes and kTypeKey, sorted by name
  std::vector<int> edge_order_;
};

}  // namespace

Result<std::unique_ptr<Sink>> MakeJsonSink(const std::string& out, const ExportOptions&) {
  auto sink = std::make_unique<JsonSink>();
  if (Status s = sink->Open(out); !s.ok()) return s;
  return std::unique_ptr<Sink>(std::move(sink));
}

}  // namespace ast2graph::exporters
