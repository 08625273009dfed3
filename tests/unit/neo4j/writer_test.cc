// The writer against the Bolt test server: full loads with graph equality, idempotence,
// incremental updates, every fault with nothing lost or duplicated, auth failures, routing, TLS,
// password files and secrets in logs.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <deque>
#include <fstream>
#include <mutex>

#include "ast2graph/neo4j.h"
#include "fixtures.h"
#include "neo4j/writer_internal.h"
#include "neo4j/bolt.h"
#include "test_server.h"

namespace ast2graph::neo4j {
namespace {

using testing::BoltTestServer;
using testing::ExpectedGraph;
using testing::GraphDiff;
using testing::MakeFile;
using testing::TempDir;

// A deque: FileGraphs hold views into their own string storage, so they must never be copied by
// a vector reallocation (std::deque's move is not noexcept, so std::vector would copy).
using Files = std::deque<graph::FileGraph>;

constexpr char kPassword[] = "s3cr3t-Pa55word!";

/// Collects every line our side logs (Bolt messages, retries), for the secret checks.
struct LogSink {
  std::mutex mu;
  std::string text;
  std::function<void(std::string_view)> Fn() {
    return [this](std::string_view line) {
      std::lock_guard lock(mu);
      text.append(line);
      text.push_back('\n');
    };
  }
};

Files Project(int version = 1, int files = 5) {
  Files out;
  for (int i = 0; i < files; ++i) {
    const std::string name = "pkg/mod" + std::to_string(i) + ".py";
    // Each file imports the previous one: cross-file DEPENDS_ON edges.
    out.push_back(MakeFile(name, version, 3 + i, i > 0 ? "pkg/mod" + std::to_string(i - 1) + ".py" : ""));
  }
  return out;
}

std::vector<const graph::FileGraph*> Ptrs(const Files& files) {
  std::vector<const graph::FileGraph*> out;
  for (const auto& f : files) out.push_back(&f);
  return out;
}

WriterOptions Options(const BoltTestServer& server, const std::string& scheme = "bolt") {
  WriterOptions o;
  o.connect.uri = server.Uri(scheme);
  o.connect.user = "neo4j";
  o.connect.password = kPassword;
  o.connect.connect_timeout = std::chrono::milliseconds(15000);
  o.connect.read_timeout = std::chrono::milliseconds(5000);
  o.batch_size = 25;
  o.connections = 2;
  o.backoff_initial = std::chrono::milliseconds(5);
  o.backoff_max = std::chrono::milliseconds(50);
  return o;
}

std::vector<std::string> AuthArgs() { return {"--auth", std::string("neo4j:") + kPassword}; }

/// Loads `files` and returns the writer's status (Write errors first, then Finish).
Status Load(const WriterOptions& options, const Files& files,
            WriterMetrics* metrics = nullptr, std::vector<FileFailure>* failures = nullptr) {
  Result<std::unique_ptr<Writer>> w = MakeWriter(options);
  if (!w.ok()) return w.status();
  Status first;
  for (const auto& f : files) {
    Status s = (*w)->Write(f);
    if (!s.ok() && first.ok()) first = s;
  }
  Status fin = (*w)->Finish();
  if (metrics) *metrics = (*w)->metrics();
  if (failures) *failures = (*w)->failures();
  return first.ok() ? fin : first;
}

#define ASSERT_SERVER(server) ASSERT_TRUE((server).ok()) << (server).error()

TEST(WriterTest, FullLoadEqualsTheInputGraph) {
  BoltTestServer server(AuthArgs());
  ASSERT_SERVER(server);
  auto files = Project();
  WriterMetrics m;
  Status s = Load(Options(server), files, &m);
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::vector<std::string> schema;
  auto actual = server.Graph(&schema);
  auto expected = ExpectedGraph(Ptrs(files));
  EXPECT_EQ(GraphDiff(expected, actual), "");
  EXPECT_EQ(schema.size(), 6u);
  size_t nodes = 0, edges = 0;
  for (const auto& f : files) {
    nodes += f.nodes.size();
    edges += f.edges.size();
  }
  EXPECT_EQ(m.nodes, nodes);
  EXPECT_EQ(m.relationships, edges);
  EXPECT_EQ(m.rows, nodes + edges);
  EXPECT_GT(m.batches, 3u);  // batch_size 25 forces many transactions
  EXPECT_EQ(m.files_written, files.size());
  EXPECT_EQ(m.retries, 0u);
  // Constraints and indexes come before any data statement.
  const std::string log = server.Log();
  const size_t last_schema = log.rfind("CREATE INDEX");
  const size_t first_data = log.find("UNWIND $rows");
  ASSERT_NE(first_data, std::string::npos);
  EXPECT_LT(last_schema, first_data);
  // Parameters, never string-built Cypher: no content id or value appears in a query text.
  EXPECT_EQ(log.find("MERGE (n:`ASTNode` {id: '"), std::string::npos);
}

TEST(WriterTest, SecondLoadChangesNothing) {
  BoltTestServer server(AuthArgs());
  ASSERT_SERVER(server);
  auto files = Project();
  ASSERT_TRUE(Load(Options(server), files).ok());
  auto first = server.Graph();
  const long runs_before = server.Stat("messages.RUN");
  WriterMetrics m;
  ASSERT_TRUE(Load(Options(server), files, &m).ok());
  EXPECT_EQ(server.Graph(), first);
  EXPECT_EQ(m.files_skipped, files.size());
  EXPECT_EQ(m.rows, 0u);
  // Only schema, the hash read and the orphan check ran: no data batch.
  EXPECT_LT(server.Stat("messages.RUN") - runs_before, 12);

  // Overwrite mode rewrites everything and ends with the same graph.
  WriterOptions o = Options(server);
  o.mode = LoadMode::kOverwrite;
  ASSERT_TRUE(Load(o, files, &m).ok());
  EXPECT_EQ(server.Graph(), first);
  EXPECT_EQ(m.files_written, files.size());
}

TEST(WriterTest, IncrementalUpdateEditsAddsAndPrunes) {
  BoltTestServer server(AuthArgs());
  ASSERT_SERVER(server);
  auto v1 = Project(1, 4);
  ASSERT_TRUE(Load(Options(server), v1).ok());

  // mod1 edited (new content, other node types), mod3 deleted, mod9 added; mod0 and mod2 kept.
  Files v2;
  v2.push_back(MakeFile("pkg/mod0.py", 1, 3));
  v2.push_back(MakeFile("pkg/mod1.py", 2, 6, "pkg/mod0.py"));
  v2.push_back(MakeFile("pkg/mod2.py", 1, 5, "pkg/mod1.py"));
  v2.push_back(MakeFile("pkg/mod9.py", 1, 2, "pkg/mod2.py"));
  WriterOptions o = Options(server);
  o.prune = true;
  WriterMetrics m;
  Status s = Load(o, v2, &m);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(m.files_skipped, 2u);
  EXPECT_EQ(m.files_replaced, 1u);
  EXPECT_EQ(m.files_pruned, 1u);
  // mod2 is unchanged and its cross-file edge into mod1's Module survives because Module ids are
  // stable; everything of mod1 v1 and mod3 is gone.
  EXPECT_EQ(GraphDiff(ExpectedGraph(Ptrs(v2)), server.Graph()), "");

  // Without prune a deleted file stays.
  Files v3;
  v3.push_back(MakeFile("pkg/mod0.py", 1, 3));
  ASSERT_TRUE(Load(Options(server), v3).ok());
  EXPECT_EQ(GraphDiff(ExpectedGraph(Ptrs(v2)), server.Graph()), "");

  // Who depends on a file (for the pipeline to re-process them with it).
  Result<std::vector<std::string>> deps = FetchDependents(Options(server).connect, {"pkg/mod1.py"});
  ASSERT_TRUE(deps.ok()) << deps.status().ToString();
  EXPECT_EQ(*deps, std::vector<std::string>{"pkg/mod2.py"});

  // FetchStoredHashes sees what is stored.
  Result<StoredHashes> hashes = FetchStoredHashes(Options(server).connect);
  ASSERT_TRUE(hashes.ok()) << hashes.status().ToString();
  EXPECT_EQ(hashes->size(), 4u);
  EXPECT_EQ(hashes->count("pkg/mod9.py"), 1u);
}

TEST(WriterTest, MarkUnchangedKeepsFilesFromPrune) {
  BoltTestServer server(AuthArgs());
  ASSERT_SERVER(server);
  auto v1 = Project(1, 3);
  ASSERT_TRUE(Load(Options(server), v1).ok());
  WriterOptions o = Options(server);
  o.prune = true;
  Result<std::unique_ptr<Writer>> w = MakeWriter(o);
  ASSERT_TRUE(w.ok());
  (*w)->MarkUnchanged("pkg/mod0.py");  // the pipeline skipped it before parsing
  ASSERT_TRUE((*w)->Write(v1[1]).ok());
  ASSERT_TRUE((*w)->Finish().ok());
  EXPECT_EQ((*w)->metrics().files_pruned, 1u);  // only mod2
  EXPECT_EQ(GraphDiff(ExpectedGraph({&v1[0], &v1[1]}), server.Graph()), "");
}

struct FaultCase {
  const char* name;
  const char* faults;
};

class FaultTest : public ::testing::TestWithParam<FaultCase> {};

TEST_P(FaultTest, NothingLostNothingDuplicated) {
  BoltTestServer server(AuthArgs());
  ASSERT_SERVER(server);
  ASSERT_TRUE(server.SetFaults(GetParam().faults));
  auto files = Project();
  WriterMetrics m;
  std::vector<FileFailure> failures;
  Status s = Load(Options(server), files, &m, &failures);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(failures.empty());
  EXPECT_GE(m.retries, 1u) << "the fault did not fire";
  EXPECT_EQ(GraphDiff(ExpectedGraph(Ptrs(files)), server.Graph()), "");
}

INSTANTIATE_TEST_SUITE_P(
    Faults, FaultTest,
    ::testing::Values(
        FaultCase{"TransientOnRun",
                  R"([{"on":"RUN","nth":9,"match":"UNWIND","action":"failure","code":"Neo.TransientError.Transaction.DeadlockDetected"}])"},
        FaultCase{"TransientOnCommit",
                  R"([{"on":"COMMIT","nth":4,"times":2,"action":"failure","code":"Neo.TransientError.General.DatabaseUnavailable"}])"},
        FaultCase{"DroppedMidBatch", R"([{"on":"RUN","nth":12,"match":"UNWIND","action":"drop"}])"},
        FaultCase{"DroppedAfterCommitApplied", R"([{"on":"COMMIT","nth":5,"action":"drop_after"}])"},
        FaultCase{"DroppedOnBegin", R"([{"on":"BEGIN","nth":3,"action":"drop"}])"},
        FaultCase{"SlowReplyPastTheReadTimeout",
                  R"([{"on":"RUN","nth":10,"action":"delay","ms":6000}])"},
        FaultCase{"FailureOnTheSourceFileBatch",
                  R"([{"on":"RUN","nth":2,"match":"SourceFile","action":"failure","code":"Neo.TransientError.Transaction.Outdated"}])"}),
    [](const auto& info) { return info.param.name; });

TEST(WriterTest, SlowRepliesWithinTheTimeoutAreNotRetried) {
  BoltTestServer server(AuthArgs());
  ASSERT_SERVER(server);
  ASSERT_TRUE(server.SetFaults(R"([{"on":"RUN","nth":5,"times":3,"action":"delay","ms":300}])"));
  auto files = Project(1, 2);
  WriterMetrics m;
  ASSERT_TRUE(Load(Options(server), files, &m).ok());
  EXPECT_EQ(m.retries, 0u);
  EXPECT_EQ(GraphDiff(ExpectedGraph(Ptrs(files)), server.Graph()), "");
}

TEST(WriterTest, AuthFailureIsReportedOnceAndNeverRetried) {
  BoltTestServer server(AuthArgs());
  ASSERT_SERVER(server);
  LogSink logs;
  WriterOptions o = Options(server);
  o.connect.password = "not-the-password";
  o.connect.log = logs.Fn();
  o.log = logs.Fn();
  Result<std::unique_ptr<Writer>> w = MakeWriter(o);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), ErrorCode::kNeo4jAuth);
  EXPECT_NE(w.status().message().find("Neo.ClientError.Security.Unauthorized"), std::string::npos);
  EXPECT_EQ(server.Stat("messages.LOGON") + server.Stat("messages.HELLO") , 2);  // one HELLO + LOGON
  EXPECT_EQ(w.status().message().find("not-the-password"), std::string::npos);
  EXPECT_EQ(logs.text.find("not-the-password"), std::string::npos);
}

