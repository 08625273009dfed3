// Hand-made FileGraphs for the writer tests: the shape the graph builder produces (SourceFile
// first, AST nodes in pre-order, then CHILD / NEXT / DEPENDS_ON edges, ExternalModule nodes),
// with awkward property values, and a version number so a "changed file" has other content.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ast2graph/graph.h"

namespace ast2graph::neo4j::testing {

using graph::EdgeProp;
using graph::EdgeType;
using graph::FileGraph;
using graph::Id;
using graph::NodeLabel;
using graph::NodeProp;

/// A 128-bit test id from text (FNV-1a twice; the real builder uses XXH3, which does not matter
/// to the writer).
inline Id TestId(std::string_view text) {
  uint64_t a = 1469598103934665603ull, b = 0x84222325cbf29ce4ull;
  for (unsigned char c : text) {
    a = (a ^ c) * 1099511628211ull;
    b = (b ^ (c + 0x5bu)) * 0x100000001b3ull;
  }
  return Id{a, b};
}

class FileBuilder {
 public:
  explicit FileBuilder(std::string source_id) { g_.source_id = std::move(source_id); }

  Id Node(NodeLabel label, std::string_view node_type, Id id,
          std::vector<std::pair<NodeProp, std::string>> strings,
          std::vector<std::pair<NodeProp, int64_t>> ints = {},
          std::vector<std::string> names = {}) {
    // Properties in NodeProp order, as the builder writes them.
    struct P {
      NodeProp key;
      graph::Prop prop;
    };
    std::vector<P> ps;
    for (auto& [k, v] : strings) {
      graph::Prop p{};
      p.key = static_cast<uint8_t>(k);
      p.type = graph::PropType::kString;
      p.text = g_.Own(v);
      ps.push_back({k, p});
    }
    for (auto& [k, v] : ints) {
      graph::Prop p{};
      p.key = static_cast<uint8_t>(k);
      p.type = graph::PropType::kInt;
      p.integer = v;
      ps.push_back({k, p});
    }
    if (!names.empty()) {
      graph::Prop p{};
      p.key = static_cast<uint8_t>(NodeProp::names);
      p.type = graph::PropType::kStringList;
      p.list_begin = static_cast<uint32_t>(g_.list_items.size());
      p.list_count = static_cast<uint32_t>(names.size());
      for (auto& n : names) g_.list_items.push_back(g_.Own(n));
      ps.push_back({NodeProp::names, p});
    }
    std::sort(ps.begin(), ps.end(), [](const P& x, const P& y) { return x.key < y.key; });
    const auto begin = static_cast<uint32_t>(g_.props.size());
    for (auto& p : ps) g_.props.push_back(p.prop);
    g_.nodes.push_back({id, label, node_type.empty() ? std::string_view() : g_.Own(std::string(node_type)),
                        begin, static_cast<uint32_t>(ps.size())});
    return id;
  }

  void Edge(EdgeType type, Id start, Id end, std::vector<std::pair<EdgeProp, std::string>> strings,
            std::vector<std::pair<EdgeProp, int64_t>> ints = {}) {
    std::string key = std::string(graph::EdgeTypeName(type)) + start.Hex() + end.Hex();
    for (auto& [k, v] : strings) key += "/" + v;
    for (auto& [k, v] : ints) key += "/" + std::to_string(v);
    const auto begin = static_cast<uint32_t>(g_.props.size());
    std::vector<std::pair<EdgeProp, graph::Prop>> ps;
    for (auto& [k, v] : strings) {
      graph::Prop p{};
      p.key = static_cast<uint8_t>(k);
      p.type = graph::PropType::kString;
      p.text = g_.Own(v);
      ps.push_back({k, p});
    }
    for (auto& [k, v] : ints) {
      graph::Prop p{};
      p.key = static_cast<uint8_t>(k);
      p.type = graph::PropType::kInt;
      p.integer = v;
      ps.push_back({k, p});
    }
    std::sort(ps.begin(), ps.end(), [](auto& x, auto& y) { return x.first < y.first; });
    for (auto& p : ps) g_.props.push_back(p.second);
    g_.edges.push_back({TestId(key), type, start, end, begin, static_cast<uint32_t>(ps.size())});
  }

