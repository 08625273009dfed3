// libFuzzer target: any bytes through ast2graph::Parse, then ast::Dump (both layouts) or
// FormatParseError. Crashes, sanitizer reports, hangs (-timeout) and a few cheap consistency
// checks (__builtin_trap) are findings.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ast/dump.h"
#include "ast2graph/ast.h"
#include "ast2graph/parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ast2graph;
  std::string_view source(reinterpret_cast<const char*>(data), size);
  ParsedModule m = Parse(source);
  if (m.ok()) {
    if (m.root()->kind != ast::Kind::Module) __builtin_trap();
    std::string out;
    ast::Dump(m.root(), m.lines(), -1, &out);
    if (out.rfind("Module(", 0) != 0) __builtin_trap();
    if (size < 4096) {
      out.clear();
      ast::Dump(m.root(), m.lines(), 2, &out);
    }
  } else {
    const ParseError& e = m.error();
    if (e.message.empty()) __builtin_trap();
    std::string shown = FormatParseError("fuzz.py", e);
    if (shown.rfind("fuzz.py:", 0) != 0) __builtin_trap();
  }
  return 0;
}