TEST(WriterTest, AuthFailureMidLoadStopsTheLoad) {
  BoltTestServer server(AuthArgs());
  ASSERT_SERVER(server);
  // The credentials stop working mid-load (a password change, an expired token).
  ASSERT_TRUE(server.SetFaults(
      R"([{"on":"RUN","nth":12,"action":"failure","code":"Neo.ClientError.Security.Unauthorized"}])"));
  WriterOptions o = Options(server);
  o.connections = 1;
  auto files = Project();
  std::vector<FileFailure> failures;
  WriterMetrics m;
  Status s = Load(o, files, &m, &failures);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kNeo4jAuth);
  EXPECT_EQ(m.retries, 0u);
  EXPECT_FALSE(failures.empty());
  EXPECT_NE(s.message().find("Neo.ClientError.Security.Unauthorized"), std::string::npos);
}

TEST(WriterTest, ClientErrorsAreNotRetriedAndNameTheFiles) {
  BoltTestServer server(AuthArgs());
  ASSERT_SERVER(server);
  ASSERT_TRUE(server.SetFaults(
      R"([{"on":"RUN","nth":1,"match":"FunctionDef","action":"failure","code":"Neo.ClientError.Statement.TypeError","message":"bad value"}])"));
  auto files = Project(1, 2);
  WriterOptions o = Options(server);
  o.connections = 1;
  o.batch_size = 1000;  // one job: both files fail together
  WriterMetrics m;
  std::vector<FileFailure> failures;
  Status s = Load(o, files, &m, &failures);
  EXPECT_TRUE(s.ok()) << "a query error concerns its files only: " << s.ToString();
  EXPECT_EQ(m.retries, 0u);
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_EQ(failures[0].status.code(), ErrorCode::kNeo4jQuery);
  EXPECT_NE(failures[0].status.message().find("Neo.ClientError.Statement.TypeError: bad value"),
            std::string::npos);
  // The failed files were not marked stored: a second run writes them.
  ASSERT_TRUE(server.SetFaults("[]"));
  ASSERT_TRUE(Load(o, files, &m).ok());
  EXPECT_EQ(m.files_written, 2u);
  EXPECT_EQ(GraphDiff(ExpectedGraph(Ptrs(files)), server.Graph()), "");
}

