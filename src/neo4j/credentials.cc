// ConnectOptions from flags and the environment; the password file check.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "ast2graph/neo4j.h"
#include "neo4j/pool.h"

namespace ast2graph::neo4j {

namespace {

Status UsageError(std::string message) { return Status(ErrorCode::kUsage, std::move(message)); }

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

constexpr size_t kMaxPasswordFile = 64 * 1024;

}  // namespace

Status ValidateUri(const std::string& uri) { return ParseUri(uri).status(); }

Result<std::string> ReadPasswordFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    return UsageError(fmt::format("cannot open NEO4J_PASSWORD_FILE {}: {}", path,
                                  std::strerror(errno)));
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return UsageError(fmt::format("NEO4J_PASSWORD_FILE {} is not a regular file", path));
  }
  if ((st.st_mode & 077) != 0) {
    close(fd);
    return UsageError(fmt::format(
        "NEO4J_PASSWORD_FILE {} has mode {:04o}: it must not be readable by group or others "
        "(chmod 600 {})",
        path, st.st_mode & 07777, path));
  }
  if (st.st_size > static_cast<off_t>(kMaxPasswordFile)) {
    close(fd);
    return UsageError(fmt::format("NEO4J_PASSWORD_FILE {} is larger than 64 KiB", path));
  }
  std::string password;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      close(fd);
      return UsageError(fmt::format("cannot read NEO4J_PASSWORD_FILE {}: {}", path,
                                    std::strerror(errno)));
    }
    if (n == 0) break;
    password.append(buf, static_cast<size_t>(n));
    if (password.size() > kMaxPasswordFile) break;
  }
  close(fd);
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
    password.pop_back();
  }
  return password;
}

Result<ConnectOptions> FromEnvironment(std::string_view uri_flag, std::string_view user_flag,
                                       std::string_view database_flag) {
  ConnectOptions o;
  o.uri = !uri_flag.empty() ? std::string(uri_flag) : Env("NEO4J_URI");
  if (o.uri.empty()) o.uri = "bolt://localhost:7687";
  if (Status s = ValidateUri(o.uri); !s.ok()) return s;
  o.user = !user_flag.empty() ? std::string(user_flag) : Env("NEO4J_USERNAME");
  if (o.user.empty()) o.user = "neo4j";
  o.database = !database_flag.empty() ? std::string(database_flag) : Env("NEO4J_DATABASE");
  const char* password = std::getenv("NEO4J_PASSWORD");
  if (password) {
    o.password = password;
  } else if (std::string file = Env("NEO4J_PASSWORD_FILE"); !file.empty()) {
    Result<std::string> p = ReadPasswordFile(file);
    if (!p.ok()) return p.status();
    o.password = std::move(*p);
  }
  return o;
}

}  // namespace ast2graph::neo4j
