// The Neo4j writer: FileGraphs -> batched, parallel, retried UNWIND ... MERGE transactions.
//
// Write() (one caller thread, files in source_id order) encodes each file's rows into PackStream
// right away (the FileGraph's views die when Write returns) and gathers files into jobs of about
// `batch_size` rows. Worker threads, one connection each, run jobs in parallel. A job runs:
//   1. delete the old nodes of its files (incremental mode),
//   2. node transactions, grouped per label / node type (statements from graph/cypher.h),
//   3. relationship transactions,
//   4. per file, one transaction with its SourceFile node and the SourceFile's relationships.
// The SourceFile node (which carries content_hash) is committed last, so a file counts as
// stored only when all of it is: a run killed at any point and started again redoes exactly the
// files that were not complete. Relationships with an endpoint outside their file (cross-file
// edges) are written, together with that file's SourceFile, after every job has finished, so no
// later deletion of a changed file's old nodes can take them away. Edges from unchanged files
// into a changed file are parked in the database before the delete and re-created at the end
// (StashIncomingEdges / RestorePendingEdges), so they survive the rewrite and any interruption.
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <unordered_set>

#include "ast2graph/neo4j.h"
#include "base/cpu_time.h"
#include "graph/builder.h"
#include "graph/cypher.h"
#include "neo4j/bolt.h"
#include "neo4j/pool.h"
#include "neo4j/writer_internal.h"

namespace ast2graph::neo4j {

namespace {

using graph::EdgeRecord;
using graph::FileGraph;
using graph::Id;
using graph::IdHash;
using graph::NodeLabel;
using graph::NodeRecord;
using graph::Prop;
using graph::PropType;

void EncodeId(Encoder* e, const Id& id) {
  char hex[32];
  id.WriteHex(hex);
  e->String(std::string_view(hex, 32));
}

template <typename NameOf>
void EncodeProps(Encoder* e, const FileGraph& file, uint32_t begin, uint32_t count,
                 NameOf name_of) {
  for (uint32_t i = begin; i < begin + count; ++i) {
    const Prop& p = file.props[i];
    e->String(name_of(p.key));
    switch (p.type) {
      case PropType::kString:
        e->String(p.text);
        break;
      case PropType::kInt:
        e->Int(p.integer);
        break;
      case PropType::kStringList:
        e->ListHeader(p.list_count);
        for (std::string_view item : ListOf(file, p)) e->String(item);
        break;
    }
  }
}

/// Node row: {id, <properties>} (graph/cypher.h's row shape).
void EncodeNodeRow(std::string* out, const FileGraph& file, const NodeRecord& n) {
  Encoder e(out);
  e.MapHeader(1 + n.prop_count);
  e.String("id");
  EncodeId(&e, n.id);
  EncodeProps(&e, file, n.prop_begin, n.prop_count,
              [](uint8_t k) { return graph::NodePropName(static_cast<graph::NodeProp>(k)); });
}

/// Relationship row: {src, dst, props: {id, <properties>}}.
void EncodeEdgeRow(std::string* out, const FileGraph& file, const EdgeRecord& r) {
  Encoder e(out);
  e.MapHeader(3);
  e.String(graph::cypher::kRowStart);
  EncodeId(&e, r.start);
  e.String(graph::cypher::kRowEnd);
  EncodeId(&e, r.end);
  e.String(graph::cypher::kRowProps);
  e.MapHeader(1 + r.prop_count);
  e.String("id");
  EncodeId(&e, r.id);
  EncodeProps(&e, file, r.prop_begin, r.prop_count,
              [](uint8_t k) { return graph::EdgePropName(static_cast<graph::EdgeProp>(k)); });
}

/// Rows of one statement shape, encoded back to back.
struct Group {
  std::string rows;
  std::vector<uint32_t> ends;  // end offset of each row in `rows`
};

using Groups = std::map<std::string, Group>;  // statement -> rows (ordered: deterministic)

/// One transaction's statements plus their row count.
struct TxSpec {
  std::vector<Statement> statements;
  size_t rows = 0;
};

std::string PackRows(std::string_view rows, uint32_t count) {
  std::string packed;
  packed.reserve(rows.size() + 16);
  Encoder e(&packed);
  e.MapHeader(1);
  e.String("rows");
  e.ListHeader(count);
  packed.append(rows);
  return packed;
}

/// Cuts groups into transactions of at most `batch` rows (a group may span transactions).
void CutIntoTxs(const Groups& groups, size_t batch, std::vector<TxSpec>* out) {
  TxSpec tx;
  for (const auto& [query, g] : groups) {
    size_t row = 0;
    while (row < g.ends.size()) {
      const size_t room = batch - tx.rows;
      const size_t take = std::min(room, g.ends.size() - row);
      const uint32_t begin = row == 0 ? 0 : g.ends[row - 1];
      const uint32_t end = g.ends[row + take - 1];
      Statement st;
      st.query = query;
      st.packed_parameters = PackRows(std::string_view(g.rows).substr(begin, end - begin),
                                      static_cast<uint32_t>(take));
      tx.statements.push_back(std::move(st));
      tx.rows += take;
      row += take;
      if (tx.rows >= batch) {
        out->push_back(std::move(tx));
        tx = TxSpec();
      }
    }
  }
  if (!tx.statements.empty()) out->push_back(std::move(tx));
}

/// What must be committed last for one file: its SourceFile node, the relationships touching
/// it, and (when deferred) its cross-file relationships.
struct FileFinal {
  std::string source_id;
  Groups groups;
  size_t rows = 0;
};

struct Job {
  std::vector<std::string> replace_ids;  // stored files with new content
  std::vector<std::string> delete_ids;   // files whose old nodes go first
  std::vector<std::string> source_ids;
  Groups nodes;
  Groups edges;
  std::vector<FileFinal> finals;
  size_t rows = 0;
};

/// Transactions of the finals: whole files packed together up to `batch` rows.
std::vector<TxSpec> FinalTxs(std::vector<FileFinal>& finals, size_t batch) {
  std::vector<TxSpec> txs;
  Groups merged;
  size_t rows = 0;
  auto flush = [&] {
    if (rows == 0) return;
    CutIntoTxs(merged, std::numeric_limits<size_t>::max(), &txs);
    merged.clear();
    rows = 0;
  };
  for (FileFinal& f : finals) {
    if (rows > 0 && rows + f.rows > batch) flush();
    for (auto& [query, g] : f.groups) {
      Group& m = merged[query];
      const uint32_t base = static_cast<uint32_t>(m.rows.size());
      m.rows += g.rows;
      for (uint32_t end : g.ends) m.ends.push_back(base + end);
    }
    rows += f.rows;
  }
  flush();
  return txs;
}

constexpr int64_t kDeleteBatch = 10000;

class BoltWriter final : public Writer {
 public:
  BoltWriter(WriterOptions options, std::unique_ptr<Pool> pool)
      : options_(std::move(options)), pool_(std::move(pool)), rng_(std::random_device{}()) {
    start_wall_ = std::chrono::steady_clock::now();
  }