TEST(WriterTest, TerminatedIsNotRetried) {
  BoltTestServer server(AuthArgs());
  ASSERT_SERVER(server);
  ASSERT_TRUE(server.SetFaults(
      R"([{"on":"RUN","nth":1,"match":"UNWIND","action":"failure","code":"Neo.TransientError.Transaction.Terminated"}])"));
  WriterOptions o = Options(server);
  o.connections = 1;
  WriterMetrics m;
  std::vector<FileFailure> failures;
  (void)Load(o, Project(1, 2), &m, &failures);
  EXPECT_EQ(m.retries, 0u);
  EXPECT_FALSE(failures.empty());
}

TEST(WriterTest, RetriesAreBoundedAndReported) {
  BoltTestServer server(AuthArgs());
  ASSERT_SERVER(server);
  ASSERT_TRUE(server.SetFaults(
      R"([{"on":"RUN","nth":1,"times":-1,"match":"UNWIND","action":"failure","code":"Neo.TransientError.General.DatabaseUnavailable"}])"));
  WriterOptions o = Options(server);
  o.connections = 1;
  o.retries = 3;
  WriterMetrics m;
  std::vector<FileFailure> failures;
  Status s = Load(o, Project(1, 2), &m, &failures);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kNeo4jRetries);
  EXPECT_NE(s.message().find("after 4 attempts"), std::string::npos) << s.message();
  EXPECT_EQ(m.retries, 3u);
  EXPECT_EQ(failures.size(), 2u);
}

