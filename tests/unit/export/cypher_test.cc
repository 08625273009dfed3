// cypher: the statements of src/graph/cypher.h and the `cypher` exporter's script. The script is
// split into commands as cypher-shell does (`:begin`/`:commit` lines, statements ending at a `;`
// outside quotes, backticks and comments), by a splitter that honours backslash escapes and by
// one that does not: since no quote character ever appears inside a literal, both must agree.
// The rows are read back with a Cypher literal parser and compared with the graph.
#include "graph/cypher.h"

#include <gtest/gtest.h>

#include <set>

#include "export/sinks.h"
#include "export_test_util.h"
#include "json_reader.h"

namespace a2gtest {
namespace {

using ast2graph::exporters::ExportOptions;
using ast2graph::exporters::Format;
namespace cypher = ast2graph::graph::cypher;

/// Splits a cypher-shell script into commands (":begin") and statements (without the `;`).
std::vector<std::string> SplitScript(std::string_view t, bool honour_escapes) {
  std::vector<std::string> out;
  std::string current;
  size_t i = 0;
  auto at_line_start = [&] { return current.find_first_not_of(" \t\n") == std::string::npos; };
  while (i < t.size()) {
    char c = t[i];
    if (at_line_start() && c == ':') {
      size_t end = t.find('\n', i);
      out.push_back(std::string(t.substr(i, end - i)));
      current.clear();
      i = end == std::string_view::npos ? t.size() : end + 1;
      continue;
    }
    if (c == '/' && i + 1 < t.size() && t[i + 1] == '/') {
      i = t.find('\n', i);
      if (i == std::string_view::npos) break;
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') {
      current.push_back(c);
      ++i;
      while (i < t.size() && t[i] != c) {
        if (honour_escapes && c != '`' && t[i] == '\\' && i + 1 < t.size()) {
          current.push_back(t[i++]);
        }
        current.push_back(t[i++]);
      }
      if (i < t.size()) current.push_back(t[i++]);
      continue;
    }
    if (c == ';') {
      out.push_back(current.substr(current.find_first_not_of(" \t\n")));
      current.clear();
      ++i;
      continue;
    }
    current.push_back(c);
    ++i;
  }
  EXPECT_EQ(current.find_first_not_of(" \t\n"), std::string::npos) << "unterminated: " << current;
  return out;
}

/// A Cypher literal value: string, integer, list or map.
struct Lit {
  enum Kind { kString, kInt, kList, kMap } kind = kString;
  std::string text;
  int64_t integer = 0;
  std::vector<Lit> items;
  std::vector<std::pair<std::string, Lit>> members;
  const Lit* Get(std::string_view k) const {
    for (const auto& [key, v] : members) {
      if (key == k) return &v;
    }
    return nullptr;
  }
};

/// Parses Cypher literals as the Cypher grammar defines them.
class LitParser {
 public:
  explicit LitParser(std::string_view t) : t_(t) {}
  size_t pos() const { return pos_; }
  std::string error;

  bool Value(Lit* out) {
    Space();
    if (pos_ >= t_.size()) return Fail("end");
    char c = t_[pos_];
    if (c == '\'' || c == '"') {
      out->kind = Lit::kString;
      return String(&out->text);
    }
    if (c == '[') {
      out->kind = Lit::kList;
      ++pos_;
      Space();
      if (Peek(']')) return ++pos_, true;
      while (true) {
        out->items.emplace_back();
        if (!Value(&out->items.back())) return false;
        Space();
        if (Peek(',')) {
          ++pos_;
          continue;
        }
        if (Peek(']')) return ++pos_, true;
        return Fail("list");
      }
    }
    if (c == '{') {
      out->kind = Lit::kMap;
      ++pos_;
      Space();
      if (Peek('}')) return ++pos_, true;
      while (true) {
        Space();
        std::string key;
        if (Peek('`')) {
          ++pos_;
          while (pos_ < t_.size()) {
            if (t_[pos_] == '`') {
              if (pos_ + 1 < t_.size() && t_[pos_ + 1] == '`') {
                key.push_back('`');
                pos_ += 2;
                continue;
              }
              break;
            }
            key.push_back(t_[pos_++]);
          }
          ++pos_;
        } else {
          while (pos_ < t_.size() &&
                 (isalnum(static_cast<unsigned char>(t_[pos_])) || t_[pos_] == '_')) {
            key.push_back(t_[pos_++]);
          }
        }
        if (key.empty()) return Fail("key");
        Space();
        if (!Peek(':')) return Fail(":");
        ++pos_;
        out->members.emplace_back(key, Lit());
        if (!Value(&out->members.back().second)) return false;
        Space();
        if (Peek(',')) {
          ++pos_;
          continue;
        }
        if (Peek('}')) return ++pos_, true;
        return Fail("map");
      }
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      size_t start = pos_++;
      while (pos_ < t_.size() && t_[pos_] >= '0' && t_[pos_] <= '9') ++pos_;
      out->kind = Lit::kInt;
      out->integer = std::stoll(std::string(t_.substr(start, pos_ - start)));
      return true;
    }
    return Fail("value");
  }

