// Parsing Python 3.13 source into the AST CPython's `ast.parse` gives.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "ast2graph/ast.h"

namespace ast2graph {

struct ParseOptions {
  /// Fail with "too many nodes" (status too_many_nodes) past this many AST nodes; 0 = no limit.
  uint64_t max_nodes = 0;
};

/// Why a file was rejected.
enum class ParseErrorKind : uint8_t {
  kSyntax,        ///< CPython raises SyntaxError (or IndentationError/TabError) -> AST_1001
  kDecode,        ///< bytes are not valid in the file's encoding -> AST_1002
  kTooManyNodes,  ///< ParseOptions::max_nodes exceeded -> AST_1004
};

/// A rejected file, located as CPython's SyntaxError locates it.
struct ParseError {
  ParseErrorKind kind = ParseErrorKind::kSyntax;
  std::string message;     ///< CPython's message, e.g. "invalid syntax"
  uint32_t lineno = 0;     ///< 1-based, as SyntaxError.lineno
  uint32_t offset = 0;     ///< 1-based column, as SyntaxError.offset
  std::string line_text;   ///< the source line (without its newline), for the caret display
};

/// A parsed module: owns its arena, the decoded UTF-8 source and the tree. Movable, not copyable.
class ParsedModule {
 public:
  ParsedModule();
  ~ParsedModule();
  ParsedModule(ParsedModule&&) noexcept;
  ParsedModule& operator=(ParsedModule&&) noexcept;

  bool ok() const { return root_ != nullptr; }
  /// The Module node, or null when the file was rejected.
  const ast::Node* root() const { return root_; }
  /// Set when !ok().
  const ParseError& error() const { return error_; }
  /// The source decoded to UTF-8 with newlines translated to "\n", as CPython's tokenizer sees it.
  std::string_view text() const { return text_; }
  const ast::LineTable& lines() const { return lines_; }
  uint64_t node_count() const { return node_count_; }
  ast::Arena& arena() { return *arena_; }

  // Used by the parser to fill the module in.
  void set_root(ast::Node* root) { root_ = root; }
  void set_error(ParseError error) { error_ = std::move(error); root_ = nullptr; }
  void set_text(std::string text);
  void set_node_count(uint64_t n) { node_count_ = n; }

 private:
  std::unique_ptr<ast::Arena> arena_;
  std::string text_;
  ast::LineTable lines_;
  ast::Node* root_ = nullptr;
  ParseError error_;
  uint64_t node_count_ = 0;
};

/// Parses the bytes of one file (encoding detected as CPython does: BOM, PEP 263 cookie, UTF-8).
/// Never throws; thread-safe (one module per call, nothing shared).
ParsedModule Parse(std::string_view source, const ParseOptions& options = {});

/// Writes `PATH:LINE:COL: SyntaxError: MESSAGE`, the source line and a caret line.
std::string FormatParseError(std::string_view path, const ParseError& error);

}  // namespace ast2graph
