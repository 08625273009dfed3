// `ast2graph load` and `ast2graph link` end to end: the real binary against the Bolt test server
// (tests/bolt_server). After every load the server's graph must equal the `jsonl` export of the
// same input, node for node and edge for edge (DESIGN.md section 5).
//
// The stdlib test (label `slow`) does the same over CPython 3.13's standard library when it is
// installed; without it, the fixture tests still cover the behaviour.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../unit/export/json_reader.h"
#include "../unit/neo4j/test_server.h"

namespace {

namespace fs = std::filesystem;
using ast2graph::neo4j::testing::AppendJsString;
using ast2graph::neo4j::testing::BoltTestServer;
using ast2graph::neo4j::testing::GraphDiff;
using ast2graph::neo4j::testing::TempDir;

constexpr char kPassword[] = "pw-Xq7!load";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct CliRun {
  int status = -1;
  std::string out;
  std::string err;
};

/// Runs the ast2graph binary with `args` and extra environment `env` ("NAME=value").
CliRun Cli(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
  static int counter = 0;
  const std::string base = fs::temp_directory_path() / ("a2g-load-cli-" + std::to_string(getpid()) +
                                                        "-" + std::to_string(counter++));
  const std::string out_path = base + ".out", err_path = base + ".err";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  std::vector<std::string> argv_s = {A2G_CLI};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The environment without any NEO4J_* of the caller, plus `env`.
  std::vector<std::string> env_s;
  for (char** e = environ; *e; ++e) {
    if (std::string_view(*e).rfind("NEO4J_", 0) != 0) env_s.emplace_back(*e);
  }
  env_s.insert(env_s.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  CliRun run;
  pid_t pid;
  if (posix_spawn(&pid, argv_s[0].c_str(), &actions, nullptr, argv.data(), envp.data()) == 0) {
    int status = 0;
    waitpid(pid, &status, 0);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  posix_spawn_file_actions_destroy(&actions);
  run.out = ReadAll(out_path);
  run.err = ReadAll(err_path);
  fs::remove(out_path);
  fs::remove(err_path);
  return run;
}

/// The number after `"key":` in a metrics JSON text (-1 when absent).
double MetricsNumber(const std::string& json, const std::string& key) {
  const size_t at = json.find("\"" + key + "\":");
  return at == std::string::npos ? -1 : std::atof(json.c_str() + at + key.size() + 3);
}

std::string Password() { return std::string("NEO4J_PASSWORD=") + kPassword; }

std::vector<std::string> AuthArgs() { return {"--auth", std::string("neo4j:") + kPassword}; }

/// A JSON value in JSON.stringify's form (the server's dump is written by it).
void AppendValue(std::string* out, const a2gtest::Json& v) {
  switch (v.kind) {
    case a2gtest::Json::kNull:
      out->append("null");
      break;
    case a2gtest::Json::kBool:
      out->append(v.boolean ? "true" : "false");
      break;
    case a2gtest::Json::kInt:
      out->append(std::to_string(v.integer));
      break;
    case a2gtest::Json::kString:
      AppendJsString(out, v.text);
      break;
    case a2gtest::Json::kArray:
      out->push_back('[');
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out->push_back(',');
        AppendValue(out, v.items[i]);
      }
      out->push_back(']');
      break;
    case a2gtest::Json::kObject: {
      std::vector<std::pair<std::string, const a2gtest::Json*>> members;
      for (const auto& [k, m] : v.members) members.emplace_back(k, &m);
      std::sort(members.begin(), members.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      out->push_back('{');
      for (size_t i = 0; i < members.size(); ++i) {
        if (i) out->push_back(',');
        AppendJsString(out, members[i].first);
        out->push_back(':');
        AppendValue(out, *members[i].second);
      }
      out->push_back('}');
      break;
    }
  }
}

/// The jsonl export in the server's canonical dump layout: sorted lines, labels and properties
/// sorted, relationship ends as plain ids.
std::vector<std::string> CanonicalExport(const std::string& jsonl) {
  std::vector<std::string> lines;
  std::istringstream in(jsonl);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    a2gtest::Json j;
    std::string error;
    if (!a2gtest::JsonReader::Parse(line, &j, &error)) {
      ADD_FAILURE() << "bad jsonl line: " << error << ": " << line;
      continue;
    }
    std::string c;
    if (j.Get("type")->text == "node") {
      a2gtest::Json labels = *j.Get("labels");
      std::sort(labels.items.begin(), labels.items.end(),
                [](const auto& a, const auto& b) { return a.text < b.text; });
      c = "{\"type\":\"node\",\"id\":";
      AppendJsString(&c, j.Get("id")->text);
      c += ",\"labels\":";
      AppendValue(&c, labels);
    } else {
      c = "{\"type\":\"relationship\",\"label\":";
      AppendJsString(&c, j.Get("label")->text);
      c += ",\"start\":";
      AppendJsString(&c, j.Get("start")->Get("id")->text);
      c += ",\"end\":";
      AppendJsString(&c, j.Get("end")->Get("id")->text);
    }
    c += ",\"properties\":";
    AppendValue(&c, *j.Get("properties"));
    c += "}";
    lines.push_back(std::move(c));
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

/// What `ast2graph parse` exports for `args` (PATHs and options), canonical.
std::vector<std::string> Exported(const std::vector<std::string>& args) {
  std::vector<std::string> a = {"parse", "--progress", "never", "-o", "-"};
  a.insert(a.end(), args.begin(), args.end());
  CliRun r = Cli(a);
  EXPECT_EQ(r.status, 0) << r.err;
  return CanonicalExport(r.out);
}

CliRun Load(const BoltTestServer& server, std::vector<std::string> args,
            std::vector<std::string> env = {Password()}) {
  std::vector<std::string> a = {"load", "--progress", "never", "--uri", server.Uri()};
  a.insert(a.end(), args.begin(), args.end());
  return Cli(a, env);
}

/// A copy of tests/corpus/flow_pkg (imports, relative imports, re-exports, calls and bases
/// across files) that a test may edit.
class Project {
 public:
  Project() {
    fs::copy(std::string(A2G_SOURCE_DIR) + "/tests/corpus/flow_pkg", root(),
             fs::copy_options::recursive);
  }
  std::string root() const { return dir_.path() + "/proj"; }
  void Write(const std::string& rel, const std::string& text) const {
    fs::create_directories(fs::path(root() + "/" + rel).parent_path());
    std::ofstream(root() + "/" + rel, std::ios::binary) << text;
  }

 private:
  TempDir dir_;
};

#define ASSERT_SERVER(server) ASSERT_TRUE((server).ok()) << (server).error()

/// Loads the project as two shards, `--shard 0/2` then `1/2`, into one database.
void LoadTwoShards(const BoltTestServer& server, const Project& p) {
  for (const char* shard : {"0/2", "1/2"}) {
    CliRun r = Load(server, {p.root(), "--root", p.root(), "--shard", shard});
    ASSERT_EQ(r.status, 0) << r.err;
  }
}

TEST(LoadCli, GraphEqualsTheJsonlExportAndASecondLoadChangesNothing) {
  BoltTestServer server(AuthArgs());
  ASSERT_SERVER(server);
  Project p;
  TempDir out;
  const std::string metrics = out.File("metrics.json");
  CliRun first = Load(server, {p.root(), "--batch-size", "50", "--metrics", metrics});
  ASSERT_EQ(first.status, 0) << first.err;
  const std::vector<std::string> expected = Exported({p.root()});
  ASSERT_GT(expected.size(), 300u);
  std::vector<std::string> graph = server.Graph();
  EXPECT_EQ(GraphDiff(expected, graph), "");
  const std::string m = ReadAll(metrics);
  EXPECT_NE(m.find("\"load\":{\"files_written\":10,\"files_skipped\":0"), std::string::npos) << m;

  CliRun second = Load(server, {p.root(), "--metrics", metrics});
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_EQ(server.Graph(), graph);
  const std::string m2 = ReadAll(metrics);
  EXPECT_NE(m2.find("\"files_written\":0,\"files_skipped\":10"), std::string::npos) << m2;
  // Only the small cross-file remainder is re-merged.
  EXPECT_LT(MetricsNumber(m2, "rows") * 5, MetricsNumber(m, "rows")) << m << "\n" << m2;
}

TEST(LoadCli, IncrementalLoadFollowsEditsAdditionsAndDeletions) {
  BoltTestServer server(AuthArgs());
  ASSERT_SERVER(server);
  Project p;
  ASSERT_EQ(Load(server, {p.root()}).status, 0);
  // Edit a module others import from, add a module that imports it, delete one.
  p.Write("app/utils.py", ReadAll(p.root() + "/app/utils.py") + "\ndef added(x):\n    return x\n");
  p.Write("app/extra.py",
          "from app.utils import added\n\nclass E(object):\n    pass\n\nadded(1)\n");
  fs::remove(p.root() + "/app/cycle_b.py");
  TempDir out;
  const std::string metrics = out.File("metrics.json");
  CliRun r = Load(server, {p.root(), "--prune", "--metrics", metrics});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(GraphDiff(Exported({p.root()}), server.Graph()), "");
  const std::string m = ReadAll(metrics);
  EXPECT_NE(m.find("\"files_replaced\":1"), std::string::npos) << m;
  EXPECT_NE(m.find("\"files_pruned\":1"), std::string::npos) << m;

  // Without --prune a deleted file stays; overwrite starts from scratch.
  fs::remove(p.root() + "/app/extra.py");
  ASSERT_EQ(Load(server, {p.root()}).status, 0);
  EXPECT_NE(GraphDiff(Exported({p.root()}), server.Graph()), "");
  ASSERT_EQ(Load(server, {p.root(), "--mode", "overwrite"}).status, 0);
  EXPECT_EQ(GraphDiff(Exported({p.root()}), server.Graph()), "");
}

TEST(LoadCli, FilesThatFailToParseAreStoredWithTheirStatus) {
  BoltTestServer server(AuthArgs());
  ASSERT_SERVER(server);
  Project p;
  p.Write("app/broken.py", "def f(:\n    pass\n");
  TempDir out;
  const std::string errors = out.File("errors.jsonl");
  CliRun r = Load(server, {p.root(), "--errors", errors});
  EXPECT_EQ(r.status, 0) << r.err;  // --on-error continue
  EXPECT_EQ(GraphDiff(Exported({p.root()}), server.Graph()), "");
  EXPECT_NE(ReadAll(errors).find("\"code\":\"AST_1001\""), std::string::npos);
  CliRun collect = Load(server, {p.root(), "--on-error", "collect"});
  EXPECT_EQ(collect.status, 1) << collect.err;
}

TEST(LoadCli, UnreachableOrRefusingServerExitsThreeWithoutRetryingAuth) {
  BoltTestServer server(AuthArgs());
  ASSERT_SERVER(server);
  Project p;
  CliRun wrong = Load(server, {p.root()}, {"NEO4J_PASSWORD=not-the-password"});
  EXPECT_EQ(wrong.status, 3) << wrong.err;
  EXPECT_NE(wrong.err.find("NEO4J_3002"), std::string::npos) << wrong.err;
  EXPECT_NE(wrong.err.find("Neo.ClientError.Security.Unauthorized"), std::string::npos);
  EXPECT_EQ(wrong.err.find("not-the-password"), std::string::npos);
  // One HELLO and one LOGON: authentication is never retried.
  EXPECT_EQ(server.Stat("messages.HELLO") + server.Stat("messages.LOGON"), 2);
  EXPECT_TRUE(server.Graph().empty());

  int closed_port;
  {
    BoltTestServer gone({});
    ASSERT_SERVER(gone);
    closed_port = gone.port();
  }
  CliRun refused = Cli({"load", "--progress", "never", "--uri",
                        "bolt://127.0.0.1:" + std::to_string(closed_port), p.root()},
                       {Password()});
  EXPECT_EQ(refused.status, 3) << refused.err;
  EXPECT_NE(refused.err.find("NEO4J_3001"), std::string::npos) << refused.err;
  CliRun link =
      Cli({"link", "--uri", "bolt://127.0.0.1:" + std::to_string(closed_port)}, {Password()});
  EXPECT_EQ(link.status, 3) << link.err;

  CliRun bad_uri = Cli({"load", "--uri", "http://127.0.0.1:7474", p.root()}, {Password()});
  EXPECT_EQ(bad_uri.status, 2) << bad_uri.err;
}

TEST(LoadCli, PasswordFileMustBePrivateAndNoSecretIsEverPrinted) {
  BoltTestServer server(AuthArgs());
  ASSERT_SERVER(server);
  Project p;
  TempDir dir;
  const std::string file = dir.File("password");
  std::ofstream(file) << kPassword << "\n";
  chmod(file.c_str(), 0644);
  CliRun open_file = Load(server, {p.root()}, {"NEO4J_PASSWORD_FILE=" + file});
  EXPECT_EQ(open_file.status, 2) << open_file.err;
  EXPECT_NE(open_file.err.find("chmod 600"), std::string::npos) << open_file.err;
  EXPECT_TRUE(server.Graph().empty());

  chmod(file.c_str(), 0600);
  const std::string metrics = dir.File("metrics.json"), errors = dir.File("errors.jsonl");
  CliRun ok = Load(server, {p.root(), "--verbose", "--metrics", metrics, "--errors", errors},
                   {"NEO4J_PASSWORD_FILE=" + file, "NEO4J_USERNAME=neo4j"});
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_EQ(GraphDiff(Exported({p.root()}), server.Graph()), "");
  CliRun help = Cli({"load", "--help"});
  for (const std::string& text :
       {ok.out, ok.err, ReadAll(metrics), ReadAll(errors), help.out, help.err}) {
    EXPECT_EQ(text.find(kPassword), std::string::npos);
  }
  EXPECT_NE(help.out.find("NEO4J_PASSWORD_FILE"), std::string::npos);
}

TEST(LoadCli, ShardsLoadIntoOneDatabaseAndLinkJoinsTheirImports) {
  BoltTestServer server(AuthArgs());
  ASSERT_SERVER(server);
  Project p;
  ASSERT_NO_FATAL_FAILURE(LoadTwoShards(server, p));
  const std::vector<std::string> whole = Exported({p.root(), "--root", p.root()});
  // Every node of the whole export is there (content ids make the union exact) ...
  std::vector<std::string> graph = server.Graph();
  const std::set<std::string> stored(graph.begin(), graph.end());
  for (const std::string& line : whole) {
    if (line.rfind("{\"type\":\"node\"", 0) == 0 &&
        line.find("ExternalModule") == std::string::npos) {
      EXPECT_TRUE(stored.count(line)) << line;
    }
  }
  // ... and a prune by one shard leaves the other shard's files alone.
  CliRun pruned = Load(server, {p.root(), "--root", p.root(), "--shard", "0/2", "--prune"});
  ASSERT_EQ(pruned.status, 0) << pruned.err;
  EXPECT_EQ(server.Graph(), graph);

  // Imports of modules another shard holds point at ExternalModules until `link` joins them.
  auto project_externals = [&] {
    size_t n = 0;
    for (const std::string& line : server.Graph()) {
      n += line.find("\"ExternalModule\"") != std::string::npos &&
           line.find("\"name\":\"app") != std::string::npos;
    }
    return n;
  };
  ASSERT_GT(project_externals(), 0u) << "the shards should each miss modules of the other";
  CliRun link = Cli({"link", "--uri", server.Uri()}, {Password()});
  ASSERT_EQ(link.status, 0) << link.err;
  EXPECT_NE(link.err.find("import edges linked"), std::string::npos) << link.err;
  EXPECT_EQ(project_externals(), 0u);
  // Linking twice changes nothing.
  graph = server.Graph();
  ASSERT_EQ(Cli({"link", "--uri", server.Uri()}, {Password()}).status, 0);
  EXPECT_EQ(server.Graph(), graph);
}

TEST(LoadCli, AnUnshardedLoadAfterShardsRelinksEveryCrossFileEdge) {
  // `link` joins imports only; calls and bases into another shard's modules need the resolver's
  // name tables. A load of the whole tree re-resolves everything: unchanged files are skipped at
  // the writer, and the complete cross-file set replaces the shards' ExternalModule edges.
  BoltTestServer server(AuthArgs());
  ASSERT_SERVER(server);
  Project p;
  ASSERT_NO_FATAL_FAILURE(LoadTwoShards(server, p));
  const std::vector<std::string> whole = Exported({p.root(), "--root", p.root()});
  {
    const std::vector<std::string> sharded = server.Graph();
    const std::set<std::string> stored(sharded.begin(), sharded.end());
    size_t missing_calls = 0, missing_bases = 0;
    for (const std::string& line : whole) {
      if (stored.count(line)) continue;
      missing_calls += line.find("\"type\":\"call\"") != std::string::npos;
      missing_bases += line.find("\"type\":\"inherit\"") != std::string::npos;
    }
    ASSERT_GT(missing_calls, 0u) << "the shards should miss calls into each other's modules";
    ASSERT_GT(missing_bases, 0u) << "the shards should miss bases from each other's modules";
  }
  TempDir out;
  const std::string metrics = out.File("metrics.json");
  CliRun all = Load(server, {p.root(), "--root", p.root(), "--metrics", metrics});
  ASSERT_EQ(all.status, 0) << all.err;
  EXPECT_EQ(GraphDiff(whole, server.Graph()), "");
  const std::string m = ReadAll(metrics);
  EXPECT_NE(m.find("\"files_written\":0,\"files_skipped\":10"), std::string::npos) << m;
}

/// CPython 3.13's standard library, or "" when no 3.13 is installed.
std::string Stdlib() {
  const std::string find = std::string("bash ") + A2G_SOURCE_DIR +
                           "/tests/conformance/with_python.sh --find 2>/dev/null";
  FILE* p = popen(find.c_str(), "r");
  if (!p) return "";
  char buf[4096] = {0};
  std::string py = fgets(buf, sizeof buf, p) ? buf : "";
  pclose(p);
  while (!py.empty() && (py.back() == '\n' || py.back() == '\r')) py.pop_back();
  if (py.empty()) return "";
  FILE* q =
      popen((py + " -c 'import sysconfig; print(sysconfig.get_path(\"stdlib\"))'").c_str(), "r");
  if (!q) return "";
  std::string dir = fgets(buf, sizeof buf, q) ? buf : "";
  pclose(q);
  while (!dir.empty() && (dir.back() == '\n' || dir.back() == '\r')) dir.pop_back();
  return dir;
}

TEST(LoadCliSlow, StandardLibraryGraphEqualsItsExport) {
  const std::string stdlib = Stdlib();
  if (stdlib.empty()) {
    GTEST_SKIP() << "CPython 3.13 not found: the fixture tests cover loading";
  }
  BoltTestServer server(AuthArgs());
  ASSERT_SERVER(server);
  // A tenth of the library (a stable shard): the Node test server applies rows far more slowly
  // than Neo4j would, and CI has 30 minutes for everything.
  const std::vector<std::string> args = {stdlib, "--exclude", "**/site-packages/**", "--shard",
                                         "0/10"};
  std::vector<std::string> load = args;
  load.insert(load.end(), {"--connections", "2"});
  CliRun r = Load(server, load);
  ASSERT_EQ(r.status, 0) << r.err;
  std::printf("%s", r.err.c_str());
  const std::vector<std::string> expected = Exported(args);
  ASSERT_GT(expected.size(), 100000u);
  EXPECT_EQ(GraphDiff(expected, server.Graph()), "");
}

}  // namespace