  ~BoltWriter() override { StopWorkers(); }

  Status Init() {
    const double cpu0 = ThreadCpuSeconds();
    if (options_.batch_size == 0) options_.batch_size = 1000;
    int n = options_.connections;
    if (n <= 0)
      n = std::min(8, 2 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    // Fail early (exit status 3) when the server is unreachable or refuses the credentials.
    Result<std::unique_ptr<Connection>> first = pool_->AcquireWriter();
    if (!first.ok()) return first.status();
    std::unique_ptr<Connection> conn = std::move(*first);
    for (std::string_view q : graph::cypher::SchemaStatements()) {
      TxSpec tx;
      tx.statements.push_back(Statement{std::string(q), {}, 0, 1000});
      if (Status s = RunTx(tx, &conn, /*count_batch=*/false); !s.ok()) return s;
    }
    if (options_.mode == LoadMode::kOverwrite) {
      if (Status s = ClearProject(&conn); !s.ok()) return s;
    } else if (options_.stored_hashes) {
      stored_ = options_.stored_hashes;
    } else {
      Result<StoredHashes> h =
          FetchHashesWith(pool_.get(), options_.connect.database, options_.retries);
      if (!h.ok()) return h.status();
      stored_ = std::make_shared<const StoredHashes>(std::move(*h));
    }
    if (!stored_) stored_ = std::make_shared<const StoredHashes>();
    pool_->Release(std::move(conn));
    for (int i = 0; i < n; ++i) workers_.emplace_back([this] { WorkerLoop(); });
    AddCpu(ThreadCpuSeconds() - cpu0);
    return {};
  }

  Status Write(const FileGraph& file) override {
    const double cpu0 = ThreadCpuSeconds();
    Status s = WriteImpl(file);
    AddCpu(ThreadCpuSeconds() - cpu0);
    return s;
  }

  Status Finish() override {
    const double cpu0 = ThreadCpuSeconds();
    if (building_ && (building_->rows > 0 || !building_->finals.empty())) Enqueue();
    StopWorkers();
    Status result = FatalStatus();
    // Files whose job failed must not get their SourceFile (they would count as stored).
    std::vector<FileFinal> finals;
    {
      std::lock_guard lock(mu_);
      std::set<std::string> failed;
      for (const FileFailure& f : failures_) failed.insert(f.source_id);
      for (FileFinal& f : deferred_) {
        if (failed.count(f.source_id)) continue;
        if (!result.ok()) {
          // Never written: listed as failed, so nothing is lost silently.
          if (!f.source_id.empty()) failures_.push_back({f.source_id, result});
          continue;
        }
        finals.push_back(std::move(f));
      }
      deferred_.clear();
    }
    if (result.ok() && !finals.empty()) {
      std::unique_ptr<Connection> conn;
      for (TxSpec& tx : FinalTxs(finals, options_.batch_size)) {
        if (Status s = RunTx(tx, &conn, true); !s.ok()) {
          result = s;
          for (const FileFinal& f : finals) {
            if (!f.source_id.empty()) AddFailure(f.source_id, s);
          }
          break;
        }
      }
      pool_->Release(std::move(conn));
    }
    if (result.ok()) {
      std::unique_ptr<Connection> conn;
      result = RestorePendingEdges(&conn);
      if (result.ok() && options_.mode == LoadMode::kIncremental) {
        result = DeleteStaleCrossFileEdges(&conn);
      }
      if (result.ok() && options_.prune) result = Prune(&conn);
      if (result.ok()) result = DeleteOrphanModules(&conn);
      pool_->Release(std::move(conn));
    }
    AddCpu(ThreadCpuSeconds() - cpu0);
    std::lock_guard lock(mu_);
    metrics_.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_wall_).count();
    metrics_.cpu_seconds = cpu_seconds_;
    return result;
  }

