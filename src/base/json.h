// JSON text for the summaries, metrics and error files.
#pragma once

#include <string>
#include <string_view>

namespace ast2graph {

/// Appends `text` as a quoted JSON string. Control characters, quotes and backslashes are
/// escaped; invalid UTF-8 bytes become U+FFFD; the 3-byte forms of lone surrogates (from Python
/// str constants) become "\udXXX" escapes, so the output is always valid JSON.
void AppendJsonString(std::string* out, std::string_view text);

}  // namespace ast2graph
