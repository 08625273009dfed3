#include "neo4j/bolt.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace ast2graph::neo4j {

namespace {

constexpr char kMagic[] = {'\x60', '\x60', '\xB0', '\x17'};
constexpr size_t kMaxLoggedChars = 2000;

Status ConnError(std::string message) {
  return Status(ErrorCode::kNeo4jConnection, std::move(message));
}

std::string Truncated(std::string text) {
  if (text.size() > kMaxLoggedChars) {
    text.resize(kMaxLoggedChars);
    text += "...";
  }
  return text;
}

int64_t IntOr(const Value* v, int64_t fallback) {
  if (v && v->AsInt()) return *v->AsInt();
  return fallback;
}

std::string StringOr(const Value* v, std::string fallback = {}) {
  if (v && v->AsString()) return *v->AsString();
  return fallback;
}

Value StringList(const std::vector<std::string>& items) {
  List l;
  l.reserve(items.size());
  for (const auto& s : items) l.emplace_back(s);
  return l;
}

Map BeginMetadata(const TxConfig& tx) {
  Map m;
  if (!tx.bookmarks.empty()) m.emplace_back("bookmarks", StringList(tx.bookmarks));
  if (!tx.database.empty()) m.emplace_back("db", tx.database);
  if (tx.read_only) m.emplace_back("mode", "r");
  return m;
}

Result<Endpoint> ParseAddress(const std::string& address) {
  Endpoint e;
  std::string_view a = address;
  std::string_view port;
  if (!a.empty() && a.front() == '[') {
    size_t close = a.find(']');
    if (close == std::string_view::npos) return ConnError("bad address in routing table");
    e.host = std::string(a.substr(1, close - 1));
    if (close + 1 < a.size() && a[close + 1] == ':') port = a.substr(close + 2);
  } else {
    size_t colon = a.rfind(':');
    e.host = std::string(a.substr(0, colon));
    if (colon != std::string_view::npos) port = a.substr(colon + 1);
  }
  if (!port.empty()) {
    unsigned p = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || ptr != port.data() + port.size() || p == 0 || p > 65535) {
      return ConnError("bad port in routing table");
    }
    e.port = static_cast<uint16_t>(p);
  }
  if (e.host.empty()) return ConnError("bad address in routing table");
  return e;
}

}  // namespace

const char* MessageName(uint8_t signature) {
  switch (signature) {
    case msg::kHello: return "HELLO";
    case msg::kGoodbye: return "GOODBYE";
    case msg::kReset: return "RESET";
    case msg::kRun: return "RUN";
    case msg::kBegin: return "BEGIN";
    case msg::kCommit: return "COMMIT";
    case msg::kRollback: return "ROLLBACK";
    case msg::kDiscard: return "DISCARD";
    case msg::kPull: return "PULL";
    case msg::kTelemetry: return "TELEMETRY";
    case msg::kRoute: return "ROUTE";
    case msg::kLogon: return "LOGON";
    case msg::kLogoff: return "LOGOFF";
    case msg::kSuccess: return "SUCCESS";
    case msg::kRecord: return "RECORD";
    case msg::kIgnored: return "IGNORED";
    case msg::kFailure: return "FAILURE";
  }
  return "UNKNOWN";
}

std::string BoltVersion::ToString() const { return fmt::format("{}.{}", major, minor); }

std::string HandshakeBytes() {
  std::string out(kMagic, sizeof kMagic);
  // Each proposal is [reserved, range, minor, major]: 5.4 with a range of 4 covers 5.4..5.0.
  const char proposals[] = {0, 4, 4, 5, 0, 0, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0};
  out.append(proposals, sizeof proposals);
  return out;
}

Result<BoltVersion> ParseHandshakeReply(std::string_view reply) {
  if (reply.size() != 4) return ConnError("short handshake reply");
  if (reply == "HTTP") {
    return ConnError("the server answered HTTP: the URI points at Neo4j's HTTP port, not Bolt");
  }
  BoltVersion v{static_cast<unsigned char>(reply[3]), static_cast<unsigned char>(reply[2])};
  if (v.major == 0 && v.minor == 0) {
    return ConnError("the server supports none of the Bolt versions 5.0-5.4 and 4.4");
  }
  const bool offered = (v.major == 5 && v.minor <= 4) || (v.major == 4 && v.minor == 4);
  if (!offered || reply[0] != 0 || reply[1] != 0) {
    return ConnError(fmt::format("the server chose Bolt {}, which we did not offer", v.ToString()));
  }
  return v;
}