  void MarkUnchanged(std::string_view source_id) override {
    seen_.insert(std::string(source_id));
    // Its graph was never seen, so neither were its cross-file edges: they are kept as stored.
    unseen_graphs_.insert(std::string(source_id));
  }

  const WriterMetrics& metrics() const override { return metrics_; }

  std::vector<FileFailure> failures() const override {
    std::lock_guard lock(mu_);
    return failures_;
  }

 private:
  Status WriteImpl(const FileGraph& file) {
    if (Status s = FatalStatus(); !s.ok()) {
      AddFailure(file.source_id, s);
      return s;
    }
    // The SourceFile node decides: skipped when its content_hash equals the stored one.
    const NodeRecord* source = nullptr;
    for (const NodeRecord& n : file.nodes) {
      if (n.label == NodeLabel::kSourceFile) {
        source = &n;
        break;
      }
    }
    std::string hash;
    bool replaced = false;
    if (source) {
      for (uint32_t i = source->prop_begin; i < source->prop_begin + source->prop_count; ++i) {
        if (file.props[i].key == static_cast<uint8_t>(graph::NodeProp::content_hash)) {
          hash = std::string(file.props[i].text);
        }
      }
    }
    // Which ids belong to this file; edges with an end outside it are cross-file edges. Their
    // ids, from every file including unchanged ones, are the cross-file edges that stay.
    // (An edge to an ExternalModule counts as cross-file wherever that node was written.)
    local_ids_.clear();
    external_ids_.clear();
    for (const NodeRecord& n : file.nodes) {
      local_ids_.insert(n.id);
      if (n.label == NodeLabel::kExternalModule) external_ids_.insert(n.id);
    }
    for (const EdgeRecord& r : file.edges) {
      if (!local_ids_.count(r.start) || !local_ids_.count(r.end) || external_ids_.count(r.end)) {
        cross_edge_ids_.insert(r.id.Hex());
      }
    }
    if (source) {
      seen_.insert(file.source_id);
      if (options_.mode == LoadMode::kIncremental) {
        auto it = stored_->find(file.source_id);
        if (it != stored_->end() && !hash.empty() && it->second == hash) {
          std::lock_guard lock(mu_);
          ++metrics_.files_skipped;
          return {};
        }
        if (it != stored_->end()) {
          replaced = true;
          std::lock_guard lock(mu_);
          ++metrics_.files_replaced;
        }
      }
    }
    if (!building_) building_ = std::make_unique<Job>();
    Job& job = *building_;
    if (source) {
      job.source_ids.push_back(file.source_id);
      if (options_.mode == LoadMode::kIncremental) job.delete_ids.push_back(file.source_id);
      if (replaced) job.replace_ids.push_back(file.source_id);
    }

    labels_.Reset(file);

    FileFinal final;
    final.source_id = file.source_id;
    bool deferred = !source;
    size_t rows = 0;
    for (const NodeRecord& n : file.nodes) {
      const std::string query = graph::cypher::NodeStatement(n.label, n.node_type);
      const bool is_final = n.label == NodeLabel::kSourceFile;
      Group& g = is_final ? final.groups[query] : job.nodes[query];
      EncodeNodeRow(&g.rows, file, n);
      g.ends.push_back(static_cast<uint32_t>(g.rows.size()));
      (is_final ? final.rows : rows)++;
    }
    for (const EdgeRecord& r : file.edges) {
      const std::string query =
          graph::cypher::RelationshipStatement(r.type, labels_.Of(r.start), labels_.Of(r.end));
      const bool cross = !local_ids_.count(r.start) || !local_ids_.count(r.end);
      const bool touches_source = source && (r.start == source->id || r.end == source->id);
      if (cross) deferred = true;
      const bool is_final = cross || touches_source;
      Group& g = is_final ? final.groups[query] : job.edges[query];
      EncodeEdgeRow(&g.rows, file, r);
      g.ends.push_back(static_cast<uint32_t>(g.rows.size()));
      (is_final ? final.rows : rows)++;
    }
    {
      std::lock_guard lock(mu_);
      metrics_.nodes += file.nodes.size();
      metrics_.relationships += file.edges.size();
    }
    job.rows += rows + final.rows;
    if (deferred) {
      deferred_.push_back(std::move(final));
    } else if (final.rows > 0) {
      job.finals.push_back(std::move(final));
    }
    if (job.rows >= options_.batch_size) Enqueue();
    return {};
  }

