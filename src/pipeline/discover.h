// Finding the files of a project and naming them (source_id, module), DESIGN.md sections 3, 7.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ast2graph/status.h"

namespace ast2graph::pipeline {

struct DiscoverOptions {
  std::string root;                   ///< empty: the common directory of the inputs
  std::vector<std::string> excludes;  ///< globs matched against source_id and each path part
  bool include_stubs = false;         ///< also *.pyi
  uint32_t shard_index = 0;           ///< --shard I/N: keep files whose source_id hashes to I
  uint32_t shard_count = 1;
};

struct SourceFile {
  std::string path;       ///< path to open
  std::string source_id;  ///< relative to the root, '/' separators
  std::string module;     ///< dotted module name ("pkg" for pkg/__init__.py)
  bool is_package = false;
  uint64_t size = 0;      ///< at discovery time
};

struct Discovery {
  std::string root;
  std::vector<SourceFile> files;  ///< sorted by the bytes of source_id, no duplicates
  std::vector<std::string> problems;  ///< unreadable directories etc., "path: reason"
};

/// Walks files and directories (skipping .git, __pycache__, virtualenvs, excluded globs; safe
/// against symlink loops). A PATH that does not exist is a usage error.
Result<Discovery> Discover(const std::vector<std::string>& paths, const DiscoverOptions& options);

/// A path relative to the root as a source_id: always valid UTF-8, and one source_id per path.
/// Bytes that are not part of valid UTF-8 (a file named b"\xff.py" on Linux) become `%XX`
/// (uppercase hex), and so does `%` itself (`%25`); everything else is kept
/// (docs/decisions.md, "Source ids of names that are not UTF-8").
std::string SourceIdText(std::string_view path);

/// The dotted module name of a source_id ("a/b/__init__.py" -> "a.b", "a/c.py" -> "a.c").
std::string ModuleName(const std::string& source_id, bool* is_package);

/// Whether `source_id` belongs to shard `index` of `count` (stable hash of the source_id).
bool InShard(const std::string& source_id, uint32_t index, uint32_t count);

/// fnmatch-style glob: `*`, `?`, `[...]`; `**` matches across '/'.
bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace ast2graph::pipeline
