// URIs, the connection pool and neo4j:// routing.
//
// bolt:// talks to one server. neo4j:// asks a router for the cluster's routing table (ROUTE),
// keeps it for its TTL, sends writes to a WRITE server and refreshes the table when a writer
// says NotALeader / read-only, or its connection is lost.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ast2graph/neo4j.h"
#include "neo4j/bolt.h"

namespace ast2graph::neo4j {

struct ParsedUri {
  std::string scheme;  // "bolt", "bolt+s", ..., "neo4j+ssc"
  bool routing = false;
  TlsMode tls = TlsMode::kNone;
  Endpoint address;
  Map routing_context;  // {"address": "host:port"} plus the URI's query parameters
};

/// kUsage error (never containing the password) for anything we do not understand.
Result<ParsedUri> ParseUri(const std::string& uri);

/// How a failure should be handled by a retry loop (DESIGN.md section 5).
enum class FailureClass {
  kTransient,       // retry after backoff on the same or a fresh connection
  kRoutingStale,    // retry after refreshing the routing table (NotALeader, lost writer)
  kFatal,           // authentication or client error: report, never retry
};
FailureClass Classify(const Status& status);

class Pool {
 public:
  Pool(ConnectOptions options, ParsedUri uri);
  ~Pool();

  /// A connection to a server that accepts writes (the writer of a cluster for neo4j://).
  Result<std::unique_ptr<Connection>> AcquireWriter();
  /// Any server for reads (a reader for neo4j://, else the server).
  Result<std::unique_ptr<Connection>> AcquireReader();
  /// Returns a connection: kept if usable (RESET first if it failed), else closed.
  void Release(std::unique_ptr<Connection> connection);
  /// A writer answered NotALeader / read-only or its connection broke: forget it and its idle
  /// connections, and force a routing refresh before the next acquire.
  void ForgetWriter(const Endpoint& endpoint);

  std::vector<std::string> Bookmarks();
  /// After a commit: the bookmarks sent with BEGIN are superseded by the new one.
  void UpdateBookmarks(const std::vector<std::string>& sent, const std::string& received);

  const ConnectOptions& options() const { return options_; }
  /// Number of routing table refreshes (for tests and metrics).
  int routing_refreshes() const;

 private:
  Result<std::unique_ptr<Connection>> Open(const Endpoint& e);
  Result<std::unique_ptr<Connection>> Acquire(bool write);
  Status RefreshRoutingLocked();

  ConnectOptions options_;
  ParsedUri uri_;
  ConnectionConfig config_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;
  RoutingTable table_;
  std::chrono::steady_clock::time_point table_expires_{};
  bool table_valid_ = false;
  size_t next_server_ = 0;
  int refreshes_ = 0;
  std::vector<std::string> bookmarks_;
};

}  // namespace ast2graph::neo4j
