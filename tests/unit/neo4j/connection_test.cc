// One Bolt connection against the test server: version negotiation, the server state machine,
// streaming with PULL n, ROUTE, server hints and timeouts, TLS.
#include <gtest/gtest.h>

#include <cstdlib>

#include "neo4j/bolt.h"
#include "neo4j/pool.h"
#include "test_server.h"

namespace ast2graph::neo4j {
namespace {

using testing::BoltTestServer;
using testing::TempDir;

ConnectionConfig Config(const std::string& password = "pw") {
  ConnectionConfig c;
  c.auth = {"neo4j", password};
  // Generous: the suite also runs under ASan on a loaded 2-core machine (TLS handshakes).
  c.connect_timeout = std::chrono::milliseconds(15000);
  c.read_timeout = std::chrono::milliseconds(15000);
  return c;
}

Endpoint At(const BoltTestServer& s, size_t member = 0) {
  return Endpoint{"127.0.0.1", static_cast<uint16_t>(s.port(member))};
}

#define ASSERT_SERVER(server) ASSERT_TRUE((server).ok()) << (server).error()

struct VersionCase {
  const char* offered;
  const char* expected;
};

class VersionTest : public ::testing::TestWithParam<VersionCase> {};

TEST_P(VersionTest, NegotiatesAndAuthenticates) {
  BoltTestServer server({"--versions", GetParam().offered, "--auth", "neo4j:pw"});
  ASSERT_SERVER(server);
  Result<std::unique_ptr<Connection>> c = Connection::Open(At(server), Config());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ((*c)->version().ToString(), GetParam().expected);
  Result<TxResult> r = (*c)->RunTransaction(
      {}, {Statement::FromMap("UNWIND $xs AS x RETURN x * 2 AS y", Map{{"xs", List{1, 2, 3}}}, -1)});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->statements[0].records.size(), 3u);
  EXPECT_EQ(r->statements[0].records[2][0], Value(6));
  EXPECT_EQ(r->statements[0].keys, std::vector<std::string>{"y"});
  EXPECT_FALSE(r->bookmark.empty());
  // Auth travels in HELLO up to 5.0, in LOGON from 5.1.
  const std::string log = server.Log();
  const bool logon = std::string(GetParam().expected) >= "5.1";
  EXPECT_EQ(log.find("\"msg\":\"LOGON\"") != std::string::npos, logon) << log.substr(0, 2000);
}

INSTANTIATE_TEST_SUITE_P(Versions, VersionTest,
                         ::testing::Values(VersionCase{"5.4", "5.4"}, VersionCase{"5.3", "5.3"},
                                           VersionCase{"5.2", "5.2"}, VersionCase{"5.1", "5.1"},
                                           VersionCase{"5.0", "5.0"}, VersionCase{"4.4", "4.4"}),
                         [](const auto& info) {
                           std::string n = info.param.expected;
                           n[1] = '_';
                           return "Bolt" + n;
                         });

TEST(ConnectionTest, NoCommonVersionIsAClearError) {
  BoltTestServer server({"--versions", "4.3"});
  ASSERT_SERVER(server);
  Result<std::unique_ptr<Connection>> c = Connection::Open(At(server), Config());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), ErrorCode::kNeo4jConnection);
  EXPECT_NE(c.status().message().find("none of the Bolt versions"), std::string::npos);
}

