#include "export/output.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string_view>

namespace ast2graph::exporters {

namespace {

std::atomic<unsigned> temp_counter{0};

/// Directory part of `path` ("." when it has none) and the last component.
void SplitPath(const std::string& path, std::string* dir, std::string* base) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) {
    *dir = ".";
    *base = path;
  } else {
    *dir = slash == 0 ? "/" : path.substr(0, slash);
    *base = path.substr(slash + 1);
  }
}

/// A fresh hidden name beside `path`: "DIR/.BASE.tmp-PID-N".
std::string TempName(const std::string& path) {
  std::string dir, base;
  SplitPath(path, &dir, &base);
  return dir + "/." + base + ".tmp-" + std::to_string(getpid()) + "-" +
         std::to_string(temp_counter.fetch_add(1));
}

void SyncDirOf(const std::string& path) {
  std::string dir, base;
  SplitPath(path, &dir, &base);
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)fsync(fd);  // best effort: the data itself was synced before the rename
  close(fd);
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// True for names the csv exporter writes.
bool IsOurCsvFile(std::string_view name) {
  if (name == "import.sh") return true;
  if (!EndsWith(name, ".csv")) return false;
  return name.starts_with("nodes-") || name.starts_with("relationships-");
}

/// 0 when `path` is a directory that is empty or holds only our files; else an errno-like code
/// (ENOTDIR, ENOTEMPTY) or the error of opendir.
int CheckReplaceableDir(const std::string& path) {
  DIR* d = opendir(path.c_str());
  if (d == nullptr) return errno;
  int result = 0;
  while (dirent* e = readdir(d)) {
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    if (!IsOurCsvFile(name)) {
      result = ENOTEMPTY;
      break;
    }
  }
  closedir(d);
  return result;
}

}  // namespace

Status OutputError(const std::string& what, const std::string& path, int err) {
  return Status(ErrorCode::kOutput, what + " " + path + ": " + std::strerror(err));
}

// ---------------------------------------------------------------------------------------------
// OutputFile

OutputFile::~OutputFile() {
  if (!done_) Abort();
}

Status OutputFile::Open(const std::string& path, Mode mode, unsigned mode_bits) {
  path_ = path;
  buf_.reserve(kFlushThreshold + (kFlushThreshold >> 2));
  if (path == "-") {
    is_stdout_ = true;
    fd_ = STDOUT_FILENO;
    return Status::Ok();
  }
  if (mode == Mode::kReplace) {
    struct stat st;
    if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      status_ = OutputError("cannot replace", path, EISDIR);
      done_ = true;
      return status_;
    }
    // A device or FIFO (/dev/null, /dev/stdout, a named pipe) is written in place: renaming a
    // temporary over it would replace the device node itself when /dev is writable (root).
    if (stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
      fd_ = open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
      if (fd_ < 0) {
        status_ = OutputError("cannot open output", path, errno);
        done_ = true;
        return status_;
      }
      temp_path_ = path;
      in_place_ = true;
      return Status::Ok();
    }
  }
  for (int attempt = 0; attempt < 100; ++attempt) {
    temp_path_ = mode == Mode::kReplace ? TempName(path) : path;
    fd_ = open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_bits);
    if (fd_ >= 0) return Status::Ok();
    if (errno != EEXIST || mode == Mode::kDirect) break;
  }
  int err = errno;
  temp_path_.clear();
  done_ = true;
  status_ = OutputError("cannot create output", path, err);
  return status_;
}

void OutputFile::Fail(int err, const char* what) {
  if (status_.ok()) status_ = OutputError(what, path_, err);
  buf_.clear();
}