  FileGraph Take() { return std::move(g_); }

 private:
  FileGraph g_;
};

inline Id ModuleIdOf(const std::string& source_id) { return TestId(source_id + "#module"); }

/// A file of `statements` function definitions and assignments; `version` changes the content
/// (and so the content hash, values and some node types). `import_from` adds a cross-file
/// DEPENDS_ON to that file's Module node; every file imports the external module "os".
inline FileGraph MakeFile(const std::string& source_id, int version, int statements = 4,
                          const std::string& import_from = "") {
  FileBuilder b(source_id);
  const std::string v = std::to_string(version);
  const Id file_id = TestId("file\0" + source_id);
  b.Node(NodeLabel::kSourceFile, "", file_id,
         {{NodeProp::source_id, source_id}, {NodeProp::path, "/src/" + source_id},
          {NodeProp::module, source_id.substr(0, source_id.find('.'))},
          {NodeProp::content_hash, TestId(source_id + "@" + v).Hex()}, {NodeProp::status, "ok"}},
         {{NodeProp::size, 100 * version + statements}, {NodeProp::lines, statements * 2}});
  const Id module = b.Node(NodeLabel::kASTNode, "Module", ModuleIdOf(source_id),
                           {{NodeProp::node_type, "Module"}, {NodeProp::source_id, source_id}});
  b.Edge(EdgeType::kChild, file_id, module, {{EdgeProp::field, "module"}});
  Id prev = module;
  for (int i = 0; i < statements; ++i) {
    const std::string path = "body." + std::to_string(i);
    const bool func = (i + version) % 2 == 0;
    const std::string type = func ? "FunctionDef" : "Assign";
    const Id stmt = b.Node(NodeLabel::kASTNode, type, TestId(source_id + path),
                           {{NodeProp::node_type, type}, {NodeProp::source_id, source_id},
                            {NodeProp::value, func ? "f" + std::to_string(i) + "_v" + v : ""}},
                           {{NodeProp::lineno, i + 1}, {NodeProp::col_offset, 0},
                            {NodeProp::end_lineno, i + 1}, {NodeProp::end_col_offset, 10 + i}});
    b.Edge(EdgeType::kChild, module, stmt, {{EdgeProp::field, "body"}}, {{EdgeProp::index, i}});
    b.Edge(EdgeType::kNext, prev, stmt, {{EdgeProp::kind, i == 0 ? "entry" : "next"}});
    prev = stmt;
    // A constant with characters that need escaping in every layer.
    const Id c = b.Node(NodeLabel::kASTNode, "Constant", TestId(source_id + path + ".value"),
                        {{NodeProp::node_type, "Constant"}, {NodeProp::source_id, source_id},
                         {NodeProp::value, "'it\\'s' \"q\" \\ \n\t\x01 \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 " + v}},
                        {{NodeProp::lineno, i + 1}, {NodeProp::col_offset, 4}});
    b.Edge(EdgeType::kChild, stmt, c, {{EdgeProp::field, "value"}});
  }
  b.Edge(EdgeType::kNext, prev, module, {{EdgeProp::kind, "exit"}});
  const Id imp = b.Node(NodeLabel::kASTNode, "Import", TestId(source_id + "body.import"),
                        {{NodeProp::node_type, "Import"}, {NodeProp::source_id, source_id}},
                        {{NodeProp::lineno, 100}}, {"os", "sys", "we`ird name"});
  b.Edge(EdgeType::kChild, module, imp, {{EdgeProp::field, "body"}}, {{EdgeProp::index, statements}});
  const Id os = b.Node(NodeLabel::kExternalModule, "", TestId("external\0os"), {{NodeProp::module, "os"}});
  b.Edge(EdgeType::kDependsOn, imp, os, {{EdgeProp::type, "import"}, {EdgeProp::name, "os"}});
  if (!import_from.empty()) {
    b.Edge(EdgeType::kDependsOn, imp, ModuleIdOf(import_from),
           {{EdgeProp::type, "import"}, {EdgeProp::name, import_from}});
  }
  return b.Take();
}

}  // namespace ast2graph::neo4j::testing
