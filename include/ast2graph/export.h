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
