#include "ast2graph/status.h"

namespace ast2graph {

const char* ErrorCodeString(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "";
#define A2G_ERROR(name, code_text, status, text) \
  case ErrorCode::name:                          \
    return code_text;
#include "ast2graph/errors.def"
  }
  return "";
}

const char* ErrorCodeStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "ok";
#define A2G_ERROR(name, code_text, status, text) \
  case ErrorCode::name:                          \
    return status;
#include "ast2graph/errors.def"
  }
  return "";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(ErrorCodeString(code_)) + ": " + message_;
}

}  // namespace ast2graph
