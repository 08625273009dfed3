// Errors as values: Status and Result<T> at I/O, Bolt and export boundaries. The core never throws.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace ast2graph {

enum class ErrorCode : uint8_t {
  kOk,
#define A2G_ERROR(name, code, status, text) name,
#include "ast2graph/errors.def"
};

/// "AST_1001", ...; "" for kOk.
const char* ErrorCodeString(ErrorCode code);
/// SourceFile.status for a file-level failure ("syntax_error", ...); "ok" for kOk.
const char* ErrorCodeStatus(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return {}; }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  /// "CODE: message".
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T* operator->() { return &*value_; }
  T& operator*() { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace ast2graph
