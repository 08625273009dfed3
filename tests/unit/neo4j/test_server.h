// Starts the Bolt test server (tests/bolt_server/server.js) for one test, talks to it over its
// stdin/stdout control channel, and renders FileGraphs in the server's canonical dump layout so
// tests can compare the stored graph with their input, node for node and edge for edge.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "ast2graph/graph.h"

extern char** environ;

namespace ast2graph::neo4j::testing {

/// The `node` executable on PATH ("" if none).
inline std::string FindNode() {
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "");
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    std::string candidate = dir + "/node";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

/// A fresh temporary directory, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "a2g-neo4j-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

class BoltTestServer {
 public:
  /// Starts the server with `args`; ok() is false (and error() says why) when it did not come up
  /// within 20 seconds.
  explicit BoltTestServer(std::vector<std::string> args) {
    const std::string node = FindNode();
    if (node.empty()) {
      error_ = "node is not on PATH (tools/install-deps.sh installs it)";
      return;
    }
    const std::string script = std::string(A2G_SOURCE_DIR) + "/tests/bolt_server/server.js";
    log_path_ = dir_.File("server.log");
    // A heap limit above node's default, so one server can hold a whole standard library's graph
    // (about 7 million rows) for the slow load tests; only a limit, small tests use little.
    std::vector<std::string> argv_s = {node, "--max-old-space-size=8192", script, "--log",
                                       log_path_};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    int in_pipe[2], out_pipe[2];
    if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0) {
      error_ = "pipe failed";
      return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    int rc = posix_spawn(&pid_, node.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(in_pipe[0]);
    close(out_pipe[1]);
    to_server_ = in_pipe[1];
    from_server_ = out_pipe[0];
    if (rc != 0) {
      error_ = "cannot start node";
      pid_ = -1;
      return;
    }
    std::string line = ReadLine(std::chrono::seconds(20));
    if (line.rfind("listening ", 0) != 0) {
      error_ = "the test server did not start: '" + line + "'";
      return;
    }
    std::stringstream ports(line.substr(10));
    int p;
    while (ports >> p) ports_.push_back(p);
  }

  ~BoltTestServer() {
    if (to_server_ >= 0) close(to_server_);  // the server exits when stdin closes
    if (pid_ > 0) {
      int status = 0;
      for (int i = 0; i < 50; ++i) {
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          break;
        }
        usleep(20000);
      }
      if (pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
      }
    }
    if (from_server_ >= 0) close(from_server_);
  }

