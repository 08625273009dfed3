// ast2graph::Parse: decode, tokenize, parse; CPython's rules for which error wins.
#include "ast2graph/parse.h"

#include <string>
#include <utility>
#include <vector>

#include "lex/decode.h"
#include "lex/tokenizer.h"
#include "lex/unicode.h"
#include "parse/parser.h"

namespace ast2graph {

ParsedModule::ParsedModule() : arena_(std::make_unique<ast::Arena>()) {}
ParsedModule::~ParsedModule() = default;
ParsedModule::ParsedModule(ParsedModule&&) noexcept = default;
ParsedModule& ParsedModule::operator=(ParsedModule&&) noexcept = default;

void ParsedModule::set_text(std::string text) {
  text_ = std::move(text);
  lines_ = ast::LineTable(text_);
}

namespace {

std::string LineText(std::string_view text, uint32_t lineno) {
  if (lineno == 0) return {};
  size_t start = 0;
  for (uint32_t l = 1; l < lineno; ++l) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) return {};
    start = nl + 1;
  }
  size_t end = text.find('\n', start);
  if (end == std::string_view::npos) end = text.size();
  // As CPython shows it: decoded with errors="replace" (invalid bytes become U+FFFD).
  std::string_view line = text.substr(start, end - start);
  std::string out;
  out.reserve(line.size());
  size_t pos = 0;
  while (pos < line.size()) {
    size_t at = pos;
    int32_t cp = lex::NextCodePoint(line, &pos);
    if (cp < 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {  // surrogates are invalid UTF-8 too
      // One U+FFFD per maximal invalid subpart: a lead byte and the continuation bytes that
      // could still belong to it.
      unsigned char b = static_cast<unsigned char>(line[at]);
      size_t want = b >= 0xF5 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 ? 2 : 1;
      unsigned char lo = b == 0xE0 ? 0xA0 : b == 0xF0 ? 0x90 : 0x80;
      unsigned char hi = b == 0xED ? 0x9F : b == 0xF4 ? 0x8F : 0xBF;
      pos = at + 1;
      while (pos < line.size() && pos - at < want) {
        unsigned char c = static_cast<unsigned char>(line[pos]);
        if (pos == at + 1 ? (c < lo || c > hi) : (c & 0xC0) != 0x80) break;
        ++pos;
      }
      out += "\xEF\xBF\xBD";
    } else {
      out.append(line.substr(at, pos - at));
    }
  }
  return out;
}

ParseError FromTokenError(const lex::TokenError& e, std::string_view text) {
  ParseError err;
  err.kind = ParseErrorKind::kSyntax;
  err.message = e.message;
  err.lineno = e.lineno;
  err.offset = e.offset;
  err.line_text = LineText(text, e.text_lineno != 0 ? e.text_lineno : e.lineno);
  return err;
}

}  // namespace

ParsedModule Parse(std::string_view source, const ParseOptions& options) {
  ParsedModule module;
  std::string utf8;
  lex::DecodeError derr;
  if (!lex::DecodeSource(source, &utf8, &derr)) {
    ParseError err;
    err.kind = derr.is_syntax_error ? ParseErrorKind::kSyntax : ParseErrorKind::kDecode;
    err.message = derr.message;
    err.lineno = derr.lineno;
    err.offset = derr.offset;
    err.line_text = LineText(source, derr.lineno);
    module.set_error(std::move(err));
    return module;
  }
  std::vector<lex::Token> tokens;
  lex::TokenError terr;
  bool tok_ok = lex::Tokenize(utf8, &tokens, &terr);
  module.set_text(std::move(utf8));
  std::string_view text = module.text();
  parse::Parser parser(text, tokens, module.arena(), options);
  ast::Node* root = parser.ParseModule();
  module.set_node_count(parser.node_count());
  if (!tok_ok && !terr.unclosed_bracket && !terr.in_fstring && !terr.only_if_reached) {
    // A tokenizer error anywhere in the file wins over any parser error (CPython tokenizes the
    // rest of the file after a parser error and reports tokenizer errors first), except over
    // "unexpected indent/unindent" found before it: CPython raises those without that check.
    const bool indent_first =
        root == nullptr && parser.indentation_error() && parser.error_token() + 1 < tokens.size();
    if (!indent_first) {
      module.set_error(FromTokenError(terr, text));
      return module;
    }
    ParseError err = parser.error();
    err.line_text = LineText(text, err.lineno);
    module.set_error(std::move(err));
    return module;
  }
  if (root != nullptr && tok_ok) {
    module.set_root(root);
    return module;
  }
  ParseError err = parser.error();
  if (!tok_ok) {
    size_t error_index = tokens.size() - 1;
    size_t furthest = parser.furthest_token();
    if (furthest >= tokens.size()) furthest = tokens.size() - 1;
    // CPython's parser has usually fetched one token more than ours; but an indentation error
    // is the token after a NEWLINE, which a parser that failed at that NEWLINE never fetches.
    const bool next_line_indent =
        terr.only_if_reached && tokens[furthest].kind == lex::TokenKind::kNewline;
    bool reached = root != nullptr || furthest >= error_index ||
                   (furthest + 1 == error_index && !next_line_indent && !parser.furthest_exact());
    uint32_t error_line = lex::LineOf(text, tokens[furthest].begin);
    // An unclosed bracket wins over an earlier parser error on an earlier line, unless the
    // tokenizer is still inside an f-string (CPython keeps the parser's error then).
    bool bracket_wins = terr.unclosed_bracket && !terr.in_fstring && terr.bracket_line < error_line;
    if (reached || bracket_wins || err.message.empty()) {
      module.set_error(FromTokenError(terr, text));
      return module;
    }
    if (terr.only_if_reached && !terr.in_fstring && terr.open_bracket != 0 &&
        terr.open_bracket_line < error_line) {
      // CPython's scan of the rest of the file stops at this status-code error; still inside a
      // bracket opened before the parser's error line, it reports that bracket instead.
      ParseError b;
      b.kind = ParseErrorKind::kSyntax;
      b.message = lex::NeverClosedMessage(terr.open_bracket);
      b.lineno = terr.open_bracket_line;
      b.offset = terr.open_bracket_offset;
      b.line_text = LineText(text, b.lineno);
      module.set_error(std::move(b));
      return module;
    }
  }
  err.line_text = LineText(text, err.lineno);
  module.set_error(std::move(err));
  return module;
}

std::string FormatParseError(std::string_view path, const ParseError& error) {
  std::string out;
  out.append(path);
  out += ':' + std::to_string(error.lineno) + ':' + std::to_string(error.offset) + ": ";
  out += error.kind == ParseErrorKind::kDecode ? "DecodeError: " : "SyntaxError: ";
  out += error.message;
  out += '\n';
  if (error.lineno != 0) {
    out += error.line_text;
    out += '\n';
    uint32_t col = error.offset > 0 ? error.offset - 1 : 0;
    // Keep tabs so the caret lines up under the same character.
    uint32_t chars = 0;
    for (size_t i = 0; i < error.line_text.size() && chars < col; ++i) {
      unsigned char c = static_cast<unsigned char>(error.line_text[i]);
      if ((c & 0xC0) == 0x80) continue;
      out += c == '\t' ? '\t' : ' ';
      ++chars;
    }
    for (; chars < col; ++chars) out += ' ';
    out += "^\n";
  }
  return out;
}

}  // namespace ast2graph
