// Helpers for the exporter tests: FileGraphs made by hand, hostile strings, temporary
// directories, running a command, and reading files back.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "ast2graph/export.h"
#include "ast2graph/graph.h"

namespace a2gtest {

using ast2graph::graph::EdgeProp;
using ast2graph::graph::EdgeRecord;
using ast2graph::graph::EdgeType;
using ast2graph::graph::FileGraph;
using ast2graph::graph::Id;
using ast2graph::graph::NodeLabel;
using ast2graph::graph::NodeProp;
using ast2graph::graph::NodeRecord;
using ast2graph::graph::Prop;
using ast2graph::graph::PropType;

/// A property value for the builders below.
struct Value {
  PropType type;
  std::string text;
  int64_t integer = 0;
  std::vector<std::string> list;
};
inline Value Str(std::string s) { return {PropType::kString, std::move(s), 0, {}}; }
inline Value Int(int64_t v) { return {PropType::kInt, {}, v, {}}; }
inline Value List(std::vector<std::string> items) {
  return {PropType::kStringList, {}, 0, std::move(items)};
}

/// A deterministic id made from a name (not XXH3: the exporters only copy ids).
inline Id TestId(std::string_view name) {
  uint64_t h = 1469598103934665603ull;
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return Id{h, h * 31 + name.size()};
}

/// Builds a FileGraph record by record; properties may be given in any order (they are stored
/// in schema order, as the builder contract says).
class GraphMaker {
 public:
  explicit GraphMaker(std::string source_id) { g_.source_id = std::move(source_id); }

  Id Node(NodeLabel label, std::string_view node_type, std::string_view name,
          std::map<NodeProp, Value> props) {
    Id id = TestId(g_.source_id + "/" + std::string(name));
    return NodeWithId(label, node_type, id, std::move(props));
  }
  Id NodeWithId(NodeLabel label, std::string_view node_type, Id id,
                std::map<NodeProp, Value> props) {
    auto begin = static_cast<uint32_t>(g_.props.size());
    for (auto& [key, value] : props) AddProp(static_cast<uint8_t>(key), value);
    std::string_view type = node_type.empty() ? std::string_view() : g_.Own(std::string(node_type));
    g_.nodes.push_back({id, label, type, begin, static_cast<uint32_t>(g_.props.size() - begin)});
    return id;
  }
  void Edge(EdgeType type, Id start, Id end, std::map<EdgeProp, Value> props) {
    auto begin = static_cast<uint32_t>(g_.props.size());
    std::string seed = std::to_string(g_.edges.size()) + "/" + g_.source_id;
    for (auto& [key, value] : props) AddProp(static_cast<uint8_t>(key), value);
    g_.edges.push_back({TestId("edge:" + seed), type, start, end, begin,
                        static_cast<uint32_t>(g_.props.size() - begin)});
  }
  FileGraph Take() { return std::move(g_); }
  FileGraph& graph() { return g_; }

