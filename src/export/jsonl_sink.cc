// `jsonl`: one JSON object a line in the layout of APOC's apoc.export.json (JSON_LINES), which
// apoc.import.json reads back:
//   {"type":"node","id":"<hex>","labels":["ASTNode","Name"],"properties":{"id":"<hex>",...}}
//   {"type":"relationship","id":"<hex>","label":"CHILD","start":{"id":"<hex>","labels":[...]},
//    "end":{"id":"<hex>","labels":[...]},"properties":{"id":"<hex>",...}}
// Relationship endpoints carry their primary label (ASTNode, SourceFile, ExternalModule), which
// is what apoc.import.json matches the endpoint by; properties include `id` so that a reload can
// MERGE on it.
#include <array>
#include <string_view>
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
    // What lies between the ids of a record, per label and relationship type.
    for (size_t i = 0; i < graph::kNodeLabelCount; ++i) {
      const std::string label = graph::NodeLabelName(static_cast<NodeLabel>(i));
      node_labels_[i] = "\",\"labels\":[\"" + label + "\"";
      start_labels_[i] = "\",\"labels\":[\"" + label + "\"]},\"end\":{\"id\":\"";
      end_labels_[i] = "\",\"labels\":[\"" + label + "\"]},\"properties\":{\"id\":\"";
    }
    for (size_t i = 0; i < graph::kEdgeTypeCount; ++i) {
      edge_types_[i] = std::string("\",\"label\":\"") +
                       graph::EdgeTypeName(static_cast<graph::EdgeType>(i)) +
                       "\",\"start\":{\"id\":\"";
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
    static constexpr std::string_view kNodeHead = "{\"type\":\"node\",\"id\":\"";
    static constexpr std::string_view kNodeProps = "],\"properties\":{\"id\":\"";
    static constexpr std::string_view kEdgeHead = "{\"type\":\"relationship\",\"id\":\"";
    for (const NodeRecord& n : nodes) {
      size_t begin = b.size();
      const std::string& labels = node_labels_[static_cast<size_t>(n.label)];
      const bool typed = n.label == NodeLabel::kASTNode && !n.node_type.empty();
      AppendRaw(&b,
                kNodeHead.size() + labels.size() + 1 + JsonStringBound(n.node_type) +
                    kNodeProps.size() + 2 * 32 + 1,
                [&](char* p) {
                  p = Put(p, kNodeHead);
                  p = Put(p, n.id);
                  p = Put(p, labels);
                  if (typed) {
                    *p++ = ',';
                    p = WriteJsonString(p, n.node_type);
                  }
                  p = Put(p, kNodeProps);
                  p = Put(p, n.id);
                  *p++ = '"';
                  return p;
                });
      AppendPropsAndEnd(&b, file, PropsOf(file, n), node_keys_.data());
      if (n.label == NodeLabel::kExternalModule) out->once.push_back({n.id, begin, b.size()});
    }
    graph::cypher::EndpointLabels labels;
    if (!edges.empty()) labels.Reset(file);
    for (const EdgeRecord& e : edges) {
      const std::string& type = edge_types_[static_cast<size_t>(e.type)];
      const std::string& start = start_labels_[static_cast<size_t>(labels.Of(e.start))];
      const std::string& end = end_labels_[static_cast<size_t>(labels.Of(e.end))];
      AppendRaw(&b, kEdgeHead.size() + type.size() + start.size() + end.size() + 4 * 32 + 1,
                [&](char* p) {
                  p = Put(p, kEdgeHead);
                  p = Put(p, e.id);
                  p = Put(p, type);
                  p = Put(p, e.start);
                  p = Put(p, start);
                  p = Put(p, e.end);
                  p = Put(p, end);
                  p = Put(p, e.id);
                  *p++ = '"';
                  return p;
                });
      AppendPropsAndEnd(&b, file, PropsOf(file, e), edge_keys_.data());
    }
    return out;
  }

  Status Append(FormattedGraph& formatted) override {
    if (!out_.status().ok()) return out_.status();
    auto& g = static_cast<JsonlGraph&>(formatted);
    size_t done = 0;
    for (const JsonlGraph::Once& once : g.once) {
      Emit(std::string_view(g.bytes).substr(done, once.begin - done));
      if (seen_.Insert(once.id)) {
        Emit(std::string_view(g.bytes).substr(once.begin, once.end - once.begin));
      }
      done = once.end;
    }
    Emit(std::string_view(g.bytes).substr(done));
    return out_.status();
  }

  Status Finish() override { return out_.Commit(); }

 private:
  /// Appends to the output buffer, writing it out at the flush threshold.
  void Emit(std::string_view bytes) {
    out_.Append(bytes);
  }

  /// `,"key":value` for each property, then the record's closing `}}` and newline, through one
  /// size change (bounded by the escaped length of every string).
  static void AppendPropsAndEnd(std::string* b, const FileGraph& file,
                                std::span<const Prop> props, const std::string* keys) {
    size_t max = 3;
    for (const Prop& p : props) {
      max += keys[p.key].size();
      switch (p.type) {
        case PropType::kString: max += JsonStringBound(p.text); break;
        case PropType::kInt: max += kMaxIntChars; break;
        case PropType::kStringList:
          max += 2;
          for (std::string_view item : ListOf(file, p)) max += 1 + JsonStringBound(item);
          break;
      }
    }
    AppendRaw(b, max, [&](char* out) {
      for (const Prop& p : props) {
        out = Put(out, keys[p.key]);
        switch (p.type) {
          case PropType::kString: out = WriteJsonString(out, p.text); break;
          case PropType::kInt: out = WriteInt(out, p.integer); break;
          case PropType::kStringList: {
            *out++ = '[';
            bool first = true;
            for (std::string_view item : ListOf(file, p)) {
              if (!first) *out++ = ',';
              first = false;
              out = WriteJsonString(out, item);
            }
            *out++ = ']';
            break;
          }
        }
      }
      return Put(out, "}}\n");
    });
  }

  OutputFile out_;
  SeenNodes seen_;
  std::array<std::string, static_cast<size_t>(NodeProp::kCount)> node_keys_;
  std::array<std::string, static_cast<size_t>(EdgeProp::kCount)> edge_keys_;
  std::array<std::string, graph::kNodeLabelCount> node_labels_, start_labels_, end_labels_;
  std::array<std::string, graph::kEdgeTypeCount> edge_types_;
};

}  // namespace

Result<std::unique_ptr<Sink>> MakeJsonlSink(const std::string& out, const ExportOptions&) {
  auto sink = std::make_unique<JsonlSink>();
  if (Status s = sink->Open(out); !s.ok()) return s;
  return std::unique_ptr<Sink>(std::move(sink));
}

}  // namespace ast2graph::exporters
