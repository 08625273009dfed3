#include "neo4j/transport.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace ast2graph::neo4j {

namespace {

using Clock = std::chrono::steady_clock;

Status ConnError(std::string message) {
  return Status(ErrorCode::kNeo4jConnection, std::move(message));
}

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  if (e == 0) return "unknown TLS error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

Clock::time_point DeadlineAfter(std::chrono::milliseconds timeout) {
  if (timeout.count() <= 0) return Clock::time_point::max();
  return Clock::now() + timeout;
}

bool IsIpLiteral(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

/// SSL_write may write to a socket the peer closed: block SIGPIPE for this thread while it does
/// and drop the pending signal, so a library never changes the process's signal handling.
class ScopedNoSigpipe {
 public:
  ScopedNoSigpipe() {
    sigset_t pipe_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigpending(&pending_before_);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_);
  }
  ~ScopedNoSigpipe() {
    sigset_t pending;
    sigpending(&pending);
    if (sigismember(&pending, SIGPIPE) && !sigismember(&pending_before_, SIGPIPE)) {
      sigset_t pipe_set;
      sigemptyset(&pipe_set);
      sigaddset(&pipe_set, SIGPIPE);
      timespec zero{0, 0};
      sigtimedwait(&pipe_set, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t old_;
  sigset_t pending_before_;
};

}  // namespace

std::string Endpoint::ToString() const {
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

Transport::~Transport() {
  if (ssl_) {
    // Best effort close_notify: the socket is non-blocking, so this never waits.
    ScopedNoSigpipe no_sigpipe;
    SSL_shutdown(ssl_);
    SSL_free(ssl_);
  }
  if (ctx_) SSL_CTX_free(ctx_);
  if (fd_ >= 0) close(fd_);
}

void Transport::Abort() {
  if (ssl_) {
    SSL_free(ssl_);
    ssl_ = nullptr;
  }
  if (fd_ >= 0) {
    close(fd_);
    fd_ = -1;
  }
}

Status Transport::WaitFor(bool want_write, Clock::time_point deadline) {
  for (;;) {
    int wait_ms = -1;
    if (deadline != Clock::time_point::max()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) {
        return ConnError(fmt::format("timed out {} {}", want_write ? "writing to" : "reading from",
                                     endpoint_.ToString()));
      }
      wait_ms = static_cast<int>(std::min<int64_t>(left.count() + 1, 1 << 30));
    }
    pollfd p{fd_, static_cast<short>(want_write ? POLLOUT : POLLIN), 0};
    int r = poll(&p, 1, wait_ms);
    if (r > 0) return {};
    if (r < 0 && errno != EINTR) return ConnError(fmt::format("poll: {}", std::strerror(errno)));
  }
}

Result<std::unique_ptr<Transport>> Transport::Connect(const Endpoint& endpoint, TlsMode tls,
                                                      std::chrono::milliseconds timeout) {
  const auto deadline = DeadlineAfter(timeout);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  const std::string port = std::to_string(endpoint.port);
  if (int rc = getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &list); rc != 0) {
    return ConnError(
        fmt::format("cannot resolve {}: {}", endpoint.ToString(), gai_strerror(rc)));
  }
  std::unique_ptr<Transport> t(new Transport());
  t->endpoint_ = endpoint;
  std::string last_error = "no address";
  for (addrinfo* ai = list; ai; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno != EINPROGRESS) {
      last_error = std::strerror(errno);
      close(fd);
      continue;
    }
    t->fd_ = fd;
    if (rc != 0) {
      if (Status s = t->WaitFor(true, deadline); !s.ok()) {
        last_error = "connect timed out";
        close(fd);
        t->fd_ = -1;
        continue;
      }
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        last_error = std::strerror(err);
        close(fd);
        t->fd_ = -1;
        continue;
      }
    }
    break;
  }
  freeaddrinfo(list);
  if (t->fd_ < 0) {
    return ConnError(fmt::format("cannot connect to {}: {}", endpoint.ToString(), last_error));
  }
  if (tls != TlsMode::kNone) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (deadline == Clock::time_point::max()) left = std::chrono::milliseconds(0);
    if (Status s = t->Handshake(tls, left); !s.ok()) return s;
  }
  return t;
}

