// `csv`: a directory for `neo4j-admin database import full` (Neo4j 5):
//   nodes-header.csv          id:ID(ASTNode),:LABEL,<property>[:type],...   (one header, all nodes)
//   nodes-NNNNN.csv           data parts
//   relationships-header.csv  :START_ID(ASTNode),:END_ID(ASTNode),:TYPE,id,<property>[:type],...
//   relationships-NNNNN.csv   data parts
//   import.sh                 the exact neo4j-admin command over those files
// All nodes (SourceFile, ASTNode, ExternalModule) share one ID space, named ASTNode, so every
// relationship finds its endpoints whatever their label. Strings are always quoted; an absent
// property is an empty unquoted field (no property); `:LABEL` holds "ASTNode;Name".
#include <algorithm>
#include <array>
#include <cstdio>
#include <vector>

#include "export/output.h"
#include "export/sinks.h"
#include "export/text.h"

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

constexpr size_t kNodeProps = static_cast<size_t>(NodeProp::kCount);
constexpr size_t kEdgeProps = static_cast<size_t>(EdgeProp::kCount);
/// neo4j-admin's default array delimiter, which import.sh also passes explicitly.
constexpr char kArrayDelimiter = ';';
/// String-list properties in the node and in the relationship schema (each at most one).
constexpr int kListProps = std::max({
#define A2G_X(name, type) (PropType::type == PropType::kStringList ? 1 : 0) +
    A2G_NODE_PROPERTIES(A2G_X) 0,
    A2G_EDGE_PROPERTIES(A2G_X) 0
#undef A2G_X
});
/// The fewest records a part holds (a smaller ExportOptions::batch_size is raised to it). The
/// pipeline's batch sizes suit Bolt transactions (thousands of rows); parts that small would only
/// multiply files, and import.sh names every part in one argument, which Linux caps at 128 KiB
/// (MAX_ARG_STRLEN): at a million records (about 100 MB) a part, that argument stays under the
/// cap up to more than a billion records of each kind.
constexpr size_t kMinRecordsPerPart = 1'000'000;

size_t RecordsPerPart(size_t batch_size) {
  return batch_size == 0 ? 0 : std::max(batch_size, kMinRecordsPerPart);
}

std::string ColumnHeader(const char* name, graph::PropType type) {
  std::string h = name;
  switch (type) {
    case PropType::kString:
      break;
    case PropType::kInt:
      h += IsLongProperty(name) ? ":long" : ":int";
      break;
    case PropType::kStringList:
      h += ":string[]";
      break;
  }
  return h;
}

/// Formatted records of one kind: their bytes and where each record ends.
struct CsvRecords {
  std::string bytes;
  std::vector<size_t> ends;
  size_t Start(size_t i) const { return i == 0 ? 0 : ends[i - 1]; }
  void EndRecord() { ends.push_back(bytes.size()); }
};

/// A file's node and relationship records; `once` lists the ExternalModule nodes (record index
/// and id), which are written once per output. `status` is an error the formatting found.
struct CsvGraph : FormattedGraph {
  CsvRecords nodes;
  CsvRecords relationships;
  std::vector<std::pair<size_t, graph::Id>> once;
  Status status;
};

/// One kind of record (nodes or relationships): a header file and numbered parts.
class PartWriter {
 public:
  PartWriter(OutputDir* dir, std::string prefix, size_t records_per_part)
      : dir_(dir), prefix_(std::move(prefix)), per_part_(records_per_part) {}

  Status WriteHeader(const std::string& header) {
    OutputFile f;
    if (Status s = f.Open(dir_->FilePath(prefix_ + "-header.csv"), OutputFile::Mode::kDirect);
        !s.ok()) {
      return s;
    }
    f.buf() = header + "\n";
    files_.push_back(prefix_ + "-header.csv");
    return f.Commit();
  }

