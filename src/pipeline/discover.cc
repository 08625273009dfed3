#include "pipeline/discover.h"

#include <fnmatch.h>
#include <sys/stat.h>
#include <xxhash.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>
#include <utility>

namespace ast2graph::pipeline {

namespace fs = std::filesystem;

namespace {

bool IsSkippedDirName(const std::string& name) {
  return name == ".git" || name == "__pycache__" || name == ".hg" || name == ".svn" ||
         name == ".tox" || name == ".mypy_cache" || name == ".pytest_cache" || name == "node_modules";
}

bool IsVirtualenv(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / "pyvenv.cfg", ec);
}

bool IsSource(const fs::path& p, bool include_stubs) {
  std::string ext = p.extension().string();
  return ext == ".py" || (include_stubs && ext == ".pyi");
}

std::string Generic(const fs::path& p) { return p.generic_string(); }

bool Excluded(const std::string& rel, const std::vector<std::string>& excludes) {
  if (excludes.empty()) return false;
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= rel.size()) {
    size_t slash = rel.find('/', start);
    if (slash == std::string::npos) slash = rel.size();
    parts.emplace_back(rel.data() + start, slash - start);
    start = slash + 1;
  }
  for (const std::string& glob : excludes) {
    if (GlobMatch(glob, rel)) return true;
    for (std::string_view part : parts) {
      if (GlobMatch(glob, part)) return true;
    }
  }
  return false;
}

/// Length of the valid UTF-8 sequence at s[i] (1 to 4), or 0 when the bytes there are not one
/// (overlong forms, surrogates and code points past U+10FFFF are invalid, as in Python).
size_t Utf8Length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  unsigned char c1 = byte(i + 1);
  if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) || (c == 0xF0 && c1 < 0x90) ||
      (c == 0xF4 && c1 >= 0x90)) {
    return 0;
  }
  return n;
}

}  // namespace

std::string SourceIdText(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (size_t i = 0; i < path.size();) {
    size_t n = Utf8Length(path, i);
    if (n != 0 && path[i] != '%') {
      out.append(path, i, n);
      i += n;
      continue;
    }
    auto c = static_cast<unsigned char>(path[i]);
    out.push_back('%');
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
    ++i;
  }
  return out;
}

bool GlobMatch(std::string_view pattern, std::string_view text) {
  // '**' crosses directories; everything else follows fnmatch with FNM_PATHNAME.
  size_t star2 = pattern.find("**");
  if (star2 == std::string_view::npos) {
    return fnmatch(std::string(pattern).c_str(), std::string(text).c_str(), FNM_PATHNAME) == 0;
  }
  std::string_view head = pattern.substr(0, star2);
  std::string_view tail = pattern.substr(star2 + 2);
  if (!tail.empty() && tail.front() == '/') tail.remove_prefix(1);
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i != 0 && i != text.size() && text[i - 1] != '/') continue;
    std::string_view left = text.substr(0, i);
    if (!head.empty()) {
      std::string_view h = head;
      if (h.back() == '/') h.remove_suffix(1);
      std::string_view l = left;
      if (!l.empty() && l.back() == '/') l.remove_suffix(1);
      if (!GlobMatch(h, l)) continue;
    }
    for (size_t j = i; j <= text.size(); ++j) {
      if (j != i && j != text.size() && text[j - 1] != '/') continue;
      if (GlobMatch(tail, text.substr(j))) return true;
    }
  }
  return false;
}

std::string ModuleName(const std::string& source_id, bool* is_package) {
  std::string s = source_id;
  for (const char* ext : {".pyi", ".py"}) {
    std::string_view e(ext);
    if (s.size() >= e.size() && s.compare(s.size() - e.size(), e.size(), e) == 0) {
      s.resize(s.size() - e.size());
      break;
    }
  }
  bool package = false;
  const std::string init = "__init__";
  if (s == init) {
    s.clear();
    package = true;
  } else if (s.size() > init.size() && s.compare(s.size() - init.size() - 1, init.size() + 1, "/" + init) == 0) {
    s.resize(s.size() - init.size() - 1);
    package = true;
  }
  std::replace(s.begin(), s.end(), '/', '.');
  if (is_package) *is_package = package;
  return s;
}

bool InShard(const std::string& source_id, uint32_t index, uint32_t count) {
  if (count <= 1) return true;
  return XXH3_64bits(source_id.data(), source_id.size()) % count == index;
}