std::string EncodeMessage(uint8_t signature, const std::vector<Value>& fields) {
  std::string out;
  Encoder e(&out);
  e.StructHeader(static_cast<uint8_t>(fields.size()), signature);
  for (const Value& f : fields) e.Encode(f);
  return out;
}

Status StatusFromFailure(const std::string& code, const std::string& message) {
  const bool auth = code.rfind("Neo.ClientError.Security.", 0) == 0;
  return Status(auth ? ErrorCode::kNeo4jAuth : ErrorCode::kNeo4jQuery,
                fmt::format("{}: {}", code.empty() ? "Neo.DatabaseError.Unknown" : code, message));
}

std::string ServerCode(const Status& status) {
  const std::string& m = status.message();
  if (m.rfind("Neo.", 0) != 0) return {};
  size_t colon = m.find(':');
  return m.substr(0, colon);
}

Statement Statement::FromMap(std::string query, const Map& parameters, int64_t fetch) {
  Statement s;
  s.query = std::move(query);
  Encoder(&s.packed_parameters).Encode(Value(parameters));
  s.fetch = fetch;
  return s;
}

// ---- Connection ----------------------------------------------------------------------------

Result<std::unique_ptr<Connection>> Connection::Open(const Endpoint& endpoint,
                                                     const ConnectionConfig& config) {
  std::unique_ptr<Connection> c(new Connection());
  c->endpoint_ = endpoint;
  c->config_ = config;
  c->read_timeout_ = config.read_timeout;
  Result<std::unique_ptr<Transport>> t =
      Transport::Connect(endpoint, config.tls, config.connect_timeout);
  if (!t.ok()) return t.status();
  c->transport_ = std::move(*t);
  if (Status s = c->Handshake(); !s.ok()) return s;
  if (Status s = c->Hello(); !s.ok()) return s;
  return c;
}

Connection::~Connection() { Close(); }

void Connection::Log(std::string_view direction, uint8_t signature, const std::string& text) {
  if (!config_.log) return;
  config_.log(fmt::format("bolt {} {} {} {}", endpoint_.ToString(), direction,
                          MessageName(signature), Truncated(text)));
}

Status Connection::Fail(Status status, bool defunct) {
  if (defunct) {
    state_ = State::kDefunct;
    last_error_ = BoltError{"", status.message(), true};
    if (transport_) transport_->Abort();
  }
  return status;
}

Status Connection::Handshake() {
  const auto timeout = config_.connect_timeout;
  if (Status s = transport_->Write(HandshakeBytes(), timeout); !s.ok()) return Fail(s, true);
  while (in_.size() < 4) {
    if (Status s = transport_->ReadSome(&in_, timeout); !s.ok()) return Fail(s, true);
  }
  Result<BoltVersion> v = ParseHandshakeReply(std::string_view(in_).substr(0, 4));
  if (!v.ok()) return Fail(v.status(), true);
  version_ = *v;
  std::string rest = in_.substr(4);
  in_.clear();
  if (!rest.empty()) {
    if (Status s = dechunker_.Feed(rest, &messages_); !s.ok()) return Fail(s, true);
  }
  if (config_.log) {
    config_.log(fmt::format("bolt {} negotiated {}", endpoint_.ToString(), version_.ToString()));
  }
  return {};
}

Status Connection::Hello() {
  Map extra;
  extra.emplace_back("user_agent", config_.user_agent);
  if (version_.AtLeast(5, 3)) {
    extra.emplace_back("bolt_agent", Map{{"product", config_.user_agent},
                                         {"language", "C++/20"},
                                         {"platform", "Linux"}});
  }
  if (config_.routing_context) extra.emplace_back("routing", *config_.routing_context);
  const bool auth_in_hello = !version_.AtLeast(5, 1);
  Map logged = extra;
  if (auth_in_hello) {
    const bool basic = !config_.auth.user.empty();
    extra.emplace_back("scheme", basic ? "basic" : "none");
    logged.emplace_back("scheme", basic ? "basic" : "none");
    if (basic) {
      extra.emplace_back("principal", config_.auth.user);
      extra.emplace_back("credentials", config_.auth.password);
      logged.emplace_back("principal", config_.auth.user);
      logged.emplace_back("credentials", "******");
    }
  }
  std::vector<Value> log_fields{Value(logged)};
  Queue(msg::kHello, {Value(std::move(extra))}, &log_fields);
  if (Status s = Flush(); !s.ok()) return s;
  Map meta;
  bool ignored = false;
  if (Status s = ReadSummary(&meta, nullptr, &ignored); !s.ok()) {
    if (s.code() == ErrorCode::kNeo4jAuth) (void)Fail(s, true);
    return s;
  }
  Value m(std::move(meta));
  server_agent_ = StringOr(m.Find("server"));
  connection_id_ = StringOr(m.Find("connection_id"));
  if (const Value* hints = m.Find("hints")) {
    int64_t secs = IntOr(hints->Find("connection.recv_timeout_seconds"), 0);
    if (secs > 0) {
      std::chrono::milliseconds hint(secs * 1000);
      if (read_timeout_.count() == 0 || hint < read_timeout_) read_timeout_ = hint;
    }
  }
  if (!auth_in_hello) return Logon(config_.auth);
  return {};
}

