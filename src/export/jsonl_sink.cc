// `jsonl`: one JSON object a line in the layout of APOC's apoc.export.json (JSON_LINES), which
// apoc.import.json reads back:
//   {"type":"node","id":"<hex>","labels":["ASTNode","Name"],"properties":{"id":"<hex>",...}}
//   {"type":"relationship","id":"<hex>","label":"CHILD","start":{"id":"<hex>","labels":[...]},
//    "end":{"id":"<hex>","labels":[...]},"properties":{"id":"<hex>",...}}
// Relationship endpoints carry their primary label (ASTNode, SourceFile, ExternalModule), which
// is what apoc.import.json matches the endpoint by; properties include `id` so that a reload can
// MERGE on it.
#include <array>
#include <vector>

#include "export/output.h"
#include "export/sinks.h"
#include "export/text.h"
#include "graph/cypher.h"

namespace ast2graph::exporters {

namespace {

using graph::EdgeProp;
using graph::EdgeRecord;
using graph::FileGraph;
using graph::NodeLabel;
using graph::NodeProp;
using graph::NodeRecord;
using graph::Prop;
using graph::PropType;

/// A file's lines, and where the ExternalModule nodes among them are (written once per output).
struct JsonlGraph : FormattedGraph {
  struct Once {
    graph::Id id;
    size_t begin;
    size_t end;
  };
  std::string bytes;
  std::vector<Once> once;  // in byte order
};

class JsonlSink : public FormattingSink {
 public:
  JsonlSink() {
    for (size_t i = 0; i < node_keys_.size(); ++i) {
      node_keys_[i] = std::string(",\"") + graph::NodePropName(static_cast<NodeProp>(i)) + "\":";
    }
    for (size_t i = 0; i < edge_keys_.size(); ++i) {
      edge_keys_[i] = std::string(",\"") + graph::EdgePropName(static_cast<EdgeProp>(i)) + "\":";
    }
  }

  Status Open(const std::string& path) { return out_.Open(path); }

  std::unique_ptr<FormattedGraph> FormatSlice(const FileGraph& file,
                                              const Slice& slice) const override {
    auto out = std::make_unique<JsonlGraph>();
    std::string& b = out->bytes;
    std::span<const NodeRecord> nodes(file.nodes.data() + slice.node_begin,
                                      slice.node_end - slice.node_begin);
    std::span<const EdgeRecord> edges(file.edges.data() + slice.edge_begin,
                                      slice.edge_end - slice.edge_begin);
    b.reserve(300 * nodes.size() + 330 * edges.size());
    for (const NodeRecord& n : nodes) {
      size_t begin = b.size();
      b.append("{\"type\":\"node\",\"id\":\"");
      AppendId(&b, n.id);
      b.append("\",\"labels\":[\"");
      b.append(graph::NodeLabelName(n.label));
      b.push_back('"');
      if (n.label == NodeLabel::kASTNode && !n.node_type.empty()) {
        b.push_back(',');
        AppendJsonString(&b, n.node_type);
      }
      b.append("],\"properties\":{\"id\":\"");
      AppendId(&b, n.id);
      b.push_back('"');
      AppendProps(&b, file, PropsOf(file, n), node_keys_.data());
      b.append("}}\n");
      if (n.label == NodeLabel::kExternalModule) out->once.push_back({n.id, begin, b.size()});
    }
    graph::cypher::EndpointLabels labels;
    if (!edges.empty()) labels.Reset(file);
    for (const EdgeRecord& e : edges) {
      b.append("{\"type\":\"relationship\",\"id\":\"");
      AppendId(&b, e.id);
      b.append("\",\"label\":\"");
      b.append(graph::EdgeTypeName(e.type));
      b.append("\",\"start\":{\"id\":\"");
      AppendId(&b, e.start);
      b.append("\",\"labels\":[\"");
      b.append(graph::NodeLabelName(labels.Of(e.start)));
      b.append("\"]},\"end\":{\"id\":\"");
      AppendId(&b, e.end);
      b.append("\",\"labels\":[\"");
      b.append(graph::NodeLabelName(labels.Of(e.end)));
      b.append("\"]},\"properties\":{\"id\":\"");
      AppendId(&b, e.id);
      b.push_back('"');
      AppendProps(&b, file, PropsOf(file, e), edge_keys_.data());
      b.append("}}\n");
    }
    return out;
  }

  Status Append(FormattedGraph& formatted) override {
    if (!out_.status().ok()) return out_.status();
    auto& g = static_cast<JsonlGraph&>(formatted);
    size_t done = 0;
    for (const JsonlGraph::Once& once : g.once) {
      Put(std::string_view(g.bytes).substr(done, once.begin - done));
      if (seen_.Insert(once.id)) {
        Put(std::string_view(g.bytes).substr(once.begin, once.end - once.begin));
      }
      done = once.end;
    }
    Put(std::string_view(g.bytes).substr(done));
    return out_.status();
  }

  Status Finish() override { return out_.Commit(); }

 private:
  /// Appends to the output buffer, writing it out at the flush threshold.
  void Put(std::string_view bytes) {
    out_.Append(bytes);
  }

  static void AppendProps(std::string* b, const FileGraph& file, std::span<const Prop> props,
                          const std::string* keys) {
    for (const Prop& p : props) {
      b->append(keys[p.key]);
      switch (p.type) {
        case PropType::kString:
          AppendJsonString(b, p.text);
          break;
        case PropType::kInt:
          AppendInt(b, p.integer);
          break;
        case PropType::kStringList: {
          b->push_back('[');
          bool first = true;
          for (std::string_view item : ListOf(file, p)) {
            if (!first) b->push_back(',');
            first = false;
            AppendJsonString(b, item);
          }
          b->push_back(']');
          break;
        }
      }
    }
  }

  OutputFile out_;
  SeenNodes seen_;
  std::array<std::string, static_cast<size_t>(NodeProp::kCount)> node_keys_;
  std::array<std::string, static_cast<size_t>(EdgeProp::kCount)> edge_keys_;
};

}  // namespace

Result<std::unique_ptr<Sink>> MakeJsonlSink(const std::string& out, const ExportOptions&) {
  auto sink = std::make_unique<JsonlSink>();
  if (Status s = sink->Open(out); !s.ok()) return s;
  return std::unique_ptr<Sink>(std::move(sink));
}

}  // namespace ast2graph::exporters
