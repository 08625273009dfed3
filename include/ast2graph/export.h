// Graph sinks that write files: jsonl, csv, cypher, graphml, dot, json (DESIGN.md section 4).
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>

#include "ast2graph/graph.h"
#include "ast2graph/status.h"

namespace ast2graph::exporters {

enum class Format { kJsonl, kCsv, kCypher, kGraphml, kDot, kJson };

/// "jsonl" -> kJsonl, ...; false for an unknown name.
bool ParseFormat(std::string_view name, Format* format);
const char* FormatName(Format format);

using Sink = graph::GraphSink;

/// One file's graph turned into output bytes, ready to be appended in order (format-specific).
class FormattedGraph {
 public:
  virtual ~FormattedGraph() = default;
};

/// An exporter whose formatting can run on worker threads, ahead of the in-order write: the
/// pipeline calls Format() on the thread that built the graph (it is const and thread-safe) and
/// Append() from one thread in source_id order. Write(g) formats and appends g in slices, so
/// there is one formatting code path and a huge graph never sits in memory as bytes whole; what
/// depends on earlier files (ExternalModule nodes written once, CSV part numbering) is decided in
/// Append().
class FormattingSink : public Sink {
 public:
  /// Records [node_begin, node_end) and [edge_begin, edge_end) of a graph.
  struct Slice {
    size_t node_begin = 0;
    size_t node_end = 0;
    size_t edge_begin = 0;
    size_t edge_end = 0;
  };
  /// Records per slice in Write(); the pipeline formats larger graphs in order, through Write().
  static constexpr size_t kSliceRecords = size_t{1} << 16;

  virtual std::unique_ptr<FormattedGraph> FormatSlice(const graph::FileGraph& file,
                                                      const Slice& slice) const = 0;
  std::unique_ptr<FormattedGraph> Format(const graph::FileGraph& file) const {
    return FormatSlice(file, {0, file.nodes.size(), 0, file.edges.size()});
  }
  virtual Status Append(FormattedGraph& formatted) = 0;

  Status Write(const graph::FileGraph& file) final {
    Slice slice;
    do {  // at least once, so that an empty graph still reports an earlier failure
      slice.node_begin = slice.node_end;
      slice.edge_begin = slice.edge_end;
      size_t nodes = std::min(kSliceRecords, file.nodes.size() - slice.node_begin);
      slice.node_end = slice.node_begin + nodes;
      size_t edges = std::min(kSliceRecords - nodes, file.edges.size() - slice.edge_begin);
      slice.edge_end = slice.edge_begin + edges;
      if (Status s = Append(*FormatSlice(file, slice)); !s.ok()) return s;
    } while (slice.node_end < file.nodes.size() || slice.edge_end < file.edges.size());
    return Status::Ok();
  }
};

struct ExportOptions {
  /// Rows per UNWIND batch (cypher); records per file part (csv: 0 = one part; smaller values are
  /// raised to a million so import.sh stays within the argument limit).
  size_t batch_size = 1000;
};

/// `out` is a file path, "-" for stdout, or (csv) a directory. The output appears at `out` only
/// when Finish() succeeds.
Result<std::unique_ptr<Sink>> MakeExporter(Format format, const std::string& out,
                                           const ExportOptions& options = {});

}  // namespace ast2graph::exporters