Result<Discovery> Discover(const std::vector<std::string>& paths, const DiscoverOptions& options) {
  Discovery d;
  std::vector<fs::path> inputs;
  for (const std::string& p : paths) {
    std::error_code ec;
    fs::path abs = fs::absolute(p, ec);
    if (ec || !fs::exists(abs, ec)) {
      return Status(ErrorCode::kUsage, "no such file or directory: " + p);
    }
    inputs.push_back(abs.lexically_normal());
  }
  if (inputs.empty()) return Status(ErrorCode::kUsage, "no PATH given");

  // Root: given, or the common directory of the inputs (a file's directory for a file).
  fs::path root;
  if (!options.root.empty()) {
    std::error_code ec;
    root = fs::absolute(options.root, ec).lexically_normal();
  } else {
    for (const fs::path& in : inputs) {
      std::error_code ec;
      fs::path dir = fs::is_directory(in, ec) ? in : in.parent_path();
      if (root.empty()) {
        root = dir;
        continue;
      }
      fs::path common;
      auto a = root.begin();
      auto b = dir.begin();
      for (; a != root.end() && b != dir.end() && *a == *b; ++a, ++b) common /= *a;
      root = common;
    }
  }
  std::string root_text = Generic(root);
  if (!root_text.empty() && root_text.back() == '/' && root_text.size() > 1) root_text.pop_back();
  d.root = root_text;

  std::set<std::pair<uint64_t, uint64_t>> visited_dirs;  // (dev, ino): symlink loops
  // `shown` is the path as the user gave it (plus the part below a given directory), so that the
  // SourceFile.path property does not depend on the machine's working directory.
  auto add_file = [&](const fs::path& file, const std::string& shown) {
    fs::path rel = file.lexically_relative(root);
    std::string rel_text = Generic(rel);
    if (rel.empty() || rel_text.rfind("..", 0) == 0) rel_text = Generic(file.filename());
    rel_text = SourceIdText(rel_text);
    if (Excluded(rel_text, options.excludes)) return;
    if (!InShard(rel_text, options.shard_index, options.shard_count)) return;
    SourceFile f;
    f.path = shown;
    f.source_id = rel_text;
    f.module = ModuleName(rel_text, &f.is_package);
    struct stat st {};
    if (::stat(file.c_str(), &st) == 0) f.size = static_cast<uint64_t>(st.st_size);
    d.files.push_back(std::move(f));
  };

  for (size_t input = 0; input < inputs.size(); ++input) {
    const fs::path& in = inputs[input];
    std::string given = Generic(fs::path(paths[input]).lexically_normal());
    while (given.size() > 1 && given.back() == '/') given.pop_back();
    std::error_code ec;
    if (!fs::is_directory(in, ec)) {
      add_file(in, given);  // an explicit file is taken whatever its extension
      continue;
    }
    std::vector<fs::path> stack{in};
    while (!stack.empty()) {
      fs::path dir = stack.back();
      stack.pop_back();
      struct stat st {};
      if (::stat(dir.c_str(), &st) != 0) {
        d.problems.push_back(Generic(dir) + ": cannot stat directory");
        continue;
      }
      if (!visited_dirs.insert({st.st_dev, st.st_ino}).second) continue;
      fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
      if (ec) {
        d.problems.push_back(Generic(dir) + ": " + ec.message());
        continue;
      }
      for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) {
          d.problems.push_back(Generic(dir) + ": " + ec.message());
          break;
        }
        const fs::path& p = it->path();
        std::string name = p.filename().string();
        std::error_code ec2;
        if (it->is_directory(ec2)) {
          if (IsSkippedDirName(name) || IsVirtualenv(p)) continue;
          fs::path rel = p.lexically_relative(root);
          if (Excluded(SourceIdText(Generic(rel)), options.excludes)) continue;
          stack.push_back(p);
        } else if (IsSource(p, options.include_stubs)) {
          std::string below = Generic(p.lexically_relative(in));
          add_file(p, given == "." ? below : given + "/" + below);
        }
      }
    }
  }
  std::sort(d.files.begin(), d.files.end(),
            [](const SourceFile& a, const SourceFile& b) { return a.source_id < b.source_id; });
  d.files.erase(std::unique(d.files.begin(), d.files.end(),
                            [](const SourceFile& a, const SourceFile& b) {
                              return a.source_id == b.source_id;
                            }),
                d.files.end());
  return d;
}

}  // namespace ast2graph::pipeline
