// `ast2graph link`: cross-file edges resolved inside the database after sharded loads.
//
// Minimal by design (see include/ast2graph/neo4j.h): a shard that did not contain module M
// recorded an import of M as a DEPENDS_ON edge to (:ExternalModule {name: M}). Once every shard is
// loaded, M's SourceFile is in the database, so each such edge is replaced by the edge a single
// load would have made: to M's Module node, with the content id the builder gives it
// (EdgeId(DEPENDS_ON, use, Module, {type})). Each batch creates the new edges and deletes the old
// ones in one transaction, so an interrupted link simply continues when run again.
#include <fmt/format.h>

#include <charconv>
#include <map>
#include <thread>
#define XXH_STATIC_LINKING_ONLY  // XXH3_state_t
#include <xxhash.h>

#include "ast2graph/neo4j.h"
#include "graph/cypher.h"
#include "neo4j/bolt.h"
#include "neo4j/pool.h"
#include "neo4j/writer_internal.h"

namespace ast2graph::neo4j {

namespace {

constexpr size_t kLinkBatch = 1000;

bool ParseHexId(std::string_view hex, graph::Id* id) {
  if (hex.size() != 32) return false;
  uint64_t parts[2];
  for (int i = 0; i < 2; ++i) {
    auto r = std::from_chars(hex.data() + 16 * i, hex.data() + 16 * (i + 1), parts[i], 16);
    if (r.ec != std::errc() || r.ptr != hex.data() + 16 * (i + 1)) return false;
  }
  *id = graph::Id{parts[0], parts[1]};
  return true;
}

Status RunWithRetries(Pool* pool, const ConnectOptions& options, const std::vector<Statement>& sts,
                      TxResult* out) {
  Status last;
  for (int attempt = 0; attempt <= 5; ++attempt) {
    Result<std::unique_ptr<Connection>> c = pool->AcquireWriter();
    if (!c.ok()) {
      last = c.status();
    } else {
      TxConfig tx;
      tx.database = options.database;
      tx.bookmarks = pool->Bookmarks();
      Result<TxResult> r = (*c)->RunTransaction(tx, sts);
      if (r.ok()) {
        pool->UpdateBookmarks(tx.bookmarks, r->bookmark);
        pool->Release(std::move(*c));
        if (out) *out = std::move(*r);
        return {};
      }
      last = r.status();
      if (Classify(last) == FailureClass::kRoutingStale) pool->ForgetWriter((*c)->endpoint());
      pool->Release(std::move(*c));
    }
    if (Classify(last) == FailureClass::kFatal) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(100 << attempt));
  }
  return Status(ErrorCode::kNeo4jRetries, "gave up after 6 attempts: " + last.message());
}

}  // namespace

graph::Id LinkEdgeId(const graph::Id& start, const graph::Id& end, std::string_view type) {
  // DESIGN.md section 3, as graph::EdgeId computes it: XXH3-128 of the type name, then "\0" and
  // each endpoint's 32 hex digits, then "\0" and the distinguishing property. Kept here so the
  // Bolt layer does not link the graph builder (and, through it, the semantic layer).
  char hex[2][32];
  start.WriteHex(hex[0]);
  end.WriteHex(hex[1]);
  XXH3_state_t state;
  XXH3_128bits_reset(&state);
  std::string_view name = graph::EdgeTypeName(graph::EdgeType::kDependsOn);
  XXH3_128bits_update(&state, name.data(), name.size());
  for (const char* h : {hex[0], hex[1]}) {
    XXH3_128bits_update(&state, "\0", 1);
    XXH3_128bits_update(&state, h, 32);
  }
  XXH3_128bits_update(&state, "\0", 1);
  XXH3_128bits_update(&state, type.data(), type.size());
  XXH128_hash_t h = XXH3_128bits_digest(&state);
  return {h.high64, h.low64};
}

