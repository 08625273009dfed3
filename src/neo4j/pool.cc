#include "neo4j/pool.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace ast2graph::neo4j {

namespace {

Status UsageError(std::string message) { return Status(ErrorCode::kUsage, std::move(message)); }

bool StartsWith(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

Result<ParsedUri> ParseUri(const std::string& uri) {
  ParsedUri out;
  const size_t sep = uri.find("://");
  if (sep == std::string::npos) {
    return UsageError(fmt::format("Neo4j URI '{}' has no scheme (expected bolt:// or neo4j://)",
                                  uri));
  }
  out.scheme = uri.substr(0, sep);
  struct SchemeInfo {
    const char* name;
    bool routing;
    TlsMode tls;
  };
  constexpr SchemeInfo kSchemes[] = {
      {"bolt", false, TlsMode::kNone},     {"bolt+s", false, TlsMode::kVerify},
      {"bolt+ssc", false, TlsMode::kTrustAny}, {"neo4j", true, TlsMode::kNone},
      {"neo4j+s", true, TlsMode::kVerify}, {"neo4j+ssc", true, TlsMode::kTrustAny},
  };
  bool known = false;
  for (const SchemeInfo& s : kSchemes) {
    if (out.scheme == s.name) {
      out.routing = s.routing;
      out.tls = s.tls;
      known = true;
    }
  }
  if (!known) {
    return UsageError(fmt::format(
        "unsupported URI scheme '{}' (use bolt, bolt+s, bolt+ssc, neo4j, neo4j+s, neo4j+ssc)",
        out.scheme));
  }
  std::string rest = uri.substr(sep + 3);
  std::string query;
  if (size_t q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.find('@') != std::string::npos) {
    // Never echo this URI: it may hold a password.
    return UsageError(
        "credentials in the Neo4j URI are not accepted: use --user and NEO4J_PASSWORD");
  }
  if (rest.find('/') != std::string::npos) {
    return UsageError("the Neo4j URI must not have a path (use --database for the database)");
  }
  std::string_view host = rest;
  std::string_view port;
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    if (close == std::string_view::npos) return UsageError("unterminated [IPv6] host in URI");
    if (close + 1 < host.size()) {
      if (host[close + 1] != ':') return UsageError("bad port in Neo4j URI");
      port = host.substr(close + 2);
    }
    host = host.substr(1, close - 1);
  } else if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (host.empty()) return UsageError(fmt::format("Neo4j URI '{}' has no host", uri));
  out.address.host = std::string(host);
  if (!port.empty()) {
    unsigned p = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || ptr != port.data() + port.size() || p == 0 || p > 65535) {
      return UsageError(fmt::format("bad port '{}' in Neo4j URI", port));
    }
    out.address.port = static_cast<uint16_t>(p);
  }
  out.routing_context.emplace_back("address", out.address.ToString());
  // Query parameters become routing context entries (neo4j:// only, as the drivers do).
  std::string_view qv = query;
  while (!qv.empty()) {
    size_t amp = qv.find('&');
    std::string_view pair = qv.substr(0, amp);
    qv = amp == std::string_view::npos ? std::string_view() : qv.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return UsageError("bad query parameter in Neo4j URI");
    }
    if (!out.routing) return UsageError("query parameters are only allowed with neo4j:// URIs");
    std::string key(pair.substr(0, eq));
    if (key == "address") return UsageError("'address' is reserved in the routing context");
    out.routing_context.emplace_back(std::move(key), std::string(pair.substr(eq + 1)));
  }
  return out;
}

FailureClass Classify(const Status& status) {
  if (status.ok()) return FailureClass::kTransient;
  if (status.code() == ErrorCode::kNeo4jAuth) return FailureClass::kFatal;
  if (status.code() == ErrorCode::kNeo4jConnection) return FailureClass::kRoutingStale;
  const std::string code = ServerCode(status);
  if (code == "Neo.ClientError.Cluster.NotALeader" ||
      code == "Neo.ClientError.General.ForbiddenOnReadOnlyDatabase" ||
      code.find("SessionExpired") != std::string::npos ||
      code.find("ServiceUnavailable") != std::string::npos) {
    return FailureClass::kRoutingStale;
  }
  if (StartsWith(code, "Neo.TransientError.")) {
    if (code == "Neo.TransientError.Transaction.Terminated" ||
        code == "Neo.TransientError.Transaction.LockClientStopped") {
      return FailureClass::kFatal;
    }
    return FailureClass::kTransient;
  }
  return FailureClass::kFatal;
}

Pool::Pool(ConnectOptions options, ParsedUri uri)
    : options_(std::move(options)), uri_(std::move(uri)) {
  config_.tls = uri_.tls;
  config_.auth = Credentials{options_.user, options_.password};
  config_.user_agent = options_.user_agent;
  if (uri_.routing) config_.routing_context = uri_.routing_context;
  config_.connect_timeout = options_.connect_timeout;
  config_.read_timeout = options_.read_timeout;
  config_.log = options_.log;
}

