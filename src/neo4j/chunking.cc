#include "neo4j/chunking.h"

#include <algorithm>

#include <fmt/format.h>

namespace ast2graph::neo4j {

void AppendChunked(std::string_view message, std::string* out, size_t max_chunk) {
  max_chunk = std::clamp<size_t>(max_chunk, 1, kMaxChunkSize);
  while (!message.empty()) {
    const size_t n = std::min(message.size(), max_chunk);
    out->push_back(static_cast<char>(n >> 8));
    out->push_back(static_cast<char>(n & 0xFF));
    out->append(message.substr(0, n));
    message.remove_prefix(n);
  }
  out->append("\0\0", 2);
}

Status Dechunker::Feed(std::string_view bytes, std::vector<std::string>* messages) {
  while (!bytes.empty()) {
    switch (state_) {
      case State::kFailed:
        return Status(ErrorCode::kNeo4jConnection, "Bolt framing already failed");
      case State::kHeader:
        if (bytes.size() == 1) {
          first_byte_ = static_cast<unsigned char>(bytes[0]);
          bytes.remove_prefix(1);
          state_ = State::kHeaderSecondByte;
          break;
        }
        first_byte_ = static_cast<unsigned char>(bytes[0]);
        bytes.remove_prefix(1);
        [[fallthrough]];
      case State::kHeaderSecondByte: {
        const size_t size = (first_byte_ << 8) | static_cast<unsigned char>(bytes[0]);
        bytes.remove_prefix(1);
        if (size == 0) {
          if (current_.empty()) {
            ++noops_;
          } else {
            messages->push_back(std::move(current_));
            current_.clear();
          }
          state_ = State::kHeader;
        } else {
          if (current_.size() + size > max_message_) {
            state_ = State::kFailed;
            return Status(ErrorCode::kNeo4jConnection,
                          fmt::format("Bolt message larger than {} bytes", max_message_));
          }
          chunk_left_ = size;
          state_ = State::kBody;
        }
        break;
      }
      case State::kBody: {
        const size_t n = std::min(chunk_left_, bytes.size());
        current_.append(bytes.substr(0, n));
        bytes.remove_prefix(n);
        chunk_left_ -= n;
        if (chunk_left_ == 0) state_ = State::kHeader;
        break;
      }
    }
  }
  return {};
}

}  // namespace ast2graph::neo4j
