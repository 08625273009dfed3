// `jsonl`: one JSON object a line in the layout of APOC's apoc.export.json (JSON_LINES), which
// apoc.import.json reads back:
//   {"type":"node","id":"<hex>","labels":["ASTNode","Name"],"properties":{"id":"<hex>",...}}
//   {"type":"relationship","id":"<hex>","label":"CHILD","start":{"id":"<hex>","labels":[...]},
//    "end":{"id":"<hex>","labels":[...]},"properties":{"id":"<hex>",...}}
// Relationship endpoints carry their primary label (ASTNode, SourceFile, ExternalModule), which
// is what apoc.import.json matches the endpoint by; properties include `id` so that a reload can
// MERGE on it.
#include <array>

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

class JsonlSink : public Sink {
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

  Status Write(const FileGraph& file) override {
    if (!out_.status().ok()) return out_.status();
    std::string& b = out_.buf();
    for (const NodeRecord& n : file.nodes) {
      if (!ShouldWrite(&seen_, n)) continue;
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
      out_.MaybeFlush();
    }
    labels_.Reset(file);
    for (const EdgeRecord& e : file.edges) {
      b.append("{\"type\":\"relationship\",\"id\":\"");
      AppendId(&b, e.id);
      b.append("\",\"label\":\"");
      b.append(graph::EdgeTypeName(e.type));
      b.append("\",\"start\":{\"id\":\"");
      AppendId(&b, e.start);
      b.append("\",\"labels\":[\"");
      b.append(graph::NodeLabelName(labels_.Of(e.start)));
      b.append("\"]},\"end\":{\"id\":\"");
      AppendId(&b, e.end);
      b.append("\",\"labels\":[\"");
      b.append(graph::NodeLabelName(labels_.Of(e.end)));
      b.append("\"]},\"properties\":{\"id\":\"");
      AppendId(&b, e.id);
      b.push_back('"');
      AppendProps(&b, file, PropsOf(file, e), edge_keys_.data());
      b.append("}}\n");
      out_.MaybeFlush();
    }
    return out_.status();
  }

  Status Finish() override { return out_.Commit(); }

 private:
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
  graph::cypher::EndpointLabels labels_;
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