Pool::~Pool() {
  std::lock_guard lock(mu_);
  idle_.clear();  // each sends GOODBYE
}

Result<std::unique_ptr<Connection>> Pool::Open(const Endpoint& e) {
  return Connection::Open(e, config_);
}

Status Pool::RefreshRoutingLocked() {
  // Known routers first, then the address of the URI (the seed router).
  std::vector<Endpoint> candidates = table_.routers;
  const bool has_seed = std::any_of(candidates.begin(), candidates.end(), [&](const Endpoint& e) {
    return e.host == uri_.address.host && e.port == uri_.address.port;
  });
  if (!has_seed) candidates.push_back(uri_.address);
  Status last = Status(ErrorCode::kNeo4jConnection, "no router reachable");
  for (const Endpoint& router : candidates) {
    Result<std::unique_ptr<Connection>> c = Open(router);
    if (!c.ok()) {
      if (c.status().code() == ErrorCode::kNeo4jAuth) return c.status();
      last = c.status();
      continue;
    }
    Result<RoutingTable> t = (*c)->Route(uri_.routing_context, bookmarks_, options_.database);
    if (!t.ok()) {
      if (Classify(t.status()) == FailureClass::kFatal) return t.status();
      last = t.status();
      continue;
    }
    if (t->writers.empty()) {
      last = Status(ErrorCode::kNeo4jConnection, "the routing table has no writer (no leader)");
      continue;
    }
    table_ = std::move(*t);
    table_valid_ = true;
    table_expires_ = std::chrono::steady_clock::now() + std::chrono::seconds(table_.ttl_seconds);
    ++refreshes_;
    if (options_.log) {
      options_.log(fmt::format("routing table from {}: {} writer(s), {} reader(s), ttl {}s",
                               router.ToString(), table_.writers.size(), table_.readers.size(),
                               table_.ttl_seconds));
    }
    return {};
  }
  return last;
}

Result<std::unique_ptr<Connection>> Pool::Acquire(bool write) {
  Endpoint target;
  {
    std::lock_guard lock(mu_);
    if (uri_.routing) {
      if (!table_valid_ || std::chrono::steady_clock::now() >= table_expires_) {
        if (Status s = RefreshRoutingLocked(); !s.ok()) return s;
      }
      const auto& servers = write || table_.readers.empty() ? table_.writers : table_.readers;
      target = servers[next_server_++ % servers.size()];
    } else {
      target = uri_.address;
    }
    for (auto it = idle_.begin(); it != idle_.end(); ++it) {
      const Endpoint& e = (*it)->endpoint();
      if (e.host == target.host && e.port == target.port) {
        std::unique_ptr<Connection> c = std::move(*it);
        idle_.erase(it);
        return c;
      }
    }
  }
  return Open(target);
}

Result<std::unique_ptr<Connection>> Pool::AcquireWriter() { return Acquire(true); }
Result<std::unique_ptr<Connection>> Pool::AcquireReader() { return Acquire(false); }

void Pool::Release(std::unique_ptr<Connection> connection) {
  if (!connection) return;
  if (connection->state() == Connection::State::kFailed) {
    if (!connection->Reset().ok()) return;
  }
  if (!connection->usable()) return;
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(connection));
}

void Pool::ForgetWriter(const Endpoint& endpoint) {
  std::vector<std::unique_ptr<Connection>> dropped;
  std::lock_guard lock(mu_);
  if (!uri_.routing) return;
  table_valid_ = false;
  auto same = [&](const Endpoint& e) { return e.host == endpoint.host && e.port == endpoint.port; };
  table_.writers.erase(std::remove_if(table_.writers.begin(), table_.writers.end(), same),
                       table_.writers.end());
  for (auto it = idle_.begin(); it != idle_.end();) {
    if (same((*it)->endpoint())) {
      dropped.push_back(std::move(*it));
      it = idle_.erase(it);
    } else {
      ++it;
    }
  }
}

std::vector<std::string> Pool::Bookmarks() {
  std::lock_guard lock(mu_);
  return bookmarks_;
}

void Pool::UpdateBookmarks(const std::vector<std::string>& sent, const std::string& received) {
  if (received.empty()) return;
  std::lock_guard lock(mu_);
  std::erase_if(bookmarks_, [&](const std::string& b) {
    return std::find(sent.begin(), sent.end(), b) != sent.end();
  });
  bookmarks_.push_back(received);
}

int Pool::routing_refreshes() const {
  std::lock_guard lock(mu_);
  return refreshes_;
}

}  // namespace ast2graph::neo4j
