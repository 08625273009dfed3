// CPU time of the calling thread: what the pipeline's stage figures, the Neo4j writer's metrics
// and the benchmarks measure (wall time would count the machine's other jobs).
#pragma once

#include <time.h>

namespace ast2graph {

/// CPU time this thread has used, in seconds.
inline double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace ast2graph