Result<LinkReport> Link(const ConnectOptions& options) {
  Result<std::unique_ptr<Pool>> pool = MakePool(options);
  if (!pool.ok()) return pool.status();
  {
    // Fail fast, as the writer does, when the server is unreachable or refuses us: that is not a
    // transient failure of one transaction.
    Result<std::unique_ptr<Connection>> first = (*pool)->AcquireWriter();
    if (!first.ok()) return first.status();
    (*pool)->Release(std::move(*first));
  }
  LinkReport report;
  for (;;) {
    TxResult found;
    Statement find = Statement::FromMap(
        "MATCH (x:ExternalModule)<-[d:DEPENDS_ON]-(u) "
        "MATCH (f:SourceFile)-[:CHILD]->(m:ASTNode) "
        "WHERE f.module = coalesce(x.name, x.module) "
        "RETURN u.id AS src, labels(u) AS labels, properties(d) AS props, m.id AS dst, "
        "x.id AS ext, d.id AS old LIMIT $limit",
        Map{{"limit", static_cast<int64_t>(kLinkBatch)}}, -1);
    if (Status s = RunWithRetries(pool->get(), options, {find}, &found); !s.ok()) return s;
    const auto& records = found.statements.at(0).records;
    if (records.empty()) break;

    std::map<std::string, std::pair<std::string, uint32_t>> creates;  // statement -> rows
    std::string deletes;
    uint32_t delete_count = 0;
    for (const List& r : records) {
      if (r.size() != 6 || !r[0].AsString() || !r[1].AsList() || !r[2].AsMap() ||
          !r[3].AsString() || !r[4].AsString() || !r[5].AsString()) {
        return Status(ErrorCode::kNeo4jQuery, "link: unexpected record shape");
      }
      graph::Id src, dst;
      if (!ParseHexId(*r[0].AsString(), &src) || !ParseHexId(*r[3].AsString(), &dst)) {
        return Status(ErrorCode::kNeo4jQuery, "link: a node id is not 32 hex digits");
      }
      const Value* type = r[2].Find("type");
      const std::string type_text = type && type->AsString() ? *type->AsString() : "import";
      const std::string new_id = LinkEdgeId(src, dst, type_text).Hex();
      graph::NodeLabel start = graph::NodeLabel::kASTNode;
      for (const Value& l : *r[1].AsList()) {
        if (l.AsString() && *l.AsString() == "SourceFile") start = graph::NodeLabel::kSourceFile;
      }
      auto& [rows, count] = creates[graph::cypher::RelationshipStatement(
          graph::EdgeType::kDependsOn, start, graph::NodeLabel::kASTNode)];
      Map props;
      props.emplace_back("id", new_id);
      for (const auto& [k, v] : *r[2].AsMap()) {
        if (k != "id") props.emplace_back(k, v);
      }
      Encoder e(&rows);
      e.MapHeader(3);
      e.String(graph::cypher::kRowStart);
      e.String(*r[0].AsString());
      e.String(graph::cypher::kRowEnd);
      e.String(*r[3].AsString());
      e.String(graph::cypher::kRowProps);
      e.Encode(Value(std::move(props)));
      ++count;
      Encoder d(&deletes);
      d.MapHeader(2);
      d.String("ext");
      d.String(*r[4].AsString());
      d.String("old");
      d.String(*r[5].AsString());
      ++delete_count;
    }
    std::vector<Statement> sts;
    for (auto& [query, rows] : creates) {
      Statement st;
      st.query = query;
      Encoder e(&st.packed_parameters);
      e.MapHeader(1);
      e.String("rows");
      e.ListHeader(rows.second);
      st.packed_parameters += rows.first;
      sts.push_back(std::move(st));
      report.edges_created += rows.second;
    }
    Statement del;
    del.query =
        "UNWIND $rows AS r MATCH (x:ExternalModule {id: r.ext})<-[d:DEPENDS_ON {id: r.old}]-() "
        "DELETE d";
    Encoder e(&del.packed_parameters);
    e.MapHeader(1);
    e.String("rows");
    e.ListHeader(delete_count);
    del.packed_parameters += deletes;
    sts.push_back(std::move(del));
    if (Status s = RunWithRetries(pool->get(), options, sts, nullptr); !s.ok()) return s;
    if (records.size() < kLinkBatch) break;
  }
  TxResult orphans;
  Statement cleanup{
      "MATCH (m:ExternalModule) WHERE NOT (m)--() DELETE m RETURN count(m) AS n", {}, -1, 1000};
  if (Status s = RunWithRetries(pool->get(), options, {cleanup}, &orphans); !s.ok()) return s;
  const auto& rec = orphans.statements.at(0).records;
  if (!rec.empty() && !rec[0].empty() && rec[0][0].AsInt()) {
    report.external_modules_removed = static_cast<uint64_t>(*rec[0][0].AsInt());
  }
  return report;
}

}  // namespace ast2graph::neo4j