  /// Appends records [first, last) of `records`, opening a new part whenever the current one is
  /// full (parts split only between records).
  void Append(const CsvRecords& records, size_t first, size_t last) {
    while (first < last && status_.ok()) {
      if (!open_ || (per_part_ > 0 && in_part_ == per_part_)) {
        if (open_) Close();
        if (!status_.ok()) return;
        char name[64];
        std::snprintf(name, sizeof name, "%s-%05zu.csv", prefix_.c_str(), files_.size());
        part_ = std::make_unique<OutputFile>();
        status_ = part_->Open(dir_->FilePath(name), OutputFile::Mode::kDirect);
        if (!status_.ok()) return;
        files_.push_back(name);
        open_ = true;
        in_part_ = 0;
      }
      size_t n = last - first;
      if (per_part_ > 0) n = std::min(n, per_part_ - in_part_);
      size_t begin = records.Start(first);
      part_->Append(std::string_view(records.bytes).substr(begin, records.ends[first + n - 1] - begin));
      in_part_ += n;
      first += n;
    }
  }

  Status status() const {
    if (!status_.ok()) return status_;
    return open_ ? part_->status() : Status::Ok();
  }
  Status Finish() {
    if (open_) Close();
    return status_;
  }
  /// Header first, then the parts in order.
  const std::vector<std::string>& files() const { return files_; }

 private:
  void Close() {
    Status s = part_->Commit();
    if (status_.ok()) status_ = std::move(s);
    part_.reset();
    open_ = false;
  }

  OutputDir* dir_;
  std::string prefix_;
  size_t per_part_;
  size_t in_part_ = 0;
  bool open_ = false;
  std::unique_ptr<OutputFile> part_;
  std::vector<std::string> files_;
  Status status_;
};

class CsvSink : public FormattingSink {
 public:
  explicit CsvSink(const ExportOptions& options)
      : nodes_(&dir_, "nodes", RecordsPerPart(options.batch_size)),
        relationships_(&dir_, "relationships", RecordsPerPart(options.batch_size)) {
    // The columns between a record's ids.
    for (size_t i = 0; i < labels_.size(); ++i) {
      labels_[i] = std::string(",") + graph::NodeLabelName(static_cast<NodeLabel>(i));
    }
    for (size_t i = 0; i < types_.size(); ++i) {
      types_[i] = std::string(",") + graph::EdgeTypeName(static_cast<graph::EdgeType>(i)) + ",";
    }
  }

  Status Open(const std::string& path) {
    if (Status s = dir_.Open(path); !s.ok()) return s;
    std::string header = "id:ID(ASTNode),:LABEL";
    for (size_t i = 0; i < kNodeProps; ++i) {
      auto p = static_cast<NodeProp>(i);
      header += ',' + ColumnHeader(graph::NodePropName(p), graph::NodePropType(p));
    }
    if (Status s = nodes_.WriteHeader(header); !s.ok()) return Fail(s);
    header = ":START_ID(ASTNode),:END_ID(ASTNode),:TYPE,id";
    for (size_t i = 0; i < kEdgeProps; ++i) {
      auto p = static_cast<EdgeProp>(i);
      header += ',' + ColumnHeader(graph::EdgePropName(p), graph::EdgePropType(p));
    }
    if (Status s = relationships_.WriteHeader(header); !s.ok()) return Fail(s);
    return Status::Ok();
  }