  bool ok() const { return error_.empty() && !ports_.empty(); }
  const std::string& error() const { return error_; }
  int port(size_t member = 0) const { return ports_.at(member); }
  std::string Uri(const std::string& scheme = "bolt", size_t member = 0) const {
    return scheme + "://127.0.0.1:" + std::to_string(port(member));
  }
  const std::string& log_path() const { return log_path_; }
  std::string Log() const {
    std::ifstream in(log_path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  /// Sends one control command and returns the server's one-line answer.
  /// (`timeout` is generous for dumps: a standard-library graph takes a while on a busy machine.)
  std::string Command(const std::string& command,
                      std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    std::string line = command + "\n";
    if (write(to_server_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) return "";
    return ReadLine(timeout);
  }
  bool SetFaults(const std::string& json) { return Command("faults " + json) == "ok"; }

  /// The stored graph: sorted canonical lines (see cypher.js dump) without the schema lines.
  std::vector<std::string> Graph(std::vector<std::string>* schema = nullptr) {
    const std::string file = dir_.File("dump.txt");
    if (Command("dump " + file, std::chrono::seconds(600)) != "dumped") return {"<dump failed>"};
    std::ifstream in(file);
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("schema ", 0) == 0) {
        if (schema) schema->push_back(line.substr(7));
      } else {
        lines.push_back(line);
      }
    }
    return lines;
  }

  /// A counter from the `stats` command (e.g. "messages.HELLO", "commits").
  long Stat(const std::string& key) {
    std::string s = Command("stats");
    std::string k = key;
    std::string object = s;
    if (size_t dot = key.find('.'); dot != std::string::npos) {
      size_t at = s.find("\"" + key.substr(0, dot) + "\":{");
      if (at == std::string::npos) return 0;
      object = s.substr(at, s.find('}', at) - at);
      k = key.substr(dot + 1);
    }
    size_t at = object.find("\"" + k + "\":");
    if (at == std::string::npos) return 0;
    return std::atol(object.c_str() + at + k.size() + 3);
  }

 private:
  std::string ReadLine(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      size_t nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return "<timeout>";
      pollfd p{from_server_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[4096];
      ssize_t n = read(from_server_, buf, sizeof buf);
      if (n <= 0) return "<closed>";
      buffer_.append(buf, static_cast<size_t>(n));
    }
  }

  TempDir dir_;
  pid_t pid_ = -1;
  int to_server_ = -1;
  int from_server_ = -1;
  std::vector<int> ports_;
  std::string error_;
  std::string log_path_;
  std::string buffer_;
};

// ---- Expected graph in the server's dump layout ----------------------------------------------

/// JSON.stringify's string form (the server's dump is written by it).
inline void AppendJsString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out->append(buf);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

/// Canonical dump lines of the union of `files` (nodes merged by id, as MERGE does).
inline std::vector<std::string> ExpectedGraph(const std::vector<const graph::FileGraph*>& files) {
  std::map<std::string, std::string> nodes;  // id -> line
  std::map<std::string, std::string> rels;   // id -> line
  std::map<std::string, bool> have_node;
  auto props = [](const graph::FileGraph& f, uint32_t begin, uint32_t count, const graph::Id& id,
                  bool node) {
    std::map<std::string, std::string> kv;
    kv["id"] = "\"" + id.Hex() + "\"";
    for (uint32_t i = begin; i < begin + count; ++i) {
      const graph::Prop& p = f.props[i];
      std::string name = node ? graph::NodePropName(static_cast<graph::NodeProp>(p.key))
                              : graph::EdgePropName(static_cast<graph::EdgeProp>(p.key));
      std::string v;
      switch (p.type) {
        case graph::PropType::kString: AppendJsString(&v, p.text); break;
        case graph::PropType::kInt: v = std::to_string(p.integer); break;
        case graph::PropType::kStringList:
          v = "[";
          for (uint32_t j = 0; j < p.list_count; ++j) {
            if (j) v += ",";
            AppendJsString(&v, f.list_items[p.list_begin + j]);
          }
          v += "]";
          break;
      }
      kv[name] = v;
    }
    std::string out = "{";
    bool first = true;
    for (const auto& [k, v] : kv) {
      if (!first) out += ",";
      first = false;
      AppendJsString(&out, k);
      out += ":" + v;
    }
    return out + "}";
  };
  for (const graph::FileGraph* f : files) {
    for (const graph::NodeRecord& n : f->nodes) {
      std::vector<std::string> labels = {graph::NodeLabelName(n.label)};
      if (n.label == graph::NodeLabel::kASTNode && !n.node_type.empty()) {
        labels.emplace_back(n.node_type);
      }
      std::sort(labels.begin(), labels.end());
      std::string line = "{\"type\":\"node\",\"id\":\"" + n.id.Hex() + "\",\"labels\":[";
      for (size_t i = 0; i < labels.size(); ++i) {
        if (i) line += ",";
        AppendJsString(&line, labels[i]);
      }
      line += "],\"properties\":" + props(*f, n.prop_begin, n.prop_count, n.id, true) + "}";
      nodes[n.id.Hex()] = line;
    }
    for (const graph::EdgeRecord& e : f->edges) {
      std::string line = "{\"type\":\"relationship\",\"label\":\"" +
                         std::string(graph::EdgeTypeName(e.type)) + "\",\"start\":\"" +
                         e.start.Hex() + "\",\"end\":\"" + e.end.Hex() + "\",\"properties\":" +
                         props(*f, e.prop_begin, e.prop_count, e.id, false) + "}";
      rels[e.id.Hex()] = line;
    }
  }
  std::vector<std::string> lines;
  for (auto& [id, l] : nodes) lines.push_back(l);
  for (auto& [id, l] : rels) lines.push_back(l);
  std::sort(lines.begin(), lines.end());
  return lines;
}

/// A readable difference of two sorted line lists (empty when equal).
inline std::string GraphDiff(const std::vector<std::string>& expected,
                             const std::vector<std::string>& actual) {
  std::vector<std::string> missing, extra;
  std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(),
                      std::back_inserter(missing));
  std::set_difference(actual.begin(), actual.end(), expected.begin(), expected.end(),
                      std::back_inserter(extra));
  std::string out;
  for (size_t i = 0; i < missing.size() && i < 5; ++i) out += "missing: " + missing[i] + "\n";
  for (size_t i = 0; i < extra.size() && i < 5; ++i) out += "extra:   " + extra[i] + "\n";
  if (!missing.empty() || !extra.empty()) {
    out += std::to_string(missing.size()) + " missing, " + std::to_string(extra.size()) +
           " extra, " + std::to_string(expected.size()) + " expected\n";
  }
  return out;
}

}  // namespace ast2graph::neo4j::testing
