// Throughput of the writer into the Bolt test server with 1, 2 and 4 connections, and our own
// CPU time per 1,000 rows (Write's encoding plus the writer threads; the server runs in another
// process and is not counted). Not a test: run by hand,
//   build/tests/unit/neo4j/neo4j_writer_bench [files] [statements per file]
// The Node test server is single-threaded, so wall-clock rows/s measures it more than us; the
// CPU column is the number that says whether the writer could ever be the bottleneck.
#include <cstdio>
#include <cstdlib>
#include <deque>

#include "ast2graph/neo4j.h"
#include "fixtures.h"
#include "test_server.h"

using namespace ast2graph;          // NOLINT
using namespace ast2graph::neo4j;   // NOLINT

int main(int argc, char** argv) {
  const int files = argc > 1 ? std::atoi(argv[1]) : 200;
  const int statements = argc > 2 ? std::atoi(argv[2]) : 150;
  std::deque<graph::FileGraph> graphs;
  for (int i = 0; i < files; ++i) {
    graphs.push_back(testing::MakeFile("bench/m" + std::to_string(i) + ".py", 1, statements,
                                       i > 0 ? "bench/m" + std::to_string(i - 1) + ".py" : ""));
  }
  std::printf("%d files, %d statements each\n", files, statements);
  std::printf("%-12s %10s %10s %10s %12s %14s %14s\n", "connections", "rows", "batches", "wall s",
              "rows/s", "cpu ms/1k rows", "server t_last");
  for (int connections : {1, 2, 4}) {
    testing::BoltTestServer server({});
    if (!server.ok()) {
      std::fprintf(stderr, "%s\n", server.error().c_str());
      return 1;
    }
    WriterOptions o;
    o.connect.uri = server.Uri();
    o.connections = connections;
    Result<std::unique_ptr<Writer>> w = MakeWriter(o);
    if (!w.ok()) {
      std::fprintf(stderr, "%s\n", w.status().ToString().c_str());
      return 1;
    }
    for (const auto& g : graphs) {
      if (Status s = (*w)->Write(g); !s.ok()) {
        std::fprintf(stderr, "%s\n", s.ToString().c_str());
        return 1;
      }
    }
    if (Status s = (*w)->Finish(); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
    const WriterMetrics& m = (*w)->metrics();
    std::printf("%-12d %10llu %10llu %10.2f %12.0f %14.3f %12llu ms\n", connections,
                static_cast<unsigned long long>(m.rows), static_cast<unsigned long long>(m.batches),
                m.wall_seconds, m.RowsPerSecond(), m.CpuMsPer1000Rows(),
                static_cast<unsigned long long>(m.server_consumed_ms + m.server_available_ms));
  }
  return 0;
}
