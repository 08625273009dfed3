// Pieces of the writer shared with link.cc and the tests.
#pragma once

#include <memory>
#include <string>

#include "ast2graph/neo4j.h"
#include "neo4j/pool.h"

namespace ast2graph::neo4j {

/// A pool for `options.uri` (kUsage error for a bad URI).
Result<std::unique_ptr<Pool>> MakePool(const ConnectOptions& options);
/// source_id -> content_hash of every stored SourceFile, read on a reader connection;
/// transient failures are retried up to `retries` times.
Result<StoredHashes> FetchHashesWith(Pool* pool, const std::string& database, int retries);
Result<StoredHashes> FetchHashesOnce(Pool* pool, const std::string& database);
/// The content id of a DEPENDS_ON edge made by `link` (equal to graph::EdgeId's).
graph::Id LinkEdgeId(const graph::Id& start, const graph::Id& end, std::string_view type);

}  // namespace ast2graph::neo4j