TEST(WriterTest, UnreachableServerFailsFast) {
  int port;
  {
    BoltTestServer server({});
    ASSERT_SERVER(server);
    port = server.port();
  }  // closed: nothing listens there now
  WriterOptions o;
  o.connect.uri = "bolt://127.0.0.1:" + std::to_string(port);
  o.connect.connect_timeout = std::chrono::milliseconds(2000);
  const auto t0 = std::chrono::steady_clock::now();
  Result<std::unique_ptr<Writer>> w = MakeWriter(o);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), ErrorCode::kNeo4jConnection);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
}

TEST(WriterTest, RoutingSendsWritesToTheLeaderAndFollowsItsChanges) {
  BoltTestServer server({"--cluster", "3", "--ttl", "300"});
  ASSERT_SERVER(server);
  // The leader moves after the 3rd commit: the next writes get NotALeader, the table is
  // refreshed, and the load goes on with the new leader.
  ASSERT_TRUE(server.SetFaults(R"([{"on":"COMMIT","nth":3,"action":"switch_leader"}])"));
  WriterOptions o = Options(server, "neo4j");
  o.connect.uri = "neo4j://127.0.0.1:" + std::to_string(server.port(1));  // seed: a follower
  LogSink logs;
  o.connect.log = logs.Fn();
  auto files = Project();
  WriterMetrics m;
  Status s = Load(o, files, &m);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_GE(m.retries, 1u);
  EXPECT_EQ(GraphDiff(ExpectedGraph(Ptrs(files)), server.Graph()), "");
  const std::string log = server.Log();
  EXPECT_NE(log.find("\"msg\":\"ROUTE\""), std::string::npos);
  EXPECT_NE(log.find("NotALeader"), std::string::npos);
  EXPECT_NE(logs.text.find("routing table"), std::string::npos);
}

