#include "pipeline/progress.h"

#include <unistd.h>

#include <cstdio>

#include "pipeline/pipeline.h"

namespace ast2graph::pipeline {

Progress::Progress(ProgressMode mode, size_t total_files, const std::vector<SourceFile>& files)
    : total_files_(total_files) {
  enabled_ = mode == ProgressMode::kAlways || (mode == ProgressMode::kAuto && isatty(2) == 1);
  for (const SourceFile& f : files) total_bytes_ += f.size;
  start_ = last_draw_ = std::chrono::steady_clock::now();
}

void Progress::Advance(uint64_t bytes) {
  ++done_files_;
  done_bytes_ += bytes;
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  Draw(false);
}

void Progress::Finish() {
  if (enabled_) Draw(true);
}

void Progress::Draw(bool final) {
  constexpr int kWidth = 30;
  double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double fraction = total_bytes_ > 0 ? static_cast<double>(done_bytes_) / total_bytes_
                                     : (total_files_ > 0 ? double(done_files_) / total_files_ : 1);
  int filled = static_cast<int>(fraction * kWidth);
  char bar[kWidth + 1];
  for (int i = 0; i < kWidth; ++i) bar[i] = i < filled ? '=' : (i == filled ? '>' : ' ');
  bar[kWidth] = '\0';
  double mbps = elapsed > 0 ? static_cast<double>(done_bytes_) / 1e6 / elapsed : 0;
  double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
  std::fprintf(stderr, "\r[%s] %zu/%zu files  %.1f MB/s  ETA %.0fs %s", bar, done_files_,
               total_files_, mbps, final ? 0.0 : eta, final ? "\n" : "");
  std::fflush(stderr);
}

}  // namespace ast2graph::pipeline
