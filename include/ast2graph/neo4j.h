// Writing graphs into Neo4j over Bolt (DESIGN.md section 5): connection settings, the writer
// (a graph::GraphSink), stored content hashes for incremental loads, and `link`.
//
// Our own Bolt 5 client lives in src/neo4j; this header is all the pipeline and the CLI need.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ast2graph/graph.h"
#include "ast2graph/status.h"

namespace ast2graph::neo4j {

/// Where and how to connect. The password is only ever read from the environment
/// (NEO4J_PASSWORD or NEO4J_PASSWORD_FILE), never from a command-line flag, and never appears in
/// logs, errors or metrics.
struct ConnectOptions {
  /// bolt://, bolt+s://, bolt+ssc://, neo4j://, neo4j+s://, neo4j+ssc:// HOST[:PORT] (7687).
  std::string uri;
  std::string user;
  std::string password;
  /// Empty: the server's default database.
  std::string database;
  std::chrono::milliseconds connect_timeout{5000};
  /// 0: no limit unless the server hints one (connection.recv_timeout_seconds).
  std::chrono::milliseconds read_timeout{0};
  std::string user_agent = "ast2graph/0.1";
  /// Debug log of every Bolt message (credentials redacted); may be empty.
  std::function<void(std::string_view)> log;
};

/// Fills ConnectOptions from flags and the environment: `uri`/`user` flags win over NEO4J_URI
/// and NEO4J_USERNAME (defaults bolt://localhost:7687 and neo4j); the password comes from
/// NEO4J_PASSWORD, else from the file named by NEO4J_PASSWORD_FILE, which is refused unless its
/// mode is 0600 or stricter (no group/other bits). Errors are kUsage.
Result<ConnectOptions> FromEnvironment(std::string_view uri_flag, std::string_view user_flag,
                                       std::string_view database_flag = {});

/// Reads a password file (trailing newline stripped) after checking its permissions.
Result<std::string> ReadPasswordFile(const std::string& path);

/// Checks the URI's scheme, host and port (kUsage error with a clear message otherwise).
Status ValidateUri(const std::string& uri);

enum class LoadMode {
  kIncremental,  // unchanged files skipped, changed files replaced
  kOverwrite,    // the project's nodes are deleted first
};

/// Counters of a load; filled by the writer and read after Finish().
struct WriterMetrics {
  uint64_t files_written = 0;
  uint64_t files_skipped = 0;      // unchanged (same content_hash)
  uint64_t files_replaced = 0;     // changed: old subgraph deleted first
  uint64_t files_pruned = 0;
  uint64_t nodes = 0;
  uint64_t relationships = 0;
  uint64_t rows = 0;               // parameter rows sent (nodes + relationships)
  uint64_t batches = 0;            // committed write transactions
  uint64_t retries = 0;            // re-sent transactions
  uint64_t server_available_ms = 0;  // sum of result_available_after (t_first)
  uint64_t server_consumed_ms = 0;   // sum of result_consumed_after (t_last)
  double wall_seconds = 0;
  double cpu_seconds = 0;          // this process's CPU time during the load (all threads)
  /// CPU milliseconds per 1,000 rows.
  double CpuMsPer1000Rows() const { return rows ? cpu_seconds * 1e6 / rows : 0; }
  double RowsPerSecond() const { return wall_seconds > 0 ? rows / wall_seconds : 0; }
};

struct WriterOptions {
  ConnectOptions connect;
  LoadMode mode = LoadMode::kIncremental;
  /// Delete stored files that were neither written nor reported unchanged (MarkUnchanged).
  bool prune = false;
  size_t batch_size = 1000;
  /// Parallel connections (writer threads); 0 = min(8, 2 x cores).
  int connections = 0;
  /// Attempts after the first for a transient failure.
  int retries = 5;
  std::chrono::milliseconds backoff_initial{200};
  std::chrono::milliseconds backoff_max{10000};
  /// Files whose source_id this returns false for are never deleted by overwrite/prune (e.g.
  /// other shards of the same database). Empty: every stored file belongs to this load.
  std::function<bool(std::string_view source_id)> owns;
  /// Stored content hashes if the caller already fetched them (FetchStoredHashes); otherwise
  /// the writer fetches them itself in incremental mode.
  std::shared_ptr<const std::map<std::string, std::string>> stored_hashes;
  /// Progress/diagnostic lines (retries, phases). May be empty.
  std::function<void(std::string_view)> log;
};

/// A failure that concerns one file: the writer goes on with the others and reports these.
struct FileFailure {
  std::string source_id;
  Status status;
};

class Writer : public graph::GraphSink {
 public:
  /// Queues the file's graph; batches are written by the pool's threads. Returns an error only
  /// when the load cannot go on (unreachable server, authentication, retries exhausted).
  Status Write(const graph::FileGraph& file) override = 0;
  /// Writes what remains, deferred cross-file relationships, then prunes; returns the first
  /// fatal error.
  Status Finish() override = 0;
  /// An input file the caller skipped because its stored hash matched: kept by prune.
  virtual void MarkUnchanged(std::string_view source_id) = 0;
  virtual const WriterMetrics& metrics() const = 0;
  virtual std::vector<FileFailure> failures() const = 0;
};

/// Connects (so a wrong URI or password fails here, with exit status 3 in the CLI), creates the
/// constraints and indexes, fetches stored hashes (incremental) or clears the project
/// (overwrite).
Result<std::unique_ptr<Writer>> MakeWriter(const WriterOptions& options);

/// source_id -> content_hash of every stored SourceFile. One query, streamed with PULL n.
using StoredHashes = std::map<std::string, std::string>;
Result<StoredHashes> FetchStoredHashes(const ConnectOptions& options);

/// Stored files with DEPENDS_ON edges into the nodes of `changed` (source_ids), other than those
/// files themselves: an incremental pipeline re-processes them with the changed files, so their
/// cross-file edges are rebuilt against the new content ids. Sorted, one streamed query.
Result<std::vector<std::string>> FetchDependents(const ConnectOptions& options,
                                                 const std::vector<std::string>& changed);

struct LinkReport {
  uint64_t edges_created = 0;
  uint64_t external_modules_removed = 0;
};

/// Resolves cross-file import edges inside the database after sharded loads (DESIGN.md
/// section 6). Minimal for now: every DEPENDS_ON {type:"import"} edge that ends at an
/// ExternalModule whose name is the `module` of a stored SourceFile is redirected to that file's
/// Module node (the ExternalModule is deleted when nothing else points at it). Call and inherit
/// edges across shards need the semantic layer's per-module name tables and are not linked yet.
Result<LinkReport> Link(const ConnectOptions& options);

}  // namespace ast2graph::neo4j
