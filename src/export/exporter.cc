// MakeExporter and format names (include/ast2graph/export.h).
#include <array>

#include "ast2graph/export.h"
#include "export/sinks.h"

namespace ast2graph::exporters {

namespace {
struct FormatEntry {
  Format format;
  const char* name;
};
constexpr std::array<FormatEntry, 6> kFormats = {{
    {Format::kJsonl, "jsonl"},
    {Format::kCsv, "csv"},
    {Format::kCypher, "cypher"},
    {Format::kGraphml, "graphml"},
    {Format::kDot, "dot"},
    {Format::kJson, "json"},
}};
}  // namespace

bool ParseFormat(std::string_view name, Format* format) {
  for (const FormatEntry& e : kFormats) {
    if (name == e.name) {
      *format = e.format;
      return true;
    }
  }
  return false;
}

const char* FormatName(Format format) {
  for (const FormatEntry& e : kFormats) {
    if (e.format == format) return e.name;
  }
  return "";
}

Result<std::unique_ptr<Sink>> MakeExporter(Format format, const std::string& out,
                                           const ExportOptions& options) {
  if (out.empty()) return Status(ErrorCode::kUsage, "empty output path");
  switch (format) {
    case Format::kJsonl:
      return MakeJsonlSink(out, options);
    case Format::kCsv:
      return MakeCsvSink(out, options);
    case Format::kCypher:
      return MakeCypherSink(out, options);
    case Format::kGraphml:
      return MakeGraphmlSink(out, options);
    case Format::kDot:
      return MakeDotSink(out, options);
    case Format::kJson:
      return MakeJsonSink(out, options);
  }
  return Status(ErrorCode::kUsage, "unknown format");
}

}  // namespace ast2graph::exporters
