// `dot`: Graphviz, meant for one or a few files (`dot -Tsvg`). Each file is a cluster labelled
// with its source_id holding its SourceFile and AST nodes; ExternalModule nodes sit outside the
// clusters (they are shared). Node labels read like the code: `FunctionDef f`, `Name x (Load)`,
// `Constant 1`, `BinOp Add`; long values are cut at kMaxValueChars. Edges are written outside the
// clusters, so an edge to a node of a later file does not pull that node into this cluster:
//   CHILD       solid black, labelled `field` or `field[index]`
//   NEXT        blue, labelled with its kind
//   DEPENDS_ON  dashed red, labelled `type name`
#include <string>

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

constexpr size_t kMaxValueChars = 40;

void AppendValue(std::string* b, std::string_view value) {
  bool cut = false;
  std::string_view shown = TruncateUtf8(value, kMaxValueChars, &cut);
  AppendDotText(b, shown);
  if (cut) b->append("\xE2\x80\xA6");  // U+2026 HORIZONTAL ELLIPSIS
}

const Prop* FindString(const FileGraph& g, const NodeRecord& n, NodeProp key) {
  const Prop* p = FindProp(g, n, key);
  return p != nullptr && p->type == PropType::kString ? p : nullptr;
}

class DotSink : public Sink {
 public:
  Status Open(const std::string& path) {
    if (Status s = out_.Open(path); !s.ok()) return s;
    out_.buf().append(
        "digraph ast2graph {\n"
        "  graph [fontname=\"Helvetica\", fontsize=11];\n"
        "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10];\n"
        "  edge [fontname=\"Helvetica\", fontsize=8];\n");
    return Status::Ok();
  }

  Status Write(const FileGraph& file) override {
    if (!out_.status().ok()) return out_.status();
    std::string& b = out_.buf();
    b.append("  subgraph \"cluster_");
    AppendInt(&b, static_cast<int64_t>(cluster_++));
    b.append("\" {\n    label=\"");
    AppendDotText(&b, file.source_id);
    b.append("\";\n");
    for (const NodeRecord& n : file.nodes) {
      if (n.label == NodeLabel::kExternalModule) continue;
      AppendNode(&b, file, n, "    ");
      out_.MaybeFlush();
    }
    b.append("  }\n");
    for (const NodeRecord& n : file.nodes) {
      if (n.label == NodeLabel::kExternalModule && seen_.Insert(n.id)) {
        AppendNode(&b, file, n, "  ");
      }
    }
    for (const EdgeRecord& e : file.edges) {
      AppendEdge(&b, file, e);
      out_.MaybeFlush();
    }
    return out_.status();
  }

  Status Finish() override {
    out_.buf().append("}\n");
    return out_.Commit();
  }

 private:
  static void AppendNode(std::string* b, const FileGraph& file, const NodeRecord& n,
                         const char* indent) {
    b->append(indent);
    b->push_back('"');
    AppendId(b, n.id);
    b->append("\" [label=\"");
    switch (n.label) {
      case NodeLabel::kASTNode: {
        AppendDotText(b, n.node_type);
        if (const Prop* v = FindString(file, n, NodeProp::value)) {
          b->push_back(' ');
          AppendValue(b, v->text);
        }
        if (const Prop* ctx = FindString(file, n, NodeProp::ctx)) {
          b->append(" (");
          AppendDotText(b, ctx->text);
          b->push_back(')');
        }
        b->append("\"];\n");
        return;
      }
      case NodeLabel::kSourceFile: {
        b->append("SourceFile ");
        const Prop* path = FindString(file, n, NodeProp::source_id);
        AppendValue(b, path != nullptr ? path->text : file.source_id);
        if (const Prop* st = FindString(file, n, NodeProp::status); st && st->text != "ok") {
          b->append(" [");
          AppendDotText(b, st->text);
          b->push_back(']');
        }
        b->append("\", shape=folder, style=filled, fillcolor=\"#eeeeee\"];\n");
        return;
      }
      case NodeLabel::kExternalModule: {
        b->append("ExternalModule");
        if (const Prop* name = FindString(file, n, NodeProp::name)) {
          b->push_back(' ');
          AppendValue(b, name->text);
        }
        b->append("\", shape=component, style=dashed];\n");
        return;
      }
    }
  }

  static void AppendEdge(std::string* b, const FileGraph& file, const EdgeRecord& e) {
    b->append("  \"");
    AppendId(b, e.start);
    b->append("\" -> \"");
    AppendId(b, e.end);
    b->append("\" [");
    auto text = [&](EdgeProp key) -> const Prop* {
      const Prop* p = FindProp(file, e, key);
      return p != nullptr && p->type == PropType::kString ? p : nullptr;
    };
    switch (e.type) {
      case EdgeType::kChild: {
        b->append("label=\"");
        if (const Prop* f = text(EdgeProp::field)) AppendDotText(b, f->text);
        if (const Prop* i = FindProp(file, e, EdgeProp::index); i && i->type == PropType::kInt) {
          b->push_back('[');
          AppendInt(b, i->integer);
          b->push_back(']');
        }
        b->append("\"];\n");
        return;
      }
      case EdgeType::kNext: {
        b->append("color=blue, fontcolor=blue, label=\"");
        if (const Prop* k = text(EdgeProp::kind)) AppendDotText(b, k->text);
        b->append("\"];\n");
        return;
      }
      case EdgeType::kDependsOn: {
        b->append("style=dashed, color=red, fontcolor=red, constraint=false, label=\"");
        const Prop* t = text(EdgeProp::type);
        if (t != nullptr) AppendDotText(b, t->text);
        if (const Prop* name = text(EdgeProp::name)) {
          if (t != nullptr) b->push_back(' ');
          AppendValue(b, name->text);
        }
        b->append("\"];\n");
        return;
      }
    }
  }

  OutputFile out_;
  SeenNodes seen_;
  size_t cluster_ = 0;
};

}  // namespace

Result<std::unique_ptr<Sink>> MakeDotSink(const std::string& out, const ExportOptions&) {
  auto sink = std::make_unique<DotSink>();
  if (Status s = sink->Open(out); !s.ok()) return s;
  return std::unique_ptr<Sink>(std::move(sink));
}

}  // namespace ast2graph::exporters