void OutputFile::WriteAll(const char* p, size_t left) {
  while (left > 0) {
    ssize_t n = write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      Fail(errno, "cannot write");
      return;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
}

void OutputFile::Flush() {
  if (status_.ok() && fd_ >= 0) WriteAll(buf_.data(), buf_.size());
  buf_.clear();
}

void OutputFile::Append(std::string_view bytes) {
  if (buf_.size() + bytes.size() < kFlushThreshold) {
    buf_.append(bytes);
    return;
  }
  Flush();
  if (status_.ok() && fd_ >= 0) WriteAll(bytes.data(), bytes.size());
}

Status OutputFile::Commit() {
  if (done_) return status_.ok() ? OutputError("already closed", path_, EBADF) : status_;
  Flush();
  if (!status_.ok()) {
    Abort();
    return status_;
  }
  if (is_stdout_) {
    done_ = true;
    return Status::Ok();
  }
  struct stat st;
  if (fstat(fd_, &st) == 0 && S_ISREG(st.st_mode) && fsync(fd_) != 0) {
    Fail(errno, "cannot sync");
    Abort();
    return status_;
  }
  int fd = fd_;
  fd_ = -1;
  if (close(fd) != 0) {
    Fail(errno, "cannot close");
    Abort();
    return status_;
  }
  if (temp_path_ != path_) {
    if (rename(temp_path_.c_str(), path_.c_str()) != 0) {
      Fail(errno, "cannot rename output to");
      Abort();
      return status_;
    }
    SyncDirOf(path_);
  }
  done_ = true;
  return Status::Ok();
}

void OutputFile::Abort() {
  if (fd_ >= 0 && !is_stdout_) close(fd_);
  fd_ = -1;
  if (!done_ && !temp_path_.empty() && !in_place_) unlink(temp_path_.c_str());
  buf_.clear();
  done_ = true;
}

// ---------------------------------------------------------------------------------------------
// OutputDir

OutputDir::~OutputDir() {
  if (!done_) Abort();
}

Status OutputDir::Open(const std::string& path) {
  path_ = path;
  while (path_.size() > 1 && path_.back() == '/') path_.pop_back();
  struct stat st;
  if (stat(path_.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      done_ = true;
      return OutputError("output exists and is not a directory:", path_, ENOTDIR);
    }
    if (int err = CheckReplaceableDir(path_); err != 0) {
      done_ = true;
      if (err == ENOTEMPTY) {
        return Status(ErrorCode::kOutput,
                      "output directory " + path_ +
                          " holds files ast2graph did not write; refusing to replace it");
      }
      return OutputError("cannot read output directory", path_, err);
    }
  }
  for (int attempt = 0; attempt < 100; ++attempt) {
    temp_path_ = TempName(path_);
    if (mkdir(temp_path_.c_str(), 0777) == 0) return Status::Ok();
    if (errno != EEXIST) break;
  }
  int err = errno;
  temp_path_.clear();
  done_ = true;
  return OutputError("cannot create output directory for", path_, err);
}

Status OutputDir::Commit() {
  if (done_) return OutputError("already closed", path_, EBADF);
  int dfd = open(temp_path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0 || syncfs(dfd) != 0) {
    int err = errno;
    if (dfd >= 0) close(dfd);
    Abort();
    return OutputError("cannot sync", path_, err);
  }
  close(dfd);

  struct stat st;
  if (lstat(path_.c_str(), &st) != 0) {
    if (rename(temp_path_.c_str(), path_.c_str()) != 0) {
      int err = errno;
      Abort();
      return OutputError("cannot rename output to", path_, err);
    }
  } else {
    if (int err = S_ISDIR(st.st_mode) ? CheckReplaceableDir(path_) : ENOTDIR; err != 0) {
      Abort();
      return OutputError("refusing to replace", path_, err);
    }
    // Swap atomically where the file system can; else move the old one aside first.
    std::string old_path = TempName(path_);
    if (renameat2(AT_FDCWD, temp_path_.c_str(), AT_FDCWD, path_.c_str(), RENAME_EXCHANGE) == 0) {
      old_path = temp_path_;
    } else if (rename(path_.c_str(), old_path.c_str()) != 0 ||
               rename(temp_path_.c_str(), path_.c_str()) != 0) {
      int err = errno;
      (void)rename(old_path.c_str(), path_.c_str());  // put the old one back if it was moved
      Abort();
      return OutputError("cannot rename output to", path_, err);
    }
    std::error_code ec;
    std::filesystem::remove_all(old_path, ec);  // leftovers of the old output are not an error
  }
  SyncDirOf(path_);
  done_ = true;
  return Status::Ok();
}

void OutputDir::Abort() {
  if (!done_ && !temp_path_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(temp_path_, ec);
  }
  done_ = true;
}

}  // namespace ast2graph::exporters