 private:
  void AddProp(uint8_t key, const Value& v) {
    Prop p{};
    p.key = key;
    p.type = v.type;
    p.integer = v.integer;
    if (v.type == PropType::kString) p.text = g_.Own(v.text);
    if (v.type == PropType::kStringList) {
      p.list_begin = static_cast<uint32_t>(g_.list_items.size());
      p.list_count = static_cast<uint32_t>(v.list.size());
      for (const std::string& item : v.list) g_.list_items.push_back(g_.Own(item));
    }
    g_.props.push_back(p);
  }
  FileGraph g_;
};

/// Strings that break naive escaping: quotes of every kind, backslashes, controls, NUL, line
/// separators, delimiters of every format, markup, non-ASCII, a lone surrogate in its WTF-8
/// form, U+FFFE, and a byte that is not UTF-8 at all.
inline std::vector<std::string> HostileStrings() {
  return {
      "plain",
      "",
      "it's \"quoted\" `back`",
      "back\\slash \\n \\u0027 \\'",
      "line1\nline2\r\nline3\rend",
      "tab\there",
      std::string("nul\0byte", 8),
      "\x01\x02\x1f\x7f controls",
      "a,b;c|d",
      ";\n:commit\n:begin\nMATCH (n) DETACH DELETE n;",
      "// not a comment /* nor this */",
      "<tag attr=\"v\">&amp; ]]> -- <!-- x -->",
      "caf\xC3\xA9 \xE6\xBC\xA2\xE5\xAD\x97 \xF0\x9F\x98\x80",
      "sep\xE2\x80\xA8 para\xE2\x80\xA9",
      "lone \xED\xA0\x80 surrogate \xED\xBF\xBF",
      "nonchar \xEF\xBF\xBE",
      "bad \xFF byte \xC3",
      "{\"json\": [1, 2]}",
      "${HOME} $(echo hi) `echo hi`",
  };
}

/// The sample graph of one file, `def f(x): return x + 1` plus a hostile Constant, a Global with
/// a names list and an import of an external module.
inline FileGraph SampleFile(const std::string& source_id, const std::string& hostile = "s") {
  GraphMaker m(source_id);
  Id sf = m.Node(NodeLabel::kSourceFile, "", "file",
                 {{NodeProp::source_id, Str(source_id)},
                  {NodeProp::path, Str(source_id)},
                  {NodeProp::module, Str("pkg.mod")},
                  {NodeProp::content_hash, Str("0123456789abcdef0123456789abcdef")},
                  {NodeProp::size, Int(5000000000)},
                  {NodeProp::lines, Int(3)},
                  {NodeProp::status, Str("ok")}});
  auto ast = [&](std::string_view type, std::string_view path, std::map<NodeProp, Value> props) {
    props[NodeProp::node_type] = Str(std::string(type));
    props[NodeProp::source_id] = Str(source_id);
    return m.Node(NodeLabel::kASTNode, type, path, std::move(props));
  };
  auto pos = [](int l, int c, int el, int ec, std::map<NodeProp, Value> props) {
    props[NodeProp::lineno] = Int(l);
    props[NodeProp::col_offset] = Int(c);
    props[NodeProp::end_lineno] = Int(el);
    props[NodeProp::end_col_offset] = Int(ec);
    return props;
  };
  Id mod = ast("Module", "", {});
  Id fn = ast("FunctionDef", "body.0", pos(1, 0, 2, 16, {{NodeProp::value, Str("f")}}));
  Id args = ast("arguments", "body.0.args", {});
  Id arg = ast("arg", "body.0.args.args.0", pos(1, 6, 1, 7, {{NodeProp::value, Str("x")}}));
  Id ret = ast("Return", "body.0.body.0", pos(2, 4, 2, 16, {}));
  Id binop = ast("BinOp", "body.0.body.0.value",
                 pos(2, 11, 2, 16, {{NodeProp::value, Str("Add")}, {NodeProp::op, Str("Add")}}));
  Id name = ast("Name", "body.0.body.0.value.left",
                pos(2, 11, 2, 12, {{NodeProp::value, Str("x")}, {NodeProp::ctx, Str("Load")}}));
  Id one = ast("Constant", "body.0.body.0.value.right",
               pos(2, 15, 2, 16, {{NodeProp::value, Str("1")}}));
  Id glob = ast("Global", "body.1", pos(3, 0, 3, 12, {{NodeProp::names, List({"a", "b_2"})}}));
  Id hostile_node =
      ast("Constant", "body.2.value", pos(3, 0, 3, 9, {{NodeProp::value, Str(hostile)}}));
  Id imp = ast("Import", "body.3", pos(4, 0, 4, 9, {{NodeProp::value, Str("os")}}));
  Id alias = ast("alias", "body.3.names.0", pos(4, 7, 4, 9, {{NodeProp::value, Str("os")}}));
  Id ext = m.NodeWithId(NodeLabel::kExternalModule, "", TestId("external:os"),
                        {{NodeProp::name, Str("os")}});
  using E = EdgeProp;
  m.Edge(EdgeType::kChild, sf, mod, {{E::field, Str("module")}});
  m.Edge(EdgeType::kChild, mod, fn, {{E::field, Str("body")}, {E::index, Int(0)}});
  m.Edge(EdgeType::kChild, fn, args, {{E::field, Str("args")}});
  m.Edge(EdgeType::kChild, args, arg, {{E::field, Str("args")}, {E::index, Int(0)}});
  m.Edge(EdgeType::kChild, fn, ret, {{E::field, Str("body")}, {E::index, Int(0)}});
  m.Edge(EdgeType::kChild, ret, binop, {{E::field, Str("value")}});
  m.Edge(EdgeType::kChild, binop, name, {{E::field, Str("left")}});
  m.Edge(EdgeType::kChild, binop, one, {{E::field, Str("right")}});
  m.Edge(EdgeType::kChild, mod, glob, {{E::field, Str("body")}, {E::index, Int(1)}});
  m.Edge(EdgeType::kChild, mod, hostile_node, {{E::field, Str("body")}, {E::index, Int(2)}});
  m.Edge(EdgeType::kChild, mod, imp, {{E::field, Str("body")}, {E::index, Int(3)}});
  m.Edge(EdgeType::kChild, imp, alias, {{E::field, Str("names")}, {E::index, Int(0)}});
  m.Edge(EdgeType::kNext, mod, fn, {{E::kind, Str("entry")}});
  m.Edge(EdgeType::kNext, fn, ret, {{E::kind, Str("entry")}});
  m.Edge(EdgeType::kNext, ret, fn, {{E::kind, Str("return")}});
  m.Edge(EdgeType::kDependsOn, name, arg, {{E::type, Str("data")}, {E::name, Str(hostile)}});
  m.Edge(EdgeType::kDependsOn, alias, ext, {{E::type, Str("import")}, {E::name, Str("os")}});
  return m.Take();
}

/// A fresh empty directory under the test temp dir.
inline std::string MakeTempDir() {
  std::string base = ::testing::TempDir();
  if (base.empty() || base.back() != '/') base += '/';
  std::string templ = base + "a2g_export_XXXXXX";
  char* made = mkdtemp(templ.data());
  return made != nullptr ? std::string(made) : std::string();
}

inline std::string ReadFile(const std::string& path) {
  std::string text;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return text;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  std::fclose(f);
  return text;
}

inline void WriteFile(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

inline std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

/// Runs `command` with /bin/sh; returns the exit status and puts stdout+stderr in *output.
inline int RunCommand(const std::string& command, std::string* output) {
  std::string full = command + " 2>&1";
  FILE* p = popen(full.c_str(), "r");
  if (p == nullptr) return -1;
  char buf[4096];
  size_t n;
  output->clear();
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) output->append(buf, n);
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline bool HaveCommand(const std::string& name) {
  std::string out;
  return RunCommand("command -v " + name, &out) == 0;
}

/// A python3 that can `import <module>` (PATH first, then every pyenv version; pyenv's shims
/// are skipped because each start through them costs seconds), or "". Cached per module.
inline std::string FindPython(const std::string& module) {
  static std::map<std::string, std::string> cache;
  if (auto it = cache.find(module); it != cache.end()) return it->second;
  std::string script =
      "for p in $(type -ap python3 python3.13 2>/dev/null) "
      "${PYENV_ROOT:+$PYENV_ROOT/versions/*/bin/python3}; do "
      "  case \"$p\" in */shims/*) continue;; esac; "
      "  [ -x \"$p\" ] && \"$p\" -c 'import " +
      module +
      "' >/dev/null 2>&1 && "
      "{ echo \"$p\"; exit 0; }; "
      "done; exit 1";
  std::string quoted;
  for (char c : script) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  std::string out;
  if (RunCommand("bash -c '" + quoted + "'", &out) != 0) out.clear();
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  size_t nl = out.rfind('\n');
  return cache[module] = nl == std::string::npos ? out : out.substr(nl + 1);
}

/// FileGraphs hold string views into their own storage, and std::vector copies (not moves) them
/// when it grows (FileGraph's move constructor is not noexcept), which would leave the views
/// dangling: tests keep their graphs in a deque, which never relocates its elements.
using Files = std::deque<FileGraph>;

/// Exports `files` with `format` to `out`; the first failing status of Write/Finish, or Ok.
inline ast2graph::Status Export(ast2graph::exporters::Format format, const std::string& out,
                                const Files& files,
                                ast2graph::exporters::ExportOptions options = {}) {
  auto sink = ast2graph::exporters::MakeExporter(format, out, options);
  if (!sink.ok()) return sink.status();
  for (const FileGraph& f : files) {
    if (ast2graph::Status s = (*sink)->Write(f); !s.ok()) return s;
  }
  return (*sink)->Finish();
}
inline ast2graph::Status Export(ast2graph::exporters::Format format, const std::string& out,
                                const FileGraph& file,
                                ast2graph::exporters::ExportOptions options = {}) {
  auto sink = ast2graph::exporters::MakeExporter(format, out, options);
  if (!sink.ok()) return sink.status();
  if (ast2graph::Status s = (*sink)->Write(file); !s.ok()) return s;
  return (*sink)->Finish();
}

}  // namespace a2gtest
