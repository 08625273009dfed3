// Bolt message framing: a message is sent as chunks of at most 65,535 bytes, each preceded by its
// big-endian 16-bit size, and ends with an empty chunk (00 00). An empty chunk between messages
// is a NOOP (keep-alive) and is skipped.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ast2graph/status.h"

namespace ast2graph::neo4j {

inline constexpr size_t kMaxChunkSize = 65535;

/// Appends `message` to `out` as chunks of at most `max_chunk` bytes plus the end marker.
void AppendChunked(std::string_view message, std::string* out, size_t max_chunk = kMaxChunkSize);

/// Reassembles messages from a byte stream fed in arbitrary pieces.
class Dechunker {
 public:
  /// A message larger than `max_message` bytes is a protocol error (hostile or broken peer).
  explicit Dechunker(size_t max_message = size_t{256} << 20) : max_message_(max_message) {}

  /// Consumes `bytes`; complete messages are appended to `messages`. After an error the
  /// dechunker stays failed.
  Status Feed(std::string_view bytes, std::vector<std::string>* messages);
  /// True when no partial chunk or message is pending (e.g. the peer may close here).
  bool AtBoundary() const { return state_ == State::kHeader && current_.empty(); }
  /// NOOP chunks seen so far (keep-alives).
  size_t noops() const { return noops_; }

 private:
  enum class State { kHeader, kHeaderSecondByte, kBody, kFailed };
  State state_ = State::kHeader;
  size_t max_message_;
  size_t chunk_left_ = 0;
  unsigned first_byte_ = 0;
  size_t noops_ = 0;
  std::string current_;
};

}  // namespace ast2graph::neo4j
