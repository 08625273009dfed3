// A TCP connection, optionally TLS (OpenSSL), with connect and read timeouts.
//
// The socket is non-blocking and every wait goes through poll(), so a timeout bounds each call
// whatever the TLS layer does. Errors are kNeo4jConnection and never contain secrets.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "ast2graph/status.h"

struct ssl_st;
struct ssl_ctx_st;

namespace ast2graph::neo4j {

enum class TlsMode {
  kNone,
  kVerify,       // bolt+s / neo4j+s: system CA store, hostname verification
  kTrustAny,     // bolt+ssc / neo4j+ssc: encrypted, certificate not verified
};

struct Endpoint {
  std::string host;
  uint16_t port = 7687;
  std::string ToString() const;  // "host:port" ([v6]:port)
};

class Transport {
 public:
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  /// Resolves, connects (each resolved address in turn) and, for TLS, handshakes, all within
  /// `timeout`. For kVerify, the certificate must chain to the system CA store (OpenSSL's
  /// default paths; SSL_CERT_FILE/SSL_CERT_DIR override) and match `endpoint.host`.
  static Result<std::unique_ptr<Transport>> Connect(const Endpoint& endpoint, TlsMode tls,
                                                    std::chrono::milliseconds timeout);

  /// Writes all of `bytes` (waits at most `timeout` for the socket to accept each part).
  Status Write(std::string_view bytes, std::chrono::milliseconds timeout);
  /// Reads what is available (at least one byte) into `out` (appended). A zero timeout waits
  /// forever. The peer closing is an error.
  Status ReadSome(std::string* out, std::chrono::milliseconds timeout);
  /// Reads exactly `n` bytes.
  Status ReadExactly(size_t n, std::string* out, std::chrono::milliseconds timeout);

  /// Closes without a TLS close_notify (used after errors).
  void Abort();
  bool tls() const { return ssl_ != nullptr; }
  const Endpoint& endpoint() const { return endpoint_; }

 private:
  Transport() = default;
  Status WaitFor(bool want_write, std::chrono::steady_clock::time_point deadline);
  Status Handshake(TlsMode tls, std::chrono::milliseconds timeout);

  int fd_ = -1;
  ::ssl_st* ssl_ = nullptr;
  ::ssl_ctx_st* ctx_ = nullptr;
  Endpoint endpoint_;
};

}  // namespace ast2graph::neo4j