  std::unique_ptr<FormattedGraph> FormatSlice(const FileGraph& file,
                                              const Slice& slice) const override {
    auto out = std::make_unique<CsvGraph>();
    std::span<const NodeRecord> nodes(file.nodes.data() + slice.node_begin,
                                      slice.node_end - slice.node_begin);
    std::span<const EdgeRecord> edges(file.edges.data() + slice.edge_begin,
                                      slice.edge_end - slice.edge_begin);
    std::string* b = &out->nodes.bytes;
    b->reserve(200 * nodes.size());
    out->nodes.ends.reserve(nodes.size());
    for (const NodeRecord& n : nodes) {
      if (n.label == NodeLabel::kExternalModule) out->once.emplace_back(out->nodes.ends.size(), n.id);
      const std::string& label = labels_[static_cast<size_t>(n.label)];
      const bool typed = n.label == NodeLabel::kASTNode && !n.node_type.empty();
      AppendRaw(b, 32 + label.size() + 1 + n.node_type.size(), [&](char* p) {
        p = Put(p, n.id);
        p = Put(p, label);
        if (typed) {
          *p++ = kArrayDelimiter;
          p = Put(p, n.node_type);  // a Python AST class name: [A-Za-z]+
        }
        return p;
      });
      if (Status s = AppendColumns(b, file, PropsOf(file, n), kNodeProps); !s.ok()) {
        out->status = s;
        return out;
      }
      out->nodes.EndRecord();
    }
    b = &out->relationships.bytes;
    b->reserve(150 * edges.size());
    out->relationships.ends.reserve(edges.size());
    for (const EdgeRecord& e : edges) {
      const std::string& type = types_[static_cast<size_t>(e.type)];
      AppendRaw(b, 3 * 32 + 2 + type.size(), [&](char* p) {
        p = Put(p, e.start);
        *p++ = ',';
        p = Put(p, e.end);
        p = Put(p, type);
        return Put(p, e.id);
      });
      if (Status s = AppendColumns(b, file, PropsOf(file, e), kEdgeProps); !s.ok()) {
        out->status = s;
        return out;
      }
      out->relationships.EndRecord();
    }
    return out;
  }

  Status Append(FormattedGraph& formatted) override {
    if (!status_.ok()) return status_;
    auto& g = static_cast<CsvGraph&>(formatted);
    if (!g.status.ok()) return Fail(g.status);
    size_t done = 0;
    for (const auto& [index, id] : g.once) {
      nodes_.Append(g.nodes, done, index);
      if (seen_.Insert(id)) nodes_.Append(g.nodes, index, index + 1);
      done = index + 1;
    }
    nodes_.Append(g.nodes, done, g.nodes.ends.size());
    relationships_.Append(g.relationships, 0, g.relationships.ends.size());
    if (Status s = nodes_.status(); !s.ok()) return Fail(s);
    if (Status s = relationships_.status(); !s.ok()) return Fail(s);
    return Status::Ok();
  }

  Status Finish() override {
    if (!status_.ok()) return Fail(status_);
    if (Status s = nodes_.Finish(); !s.ok()) return Fail(s);
    if (Status s = relationships_.Finish(); !s.ok()) return Fail(s);
    if (Status s = WriteImportScript(); !s.ok()) return Fail(s);
    Status s = dir_.Commit();
    status_ = s.ok() ? Status(ErrorCode::kOutput, "already finished") : s;
    return s;
  }

 private:
  Status Fail(Status s) {
    if (status_.ok()) status_ = s;
    dir_.Abort();
    return s;
  }

  /// Appends one field per schema property (`,` + value, or `,` alone when absent), then the
  /// newline, through one size change. Props come in schema order, so this is a merge.
  static Status AppendColumns(std::string* b, const FileGraph& file, std::span<const Prop> props,
                              size_t columns) {
    // The row's bound, with its string list joined (and checked) first.
    static_assert(kListProps <= 1, "AppendColumns joins one string list per record");
    size_t max = columns + 1;
    std::string joined;
    for (const Prop& p : props) {
      if (p.type == PropType::kString) {
        max += CsvStringBound(p.text);
      } else if (p.type == PropType::kInt) {
        max += kMaxIntChars;
      } else if (Status s = JoinList(ListOf(file, p), &joined); !s.ok()) {
        return s;
      } else {
        max += CsvStringBound(joined);
      }
    }
    AppendRaw(b, max, [&](char* out) {
      size_t next = 0;
      for (const Prop& p : props) {
        for (; next < p.key && next < columns; ++next) *out++ = ',';
        if (next != p.key) continue;  // out of order: the builder broke the contract; skip it
        ++next;
        *out++ = ',';
        if (p.type == PropType::kString) {
          out = WriteCsvString(out, p.text);
        } else if (p.type == PropType::kInt) {
          out = WriteInt(out, p.integer);
        } else if (!joined.empty()) {  // neo4j-admin cannot tell [] from no value: left out
          out = WriteCsvString(out, joined);
        }
      }
      for (; next < columns; ++next) *out++ = ',';
      *out++ = '\n';
      return out;
    });
    return Status::Ok();
  }