TEST(WriterTest, WrongDatabaseIsAClientError) {
  BoltTestServer server(AuthArgs());
  ASSERT_SERVER(server);
  WriterOptions o = Options(server);
  o.connect.database = "nosuchdb";
  Result<std::unique_ptr<Writer>> w = MakeWriter(o);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("Neo.ClientError.Database.DatabaseNotFound"),
            std::string::npos);
}

TEST(WriterTest, NoSecretInAnyLog) {
  BoltTestServer server(AuthArgs());
  ASSERT_SERVER(server);
  ASSERT_TRUE(server.SetFaults(
      R"([{"on":"RUN","nth":3,"match":"UNWIND","action":"failure","code":"Neo.TransientError.Transaction.DeadlockDetected"}])"));
  LogSink logs;
  WriterOptions o = Options(server);
  o.connect.log = logs.Fn();
  o.log = logs.Fn();
  WriterMetrics m;
  ASSERT_TRUE(Load(o, Project(1, 2), &m).ok());
  EXPECT_NE(logs.text.find("HELLO"), std::string::npos);
  EXPECT_NE(logs.text.find("LOGON"), std::string::npos);
  EXPECT_NE(logs.text.find("retrying"), std::string::npos);
  EXPECT_EQ(logs.text.find(kPassword), std::string::npos);
  // The server logs every message with the credentials field redacted: the password must not
  // have travelled in any other field (user agent, queries, parameters, metadata).
  const std::string server_log = server.Log();
  EXPECT_NE(server_log.find("<redacted>"), std::string::npos);
  EXPECT_EQ(server_log.find(kPassword), std::string::npos);
}

// ---- Credentials -----------------------------------------------------------------------------