Status Transport::Handshake(TlsMode tls, std::chrono::milliseconds timeout) {
  const auto deadline = DeadlineAfter(timeout);
  ctx_ = SSL_CTX_new(TLS_client_method());
  if (!ctx_) return ConnError("TLS: " + OpenSslError());
  SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
  if (tls == TlsMode::kVerify) {
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    if (SSL_CTX_set_default_verify_paths(ctx_) != 1) {
      return ConnError("TLS: cannot load the system CA store: " + OpenSslError());
    }
  } else {
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
  }
  ssl_ = SSL_new(ctx_);
  if (!ssl_) return ConnError("TLS: " + OpenSslError());
  SSL_set_fd(ssl_, fd_);
  const std::string& host = endpoint_.host;
  if (!IsIpLiteral(host)) SSL_set_tlsext_host_name(ssl_, host.c_str());
  if (tls == TlsMode::kVerify) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    const int ok = IsIpLiteral(host) ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                                     : X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
    if (ok != 1) return ConnError("TLS: cannot set the expected host name");
  }
  ScopedNoSigpipe no_sigpipe;
  for (;;) {
    int r = SSL_connect(ssl_);
    if (r == 1) return {};
    int err = SSL_get_error(ssl_, r);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      if (Status s = WaitFor(err == SSL_ERROR_WANT_WRITE, deadline); !s.ok()) {
        return ConnError(fmt::format("TLS handshake with {} timed out", endpoint_.ToString()));
      }
      continue;
    }
    long verify = SSL_get_verify_result(ssl_);
    std::string why = verify != X509_V_OK ? std::string("certificate verification failed: ") +
                                                X509_verify_cert_error_string(verify)
                                          : OpenSslError();
    return ConnError(fmt::format("TLS handshake with {} failed: {}", endpoint_.ToString(), why));
  }
}

Status Transport::Write(std::string_view bytes, std::chrono::milliseconds timeout) {
  if (fd_ < 0) return ConnError("connection closed");
  const auto deadline = DeadlineAfter(timeout);
  while (!bytes.empty()) {
    if (ssl_) {
      ScopedNoSigpipe no_sigpipe;
      size_t written = 0;
      int r = SSL_write_ex(ssl_, bytes.data(), bytes.size(), &written);
      if (r == 1) {
        bytes.remove_prefix(written);
        continue;
      }
      int err = SSL_get_error(ssl_, r);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        if (Status s = WaitFor(err == SSL_ERROR_WANT_WRITE, deadline); !s.ok()) return s;
        continue;
      }
      return ConnError(fmt::format("TLS write to {} failed: {}", endpoint_.ToString(),
                                   err == SSL_ERROR_SYSCALL ? std::strerror(errno) : OpenSslError()));
    }
    ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (Status s = WaitFor(true, deadline); !s.ok()) return s;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return ConnError(fmt::format("write to {} failed: {}", endpoint_.ToString(),
                                 std::strerror(errno)));
  }
  return {};
}

Status Transport::ReadSome(std::string* out, std::chrono::milliseconds timeout) {
  if (fd_ < 0) return ConnError("connection closed");
  const auto deadline = DeadlineAfter(timeout);
  char buf[65536];
  for (;;) {
    if (ssl_) {
      size_t got = 0;
      int r = SSL_read_ex(ssl_, buf, sizeof buf, &got);
      if (r == 1) {
        out->append(buf, got);
        return {};
      }
      int err = SSL_get_error(ssl_, r);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        if (Status s = WaitFor(err == SSL_ERROR_WANT_WRITE, deadline); !s.ok()) return s;
        continue;
      }
      if (err == SSL_ERROR_ZERO_RETURN || err == SSL_ERROR_SYSCALL) {
        ERR_clear_error();
        return ConnError(fmt::format("{} closed the connection", endpoint_.ToString()));
      }
      return ConnError(fmt::format("TLS read from {} failed: {}", endpoint_.ToString(),
                                   OpenSslError()));
    }
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      out->append(buf, static_cast<size_t>(n));
      return {};
    }
    if (n == 0) return ConnError(fmt::format("{} closed the connection", endpoint_.ToString()));
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (Status s = WaitFor(false, deadline); !s.ok()) return s;
      continue;
    }
    if (errno == EINTR) continue;
    return ConnError(fmt::format("read from {} failed: {}", endpoint_.ToString(),
                                 std::strerror(errno)));
  }
}

Status Transport::ReadExactly(size_t n, std::string* out, std::chrono::milliseconds timeout) {
  const auto deadline = DeadlineAfter(timeout);
  const size_t target = out->size() + n;
  while (out->size() < target) {
    std::chrono::milliseconds left(0);
    if (deadline != Clock::time_point::max()) {
      left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) {
        return ConnError(fmt::format("timed out reading from {}", endpoint_.ToString()));
      }
    }
    if (Status s = ReadSome(out, left); !s.ok()) return s;
  }
  // ReadSome may have read past the target: callers of ReadExactly only use it during the
  // handshake, where the server sends nothing unsolicited.
  return {};
}

}  // namespace ast2graph::neo4j
