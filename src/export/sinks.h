// Internal: the exporter of each format, and small helpers they share.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>

#include "ast2graph/export.h"
#include "ast2graph/graph.h"

namespace ast2graph::exporters {

Result<std::unique_ptr<Sink>> MakeJsonlSink(const std::string& out, const ExportOptions& options);
Result<std::unique_ptr<Sink>> MakeCsvSink(const std::string& out, const ExportOptions& options);
Result<std::unique_ptr<Sink>> MakeCypherSink(const std::string& out, const ExportOptions& options);
Result<std::unique_ptr<Sink>> MakeGraphmlSink(const std::string& out, const ExportOptions& options);
Result<std::unique_ptr<Sink>> MakeDotSink(const std::string& out, const ExportOptions& options);
Result<std::unique_ptr<Sink>> MakeJsonSink(const std::string& out, const ExportOptions& options);

using graph::ListOf;
using graph::PropsOf;
/// The node property `key`, or nullptr.
inline const graph::Prop* FindProp(const graph::FileGraph& g, const graph::NodeRecord& n,
                                   graph::NodeProp key) {
  for (const graph::Prop& p : PropsOf(g, n)) {
    if (p.key == static_cast<uint8_t>(key)) return &p;
  }
  return nullptr;
}
inline const graph::Prop* FindProp(const graph::FileGraph& g, const graph::EdgeRecord& e,
                                   graph::EdgeProp key) {
  for (const graph::Prop& p : PropsOf(g, e)) {
    if (p.key == static_cast<uint8_t>(key)) return &p;
  }
  return nullptr;
}

/// Every file's graph repeats the ExternalModule nodes its imports reference; formats whose
/// consumers reject duplicate nodes write each once per output. The set holds one entry per
/// distinct external module name, which is bounded by the imports of a project, not its size.
class SeenNodes {
 public:
  /// True the first time `id` is seen.
  bool Insert(graph::Id id) { return seen_.insert(id).second; }

 private:
  struct Hash {
    size_t operator()(const graph::Id& id) const { return static_cast<size_t>(id.lo ^ id.hi); }
  };
  std::unordered_set<graph::Id, Hash> seen_;
};

/// Whether a node is written by a deduplicating format: ExternalModule nodes only once.
inline bool ShouldWrite(SeenNodes* seen, const graph::NodeRecord& n) {
  return n.label != graph::NodeLabel::kExternalModule || seen->Insert(n.id);
}

/// The GraphML / CSV column type of an integer property: `long` for byte sizes (a file may exceed
/// 2^31 bytes), `int` for everything else (lines, columns, flags, indexes).
inline bool IsLongProperty(std::string_view name) { return name == "size"; }

}  // namespace ast2graph::exporters