class EnvGuard {
 public:
  explicit EnvGuard(std::vector<const char*> names) {
    for (const char* n : names) {
      const char* v = std::getenv(n);
      saved_.emplace_back(n, v ? std::optional<std::string>(v) : std::nullopt);
      unsetenv(n);
    }
  }
  ~EnvGuard() {
    for (auto& [n, v] : saved_) {
      if (v) {
        setenv(n.c_str(), v->c_str(), 1);
      } else {
        unsetenv(n.c_str());
      }
    }
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST(CredentialsTest, PasswordFileMustBePrivate) {
  EnvGuard env({"NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_PASSWORD_FILE", "NEO4J_DATABASE"});
  TempDir dir;
  const std::string file = dir.File("pw");
  std::ofstream(file) << kPassword << "\n";
  chmod(file.c_str(), 0644);
  setenv("NEO4J_PASSWORD_FILE", file.c_str(), 1);
  Result<ConnectOptions> o = FromEnvironment("", "");
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), ErrorCode::kUsage);
  EXPECT_NE(o.status().message().find("0644"), std::string::npos) << o.status().message();
  EXPECT_NE(o.status().message().find("chmod 600"), std::string::npos);
  EXPECT_EQ(o.status().message().find(kPassword), std::string::npos);
  chmod(file.c_str(), 0640);
  EXPECT_FALSE(FromEnvironment("", "").ok());
  chmod(file.c_str(), 0600);
  o = FromEnvironment("", "");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->password, kPassword);  // trailing newline stripped
  chmod(file.c_str(), 0400);
  EXPECT_TRUE(FromEnvironment("", "").ok());
  // NEO4J_PASSWORD wins over the file; flags win over NEO4J_URI / NEO4J_USERNAME.
  setenv("NEO4J_PASSWORD", "from-env", 1);
  setenv("NEO4J_URI", "neo4j+s://db.example:7688", 1);
  setenv("NEO4J_USERNAME", "envuser", 1);
  o = FromEnvironment("", "");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->password, "from-env");
  EXPECT_EQ(o->uri, "neo4j+s://db.example:7688");
  EXPECT_EQ(o->user, "envuser");
  o = FromEnvironment("bolt://127.0.0.1:1234", "flaguser");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->uri, "bolt://127.0.0.1:1234");
  EXPECT_EQ(o->user, "flaguser");
}

TEST(CredentialsTest, UrisAreCheckedWithoutEchoingSecrets) {
  EXPECT_TRUE(ValidateUri("bolt://localhost").ok());
  EXPECT_TRUE(ValidateUri("neo4j+ssc://[::1]:7687").ok());
  EXPECT_TRUE(ValidateUri("neo4j://h:1?policy=eu").ok());
  EXPECT_FALSE(ValidateUri("http://localhost:7474").ok());
  EXPECT_FALSE(ValidateUri("bolt://localhost:0").ok());
  EXPECT_FALSE(ValidateUri("bolt://localhost:99999").ok());
  EXPECT_FALSE(ValidateUri("bolt://:7687").ok());
  EXPECT_FALSE(ValidateUri("bolt://h:1?policy=eu").ok());  // routing context needs neo4j://
  Status s = ValidateUri("bolt://neo4j:hunter2@localhost");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace ast2graph::neo4j

namespace ast2graph::neo4j {
namespace {

TEST(LinkTest, ImportsOfModulesFromOtherShardsPointAtTheirModuleNode) {
  BoltTestServer server(AuthArgs());
  ASSERT_SERVER(server);
  // Shard 1 holds pkg/mod0.py. Shard 2 holds pkg/mod1.py, which imports pkg/mod0 but did not
  // have it, so it recorded an ExternalModule.
  Files shard1;
  shard1.push_back(MakeFile("pkg/mod0.py", 1, 3));
  Files shard2;
  testing::FileBuilder b("pkg/mod1.py");
  const graph::Id file = testing::TestId("file pkg/mod1.py");
  b.Node(graph::NodeLabel::kSourceFile, "", file,
         {{graph::NodeProp::source_id, "pkg/mod1.py"}, {graph::NodeProp::module, "pkg/mod1"},
          {graph::NodeProp::content_hash, "00"}, {graph::NodeProp::status, "ok"}});
  const graph::Id module = b.Node(graph::NodeLabel::kASTNode, "Module", testing::ModuleIdOf("pkg/mod1.py"),
                                  {{graph::NodeProp::node_type, "Module"}, {graph::NodeProp::source_id, "pkg/mod1.py"}});
  b.Edge(graph::EdgeType::kChild, file, module, {{graph::EdgeProp::field, "module"}});
  const graph::Id alias = b.Node(graph::NodeLabel::kASTNode, "alias", testing::TestId("mod1 alias"),
                                 {{graph::NodeProp::node_type, "alias"}, {graph::NodeProp::source_id, "pkg/mod1.py"},
                                  {graph::NodeProp::value, "pkg.mod0"}});
  b.Edge(graph::EdgeType::kChild, module, alias, {{graph::EdgeProp::field, "body"}}, {{graph::EdgeProp::index, 0}});
  const graph::Id ext = b.Node(graph::NodeLabel::kExternalModule, "", testing::TestId("external pkg/mod0"),
                               {{graph::NodeProp::module, "pkg/mod0"}});
  b.Edge(graph::EdgeType::kDependsOn, alias, ext,
         {{graph::EdgeProp::type, "import"}, {graph::EdgeProp::name, "pkg.mod0"}});
  shard2.push_back(b.Take());
  ASSERT_TRUE(Load(Options(server), shard1).ok());
  ASSERT_TRUE(Load(Options(server), shard2).ok());
  const size_t before = server.Graph().size();

  Result<LinkReport> r = Link(Options(server).connect);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->edges_created, 1u);
  EXPECT_EQ(r->external_modules_removed, 1u);
  auto graph = server.Graph();
  EXPECT_EQ(graph.size(), before - 1);  // one edge replaced, one ExternalModule gone
  const std::string new_id =
      LinkEdgeId(alias, testing::ModuleIdOf("pkg/mod0.py"), "import").Hex();
  bool found = false;
  for (const auto& line : graph) {
    if (line.find(new_id) != std::string::npos) {
      found = true;
      EXPECT_NE(line.find("\"end\":\"" + testing::ModuleIdOf("pkg/mod0.py").Hex()), std::string::npos);
    }
    EXPECT_EQ(line.find(ext.Hex()), std::string::npos) << line;
  }
  EXPECT_TRUE(found);
  // Linking again changes nothing.
  Result<LinkReport> again = Link(Options(server).connect);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->edges_created, 0u);
  EXPECT_EQ(server.Graph(), graph);
}

}  // namespace
}  // namespace ast2graph::neo4j

