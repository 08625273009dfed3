// One Bolt connection: handshake (5.4 down to 5.0, then 4.4), HELLO/LOGON, explicit
// transactions (BEGIN, RUN, PULL n, DISCARD n, COMMIT, ROLLBACK), RESET, GOODBYE, ROUTE.
//
// The client mirrors the server's state machine: after a FAILURE the server IGNOREs everything
// until RESET, so a failed connection is marked and must be Reset() before reuse; an I/O or
// protocol error makes it defunct (never reused). Requests are pipelined: a whole write
// transaction goes out in one write and its replies are read afterwards.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ast2graph/status.h"
#include "neo4j/chunking.h"
#include "neo4j/packstream.h"
#include "neo4j/transport.h"

namespace ast2graph::neo4j {

/// Bolt message signatures.
namespace msg {
inline constexpr uint8_t kHello = 0x01;
inline constexpr uint8_t kGoodbye = 0x02;
inline constexpr uint8_t kReset = 0x0F;
inline constexpr uint8_t kRun = 0x10;
inline constexpr uint8_t kBegin = 0x11;
inline constexpr uint8_t kCommit = 0x12;
inline constexpr uint8_t kRollback = 0x13;
inline constexpr uint8_t kDiscard = 0x2F;
inline constexpr uint8_t kPull = 0x3F;
inline constexpr uint8_t kTelemetry = 0x54;
inline constexpr uint8_t kRoute = 0x66;
inline constexpr uint8_t kLogon = 0x6A;
inline constexpr uint8_t kLogoff = 0x6B;
inline constexpr uint8_t kSuccess = 0x70;
inline constexpr uint8_t kRecord = 0x71;
inline constexpr uint8_t kIgnored = 0x7E;
inline constexpr uint8_t kFailure = 0x7F;
}  // namespace msg

/// Name of a request or response signature ("HELLO", "SUCCESS", ...).
const char* MessageName(uint8_t signature);

struct BoltVersion {
  int major = 0;
  int minor = 0;
  bool AtLeast(int ma, int mi) const { return major > ma || (major == ma && minor >= mi); }
  std::string ToString() const;
};

/// The 20 handshake bytes we send: magic, then 5.4-5.0 as one range, 4.4, and two empty slots.
std::string HandshakeBytes();
/// Parses the server's 4-byte answer; error if it picked nothing or something we did not offer.
Result<BoltVersion> ParseHandshakeReply(std::string_view reply);

/// Encodes one request (a structure with the given fields) as an unchunked message.
std::string EncodeMessage(uint8_t signature, const std::vector<Value>& fields);

struct Credentials {
  std::string user;
  std::string password;  // never logged: messages carrying it are redacted before logging
};

struct ConnectionConfig {
  TlsMode tls = TlsMode::kNone;
  Credentials auth;
  std::string user_agent = "ast2graph/0.1";
  /// Sent in HELLO for neo4j:// so a cluster knows the client routes ({"address": "h:p"}).
  std::optional<Map> routing_context;
  std::chrono::milliseconds connect_timeout{5000};
  /// 0 = wait forever unless the server hints `connection.recv_timeout_seconds`; else the
  /// smaller of this and the hint.
  std::chrono::milliseconds read_timeout{0};
  /// Every message sent and received, one line each, secrets redacted. May be empty.
  std::function<void(std::string_view)> log;
  DecodeLimits limits;
};

/// A server FAILURE or a local error. `server_code` is the Neo4j status code
/// ("Neo.ClientError.Security.Unauthorized"), empty for local/connection errors.
struct BoltError {
  std::string server_code;
  std::string message;
  bool connection_lost = false;
};

/// Status for a server failure: kNeo4jAuth for Neo.ClientError.Security.*, else kNeo4jQuery;
/// the message is "<server code>: <server message>".
Status StatusFromFailure(const std::string& code, const std::string& message);
/// The Neo4j status code at the start of a Status message made by StatusFromFailure ("" if none).
std::string ServerCode(const Status& status);

/// Per-statement outcome of a transaction.
struct StatementResult {
  std::vector<std::string> keys;
  std::vector<List> records;
  Map summary;                 // the final SUCCESS metadata of PULL/DISCARD
  int64_t available_after_ms = 0;  // t_first: server time until the first record
  int64_t consumed_after_ms = 0;   // t_last: server time to consume the result
};

/// One query: Cypher text plus its parameters as an already encoded PackStream map (so rows can
/// be encoded straight from graph records).
struct Statement {
  std::string query;
  std::string packed_parameters;  // a PackStream map; empty means {}
  /// Records to fetch: -1 = all (PULL), 0 = none (DISCARD; for writes).
  int64_t fetch = 0;
  /// PULL batch size when fetching (PULL {n}).
  int64_t fetch_size = 1000;
  static Statement FromMap(std::string query, const Map& parameters, int64_t fetch = 0);
};

struct TxConfig {
  std::string database;                 // empty: the server's default database
  std::vector<std::string> bookmarks;
  bool read_only = false;               // BEGIN mode "r"
};

struct TxResult {
  std::vector<StatementResult> statements;
  std::string bookmark;  // from COMMIT
};

struct RoutingTable {
  int64_t ttl_seconds = 0;
  std::string database;
  std::vector<Endpoint> routers, readers, writers;
};

class Connection {
 public:
  enum class State { kReady, kFailed, kDefunct, kClosed };