TEST(ConnectionTest, FailureThenIgnoredUntilReset) {
  BoltTestServer server({});
  ASSERT_SERVER(server);
  Result<std::unique_ptr<Connection>> c = Connection::Open(At(server), Config());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  Connection& conn = **c;
  // The bad statement fails; the DISCARD and COMMIT pipelined after it are IGNORED by the server.
  Result<TxResult> r = conn.RunTransaction(
      {}, {Statement{"MERGE (n:X {id: 'a'})", {}, 0, 1000}, Statement{"NOT CYPHER", {}, 0, 1000},
           Statement{"MERGE (n:X {id: 'b'})", {}, 0, 1000}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNeo4jQuery);
  EXPECT_EQ(ServerCode(r.status()), "Neo.ClientError.Statement.SyntaxError");
  EXPECT_EQ(conn.state(), Connection::State::kFailed);
  EXPECT_EQ(conn.last_error().server_code, "Neo.ClientError.Statement.SyntaxError");
  const std::string log = server.Log();
  EXPECT_NE(log.find("\"msg\":\"IGNORED\""), std::string::npos);
  // A failed connection refuses work until RESET.
  EXPECT_FALSE(conn.RunTransaction({}, {Statement{"RETURN 1 AS x", {}, -1, 10}}).ok());
  ASSERT_TRUE(conn.Reset().ok());
  EXPECT_EQ(conn.state(), Connection::State::kReady);
  Result<TxResult> count = conn.RunTransaction(
      {}, {Statement{"MATCH (n:X) RETURN count(n) AS c", {}, -1, 10}});
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(count->statements[0].records[0][0], Value(0));  // the failed transaction rolled back
}

TEST(ConnectionTest, StreamsWithPullNAndHasMore) {
  BoltTestServer server({});
  ASSERT_SERVER(server);
  Result<std::unique_ptr<Connection>> c = Connection::Open(At(server), Config());
  ASSERT_TRUE(c.ok());
  Statement st = Statement::FromMap("UNWIND range AS x RETURN x", Map{}, -1);
  st.query = "UNWIND $xs AS x RETURN x";
  List xs;
  for (int i = 0; i < 25; ++i) xs.emplace_back(i);
  st = Statement::FromMap(st.query, Map{{"xs", xs}}, -1);
  st.fetch_size = 7;
  std::vector<int64_t> got;
  Status s = (*c)->Stream({}, st, [&](const List& r) { got.push_back(*r[0].AsInt()); });
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(got.size(), 25u);
  EXPECT_EQ(got[24], 24);
  // 25 records in pulls of 7: four PULLs.
  size_t pulls = 0;
  const std::string log = server.Log();
  for (size_t at = log.find("\"msg\":\"PULL\""); at != std::string::npos;
       at = log.find("\"msg\":\"PULL\"", at + 1)) {
    ++pulls;
  }
  EXPECT_EQ(pulls, 4u);
}

TEST(ConnectionTest, DecodesGraphStructuresInRecords) {
  BoltTestServer server({});
  ASSERT_SERVER(server);
  Result<std::unique_ptr<Connection>> c = Connection::Open(At(server), Config());
  ASSERT_TRUE(c.ok());
  Result<TxResult> r = (*c)->RunTransaction(
      {}, {Statement{"CREATE (a:A {k: 1})-[r:R {w: 'x'}]->(b:B) RETURN a, r, b", {}, -1, 100}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const List& rec = r->statements[0].records.at(0);
  Result<NodeValue> a = AsNode(rec[0]);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->labels, std::vector<std::string>{"A"});
  EXPECT_FALSE(a->element_id.empty());
  Result<RelationshipValue> rel = AsRelationship(rec[1]);
  ASSERT_TRUE(rel.ok());
  EXPECT_EQ(rel->type, "R");
  EXPECT_EQ(rel->start, a->id);
}

TEST(ConnectionTest, RouteReturnsTheClusterTable) {
  BoltTestServer server({"--cluster", "3", "--ttl", "42"});
  ASSERT_SERVER(server);
  ConnectionConfig cfg = Config();
  cfg.routing_context = Map{{"address", "127.0.0.1:" + std::to_string(server.port(0))}};
  Result<std::unique_ptr<Connection>> c = Connection::Open(At(server, 2), cfg);
  ASSERT_TRUE(c.ok());
  Result<RoutingTable> t = (*c)->Route(*cfg.routing_context, {}, "");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->ttl_seconds, 42);
  ASSERT_EQ(t->writers.size(), 1u);
  EXPECT_EQ(t->writers[0].port, server.port(0));
  EXPECT_EQ(t->routers.size(), 3u);
  EXPECT_EQ(t->readers.size(), 2u);
  // A write on a follower: NotALeader, classified as "refresh the routing table".
  Result<TxResult> w = (*c)->RunTransaction({}, {Statement{"CREATE (n:X)", {}, 0, 1}});
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(ServerCode(w.status()), "Neo.ClientError.Cluster.NotALeader");
  EXPECT_EQ(Classify(w.status()), FailureClass::kRoutingStale);
}

TEST(ConnectionTest, ServerHintBoundsTheReadTimeout) {
  BoltTestServer server({"--recv-timeout", "1"});
  ASSERT_SERVER(server);
  ConnectionConfig cfg = Config();
  cfg.read_timeout = std::chrono::milliseconds(0);  // no limit of our own: the hint applies
  Result<std::unique_ptr<Connection>> c = Connection::Open(At(server), cfg);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->read_timeout(), std::chrono::milliseconds(1000));
  ASSERT_TRUE(server.SetFaults(R"([{"on":"RUN","action":"delay","ms":3000}])"));
  const auto t0 = std::chrono::steady_clock::now();
  Result<TxResult> r = (*c)->RunTransaction({}, {Statement{"RETURN 1 AS x", {}, -1, 1}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNeo4jConnection);
  EXPECT_NE(r.status().message().find("timed out"), std::string::npos);
  EXPECT_EQ((*c)->state(), Connection::State::kDefunct);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(2500));
}

