// Graph sinks that write files: jsonl, csv, cypher, graphml, dot, json (DESIGN.md section 4).
#pragma once

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
/// Append() from one thread in source_id order. Write(g) is Append(*Format(g)), so there is one
/// formatting code path; what depends on earlier files (ExternalModule nodes written once, CSV
/// part numbering) is decided in Append().
class FormattingSink : public Sink {
 public:
  virtual std::unique_ptr<FormattedGraph> Format(const graph::FileGraph& file) const = 0;
  virtual Status Append(FormattedGraph& formatted) = 0;
  Status Write(const graph::FileGraph& file) final {
    std::unique_ptr<FormattedGraph> formatted = Format(file);
    return Append(*formatted);
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
