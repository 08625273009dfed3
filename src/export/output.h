// Output files that appear only when complete: data goes to a temporary name in the target's
// directory and is renamed over the target by Commit(); any failure, or destruction without
// Commit(), removes the temporary and leaves an existing target untouched (DESIGN.md section 4).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ast2graph/status.h"

namespace ast2graph::exporters {

/// A buffered output file. Formatters append to buf() and call MaybeFlush() after each record;
/// the first write error is kept (later writes are dropped) and reported by status()/Commit().
class OutputFile {
 public:
  /// How Open() treats the path.
  enum class Mode {
    kReplace,  // temporary name beside `path`, renamed to `path` by Commit()
    kDirect,   // `path` itself, created exclusively (inside a directory that is itself temporary)
  };
  /// Bytes buffered before a write(2).
  static constexpr size_t kFlushThreshold = size_t{1} << 20;

  OutputFile() = default;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();

  /// "-" is standard output (never closed, never renamed). `mode_bits` are the permissions a new
  /// file gets before the umask.
  Status Open(const std::string& path, Mode mode = Mode::kReplace, unsigned mode_bits = 0666);

  std::string& buf() { return buf_; }
  void MaybeFlush() {
    if (buf_.size() >= kFlushThreshold) Flush();
  }
  /// Writes out the buffer (an error is kept in status()).
  void Flush();
  /// Appends `bytes` after what is buffered: small pieces are buffered, a piece that reaches the
  /// flush threshold is written straight from `bytes` after the buffer (no copy).
  void Append(std::string_view bytes);
  const Status& status() const { return status_; }

  /// Flushes, fsyncs (regular files), closes and renames into place. On failure the temporary is
  /// removed and the error returned.
  Status Commit();
  /// Closes and removes the temporary (or, kDirect, the file). Safe to call twice.
  void Abort();

  const std::string& path() const { return path_; }

 private:
  void Fail(int err, const char* what);
  void WriteAll(const char* p, size_t size);

  std::string buf_;
  std::string path_;       // the final name
  std::string temp_path_;  // where the data goes (== path_ for kDirect, empty for stdout)
  int fd_ = -1;
  bool is_stdout_ = false;
  bool in_place_ = false;  // an existing device or FIFO, written directly and never removed
  bool done_ = false;
  Status status_;
};

/// A directory that appears at `path` only when complete (the csv format): files are created
/// inside a temporary sibling directory, which Commit() swaps into place. An existing `path` is
/// replaced only if it is empty or holds nothing but files this exporter writes
/// (`import.sh`, `nodes-*.csv`, `relationships-*.csv`), so a mistyped -o never deletes user data.
class OutputDir {
 public:
  OutputDir() = default;
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;
  ~OutputDir();

  Status Open(const std::string& path);
  /// The temporary directory's path + "/" + name.
  std::string FilePath(const std::string& name) const { return temp_path_ + "/" + name; }
  /// Syncs the file system, then swaps the directory into place and deletes the old one.
  Status Commit();
  /// Deletes the temporary directory and everything in it.
  void Abort();

 private:
  std::string path_;
  std::string temp_path_;
  bool done_ = false;
};

/// Status for an output failure: code kOutput, "what PATH: strerror".
Status OutputError(const std::string& what, const std::string& path, int err);

}  // namespace ast2graph::exporters