  /// A string list as neo4j-admin's array field: items joined by the array delimiter (empty for
  /// no items). An item that is empty or holds the delimiter could not be read back: an error.
  static Status JoinList(std::span<const std::string_view> items, std::string* joined) {
    for (size_t i = 0; i < items.size(); ++i) {
      if (items[i].find(kArrayDelimiter) != std::string_view::npos || items[i].empty()) {
        return Status(ErrorCode::kOutput,
                      "csv: a string list element is empty or contains the array delimiter ';', "
                      "which neo4j-admin cannot read back: " +
                          std::string(items[i]));
      }
      if (i > 0) joined->push_back(kArrayDelimiter);
      joined->append(items[i]);
    }
    return Status::Ok();
  }

  static void AppendFileList(std::string* s, const std::vector<std::string>& files) {
    for (size_t i = 0; i < files.size(); ++i) {
      if (i > 0) s->push_back(',');
      *s += "$dir/" + files[i];
    }
  }

  Status WriteImportScript() {
    std::string s =
        "#!/bin/sh\n"
        "# Generated by ast2graph: bulk-loads this directory into a new Neo4j 5 database.\n"
        "#   ./import.sh [DATABASE] [more neo4j-admin options, e.g. --overwrite-destination=true]\n"
        "# NEO4J_ADMIN names the neo4j-admin binary (default: neo4j-admin on PATH). The database\n"
        "# name comes before the options, which Neo4j 5.19+ requires and every 5.x accepts.\n"
        "set -eu\n"
        "dir=$(cd \"$(dirname \"$0\")\" && pwd)\n"
        "database=${1:-neo4j}\n"
        "[ $# -gt 0 ] && shift\n"
        "exec \"${NEO4J_ADMIN:-neo4j-admin}\" database import full \"$database\" \\\n"
        "  --nodes=\"";
    AppendFileList(&s, nodes_.files());
    s += "\" \\\n  --relationships=\"";
    AppendFileList(&s, relationships_.files());
    s += "\" \\\n"
         "  --id-type=string --delimiter=, --array-delimiter=';' --quote='\"' \\\n"
         "  --multiline-fields=true --skip-duplicate-nodes=true \\\n"
         "  \"$@\"\n";
    OutputFile f;
    if (Status st = f.Open(dir_.FilePath("import.sh"), OutputFile::Mode::kDirect, 0777); !st.ok()) {
      return st;
    }
    f.buf() = std::move(s);
    return f.Commit();
  }

  std::array<std::string, graph::kNodeLabelCount> labels_;
  std::array<std::string, graph::kEdgeTypeCount> types_;
  OutputDir dir_;
  PartWriter nodes_;
  PartWriter relationships_;
  SeenNodes seen_;
  Status status_;
};

}  // namespace

Result<std::unique_ptr<Sink>> MakeCsvSink(const std::string& out, const ExportOptions& options) {
  if (out == "-") {
    return Status(ErrorCode::kUsage, "the csv format writes a directory: give -o DIR, not -");
  }
  auto sink = std::make_unique<CsvSink>(options);
  if (Status s = sink->Open(out); !s.ok()) return s;
  return std::unique_ptr<Sink>(std::move(sink));
}

}  // namespace ast2graph::exporters