Status Connection::Logon(const Credentials& auth) {
  Map m;
  Map logged;
  const bool basic = !auth.user.empty();
  m.emplace_back("scheme", basic ? "basic" : "none");
  logged.emplace_back("scheme", basic ? "basic" : "none");
  if (basic) {
    m.emplace_back("principal", auth.user);
    m.emplace_back("credentials", auth.password);
    logged.emplace_back("principal", auth.user);
    logged.emplace_back("credentials", "******");
  }
  std::vector<Value> log_fields{Value(logged)};
  Queue(msg::kLogon, {Value(std::move(m))}, &log_fields);
  if (Status s = Flush(); !s.ok()) return s;
  Map meta;
  bool ignored = false;
  Status s = ReadSummary(&meta, nullptr, &ignored);
  // The server closes the connection after an authentication failure.
  if (!s.ok() && s.code() == ErrorCode::kNeo4jAuth) (void)Fail(s, true);
  return s;
}

Status Connection::Reauthenticate(const Credentials& auth) {
  if (!version_.AtLeast(5, 1)) {
    return Status(ErrorCode::kNeo4jQuery, "re-authentication needs Bolt 5.1 or later");
  }
  Queue(msg::kLogoff, {});
  if (Status s = Flush(); !s.ok()) return s;
  Map meta;
  bool ignored = false;
  if (Status s = ReadSummary(&meta, nullptr, &ignored); !s.ok()) return s;
  return Logon(auth);
}

void Connection::Queue(uint8_t signature, const std::vector<Value>& fields,
                       const std::vector<Value>* log_fields) {
  std::string body = EncodeMessage(signature, fields);
  AppendChunked(body, &out_);
  if (config_.log) {
    const auto& shown = log_fields ? *log_fields : fields;
    std::string text;
    for (size_t i = 0; i < shown.size(); ++i) {
      if (i) text += " ";
      text += DebugString(shown[i]);
    }
    Log("C:", signature, text);
  }
}

void Connection::QueueRaw(uint8_t signature, std::string_view packed_fields,
                          const char* log_text) {
  std::string body;
  body.reserve(packed_fields.size() + 2);
  body.push_back(static_cast<char>(0xB0 | 3));
  body.push_back(static_cast<char>(signature));
  body.append(packed_fields);
  AppendChunked(body, &out_);
  if (config_.log) Log("C:", signature, log_text);
}

Status Connection::Flush() {
  if (state_ == State::kDefunct || state_ == State::kClosed) {
    return ConnError(fmt::format("connection to {} is closed", endpoint_.ToString()));
  }
  Status s = transport_->Write(out_, read_timeout_);
  out_.clear();
  if (!s.ok()) return Fail(s, true);
  return {};
}

Status Connection::Receive(uint8_t* signature, Value* body) {
  while (next_message_ >= messages_.size()) {
    messages_.clear();
    next_message_ = 0;
    in_.clear();
    if (Status s = transport_->ReadSome(&in_, read_timeout_); !s.ok()) return Fail(s, true);
    if (Status s = dechunker_.Feed(in_, &messages_); !s.ok()) return Fail(s, true);
  }
  std::string raw = std::move(messages_[next_message_++]);
  Result<Value> v = Decode(raw, config_.limits);
  if (!v.ok()) return Fail(v.status(), true);
  const Structure* st = v->AsStructure();
  if (!st) return Fail(ConnError("Bolt message is not a structure"), true);
  *signature = st->tag;
  switch (st->tag) {
    case msg::kSuccess:
    case msg::kFailure:
      if (st->fields.size() != 1 || !st->fields[0].AsMap()) {
        return Fail(ConnError(fmt::format("malformed {}", MessageName(st->tag))), true);
      }
      break;
    case msg::kRecord:
      if (st->fields.size() != 1 || !st->fields[0].AsList()) {
        return Fail(ConnError("malformed RECORD"), true);
      }
      if (Status s = ValidateStructures(st->fields[0]); !s.ok()) return Fail(s, true);
      break;
    case msg::kIgnored:
      break;
    default:
      return Fail(ConnError(fmt::format("unexpected message 0x{:02X} from the server", st->tag)),
                  true);
  }
  if (config_.log && st->tag != msg::kRecord) {
    Log("S:", st->tag, st->fields.empty() ? "" : DebugString(st->fields[0]));
  }
  *body = st->fields.empty() ? Value() : std::move(st->fields[0]);
  return {};
}