TEST(ConnectionTest, ConnectTimeoutOnAnUnroutableAddress) {
  // 127.0.0.1 port 1 refuses at once; a closed port must give a connection error quickly.
  ConnectionConfig cfg = Config();
  cfg.connect_timeout = std::chrono::milliseconds(500);
  Result<std::unique_ptr<Connection>> c = Connection::Open(Endpoint{"127.0.0.1", 1}, cfg);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), ErrorCode::kNeo4jConnection);
}

TEST(ConnectionTest, ReauthenticatesWithLogoffLogon) {
  BoltTestServer server({"--auth", "neo4j:pw"});
  ASSERT_SERVER(server);
  Result<std::unique_ptr<Connection>> c = Connection::Open(At(server), Config());
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE((*c)->Reauthenticate({"neo4j", "pw"}).ok());
  Status bad = (*c)->Reauthenticate({"neo4j", "nope"});
  EXPECT_EQ(bad.code(), ErrorCode::kNeo4jAuth);
  EXPECT_EQ((*c)->state(), Connection::State::kDefunct);
}

// ---- TLS -------------------------------------------------------------------------------------

/// A throw-away CA and a server certificate for 127.0.0.1/localhost, made with the openssl CLI.
class Certificates {
 public:
  Certificates() {
    const std::string d = dir_.path();
    const std::string cmd =
        "cd " + d + " && "
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 "
        "-subj /CN=a2g-test-ca >/dev/null 2>&1 && "
        "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
        "-subj /CN=localhost >/dev/null 2>&1 && "
        "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > san.ext && "
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
        "-extfile san.ext -out server.pem >/dev/null 2>&1 && "
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days 2 "
        "-subj /CN=elsewhere.example -addext subjectAltName=DNS:elsewhere.example >/dev/null 2>&1";
    ok_ = std::system(cmd.c_str()) == 0;
  }
  bool ok() const { return ok_; }
  std::string File(const std::string& n) const { return dir_.File(n); }

 private:
  TempDir dir_;
  bool ok_ = false;
};

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* v = std::getenv(name)) old_ = v;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(TlsTest, VerifiedAndSelfSignedModes) {
  Certificates certs;
  ASSERT_TRUE(certs.ok()) << "openssl CLI failed (tools/install-deps.sh installs openssl)";
  BoltTestServer server({"--tls-cert", certs.File("server.pem"), "--tls-key", certs.File("server.key")});
  ASSERT_SERVER(server);

  // +ssc: encrypted, any certificate.
  ConnectionConfig ssc = Config();
  ssc.tls = TlsMode::kTrustAny;
  Result<std::unique_ptr<Connection>> c = Connection::Open(At(server), ssc);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE((*c)->RunTransaction({}, {Statement{"RETURN 1 AS x", {}, -1, 1}}).ok());

  // +s: our CA is not in the system store, so verification fails...
  ConnectionConfig verify = Config();
  verify.tls = TlsMode::kVerify;
  Result<std::unique_ptr<Connection>> bad = Connection::Open(At(server), verify);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("certificate"), std::string::npos)
      << bad.status().message();
  {
    // ... and succeeds when the CA store is ours (OpenSSL honours SSL_CERT_FILE), by IP and name.
    ScopedEnv ca("SSL_CERT_FILE", certs.File("ca.pem"));
    Result<std::unique_ptr<Connection>> good = Connection::Open(At(server), verify);
    ASSERT_TRUE(good.ok()) << good.status().ToString();
    Result<std::unique_ptr<Connection>> by_name = Connection::Open(
        Endpoint{"localhost", static_cast<uint16_t>(server.port())}, verify);
    EXPECT_TRUE(by_name.ok()) << by_name.status().ToString();
  }
}

TEST(TlsTest, HostnameMismatchIsRefused) {
  Certificates certs;
  ASSERT_TRUE(certs.ok());
  BoltTestServer server({"--tls-cert", certs.File("other.pem"), "--tls-key", certs.File("other.key")});
  ASSERT_SERVER(server);
  ScopedEnv ca("SSL_CERT_FILE", certs.File("other.pem"));  // trusted, but for another name
  ConnectionConfig verify = Config();
  verify.tls = TlsMode::kVerify;
  Result<std::unique_ptr<Connection>> c = Connection::Open(At(server), verify);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("address mismatch"), std::string::npos)
      << c.status().message();
  ConnectionConfig ssc = Config();
  ssc.tls = TlsMode::kTrustAny;
  EXPECT_TRUE(Connection::Open(At(server), ssc).ok());
}

TEST(TlsTest, PlainClientToTlsServerFailsCleanly) {
  Certificates certs;
  ASSERT_TRUE(certs.ok());
  BoltTestServer server({"--tls-cert", certs.File("server.pem"), "--tls-key", certs.File("server.key")});
  ASSERT_SERVER(server);
  Result<std::unique_ptr<Connection>> c = Connection::Open(At(server), Config());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), ErrorCode::kNeo4jConnection);
}

}  // namespace
}  // namespace ast2graph::neo4j