  void Enqueue() {
    std::unique_lock lock(mu_);
    // Backpressure: at most two jobs per worker wait, so memory stays bounded.
    space_.wait(lock, [&] { return queue_.size() < 2 * workers_.size() + 1 || !fatal_.ok(); });
    queue_.push_back(std::move(building_));
    building_.reset();
    ready_.notify_one();
  }

  void StopWorkers() {
    {
      std::lock_guard lock(mu_);
      closing_ = true;
      ready_.notify_all();
    }
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  void WorkerLoop() {
    const double cpu0 = ThreadCpuSeconds();
    std::unique_ptr<Connection> conn;
    for (;;) {
      std::unique_ptr<Job> job;
      {
        std::unique_lock lock(mu_);
        ready_.wait(lock, [&] { return closing_ || !queue_.empty(); });
        if (queue_.empty()) break;
        job = std::move(queue_.front());
        queue_.pop_front();
        space_.notify_one();
        if (!fatal_.ok()) {
          for (const auto& id : job->source_ids) failures_.push_back({id, fatal_});
          continue;
        }
      }
      Status s = RunJob(*job, &conn);
      if (!s.ok()) {
        std::lock_guard lock(mu_);
        for (const auto& id : job->source_ids) failures_.push_back({id, s});
        // Query errors concern these files only; anything else stops the load.
        if (s.code() != ErrorCode::kNeo4jQuery && fatal_.ok()) fatal_ = s;
        space_.notify_all();
      }
    }
    pool_->Release(std::move(conn));
    AddCpu(ThreadCpuSeconds() - cpu0);
  }

  Status RunJob(Job& job, std::unique_ptr<Connection>* conn) {
    if (!job.replace_ids.empty()) {
      if (Status s = StashIncomingEdges(job.replace_ids, conn); !s.ok()) return s;
    }
    if (!job.delete_ids.empty()) {
      if (Status s = DeleteFiles(job.delete_ids, conn); !s.ok()) return s;
    }
    std::vector<TxSpec> txs;
    CutIntoTxs(job.nodes, options_.batch_size, &txs);
    CutIntoTxs(job.edges, options_.batch_size, &txs);
    for (TxSpec& tx : FinalTxs(job.finals, options_.batch_size)) txs.push_back(std::move(tx));
    for (const TxSpec& tx : txs) {
      if (Status s = RunTx(tx, conn, true); !s.ok()) return s;
    }
    std::lock_guard lock(mu_);
    metrics_.files_written += job.source_ids.size();
    return {};
  }

  /// Relationships from other files into the stored nodes of files about to be replaced would
  /// go with DETACH DELETE. They are parked first, in the database, as (:A2GPendingEdge) nodes
  /// (so a run cut off after the delete loses nothing), and re-created by RestorePendingEdges
  /// after everything is written, wherever their target still exists (same content id).
  Status StashIncomingEdges(const std::vector<std::string>& ids,
                            std::unique_ptr<Connection>* conn) {
    List id_list;
    for (const auto& id : ids) id_list.emplace_back(id);
    TxSpec tx;
    tx.statements.push_back(Statement::FromMap(
        "MATCH (b:ASTNode)<-[e]-(a) WHERE b.source_id IN $ids AND "
        "(a.source_id IS NULL OR NOT a.source_id IN $ids) "
        "MERGE (p:A2GPendingEdge {id: e.id}) SET p += properties(e), p.a2g_src = a.id, "
        "p.a2g_src_labels = labels(a), p.a2g_rel = type(e), p.a2g_dst = b.id",
        Map{{"ids", id_list}}));
    return RunTx(tx, conn, false);
  }

  /// Re-creates parked relationships (see StashIncomingEdges) and removes the parking nodes,
  /// a batch per transaction; also finishes the work of an earlier run that was cut off.
  Status RestorePendingEdges(std::unique_ptr<Connection>* conn) {
    for (;;) {
      TxSpec read;
      read.statements.push_back(
          Statement::FromMap("MATCH (p:A2GPendingEdge) RETURN properties(p) AS p LIMIT $limit",
                             Map{{"limit", static_cast<int64_t>(options_.batch_size)}}, -1));
      TxResult found;
      if (Status s = RunTx(read, conn, false, &found); !s.ok()) return s;
      const auto& records = found.statements.at(0).records;
      if (records.empty()) return {};
      Groups groups;
      List ids;
      size_t rows = 0;
      for (const List& r : records) {
        if (r.size() != 1 || !r[0].AsMap()) continue;
        const Value& p = r[0];
        const Value* src = p.Find("a2g_src");
        const Value* dst = p.Find("a2g_dst");
        const Value* rel = p.Find("a2g_rel");
        const Value* id = p.Find("id");
        if (id) ids.push_back(*id);
        if (!src || !src->AsString() || !dst || !dst->AsString() || !rel || !rel->AsString()) {
          continue;
        }
        std::string start_label = "ASTNode";
        if (const Value* labels = p.Find("a2g_src_labels"); labels && labels->AsList()) {
          bool ast = false;
          for (const Value& l : *labels->AsList()) {
            ast = ast || (l.AsString() && *l.AsString() == "ASTNode");
          }
          if (!ast && !labels->AsList()->empty() && (*labels->AsList())[0].AsString()) {
            start_label = *(*labels->AsList())[0].AsString();
          }
        }
        // MATCH, not MERGE, on both ends: an edge whose target id is gone is not brought back.
        std::string query = fmt::format(
            "UNWIND $rows AS r MATCH (a:`{}` {{id: r.src}}) MATCH (b:`ASTNode` {{id: r.dst}}) "
            "MERGE (a)-[e:`{}` {{id: r.props.id}}]->(b) SET e += r.props",
            Backticked(start_label), Backticked(*rel->AsString()));
        Map props;
        for (const auto& [k, v] : *p.AsMap()) {
          if (k.rfind("a2g_", 0) != 0) props.emplace_back(k, v);
        }
        Group& g = groups[query];
        Encoder e(&g.rows);
        e.MapHeader(3);
        e.String(graph::cypher::kRowStart);
        e.String(*src->AsString());
        e.String(graph::cypher::kRowEnd);
        e.String(*dst->AsString());
        e.String(graph::cypher::kRowProps);
        e.Encode(Value(std::move(props)));
        g.ends.push_back(static_cast<uint32_t>(g.rows.size()));
        ++rows;
      }
      std::vector<TxSpec> txs;
      CutIntoTxs(groups, std::numeric_limits<size_t>::max(), &txs);
      TxSpec tx = txs.empty() ? TxSpec() : std::move(txs[0]);
      tx.statements.push_back(Statement::FromMap(
          "UNWIND $ids AS i MATCH (p:A2GPendingEdge {id: i}) DELETE p", Map{{"ids", ids}}));
      if (Status s = RunTx(tx, conn, false); !s.ok()) return s;
      std::lock_guard lock(mu_);
      metrics_.rows += rows;
    }
  }

  static std::string Backticked(const std::string& name) {
    std::string out;
    for (char c : name) {
      if (c == '`') out.push_back('`');
      out.push_back(c);
    }
    return out;
  }

  /// Deletes the stored subgraphs of `ids`: SourceFile nodes first (so an interrupted delete
  /// leaves the files "not stored"), then their AST nodes in batches.
  Status DeleteFiles(const std::vector<std::string>& ids, std::unique_ptr<Connection>* conn) {
    List id_list;
    for (const auto& id : ids) id_list.emplace_back(id);
    TxSpec files;
    files.statements.push_back(Statement::FromMap(
        "MATCH (n:SourceFile) WHERE n.source_id IN $ids DETACH DELETE n", Map{{"ids", id_list}}));
    if (Status s = RunTx(files, conn, false); !s.ok()) return s;
    return DeleteLoop(
        "MATCH (n:ASTNode) WHERE n.source_id IN $ids WITH n LIMIT $limit DETACH DELETE n "
        "RETURN count(n) AS deleted",
        Map{{"ids", id_list}, {"limit", kDeleteBatch}}, conn);
  }

  /// Runs a `... LIMIT $limit ... RETURN count(n) AS deleted` statement until it deletes less
  /// than a full batch.
  Status DeleteLoop(const std::string& query, const Map& params, std::unique_ptr<Connection>* conn,
                    uint64_t* total = nullptr) {
    for (;;) {
      TxSpec tx;
      tx.statements.push_back(Statement::FromMap(query, params, -1));
      TxResult result;
      if (Status s = RunTx(tx, conn, false, &result); !s.ok()) return s;
      int64_t deleted = 0;
      if (!result.statements.empty() && !result.statements[0].records.empty() &&
          !result.statements[0].records[0].empty()) {
        if (const int64_t* d = result.statements[0].records[0][0].AsInt()) deleted = *d;
      }
      if (total) *total += static_cast<uint64_t>(deleted);
      if (deleted < kDeleteBatch) return {};
    }
  }

  Status ClearProject(std::unique_ptr<Connection>* conn) {
    if (!options_.owns) {
      return DeleteLoop(
          "MATCH (n) WHERE n:ASTNode OR n:SourceFile OR n:ExternalModule WITH n LIMIT $limit "
          "DETACH DELETE n RETURN count(n) AS deleted",
          Map{{"limit", kDeleteBatch}}, conn);
    }
    Result<StoredHashes> stored =
        FetchHashesWith(pool_.get(), options_.connect.database, options_.retries);
    if (!stored.ok()) return stored.status();
    std::vector<std::string> mine;
    for (const auto& [id, hash] : *stored) {
      if (options_.owns(id)) mine.push_back(id);
    }
    for (size_t i = 0; i < mine.size(); i += 1000) {
      std::vector<std::string> part(mine.begin() + i,
                                    mine.begin() + std::min(mine.size(), i + 1000));
      if (Status s = DeleteFiles(part, conn); !s.ok()) return s;
    }
    return DeleteOrphanModules(conn);
  }

  Status Prune(std::unique_ptr<Connection>* conn) {
    Result<StoredHashes> stored =
        FetchHashesWith(pool_.get(), options_.connect.database, options_.retries);
    if (!stored.ok()) return stored.status();
    std::vector<std::string> gone;
    for (const auto& [id, hash] : *stored) {
      if (seen_.count(id)) continue;
      if (options_.owns && !options_.owns(id)) continue;
      gone.push_back(id);
    }
    for (size_t i = 0; i < gone.size(); i += 1000) {
      std::vector<std::string> part(gone.begin() + i,
                                    gone.begin() + std::min(gone.size(), i + 1000));
      if (Status s = DeleteFiles(part, conn); !s.ok()) return s;
    }
    std::lock_guard lock(mu_);
    metrics_.files_pruned += gone.size();
    return {};
  }

  /// ExternalModule nodes nothing points at any more (their importers changed or were pruned).
  Status DeleteOrphanModules(std::unique_ptr<Connection>* conn) {
    TxSpec tx;
    tx.statements.push_back(
        Statement{"MATCH (m:ExternalModule) WHERE NOT (m)--() DELETE m", {}, 0, 1000});
    return RunTx(tx, conn, false);
  }

  /// One transaction with retries (DESIGN.md section 5): transient failures and lost
  /// connections are retried with exponential backoff and jitter, the batch re-sent whole.
  Status RunTx(const TxSpec& tx, std::unique_ptr<Connection>* conn, bool count_batch,
               TxResult* out = nullptr) {
    Status last;
    for (int attempt = 0;; ++attempt) {
      if (!*conn) {
        Result<std::unique_ptr<Connection>> c = pool_->AcquireWriter();
        if (c.ok()) {
          *conn = std::move(*c);
        } else {
          last = c.status();
        }
      }
      if (*conn) {
        TxConfig cfg;
        cfg.database = options_.connect.database;
        cfg.bookmarks = pool_->Bookmarks();
        Result<TxResult> r = (*conn)->RunTransaction(cfg, tx.statements);
        if (r.ok()) {
          pool_->UpdateBookmarks(cfg.bookmarks, r->bookmark);
          std::lock_guard lock(mu_);
          if (count_batch) {
            ++metrics_.batches;
            metrics_.rows += tx.rows;
          }
          for (const StatementResult& sr : r->statements) {
            metrics_.server_available_ms += static_cast<uint64_t>(sr.available_after_ms);
            metrics_.server_consumed_ms += static_cast<uint64_t>(sr.consumed_after_ms);
          }
          if (out) *out = std::move(*r);
          return {};
        }
        last = r.status();
        const FailureClass cls = Classify(last);
        const Endpoint endpoint = (*conn)->endpoint();
        if ((*conn)->state() == Connection::State::kFailed) {
          if (!(*conn)->Reset().ok()) conn->reset();
        } else if (!(*conn)->usable()) {
          conn->reset();
        }
        if (cls == FailureClass::kRoutingStale) {
          pool_->ForgetWriter(endpoint);
          conn->reset();
        }
      }
      if (Classify(last) == FailureClass::kFatal) return last;
      if (attempt >= options_.retries) {
        return Status(ErrorCode::kNeo4jRetries,
                      fmt::format("gave up after {} attempts: {}", attempt + 1, last.message()));
      }
      std::chrono::milliseconds delay = Backoff(attempt);
      {
        std::lock_guard lock(mu_);
        ++metrics_.retries;
      }
      if (options_.log) {
        options_.log(fmt::format("retrying a batch in {} ms (attempt {} of {}): {}", delay.count(),
                                 attempt + 2, options_.retries + 1, last.ToString()));
      }
      std::this_thread::sleep_for(delay);
    }
  }

  std::chrono::milliseconds Backoff(int attempt) {
    const double base = static_cast<double>(options_.backoff_initial.count()) *
                        static_cast<double>(1ull << std::min(attempt, 20));
    const double capped = std::min(base, static_cast<double>(options_.backoff_max.count()));
    double jitter;
    {
      std::lock_guard lock(mu_);
      jitter = std::uniform_real_distribution<double>(0.5, 1.5)(rng_);
    }
    return std::chrono::milliseconds(static_cast<int64_t>(capped * jitter));
  }

  Status FatalStatus() {
    std::lock_guard lock(mu_);
    return fatal_;
  }
  void AddFailure(const std::string& id, const Status& s) {
    std::lock_guard lock(mu_);
    failures_.push_back({id, s});
  }
  /// A cross-file edge depends on more than its own file: an unchanged file's import goes
  /// elsewhere when the module it re-exported from changed or disappeared. The edges of this
  /// load's cross-file set are written; stored cross-file edges out of this load's files that are
  /// not in that set are stale and deleted here (read, compared here, deleted by id).
  Status DeleteStaleCrossFileEdges(std::unique_ptr<Connection>* conn) {
    std::vector<std::string> files;
    for (const std::string& id : seen_) {
      if (!unseen_graphs_.count(id)) files.push_back(id);
    }
    for (size_t i = 0; i < files.size(); i += 1000) {
      List ids;
      for (size_t j = i; j < std::min(files.size(), i + 1000); ++j) ids.emplace_back(files[j]);
      TxSpec read;
      read.statements.push_back(Statement::FromMap(
          "MATCH (a:ASTNode)-[d:DEPENDS_ON]->(b) WHERE a.source_id IN $ids AND "
          "(b:ExternalModule OR b.source_id <> a.source_id) RETURN a.id AS src, d.id AS id",
          Map{{"ids", ids}}, -1));
      TxResult found;
      if (Status s = RunTx(read, conn, false, &found); !s.ok()) return s;
      List stale;
      for (const List& r : found.statements.at(0).records) {
        if (r.size() != 2 || !r[0].AsString() || !r[1].AsString()) continue;
        if (cross_edge_ids_.count(*r[1].AsString())) continue;
        stale.emplace_back(Map{{"src", r[0]}, {"id", r[1]}});
      }
      for (size_t k = 0; k < stale.size(); k += options_.batch_size) {
        List part(stale.begin() + static_cast<std::ptrdiff_t>(k),
                  stale.begin() +
                      static_cast<std::ptrdiff_t>(std::min(stale.size(), k + options_.batch_size)));
        TxSpec del;
        del.statements.push_back(Statement::FromMap(
            "UNWIND $rows AS r MATCH (a:ASTNode {id: r.src})-[d:DEPENDS_ON {id: r.id}]->() "
            "DELETE d",
            Map{{"rows", std::move(part)}}));
        if (Status s = RunTx(del, conn, false); !s.ok()) return s;
      }
    }
    return {};
  }

  void AddCpu(double seconds) {
    std::lock_guard lock(mu_);
    cpu_seconds_ += seconds;
  }

  WriterOptions options_;
  std::unique_ptr<Pool> pool_;
  std::shared_ptr<const StoredHashes> stored_;
  std::set<std::string> seen_;
  std::set<std::string> unseen_graphs_;  // MarkUnchanged: stored, graph not given to Write
  std::unique_ptr<Job> building_;
  std::vector<FileFinal> deferred_;
  std::unordered_set<Id, IdHash> local_ids_;
  std::unordered_set<Id, IdHash> external_ids_;
  std::unordered_set<std::string> cross_edge_ids_;  // hex ids of this load's cross-file edges
  graph::cypher::EndpointLabels labels_;

  mutable std::mutex mu_;
  std::condition_variable ready_, space_;
  std::deque<std::unique_ptr<Job>> queue_;
  bool closing_ = false;
  std::vector<std::thread> workers_;
  Status fatal_;
  std::vector<FileFailure> failures_;
  WriterMetrics metrics_;
  double cpu_seconds_ = 0;
  std::mt19937_64 rng_;
  std::chrono::steady_clock::time_point start_wall_;
};

}  // namespace

Result<StoredHashes> FetchHashesWith(Pool* pool, const std::string& database, int retries) {
  for (int attempt = 0;; ++attempt) {
    Result<StoredHashes> r = FetchHashesOnce(pool, database);
    if (r.ok() || Classify(r.status()) == FailureClass::kFatal) return r;
    if (attempt >= retries) {
      return Status(ErrorCode::kNeo4jRetries, fmt::format("gave up after {} attempts: {}",
                                                          attempt + 1, r.status().message()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100 << std::min(attempt, 6)));
  }
}

Result<StoredHashes> FetchHashesOnce(Pool* pool, const std::string& database) {
  Result<std::unique_ptr<Connection>> c = pool->AcquireReader();
  if (!c.ok()) return c.status();
  StoredHashes out;
  TxConfig tx;
  tx.database = database;
  tx.bookmarks = pool->Bookmarks();
  tx.read_only = true;
  Statement st;
  st.query = "MATCH (f:SourceFile) RETURN f.source_id AS source_id, f.content_hash AS content_hash";
  st.fetch_size = 10000;
  Status s = (*c)->Stream(tx, st, [&](const List& record) {
    if (record.size() == 2 && record[0].AsString()) {
      out[*record[0].AsString()] = record[1].AsString() ? *record[1].AsString() : "";
    }
  });
  pool->Release(std::move(*c));
  if (!s.ok()) return s;
  return out;
}

Result<std::unique_ptr<Pool>> MakePool(const ConnectOptions& options) {
  Result<ParsedUri> uri = ParseUri(options.uri);
  if (!uri.ok()) return uri.status();
  return std::make_unique<Pool>(options, std::move(*uri));
}

Result<std::unique_ptr<Writer>> MakeWriter(const WriterOptions& options) {
  Result<std::unique_ptr<Pool>> pool = MakePool(options.connect);
  if (!pool.ok()) return pool.status();
  auto writer = std::make_unique<BoltWriter>(options, std::move(*pool));
  if (Status s = writer->Init(); !s.ok()) return s;
  return std::unique_ptr<Writer>(std::move(writer));
}

Result<std::vector<std::string>> FetchDependents(const ConnectOptions& options,
                                                 const std::vector<std::string>& changed) {
  Result<std::unique_ptr<Pool>> pool = MakePool(options);
  if (!pool.ok()) return pool.status();
  List ids;
  for (const auto& id : changed) ids.emplace_back(id);
  Statement st = Statement::FromMap(
      "MATCH (b:ASTNode)<-[:DEPENDS_ON]-(a:ASTNode) WHERE b.source_id IN $ids AND "
      "NOT a.source_id IN $ids RETURN DISTINCT a.source_id AS source_id",
      Map{{"ids", ids}}, -1);
  st.fetch_size = 10000;
  Status last;
  for (int attempt = 0; attempt <= 5; ++attempt) {
    Result<std::unique_ptr<Connection>> c = (*pool)->AcquireReader();
    if (!c.ok()) {
      last = c.status();
    } else {
      std::set<std::string> out;
      TxConfig tx;
      tx.database = options.database;
      tx.read_only = true;
      last = (*c)->Stream(tx, st, [&](const List& r) {
        if (!r.empty() && r[0].AsString()) out.insert(*r[0].AsString());
      });
      (*pool)->Release(std::move(*c));
      if (last.ok()) return std::vector<std::string>(out.begin(), out.end());
    }
    if (Classify(last) == FailureClass::kFatal) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(100 << attempt));
  }
  return Status(ErrorCode::kNeo4jRetries, "gave up after 6 attempts: " + last.message());
}

Result<StoredHashes> FetchStoredHashes(const ConnectOptions& options) {
  Result<std::unique_ptr<Pool>> pool = MakePool(options);
  if (!pool.ok()) return pool.status();
  return FetchHashesWith(pool->get(), options.database, 5);
}

}  // namespace ast2graph::neo4j