 private:
  bool Peek(char c) const { return pos_ < t_.size() && t_[pos_] == c; }
  void Space() {
    while (pos_ < t_.size() && (t_[pos_] == ' ' || t_[pos_] == '\n')) ++pos_;
  }
  bool Fail(const char* what) {
    error = std::string(what) + " at " + std::to_string(pos_);
    return false;
  }
  static void Utf8(std::string* s, uint32_t cp) {
    if (cp < 0x80) {
      s->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      s->push_back(static_cast<char>(0xC0 | cp >> 6));
      s->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      s->push_back(static_cast<char>(0xE0 | cp >> 12));
      s->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      s->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      s->push_back(static_cast<char>(0xF0 | cp >> 18));
      s->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      s->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      s->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  bool String(std::string* s) {
    char quote = t_[pos_++];
    while (true) {
      if (pos_ >= t_.size()) return Fail("unterminated string");
      char c = t_[pos_++];
      if (c == quote) return true;
      if (c == '\n' || c == '\r') return Fail("raw newline in string");
      if (c != '\\') {
        s->push_back(c);
        continue;
      }
      char e = t_[pos_++];
      switch (e) {
        case '\\':
          s->push_back('\\');
          break;
        case '\'':
          s->push_back('\'');
          break;
        case '"':
          s->push_back('"');
          break;
        case 'b':
          s->push_back('\b');
          break;
        case 'f':
          s->push_back('\f');
          break;
        case 'n':
          s->push_back('\n');
          break;
        case 'r':
          s->push_back('\r');
          break;
        case 't':
          s->push_back('\t');
          break;
        case 'u':
        case 'U': {
          int digits = e == 'u' ? 4 : 8;
          uint32_t v =
              static_cast<uint32_t>(std::stoul(std::string(t_.substr(pos_, digits)), nullptr, 16));
          pos_ += digits;
          Utf8(s, v);
          break;
        }
        default:
          return Fail("bad escape");
      }
    }
  }

  std::string_view t_;
  size_t pos_ = 0;
};

std::string LitText(const FileGraph& g, const Prop& p) {
  auto fix = [](std::string_view s) { return Sanitized(s, /*keep_surrogates=*/true); };
  switch (p.type) {
    case PropType::kString:
      return "s:" + fix(p.text);
    case PropType::kInt:
      return "i:" + std::to_string(p.integer);
    case PropType::kStringList: {
      std::string s = "l:";
      for (uint32_t i = 0; i < p.list_count; ++i) s += fix(g.list_items[p.list_begin + i]) + "|";
      return s;
    }
  }
  return "";
}

std::string LitText(const Lit& l) {
  switch (l.kind) {
    case Lit::kString:
      return "s:" + l.text;
    case Lit::kInt:
      return "i:" + std::to_string(l.integer);
    case Lit::kList: {
      std::string s = "l:";
      for (const Lit& i : l.items) s += i.text + "|";
      return s;
    }
    case Lit::kMap:
      return "map";
  }
  return "";
}

TEST(CypherString, RoundTripsHostileStringsWithoutQuoteCharacters) {
  for (const std::string& s : HostileStrings()) {
    std::string out;
    cypher::AppendString(&out, s);
    ASSERT_GE(out.size(), 2u);
    std::string_view inner = std::string_view(out).substr(1, out.size() - 2);
    EXPECT_EQ(inner.find('\''), std::string_view::npos) << out;
    EXPECT_EQ(inner.find('"'), std::string_view::npos) << out;
    EXPECT_EQ(inner.find('\n'), std::string_view::npos) << out;
    for (char c : out) EXPECT_TRUE(c >= 0x20 && c < 0x80) << "not printable ASCII: " << out;
    LitParser p(out);
    Lit l;
    ASSERT_TRUE(p.Value(&l)) << p.error << " in " << out;
    EXPECT_EQ(p.pos(), out.size());
    EXPECT_EQ(l.text, Sanitized(s, /*keep_surrogates=*/true)) << out;
  }
  std::string out;
  cypher::AppendString(&out, "a'b\"c\\d\n\x01\xED\xA0\x80\xFF\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(out, "'a\\u0027b\\u0022c\\\\d\\n\\u0001\\uD800\\uFFFD\\u00E9\\U0001F600'");
}

TEST(CypherNames, BackticksDoubled) {
  std::string out;
  cypher::AppendQuotedName(&out, "we`ird");
  EXPECT_EQ(out, "`we``ird`");
  out.clear();
  cypher::AppendKey(&out, "lineno");
  cypher::AppendKey(&out, "has space");
  EXPECT_EQ(out, "lineno`has space`");
}

TEST(CypherStatements, ShapesForTheBoltWriter) {
  using ast2graph::graph::EdgeType;
  EXPECT_EQ(cypher::NodeStatement(NodeLabel::kASTNode, "FunctionDef"),
            "UNWIND $rows AS r MERGE (n:`ASTNode` {id: r.id}) SET n += r, n:`FunctionDef`");
  EXPECT_EQ(cypher::NodeStatement(NodeLabel::kSourceFile, ""),
            "UNWIND $rows AS r MERGE (n:`SourceFile` {id: r.id}) SET n += r");
  EXPECT_EQ(cypher::RelationshipStatement(EdgeType::kDependsOn, NodeLabel::kASTNode,
                                          NodeLabel::kExternalModule),
            "UNWIND $rows AS r MERGE (a:`ASTNode` {id: r.src}) MERGE (b:`ExternalModule` "
            "{id: r.dst}) MERGE (a)-[e:`DEPENDS_ON` {id: r.props.id}]->(b) SET e += r.props");
  auto schema = cypher::SchemaStatements();
  ASSERT_EQ(schema.size(), 6u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(schema[i].starts_with("CREATE CONSTRAINT ")) << schema[i];
    EXPECT_NE(schema[i].find(" IF NOT EXISTS FOR (n:"), std::string_view::npos);
    EXPECT_TRUE(schema[i].ends_with(") REQUIRE n.id IS UNIQUE")) << schema[i];
  }
  for (size_t i = 3; i < 6; ++i) {
    EXPECT_TRUE(schema[i].starts_with("CREATE INDEX ")) << schema[i];
    EXPECT_NE(schema[i].find(" IF NOT EXISTS FOR (n:"), std::string_view::npos);
  }
}

TEST(CypherStatements, EndpointLabelsFromTheFile) {
  FileGraph g = SampleFile("a.py");
  cypher::EndpointLabels labels;
  labels.Reset(g);
  for (const NodeRecord& n : g.nodes) EXPECT_EQ(labels.Of(n.id), n.label);
  EXPECT_EQ(labels.Of(Id{42, 42}), NodeLabel::kASTNode) << "another file's node";
}

TEST(CypherScript, CypherShellReadsBackEveryRecord) {
  Files files;
  std::vector<std::string> hostile = HostileStrings();
  for (size_t i = 0; i < hostile.size(); ++i) {
    files.push_back(SampleFile("pkg/m" + std::to_string(i) + ".py", hostile[i]));
  }
  std::string dir = MakeTempDir();
  ExportOptions options;
  options.batch_size = 5;
  ASSERT_TRUE(Export(Format::kCypher, dir + "/g.cypher", files, options).ok());
  std::string script = ReadFile(dir + "/g.cypher");

  std::vector<std::string> commands = SplitScript(script, /*honour_escapes=*/true);
  EXPECT_EQ(commands, SplitScript(script, /*honour_escapes=*/false));

  auto schema = cypher::SchemaStatements();
  ASSERT_GT(commands.size(), schema.size());
  for (size_t i = 0; i < schema.size(); ++i) EXPECT_EQ(commands[i], schema[i]);

  std::map<std::string, std::pair<const FileGraph*, const NodeRecord*>> nodes;
  std::map<std::string, std::pair<const FileGraph*, const EdgeRecord*>> edges;
  for (const FileGraph& g : files) {
    for (const NodeRecord& n : g.nodes) nodes[n.id.Hex()] = {&g, &n};
    for (const EdgeRecord& e : g.edges) edges[e.id.Hex()] = {&g, &e};
  }
  std::set<std::string> seen_nodes, seen_edges;
  for (size_t i = schema.size(); i < commands.size(); i += 3) {
    ASSERT_LT(i + 2, commands.size());
    EXPECT_EQ(commands[i], ":begin");
    EXPECT_EQ(commands[i + 2], ":commit");
    const std::string& st = commands[i + 1];
    ASSERT_TRUE(st.starts_with("UNWIND [")) << st;
    LitParser p(std::string_view(st).substr(7));
    Lit rows;
    ASSERT_TRUE(p.Value(&rows)) << p.error;
    ASSERT_EQ(rows.kind, Lit::kList);
    ASSERT_GE(rows.items.size(), 1u);
    EXPECT_LE(rows.items.size(), options.batch_size);
    std::string tail = st.substr(7 + p.pos());
    ASSERT_TRUE(tail.starts_with(" AS r ")) << tail;
    bool is_node = tail.find("]->") == std::string::npos;
    for (const Lit& row : rows.items) {
      ASSERT_EQ(row.kind, Lit::kMap);
      std::map<std::string, std::string> got, want;
      std::string expected_statement;
      if (is_node) {
        const std::string& id = row.Get("id")->text;
        ASSERT_TRUE(nodes.count(id));
        EXPECT_TRUE(seen_nodes.insert(id).second) << "node twice: " << id;
        auto [g, n] = nodes[id];
        for (const auto& [k, v] : row.members) {
          if (k != "id") got[k] = LitText(v);
        }
        for (const Prop& pr : ast2graph::exporters::PropsOf(*g, *n)) {
          want[ast2graph::graph::NodePropName(static_cast<NodeProp>(pr.key))] = LitText(*g, pr);
        }
        cypher::AppendNodeStatement(&expected_statement, n->label, n->node_type, "");
      } else {
        const Lit* props = row.Get("props");
        ASSERT_TRUE(props && row.Get("src") && row.Get("dst"));
        const std::string& id = props->Get("id")->text;
        ASSERT_TRUE(edges.count(id));
        EXPECT_TRUE(seen_edges.insert(id).second);
        auto [g, e] = edges[id];
        EXPECT_EQ(row.Get("src")->text, e->start.Hex());
        EXPECT_EQ(row.Get("dst")->text, e->end.Hex());
        for (const auto& [k, v] : props->members) {
          if (k != "id") got[k] = LitText(v);
        }
        for (const Prop& pr : ast2graph::exporters::PropsOf(*g, *e)) {
          want[ast2graph::graph::EdgePropName(static_cast<EdgeProp>(pr.key))] = LitText(*g, pr);
        }
        cypher::AppendRelationshipStatement(&expected_statement, e->type,
                                            nodes.at(e->start.Hex()).second->label,
                                            nodes.at(e->end.Hex()).second->label, "");
      }
      EXPECT_EQ(got, want);
      // The row sits in the statement of its own label / type and endpoint labels.
      EXPECT_EQ(tail, expected_statement.substr(std::string_view("UNWIND ").size()));
    }
  }
  EXPECT_EQ(seen_nodes.size(), nodes.size());
  EXPECT_EQ(seen_edges.size(), edges.size());
}

TEST(CypherScript, EmptyInputIsSchemaOnly) {
  std::string dir = MakeTempDir();
  ASSERT_TRUE(Export(Format::kCypher, dir + "/g.cypher", Files()).ok());
  std::vector<std::string> commands = SplitScript(ReadFile(dir + "/g.cypher"), true);
  EXPECT_EQ(commands.size(), cypher::SchemaStatements().size());
}

}  // namespace
}  // namespace a2gtest