  /// Connects, handshakes, says HELLO (and LOGON on 5.1+). An authentication failure is
  /// kNeo4jAuth with the server's code; unreachable servers kNeo4jConnection.
  static Result<std::unique_ptr<Connection>> Open(const Endpoint& endpoint,
                                                  const ConnectionConfig& config);
  ~Connection();

  const BoltVersion& version() const { return version_; }
  const Endpoint& endpoint() const { return endpoint_; }
  State state() const { return state_; }
  bool usable() const { return state_ == State::kReady; }
  /// The server's agent string from HELLO (e.g. "Neo4j/5.20.0").
  const std::string& server_agent() const { return server_agent_; }
  const std::string& connection_id() const { return connection_id_; }
  std::chrono::milliseconds read_timeout() const { return read_timeout_; }
  /// The last error (server code and message, or connection loss).
  const BoltError& last_error() const { return last_error_; }

  /// BEGIN, every statement (RUN + PULL/DISCARD), COMMIT, pipelined in one write. On any
  /// failure the transaction is rolled back by the server and the connection is left kFailed
  /// (call Reset) or kDefunct.
  Result<TxResult> RunTransaction(const TxConfig& tx, const std::vector<Statement>& statements);
  /// A read in an explicit transaction that streams records with PULL {n: fetch_size}, calling
  /// `on_record` for each; has_more is followed until the result is consumed.
  Status Stream(const TxConfig& tx, const Statement& statement,
                const std::function<void(const List&)>& on_record);

  /// ROUTE {routing context} [bookmarks] {db}: the cluster's routing table (Bolt 4.4+).
  Result<RoutingTable> Route(const Map& routing_context, const std::vector<std::string>& bookmarks,
                             const std::string& database);

  /// RESET: leaves FAILED (or interrupts), back to READY.
  Status Reset();
  /// LOGOFF then LOGON with other credentials (Bolt 5.1+).
  Status Reauthenticate(const Credentials& auth);
  /// GOODBYE and close.
  void Close();

 private:
  Connection() = default;
  Status Handshake();
  Status Hello();
  Status Logon(const Credentials& auth);
  /// Queues one message in the output buffer; `log_fields` replaces `fields` in the log.
  void Queue(uint8_t signature, const std::vector<Value>& fields,
             const std::vector<Value>* log_fields = nullptr);
  void QueueRaw(uint8_t signature, std::string_view packed_fields, const char* log_text);
  Status Flush();
  /// Reads the next response message.
  Status Receive(uint8_t* signature, Value* body);
  /// Reads the summary of one request (skipping records into `records` if given).
  Status ReadSummary(Map* metadata, std::vector<List>* records, bool* ignored);
  Status Fail(Status status, bool defunct);
  Status FailureStatus(const Map& metadata);
  void Log(std::string_view direction, uint8_t signature, const std::string& text);

  std::unique_ptr<Transport> transport_;
  Endpoint endpoint_;
  ConnectionConfig config_;
  BoltVersion version_;
  State state_ = State::kReady;
  std::chrono::milliseconds read_timeout_{0};
  std::string server_agent_;
  std::string connection_id_;
  std::string out_;
  std::string in_;
  std::vector<std::string> messages_;
  size_t next_message_ = 0;
  Dechunker dechunker_;
  BoltError last_error_;
};

}  // namespace ast2graph::neo4j
