// The progress bar on stderr: files done/total, MB/s, ETA (DESIGN.md section 6).
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "pipeline/discover.h"

namespace ast2graph::pipeline {

enum class ProgressMode;

class Progress {
 public:
  /// Shown when `mode` is always, or auto and stderr is a terminal.
  Progress(ProgressMode mode, size_t total_files, const std::vector<SourceFile>& files);
  /// One more file done (called from the single writer stage).
  void Advance(uint64_t bytes);
  /// Draws the final state and ends the line.
  void Finish();

 private:
  void Draw(bool final);
  bool enabled_ = false;
  size_t total_files_ = 0;
  uint64_t total_bytes_ = 0;
  size_t done_files_ = 0;
  uint64_t done_bytes_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace ast2graph::pipeline
