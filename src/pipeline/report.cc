// The end of a run: the human summary on stderr, --metrics (JSON) and --errors (JSONL).
#include <cstdio>
#include <string>

#include "ast2graph/graph.h"
#include "export/output.h"
#include "export/text.h"
#include "pipeline/pipeline.h"

namespace ast2graph::pipeline {

using exporters::AppendJsonString;

namespace {

void Key(std::string* out, const char* key) {
  AppendJsonString(out, key);
  out->push_back(':');
}

std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

/// Writes `text` to `path` ("-": stdout) through the exporters' atomic output file.
Status WriteText(const std::string& path, const std::string& text) {
  exporters::OutputFile out;
  Status s = out.Open(path);
  if (!s.ok()) return s;
  out.buf() = text;
  return out.Commit();
}

std::string MetricsJson(const RunSummary& s, const PipelineOptions& options) {
  std::string out = "{";
  Key(&out, "command");
  AppendJsonString(&out, options.command);
  out += ",";
  Key(&out, "files");
  out += "{\"total\":" + std::to_string(s.files) + ",\"ok\":" + std::to_string(s.files_ok) +
         ",\"failed\":" + std::to_string(s.files - s.files_ok) + ",\"by_code\":{";
  bool first = true;
  for (const auto& [code, n] : s.failures_by_code) {
    if (!first) out += ",";
    first = false;
    Key(&out, code.c_str());
    out += std::to_string(n);
  }
  out += "}},";
  out += "\"bytes\":" + std::to_string(s.bytes) + ",\"lines\":" + std::to_string(s.lines) +
         ",\"ast_nodes\":" + std::to_string(s.ast_nodes) + ",";
  out += "\"nodes\":{\"total\":" + std::to_string(s.graph_nodes) + ",\"by_type\":{";
  first = true;
  for (const auto& [type, n] : s.nodes_by_type) {
    if (!first) out += ",";
    first = false;
    Key(&out, type.c_str());
    out += std::to_string(n);
  }
  out += "}},\"edges\":{";
  for (size_t t = 0; t < s.edges_by_type.size(); ++t) {
    if (t) out += ",";
    Key(&out, graph::EdgeTypeName(static_cast<graph::EdgeType>(t)));
    out += std::to_string(s.edges_by_type[t]);
  }
  out += "},\"time\":{\"wall_seconds\":" + Number(s.wall_seconds) + ",\"cpu_seconds\":{";
  double cpu_total = 0;
  first = true;
  for (const auto& [stage, secs] : s.stage_cpu_seconds) {
    if (!first) out += ",";
    first = false;
    Key(&out, stage.c_str());
    out += Number(secs);
    cpu_total += secs;
  }
  out += "}},";
  double mbps = s.wall_seconds > 0 ? static_cast<double>(s.bytes) / 1e6 / s.wall_seconds : 0;
  double fps = s.wall_seconds > 0 ? static_cast<double>(s.files) / s.wall_seconds : 0;
  double efficiency = s.wall_seconds > 0 && s.jobs > 0 ? cpu_total / (s.wall_seconds * s.jobs) : 0;
  out += "\"throughput\":{\"mb_per_second\":" + Number(mbps) +
         ",\"files_per_second\":" + Number(fps) + "},";
  out += "\"jobs\":" + std::to_string(s.jobs) + ",\"worker_efficiency\":" + Number(efficiency) +
         ",\"peak_rss_bytes\":" + std::to_string(s.peak_rss_bytes) + ",";
  if (!s.sink_metrics.empty()) {
    Key(&out, options.command.c_str());
    out += "{";
    for (size_t i = 0; i < s.sink_metrics.size(); ++i) {
      if (i) out += ",";
      Key(&out, s.sink_metrics[i].first.c_str());
      out += Number(s.sink_metrics[i].second);
    }
    out += "},";
  }
  out += "\"retries\":" + std::to_string(s.retries) + "}\n";
  return out;
}

}  // namespace

Status Report(const RunSummary& s, const PipelineOptions& options) {
  std::fprintf(stderr, "ast2graph %s: %llu files (%llu ok, %llu failed), %.1f MB, %llu AST nodes",
               options.command.c_str(), static_cast<unsigned long long>(s.files),
               static_cast<unsigned long long>(s.files_ok),
               static_cast<unsigned long long>(s.files - s.files_ok),
               static_cast<double>(s.bytes) / 1e6, static_cast<unsigned long long>(s.ast_nodes));
  if (options.depth == Depth::kGraph) {
    std::fprintf(stderr, ", %llu nodes, %llu CHILD, %llu NEXT, %llu DEPENDS_ON",
                 static_cast<unsigned long long>(s.graph_nodes),
                 static_cast<unsigned long long>(s.edges_by_type[0]),
                 static_cast<unsigned long long>(s.edges_by_type[1]),
                 static_cast<unsigned long long>(s.edges_by_type[2]));
  }
  std::fprintf(stderr, " in %.2fs\n", s.wall_seconds);
  if (!s.sink_metrics.empty()) {
    std::string line;
    for (const auto& [name, value] : s.sink_metrics) {
      line += (line.empty() ? "  " : ", ") + name + " " + Number(value);
    }
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  for (const auto& [code, n] : s.failures_by_code) {
    std::fprintf(stderr, "  %s: %llu files\n", code.c_str(), static_cast<unsigned long long>(n));
  }
  size_t shown = 0;
  for (const FileFailure& f : s.failures) {
    if (++shown > 20) {
      std::fprintf(stderr, "  ... and %zu more (see --errors FILE)\n", s.failures.size() - 20);
      break;
    }
    if (f.line > 0) {
      std::fprintf(stderr, "  %s:%u:%u: %s %s\n", f.path.c_str(), f.line, f.column,
                   ErrorCodeString(f.code), f.message.c_str());
    } else {
      std::fprintf(stderr, "  %s: %s %s\n", f.path.c_str(), ErrorCodeString(f.code),
                   f.message.c_str());
    }
  }
  if (!s.sink_status.ok()) std::fprintf(stderr, "error: %s\n", s.sink_status.ToString().c_str());

  Status status;
  if (!options.metrics_path.empty()) {
    Status m = WriteText(options.metrics_path, MetricsJson(s, options));
    if (!m.ok()) status = m;
  }
  if (!options.errors_path.empty()) {
    std::string text;
    for (const FileFailure& f : s.failures) {
      text += "{";
      Key(&text, "source_id");
      AppendJsonString(&text, f.source_id);
      text += ",";
      Key(&text, "path");
      AppendJsonString(&text, f.path);
      text += ",";
      Key(&text, "code");
      AppendJsonString(&text, ErrorCodeString(f.code));
      text += ",";
      Key(&text, "status");
      AppendJsonString(&text, ErrorCodeStatus(f.code));
      text += ",";
      Key(&text, "message");
      AppendJsonString(&text, f.message);
      text +=
          ",\"line\":" + std::to_string(f.line) + ",\"column\":" + std::to_string(f.column) + "}\n";
    }
    Status e = WriteText(options.errors_path, text);
    if (!e.ok()) status = e;
  }
  return status;
}

}  // namespace ast2graph::pipeline