Status Connection::FailureStatus(const Map& metadata) {
  Value m(metadata);
  std::string code = StringOr(m.Find("code"));
  std::string message = StringOr(m.Find("message"));
  last_error_ = BoltError{code, message, false};
  return StatusFromFailure(code, message);
}

Status Connection::ReadSummary(Map* metadata, std::vector<List>* records, bool* ignored) {
  *ignored = false;
  for (;;) {
    uint8_t sig = 0;
    Value body;
    if (Status s = Receive(&sig, &body); !s.ok()) return s;
    switch (sig) {
      case msg::kRecord:
        if (records) records->push_back(std::move(*std::get_if<List>(&body.v)));
        continue;
      case msg::kSuccess:
        *metadata = std::move(*std::get_if<Map>(&body.v));
        return {};
      case msg::kIgnored:
        *ignored = true;
        return {};
      case msg::kFailure:
        state_ = State::kFailed;
        return FailureStatus(*std::get_if<Map>(&body.v));
    }
  }
}

Result<TxResult> Connection::RunTransaction(const TxConfig& tx,
                                            const std::vector<Statement>& statements) {
  if (state_ != State::kReady) {
    return ConnError(fmt::format("connection to {} is not ready", endpoint_.ToString()));
  }
  Queue(msg::kBegin, {Value(BeginMetadata(tx))});
  std::string packed;
  for (const Statement& st : statements) {
    packed.clear();
    Encoder e(&packed);
    e.String(st.query);
    if (st.packed_parameters.empty()) {
      e.MapHeader(0);
    } else {
      packed += st.packed_parameters;
    }
    e.MapHeader(0);
    std::string log_text;
    if (config_.log) {
      log_text = DebugString(Value(st.query));
      if (!st.packed_parameters.empty()) {
        Result<Value> p = Decode(st.packed_parameters);
        log_text += " " + (p.ok() ? DebugString(*p) : std::string("<undecodable>"));
      }
    }
    QueueRaw(msg::kRun, packed, log_text.c_str());
    Map n{{"n", st.fetch == 0 ? int64_t{-1} : st.fetch}};
    Queue(st.fetch == 0 ? msg::kDiscard : msg::kPull, {Value(std::move(n))});
  }
  Queue(msg::kCommit, {});
  if (Status s = Flush(); !s.ok()) return s;

  // Replies: BEGIN, (RUN, PULL/DISCARD) per statement, COMMIT. After a FAILURE the rest are
  // IGNORED; all are read so the connection stays in step.
  TxResult result;
  result.statements.resize(statements.size());
  std::optional<Status> failure;
  const size_t expected = 2 + 2 * statements.size();
  for (size_t i = 0; i < expected; ++i) {
    Map meta;
    bool ignored = false;
    std::vector<List>* records = nullptr;
    StatementResult* sr = nullptr;
    if (i > 0 && i + 1 < expected) {
      sr = &result.statements[(i - 1) / 2];
      if ((i - 1) % 2 == 1) records = &sr->records;
    }
    Status s = ReadSummary(&meta, records, &ignored);
    if (!s.ok()) {
      if (state_ == State::kDefunct) return failure ? *failure : s;
      if (!failure) failure = s;
      continue;
    }
    if (ignored) continue;
    Value m(std::move(meta));
    if (i + 1 == expected) {
      result.bookmark = StringOr(m.Find("bookmark"));
    } else if (sr && (i - 1) % 2 == 0) {
      sr->available_after_ms = IntOr(m.Find("t_first"), 0);
      if (const Value* fields = m.Find("fields"); fields && fields->AsList()) {
        for (const Value& f : *fields->AsList()) sr->keys.push_back(StringOr(&f));
      }
    } else if (sr) {
      sr->consumed_after_ms = IntOr(m.Find("t_last"), 0);
      sr->summary = std::move(*std::get_if<Map>(&m.v));
    }
  }
  if (failure) return *failure;
  return result;
}