namespace ast2graph::neo4j {
namespace {

// A run cut off at any point (the server goes away for good: every later message drops the
// connection, no retry helps) and started again ends with exactly the graph of an uninterrupted
// run: a file counts as stored only once its SourceFile is committed, and that is last.
class InterruptTest : public ::testing::TestWithParam<int> {};

TEST_P(InterruptTest, RerunAfterACutGivesTheSameGraph) {
  BoltTestServer server(AuthArgs());
  ASSERT_SERVER(server);
  auto v1 = Project(1, 4);
  ASSERT_TRUE(Load(Options(server), v1).ok());
  // The edit: two files change, one is new; the cut happens while writing it.
  Files v2;
  v2.push_back(MakeFile("pkg/mod0.py", 1, 3));
  v2.push_back(MakeFile("pkg/mod1.py", 2, 7, "pkg/mod0.py"));
  v2.push_back(MakeFile("pkg/mod2.py", 2, 2, "pkg/mod1.py"));
  v2.push_back(MakeFile("pkg/mod3.py", 1, 6, "pkg/mod2.py"));
  v2.push_back(MakeFile("pkg/mod7.py", 1, 4, "pkg/mod3.py"));
  const std::string cut = R"([{"on":"RUN","nth":)" + std::to_string(GetParam()) +
                          R"(,"times":-1,"action":"drop"}])";
  ASSERT_TRUE(server.SetFaults(cut));
  WriterOptions o = Options(server);
  o.retries = 1;
  o.prune = true;
  Status first = Load(o, v2);
  EXPECT_FALSE(first.ok()) << "the cut at RUN " << GetParam() << " did not interrupt the run";
  ASSERT_TRUE(server.SetFaults("[]"));
  WriterMetrics m;
  Status again = Load(o, v2, &m);
  ASSERT_TRUE(again.ok()) << again.ToString();
  EXPECT_EQ(GraphDiff(ExpectedGraph(Ptrs(v2)), server.Graph()), "");
}

// RUN 1-6 are the schema, 7 the stored-hash read; later ones cut deletes, nodes, edges, finals.
INSTANTIATE_TEST_SUITE_P(CutPoints, InterruptTest, ::testing::Values(3, 8, 10, 13, 17, 22, 28));

}  // namespace
}  // namespace ast2graph::neo4j
