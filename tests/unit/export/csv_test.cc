// csv: the directory is read back with the rules `neo4j-admin database import full` applies
// (Neo4j 5 defaults: delimiter `,`, quote `"`, array delimiter `;`, --legacy-style-quoting=false
// so a backslash is an ordinary character, quotes inside quoted fields doubled, an empty unquoted
// field is no value, an empty quoted field is the empty string, a newline inside a quoted field
// needs --multiline-fields=true), then checked value by value against the graph.
#include <gtest/gtest.h>

#include <optional>
#include <set>

#include "export/sinks.h"
#include "export_test_util.h"
#include "json_reader.h"

namespace a2gtest {
namespace {

using ast2graph::ErrorCode;
using ast2graph::exporters::ExportOptions;
using ast2graph::exporters::Format;

/// A column of a neo4j-admin header: `name:type(group)`, each part optional.
struct Column {
  std::string name;
  std::string type;  // "" means string
  std::string group;
};

bool ParseHeader(std::string_view line, std::vector<Column>* columns, std::string* error) {
  static const std::set<std::string> kTypes = {
      "",       "ID",   "LABEL",    "START_ID", "END_ID", "TYPE",     "IGNORE",
      "string", "int",  "long",     "float",    "double", "boolean",  "byte",
      "short",  "char", "string[]", "int[]",    "long[]", "boolean[]"};
  size_t start = 0;
  while (start <= line.size()) {
    size_t end = line.find(',', start);
    if (end == std::string_view::npos) end = line.size();
    std::string field(line.substr(start, end - start));
    if (field.find('"') != std::string::npos) return (*error = "quoted header field"), false;
    Column c;
    size_t colon = field.find(':');
    c.name = field.substr(0, colon);
    if (colon != std::string::npos) {
      std::string rest = field.substr(colon + 1);
      size_t paren = rest.find('(');
      if (paren != std::string::npos) {
        if (rest.back() != ')') return (*error = "bad group in " + field), false;
        c.group = rest.substr(paren + 1, rest.size() - paren - 2);
        rest = rest.substr(0, paren);
      }
      c.type = rest;
    }
    if (!kTypes.count(c.type)) return (*error = "unknown type in " + field), false;
    bool special = c.type == "LABEL" || c.type == "START_ID" || c.type == "END_ID" ||
                   c.type == "TYPE" || c.type == "ID" || c.type == "IGNORE";
    if (c.name.empty() && !special) return (*error = "property without a name: " + field), false;
    columns->push_back(c);
    start = end + 1;
  }
  return true;
}

using Row = std::vector<std::optional<std::string>>;

/// Splits CSV data the way neo4j-admin's reader does (see the file comment).
bool ParseRows(std::string_view t, bool multiline, std::vector<Row>* rows, std::string* error) {
  size_t i = 0;
  Row row;
  while (i < t.size()) {
    // One field.
    std::optional<std::string> value;
    if (t[i] == '"') {
      std::string v;
      ++i;
      while (true) {
        if (i >= t.size()) return (*error = "unterminated quoted field"), false;
        if (t[i] == '"') {
          if (i + 1 < t.size() && t[i + 1] == '"') {
            v.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if ((t[i] == '\n' || t[i] == '\r') && !multiline) {
          return (*error = "newline in a field without --multiline-fields=true"), false;
        }
        v.push_back(t[i++]);
      }
      if (i < t.size() && t[i] != ',' && t[i] != '\n') {
        return (*error = "characters after a closing quote"), false;
      }
      value = std::move(v);
    } else {
      size_t end = t.find_first_of(",\n", i);
      if (end == std::string_view::npos) end = t.size();
      std::string_view v = t.substr(i, end - i);
      if (v.find('"') != std::string_view::npos) return (*error = "quote in unquoted field"), false;
      if (!v.empty()) value = std::string(v);
      i = end;
    }
    row.push_back(std::move(value));
    if (i >= t.size() || t[i] == '\n') {
      rows->push_back(std::move(row));
      row.clear();
      ++i;
    } else {
      ++i;  // ','
      if (i == t.size()) row.push_back(std::nullopt), rows->push_back(std::move(row));
    }
  }
  return true;
}

/// Typed value per neo4j-admin's conversion, as comparable text ("[a|b]" for arrays).
bool Convert(const Column& c, const std::string& raw, std::string* out, std::string* error) {
  auto integer = [&](int64_t lo, int64_t hi) {
    size_t used = 0;
    long long v = 0;
    try {
      v = std::stoll(raw, &used);
    } catch (...) {
      used = 0;
    }
    if (used != raw.size() || v < lo || v > hi)
      return (*error = c.type + " out of range: " + raw), false;
    *out = std::to_string(v);
    return true;
  };
  if (c.type == "int") return integer(INT32_MIN, INT32_MAX);
  if (c.type == "long") return integer(INT64_MIN, INT64_MAX);
  if (c.type == "string[]" || c.type == "LABEL") {
    std::string s = "[";
    size_t start = 0;
    while (true) {
      size_t end = raw.find(';', start);
      s += raw.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (end == std::string::npos) break;
      s += "|";
      start = end + 1;
    }
    *out = s + "]";
    return true;
  }
  *out = raw;
  return true;
}

struct Table {
  std::vector<Column> columns;
  std::vector<Row> rows;
};

/// Reads `<prefix>-header.csv` and the parts named in `files` (as import.sh lists them).
Table ReadTable(const std::string& dir, const std::vector<std::string>& files) {
  Table t;
  std::string header = ReadFile(dir + "/" + files.at(0));
  EXPECT_EQ(header.back(), '\n');
  header.pop_back();
  std::string error;
  EXPECT_TRUE(ParseHeader(header, &t.columns, &error)) << error;
  for (size_t i = 1; i < files.size(); ++i) {
    std::string data = ReadFile(dir + "/" + files[i]);
    EXPECT_TRUE(ParseRows(data, /*multiline=*/true, &t.rows, &error)) << files[i] << ": " << error;
  }
  for (const Row& r : t.rows) EXPECT_EQ(r.size(), t.columns.size());
  return t;
}

/// The files import.sh names after --nodes= / --relationships=, as the shell expands them (run
/// with a stand-in neo4j-admin that prints its arguments).
std::map<std::string, std::string> ImportArgs(const std::string& dir,
                                              std::vector<std::string>* argv) {
  std::string fake = dir + "/../fake-neo4j-admin";
  WriteFile(fake, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
  chmod(fake.c_str(), 0755);
  std::string out;
  EXPECT_EQ(RunCommand("NEO4J_ADMIN='" + fake + "' sh '" + dir +
                           "/import.sh' mydb --overwrite-destination=true",
                       &out),
            0)
      << out;
  std::map<std::string, std::string> args;
  size_t start = 0;
  while (start < out.size()) {
    size_t end = out.find('\n', start);
    std::string a = out.substr(start, end - start);
    argv->push_back(a);
    size_t eq = a.find('=');
    if (a.starts_with("--") && eq != std::string::npos) args[a.substr(0, eq)] = a.substr(eq + 1);
    start = end + 1;
  }
  return args;
}

std::vector<std::string> SplitFiles(const std::string& list, const std::string& dir) {
  std::vector<std::string> files;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    std::string path = list.substr(start, end - start);
    EXPECT_TRUE(path.starts_with(dir + "/")) << path;
    files.push_back(path.substr(path.rfind('/') + 1));
    start = end + 1;
  }
  return files;
}

std::string CsvExpected(const FileGraph& g, const Prop& p) {
  auto fix = [](std::string_view s) { return Sanitized(s, /*keep_surrogates=*/false); };
  switch (p.type) {
    case PropType::kString:
      return fix(p.text);
    case PropType::kInt:
      return std::to_string(p.integer);
    case PropType::kStringList: {
      std::string s = "[";
      for (uint32_t i = 0; i < p.list_count; ++i) {
        s += (i ? "|" : "") + fix(g.list_items[p.list_begin + i]);
      }
      return s + "]";
    }
  }
  return "";
}

TEST(Csv, Neo4jAdminReadsBackEveryValue) {
  Files files;
  std::vector<std::string> hostile = HostileStrings();
  for (size_t i = 0; i < hostile.size(); ++i) {
    files.push_back(SampleFile("pkg/m" + std::to_string(i) + ".py", hostile[i]));
  }
  std::string root = MakeTempDir();
  std::string dir = root + "/csv";
  ASSERT_TRUE(Export(Format::kCsv, dir, files).ok());

  std::vector<std::string> argv;
  std::map<std::string, std::string> args = ImportArgs(dir, &argv);
  // The exact command: subcommand, database first (Neo4j 5.19+ requires it), our options, and
  // the caller's extra options passed through.
  ASSERT_GE(argv.size(), 4u);
  EXPECT_EQ(argv[0], "database");
  EXPECT_EQ(argv[1], "import");
  EXPECT_EQ(argv[2], "full");
  EXPECT_EQ(argv[3], "mydb");
  EXPECT_EQ(argv.back(), "--overwrite-destination=true");
  EXPECT_EQ(args["--multiline-fields"], "true");
  EXPECT_EQ(args["--array-delimiter"], ";");
  EXPECT_EQ(args["--delimiter"], ",");
  EXPECT_EQ(args["--quote"], "\"");
  EXPECT_EQ(args["--id-type"], "string");
  std::string real_dir = std::filesystem::canonical(dir).string();
  std::vector<std::string> node_files = SplitFiles(args["--nodes"], real_dir);
  std::vector<std::string> rel_files = SplitFiles(args["--relationships"], real_dir);
  EXPECT_EQ(node_files.at(0), "nodes-header.csv");
  EXPECT_EQ(rel_files.at(0), "relationships-header.csv");
  EXPECT_EQ(node_files.size(), 2u) << "a header and one part";
  // import.sh names every file of the directory, and nothing else.
  std::vector<std::string> named = node_files;
  named.insert(named.end(), rel_files.begin(), rel_files.end());
  named.push_back("import.sh");
  std::sort(named.begin(), named.end());
  EXPECT_EQ(named, ListDir(dir));

  Table nodes = ReadTable(dir, node_files);
  Table rels = ReadTable(dir, rel_files);

  // Node header: the ID column (one ID space), labels, then every schema property, typed.
  ASSERT_EQ(nodes.columns.size(), 2 + static_cast<size_t>(NodeProp::kCount));
  EXPECT_EQ(nodes.columns[0].name, "id");
  EXPECT_EQ(nodes.columns[0].type, "ID");
  EXPECT_EQ(nodes.columns[0].group, "ASTNode");
  EXPECT_EQ(nodes.columns[1].type, "LABEL");
  std::map<std::string, std::string> types;
  for (const Column& c : nodes.columns) types[c.name] = c.type;
  EXPECT_EQ(types["lineno"], "int");
  EXPECT_EQ(types["size"], "long");
  EXPECT_EQ(types["names"], "string[]");
  EXPECT_EQ(types["value"], "");
  ASSERT_EQ(rels.columns.size(), 4 + static_cast<size_t>(EdgeProp::kCount));
  EXPECT_EQ(rels.columns[0].type, "START_ID");
  EXPECT_EQ(rels.columns[0].group, "ASTNode");
  EXPECT_EQ(rels.columns[1].type, "END_ID");
  EXPECT_EQ(rels.columns[1].group, "ASTNode");
  EXPECT_EQ(rels.columns[2].type, "TYPE");
  EXPECT_EQ(rels.columns[3].name, "id");
  for (const Column& c : rels.columns) types["rel." + c.name] = c.type;
  EXPECT_EQ(types["rel.index"], "int");

  // Every node exactly once, with exactly its properties.
  std::map<std::string, const Row*> node_rows;
  for (const Row& r : nodes.rows) {
    ASSERT_TRUE(r[0].has_value());
    EXPECT_TRUE(node_rows.emplace(*r[0], &r).second) << "duplicate node id " << *r[0];
  }
  std::set<std::string> expected_ids;
  for (const FileGraph& g : files) {
    for (const NodeRecord& n : g.nodes) {
      std::string id = n.id.Hex();
      expected_ids.insert(id);
      ASSERT_TRUE(node_rows.count(id)) << id;
      const Row& r = *node_rows[id];
      std::string labels, error;
      ASSERT_TRUE(Convert(nodes.columns[1], r[1].value_or(""), &labels, &error));
      std::string want = std::string("[") + ast2graph::graph::NodeLabelName(n.label) +
                         (n.label == NodeLabel::kASTNode ? "|" + std::string(n.node_type) : "") +
                         "]";
      EXPECT_EQ(labels, want);
      std::map<std::string, std::string> got;
      for (size_t c = 2; c < r.size(); ++c) {
        if (!r[c]) continue;
        std::string v;
        ASSERT_TRUE(Convert(nodes.columns[c], *r[c], &v, &error)) << error;
        got[nodes.columns[c].name] = v;
      }
      std::map<std::string, std::string> expected;
      for (const Prop& p : ast2graph::exporters::PropsOf(g, n)) {
        expected[ast2graph::graph::NodePropName(static_cast<NodeProp>(p.key))] = CsvExpected(g, p);
      }
      EXPECT_EQ(got, expected) << "node " << id;
    }
  }
  EXPECT_EQ(node_rows.size(), expected_ids.size());

  // Every relationship, endpoints in the one ID space.
  size_t edge_count = 0;
  std::map<std::string, const Row*> rel_rows;
  for (const Row& r : rels.rows) {
    ASSERT_TRUE(r[0] && r[1] && r[2] && r[3]);
    EXPECT_TRUE(expected_ids.count(*r[0])) << "dangling start";
    EXPECT_TRUE(expected_ids.count(*r[1])) << "dangling end";
    rel_rows[*r[3]] = &r;
  }
  for (const FileGraph& g : files) {
    for (const EdgeRecord& e : g.edges) {
      ++edge_count;
      ASSERT_TRUE(rel_rows.count(e.id.Hex()));
      const Row& r = *rel_rows[e.id.Hex()];
      EXPECT_EQ(*r[0], e.start.Hex());
      EXPECT_EQ(*r[1], e.end.Hex());
      EXPECT_EQ(*r[2], ast2graph::graph::EdgeTypeName(e.type));
      std::map<std::string, std::string> got, expected;
      std::string error;
      for (size_t c = 4; c < r.size(); ++c) {
        if (!r[c]) continue;
        ASSERT_TRUE(Convert(rels.columns[c], *r[c], &got[rels.columns[c].name], &error)) << error;
      }
      for (const Prop& p : ast2graph::exporters::PropsOf(g, e)) {
        expected[ast2graph::graph::EdgePropName(static_cast<EdgeProp>(p.key))] = CsvExpected(g, p);
      }
      EXPECT_EQ(got, expected);
    }
  }
  EXPECT_EQ(rels.rows.size(), edge_count);
}

TEST(Csv, NewlinesNeedMultilineFields) {
  std::string root = MakeTempDir();
  ASSERT_TRUE(Export(Format::kCsv, root + "/csv", SampleFile("a.py", "two\nlines")).ok());
  std::vector<Row> rows;
  std::string error;
  std::string data = ReadFile(root + "/csv/nodes-00001.csv");
  EXPECT_FALSE(ParseRows(data, /*multiline=*/false, &rows, &error));
  rows.clear();
  EXPECT_TRUE(ParseRows(data, /*multiline=*/true, &rows, &error)) << error;
  EXPECT_NE(ReadFile(root + "/csv/import.sh").find("--multiline-fields=true"), std::string::npos);
}

TEST(Csv, ExactHeaders) {
  std::string root = MakeTempDir();
  ASSERT_TRUE(Export(Format::kCsv, root + "/csv", Files()).ok());
  EXPECT_EQ(ReadFile(root + "/csv/nodes-header.csv").substr(0, 40),
            "id:ID(ASTNode),:LABEL,node_type,source_i");
  EXPECT_NE(ReadFile(root + "/csv/nodes-header.csv").find(",lineno:int,col_offset:int,"),
            std::string::npos);
  EXPECT_NE(ReadFile(root + "/csv/nodes-header.csv").find(",names:string[],"), std::string::npos);
  EXPECT_NE(ReadFile(root + "/csv/nodes-header.csv").find(",size:long,"), std::string::npos);
  EXPECT_EQ(ReadFile(root + "/csv/relationships-header.csv"),
            ":START_ID(ASTNode),:END_ID(ASTNode),:TYPE,id,field,index:int,kind,type,name\n");
  // No data: headers only, and import.sh names just them.
  EXPECT_EQ(ListDir(root + "/csv"), (std::vector<std::string>{"import.sh", "nodes-header.csv",
                                                              "relationships-header.csv"}));
  std::string out;
  EXPECT_EQ(RunCommand("sh -n '" + root + "/csv/import.sh'", &out), 0) << out;
}

TEST(Csv, ListElementWithTheArrayDelimiterIsAnError) {
  GraphMaker m("a.py");
  m.Node(NodeLabel::kASTNode, "Global", "g", {{NodeProp::names, List({"ok", "not;ok"})}});
  std::string root = MakeTempDir();
  ast2graph::Status s = Export(Format::kCsv, root + "/csv", m.Take());
  EXPECT_EQ(s.code(), ErrorCode::kOutput);
  EXPECT_TRUE(ListDir(root).empty()) << "nothing is left behind";
}

TEST(Csv, PartsHoldAMillionRecordsAtLeast) {
  // 1.2 million nodes with batch_size 1000: raised to a million a part, so two parts, in order,
  // and no relationship part at all (there are no relationships).
  FileGraph g;
  g.source_id = "big.py";
  constexpr size_t kNodes = 1'200'000;
  std::string_view type = g.Own("Name");
  g.nodes.reserve(kNodes);
  for (size_t i = 0; i < kNodes; ++i) {
    g.nodes.push_back({Id{7, i}, NodeLabel::kASTNode, type, 0, 0});
  }
  std::string root = MakeTempDir();
  ExportOptions options;
  options.batch_size = 1000;
  ASSERT_TRUE(Export(Format::kCsv, root + "/csv", g, options).ok());
  EXPECT_EQ(ListDir(root + "/csv"),
            (std::vector<std::string>{"import.sh", "nodes-00001.csv", "nodes-00002.csv",
                                      "nodes-header.csv", "relationships-header.csv"}));
  std::string one = ReadFile(root + "/csv/nodes-00001.csv");
  std::string two = ReadFile(root + "/csv/nodes-00002.csv");
  EXPECT_EQ(std::count(one.begin(), one.end(), '\n'), 1'000'000);
  EXPECT_EQ(std::count(two.begin(), two.end(), '\n'), 200'000);
  EXPECT_TRUE(two.starts_with(Id{7, 1'000'000}.Hex() + ",ASTNode;Name,"));
  std::string script = ReadFile(root + "/csv/import.sh");
  EXPECT_NE(script.find("/nodes-header.csv,$dir/nodes-00001.csv,$dir/nodes-00002.csv\""),
            std::string::npos);
  EXPECT_NE(script.find("--relationships=\"$dir/relationships-header.csv\""), std::string::npos);
}

TEST(Csv, OneRowPerNodeAndEdgeInOnePartByDefault) {
  std::string root = MakeTempDir();
  FileGraph g = SampleFile("a.py");
  ExportOptions options;
  options.batch_size = 0;
  ASSERT_TRUE(Export(Format::kCsv, root + "/csv", g, options).ok());
  std::vector<Row> rows;
  std::string error;
  ASSERT_TRUE(ParseRows(ReadFile(root + "/csv/nodes-00001.csv"), true, &rows, &error));
  EXPECT_EQ(rows.size(), g.nodes.size());
  rows.clear();
  ASSERT_TRUE(ParseRows(ReadFile(root + "/csv/relationships-00001.csv"), true, &rows, &error));
  EXPECT_EQ(rows.size(), g.edges.size());
}

}  // namespace
}  // namespace a2gtest