Status Connection::Stream(const TxConfig& tx, const Statement& statement,
                          const std::function<void(const List&)>& on_record) {
  if (state_ != State::kReady) {
    return ConnError(fmt::format("connection to {} is not ready", endpoint_.ToString()));
  }
  Queue(msg::kBegin, {Value(BeginMetadata(tx))});
  std::string packed;
  Encoder e(&packed);
  e.String(statement.query);
  if (statement.packed_parameters.empty()) {
    e.MapHeader(0);
  } else {
    packed += statement.packed_parameters;
  }
  e.MapHeader(0);
  QueueRaw(msg::kRun, packed, statement.query.c_str());
  const int64_t n = statement.fetch_size > 0 ? statement.fetch_size : -1;
  Queue(msg::kPull, {Value(Map{{"n", n}})});
  if (Status s = Flush(); !s.ok()) return s;
  Map meta;
  bool ignored = false;
  std::optional<Status> failure;
  for (int i = 0; i < 2; ++i) {  // BEGIN, RUN
    Status s = ReadSummary(&meta, nullptr, &ignored);
    if (!s.ok()) {
      if (state_ == State::kDefunct) return failure ? *failure : s;
      if (!failure) failure = s;
    }
  }
  for (;;) {
    std::vector<List> records;
    Status s = ReadSummary(&meta, &records, &ignored);
    if (!s.ok()) {
      if (state_ == State::kDefunct) return failure ? *failure : s;
      if (!failure) failure = s;
    }
    if (!failure) {
      for (const List& r : records) on_record(r);
    }
    const Value meta_value(meta);
    const Value* more = meta_value.Find("has_more");
    if (!failure && !ignored && more && more->AsBool() && *more->AsBool()) {
      Queue(msg::kPull, {Value(Map{{"n", n}})});
      if (Status f = Flush(); !f.ok()) return f;
      continue;
    }
    break;
  }
  if (failure) return *failure;
  Queue(msg::kCommit, {});
  if (Status s = Flush(); !s.ok()) return s;
  return ReadSummary(&meta, nullptr, &ignored);
}

Result<RoutingTable> Connection::Route(const Map& routing_context,
                                       const std::vector<std::string>& bookmarks,
                                       const std::string& database) {
  Map extra;
  if (!database.empty()) extra.emplace_back("db", database);
  Queue(msg::kRoute, {Value(routing_context), StringList(bookmarks), Value(std::move(extra))});
  if (Status s = Flush(); !s.ok()) return s;
  Map meta;
  bool ignored = false;
  if (Status s = ReadSummary(&meta, nullptr, &ignored); !s.ok()) return s;
  if (ignored) return ConnError("ROUTE was ignored");
  Value m(std::move(meta));
  const Value* rt = m.Find("rt");
  if (!rt || !rt->AsMap()) return ConnError("ROUTE reply without a routing table");
  RoutingTable table;
  table.ttl_seconds = IntOr(rt->Find("ttl"), 0);
  table.database = StringOr(rt->Find("db"));
  const Value* servers = rt->Find("servers");
  if (!servers || !servers->AsList()) return ConnError("routing table without servers");
  for (const Value& server : *servers->AsList()) {
    std::string role = StringOr(server.Find("role"));
    const Value* addresses = server.Find("addresses");
    if (!addresses || !addresses->AsList()) continue;
    std::vector<Endpoint>* into = role == "WRITE"  ? &table.writers
                                  : role == "READ" ? &table.readers
                                  : role == "ROUTE" ? &table.routers
                                                    : nullptr;
    if (!into) continue;
    for (const Value& a : *addresses->AsList()) {
      if (!a.AsString()) continue;
      Result<Endpoint> e = ParseAddress(*a.AsString());
      if (!e.ok()) return e.status();
      into->push_back(*e);
    }
  }
  if (table.routers.empty()) return ConnError("routing table without routers");
  return table;
}

Status Connection::Reset() {
  if (state_ == State::kDefunct || state_ == State::kClosed) {
    return ConnError(fmt::format("connection to {} is closed", endpoint_.ToString()));
  }
  Queue(msg::kReset, {});
  if (Status s = Flush(); !s.ok()) return s;
  Map meta;
  bool ignored = false;
  Status s = ReadSummary(&meta, nullptr, &ignored);
  if (!s.ok()) return Fail(s, true);
  state_ = State::kReady;
  return {};
}

void Connection::Close() {
  if (state_ == State::kClosed) return;
  if (state_ != State::kDefunct && transport_) {
    Queue(msg::kGoodbye, {});
    (void)transport_->Write(out_, std::chrono::milliseconds(1000));
    out_.clear();
  }
  state_ = State::kClosed;
  transport_.reset();
}

}  // namespace ast2graph::neo4j
