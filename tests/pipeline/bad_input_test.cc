// Bad input through `ast2graph parse` (issue #5): every file that cannot be read or parsed is a
// SourceFile with its status and a line with its code in --errors, never a crash, a hang or a
// silent loss; an output that cannot be written fails the run and leaves no partial OUT.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "pipeline/discover.h"
#include "../unit/export/json_reader.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using a2gtest::Json;
using a2gtest::JsonReader;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

struct RunResult {
  int status = -1;  // exit status, or 128 + signal
  std::string out;
  std::string err;
};

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/a2g-badinput-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    src_ = dir_ / "src";
    fs::create_directories(src_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ec);
    for (auto it = fs::recursive_directory_iterator(dir_, ec); it != fs::end(it); it.increment(ec)) {
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
    fs::remove_all(dir_, ec);
  }

  /// Runs the CLI with `args`, stdout and stderr to files; `file_size_limit` (bytes, 0: none)
  /// is RLIMIT_FSIZE for the child, with SIGXFSZ ignored so that writes fail with EFBIG: a disk
  /// that fills up, without needing a small file system.
  RunResult Run(const std::vector<std::string>& args, rlim_t file_size_limit = 0) {
    std::vector<std::string> all = {A2G_CLI};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    fs::path out = dir_ / "stdout", err = dir_ / "stderr";
    RunResult r;
    pid_t pid = fork();
    if (pid == 0) {
      int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0) _exit(126);
      if (file_size_limit != 0) {
        signal(SIGXFSZ, SIG_IGN);
        rlimit lim{file_size_limit, file_size_limit};
        if (setrlimit(RLIMIT_FSIZE, &lim) != 0) _exit(126);
      }
      execve(argv[0], argv.data(), environ);
      _exit(127);
    }
    int wstatus = 0;
    if (pid < 0 || waitpid(pid, &wstatus, 0) != pid) return r;
    r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
    r.out = ReadAll(out);
    r.err = ReadAll(err);
    return r;
  }

  /// The JSON objects of a jsonl text; a line that is not JSON fails the test.
  static std::vector<Json> Lines(const std::string& text) {
    std::vector<Json> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      Json j;
      std::string error;
      EXPECT_TRUE(JsonReader::Parse(line, &j, &error)) << error << ": " << line;
      lines.push_back(std::move(j));
    }
    return lines;
  }

  /// SourceFile properties by source_id, from a jsonl output.
  static std::map<std::string, Json> SourceFiles(const std::vector<Json>& lines) {
    std::map<std::string, Json> files;
    for (const Json& j : lines) {
      const Json* labels = j.Get("labels");
      if (labels == nullptr || labels->items.empty() || labels->items[0].text != "SourceFile") {
        continue;
      }
      const Json* props = j.Get("properties");
      files[props->Get("source_id")->text] = *props;
    }
    return files;
  }

  /// --errors lines by source_id.
  std::map<std::string, Json> Errors(const fs::path& p) {
    std::map<std::string, Json> errors;
    for (Json& j : Lines(ReadAll(p))) {
      std::string id = j.Get("source_id")->text;
      errors[id] = std::move(j);
    }
    return errors;
  }

  /// Names in `d` (not recursive).
  static std::vector<std::string> Names(const fs::path& d) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(d)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  /// Expects `source_id` to be a SourceFile with `status` and an --errors line with `code`.
  void ExpectFailure(const std::map<std::string, Json>& files,
                     const std::map<std::string, Json>& errors, const std::string& source_id,
                     const std::string& status, const std::string& code) {
    SCOPED_TRACE(source_id);
    auto f = files.find(source_id);
    ASSERT_NE(f, files.end()) << "no SourceFile node";
    EXPECT_EQ(f->second.Get("status")->text, status);
    ASSERT_NE(f->second.Get("error_code"), nullptr);
    EXPECT_EQ(f->second.Get("error_code")->text, code);
    auto e = errors.find(source_id);
    ASSERT_NE(e, errors.end()) << "not in --errors";
    EXPECT_EQ(e->second.Get("code")->text, code);
    EXPECT_EQ(e->second.Get("status")->text, status);
    EXPECT_FALSE(e->second.Get("message")->text.empty());
  }

  fs::path dir_;
  fs::path src_;
};

TEST_F(BadInputTest, EveryUnreadableOrRejectedFileHasItsCode) {
  WriteFile(src_ / "good.py", "import os\nx = 1\n");
  WriteFile(src_ / "empty.py", "");
  fs::create_directories(src_ / "emptydir");
  // Binary content: CPython refuses NUL bytes and invalid UTF-8 with a SyntaxError, so these are
  // syntax errors (AST_1001); AST_1002 is for bytes in a codec CPython has and ast2graph has not
  // (docs/decisions.md, "Binary files and decode errors").
  WriteFile(src_ / "binary.py", std::string("\x7f" "ELF\x02\x01\x01\x00\xff\xfe\x80\x81", 12));
  WriteFile(src_ / "latin.py", "x = 1\ny\xe9 = 2\n");
  WriteFile(src_ / "sjis.py", "# -*- coding: shift_jis -*-\nx = '\x82\xa0'\n");
  WriteFile(src_ / "syntax.py", "def f(:\n");
  // A file that vanishes between discovery and read looks, to the reader, like a dangling
  // symlink: found by the directory walk, gone when opened.
  fs::create_symlink(dir_ / "gone.py", src_ / "vanished.py");
  // A symlink loop: unreadable even for root.
  fs::create_symlink("loop.py", src_ / "loop.py");
  // A FIFO named *.py: reading it would block forever; it must be an io_error instead.
  ASSERT_EQ(mkfifo((src_ / "fifo.py").c_str(), 0644), 0);
  // chmod 000: unreadable unless we are root, who reads it anyway.
  WriteFile(src_ / "locked.py", "y = 2\n");
  fs::permissions(src_ / "locked.py", fs::perms::none);
  bool root = geteuid() == 0;

  RunResult r = Run({"parse", src_.string(), "-o", (dir_ / "out.jsonl").string(), "--errors",
                     (dir_ / "errors.jsonl").string(), "--progress", "never", "--jobs", "2"});
  ASSERT_EQ(r.status, 0) << r.err;  // --on-error continue: recorded, exit 0
  std::vector<Json> lines = Lines(ReadAll(dir_ / "out.jsonl"));
  std::map<std::string, Json> files = SourceFiles(lines);
  std::map<std::string, Json> errors = Errors(dir_ / "errors.jsonl");

  EXPECT_EQ(files.count("emptydir"), 0u);
  ASSERT_EQ(files.count("good.py"), 1u);
  EXPECT_EQ(files["good.py"].Get("status")->text, "ok");
  ASSERT_EQ(files.count("empty.py"), 1u);
  EXPECT_EQ(files["empty.py"].Get("status")->text, "ok");
  EXPECT_EQ(files["empty.py"].Get("size")->integer, 0);
  EXPECT_EQ(files["empty.py"].Get("lines")->integer, 0);

  ExpectFailure(files, errors, "binary.py", "syntax_error", "AST_1001");
  EXPECT_NE(errors["binary.py"].Get("message")->text.find("null bytes"), std::string::npos);
  ExpectFailure(files, errors, "latin.py", "syntax_error", "AST_1001");
  EXPECT_NE(errors["latin.py"].Get("message")->text.find("can't decode"), std::string::npos);
  ExpectFailure(files, errors, "sjis.py", "decode_error", "AST_1002");
  ExpectFailure(files, errors, "syntax.py", "syntax_error", "AST_1001");
  ExpectFailure(files, errors, "vanished.py", "io_error", "IO_2001");
  ExpectFailure(files, errors, "loop.py", "io_error", "IO_2001");
  ExpectFailure(files, errors, "fifo.py", "io_error", "IO_2001");
  EXPECT_NE(errors["fifo.py"].Get("message")->text.find("not a regular file"), std::string::npos);
  EXPECT_NE(errors["vanished.py"].Get("message")->text.find("No such file"), std::string::npos);
  if (root) {
    ASSERT_EQ(files.count("locked.py"), 1u);
    EXPECT_EQ(files["locked.py"].Get("status")->text, "ok") << "root reads a chmod 000 file";
  } else {
    ExpectFailure(files, errors, "locked.py", "io_error", "IO_2001");
  }
  // Every failed SourceFile is in --errors and nothing else is.
  size_t failed = 0;
  for (const auto& [id, props] : files) failed += props.Get("status")->text != "ok";
  EXPECT_EQ(failed, errors.size());
  // The summary names the codes.
  EXPECT_NE(r.err.find("IO_2001"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("AST_1002"), std::string::npos) << r.err;

  // --on-error collect: the same run exits 1.
  RunResult c = Run({"parse", src_.string(), "-o", (dir_ / "out2.jsonl").string(), "--on-error",
                     "collect", "--progress", "never"});
  EXPECT_EQ(c.status, 1) << c.err;
  EXPECT_EQ(ReadAll(dir_ / "out2.jsonl"), ReadAll(dir_ / "out.jsonl"));
}

TEST_F(BadInputTest, LimitsAreFailuresWithTheirCodes) {
  WriteFile(src_ / "big.py", std::string(4096, '#') + "\nx = 1\n");
  std::string many = "x = [";
  for (int i = 0; i < 100; ++i) many += "1, ";
  WriteFile(src_ / "many.py", many + "]\n");  // 100 Constants: more than --max-nodes 50
  WriteFile(src_ / "small.py", "y = 2\n");
  RunResult r = Run({"parse", src_.string(), "-o", (dir_ / "out.jsonl").string(), "--errors",
                     (dir_ / "errors.jsonl").string(), "--progress", "never", "--max-file-size",
                     "1K", "--max-nodes", "50"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::map<std::string, Json> files = SourceFiles(Lines(ReadAll(dir_ / "out.jsonl")));
  std::map<std::string, Json> errors = Errors(dir_ / "errors.jsonl");
  ExpectFailure(files, errors, "big.py", "too_large", "AST_1003");
  EXPECT_GT(files["big.py"].Get("size")->integer, 1024);
  ExpectFailure(files, errors, "many.py", "too_many_nodes", "AST_1004");
  EXPECT_EQ(files["small.py"].Get("status")->text, "ok");
  EXPECT_EQ(errors.size(), 2u);
  // fail-fast stops at the first failure (files are taken in source_id order): exit 1.
  r = Run({"parse", src_.string(), "-o", (dir_ / "ff.jsonl").string(), "--progress", "never",
           "--max-file-size", "1K", "--on-error", "fail-fast", "--jobs", "1"});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "ff.jsonl")) << "a stopped run leaves no OUT";
}

TEST_F(BadInputTest, EmptyDirectoryGivesAnEmptyGraph) {
  fs::create_directories(src_ / "a" / "b");
  RunResult r = Run({"parse", src_.string(), "-o", (dir_ / "out.jsonl").string(), "--progress",
                     "never", "--errors", (dir_ / "errors.jsonl").string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir_ / "out.jsonl"));
  EXPECT_EQ(ReadAll(dir_ / "out.jsonl"), "");
  EXPECT_EQ(ReadAll(dir_ / "errors.jsonl"), "");
  EXPECT_NE(r.err.find("0 files"), std::string::npos) << r.err;
}

TEST_F(BadInputTest, NamesThatAreNotUtf8KeepTheirFileWithAUtf8SourceId) {
  WriteFile(src_ / std::string("\xff.py"), "a = 1\n");
  WriteFile(src_ / std::string("caf\xc3\xa9.py"), "b = 2\n");  // valid UTF-8: kept as is
  WriteFile(src_ / std::string("100%.py"), "c = 3\n");
  WriteFile(src_ / std::string("pkg\xfe") / "m.py", "d = 4\n");
  RunResult r = Run({"parse", src_.string(), "-o", (dir_ / "out.jsonl").string(), "--progress",
                     "never", "--errors", (dir_ / "errors.jsonl").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  std::string text = ReadAll(dir_ / "out.jsonl");
  std::vector<Json> lines = Lines(text);
  std::map<std::string, Json> files = SourceFiles(lines);
  std::vector<std::string> ids;
  for (const auto& [id, props] : files) ids.push_back(id);
  EXPECT_EQ(ids, (std::vector<std::string>{"%FF.py", "100%25.py", "caf\xc3\xa9.py", "pkg%FE/m.py"}));
  for (const auto& [id, props] : files) EXPECT_EQ(props.Get("status")->text, "ok") << id;
  EXPECT_EQ(files["pkg%FE/m.py"].Get("module")->text, "pkg%FE.m");
  // The output is valid UTF-8 all through: the path property, which keeps the bytes as given,
  // shows an invalid byte as U+FFFD.
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
               : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    ASSERT_NE(n, 0u) << "invalid UTF-8 at byte " << i;
    i += n;
  }
  EXPECT_EQ(ast2graph::pipeline::SourceIdText("a\xff%b\xc3\xa9\xed\xa0\x80"),
            "a%FF%25b\xc3\xa9%ED%A0%80");
}

TEST_F(BadInputTest, FullDiskFailsAndLeavesNoPartialOutput) {
  for (int i = 0; i < 40; ++i) {
    WriteFile(src_ / ("m" + std::to_string(i) + ".py"),
              "def f(a, b):\n    return [x * a for x in range(b) if x % 2]\n" +
                  std::string("y = f(1, 2) + f(3, 4)\n"));
  }
  fs::path out = dir_ / "out" / "graph.jsonl";
  fs::create_directories(out.parent_path());
  // jsonl: nothing at OUT, no temporary left beside it.
  RunResult r = Run({"parse", src_.string(), "-o", out.string(), "--progress", "never"}, 16384);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("cannot write"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(out.string()), std::string::npos) << r.err;
  EXPECT_TRUE(Names(out.parent_path()).empty());
  // An existing OUT is kept as it was.
  WriteFile(out, "previous\n");
  r = Run({"parse", src_.string(), "-o", out.string(), "--progress", "never"}, 16384);
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(ReadAll(out), "previous\n");
  EXPECT_EQ(Names(out.parent_path()), std::vector<std::string>{"graph.jsonl"});
  // csv: the directory does not appear, no temporary directory is left.
  fs::path csv = dir_ / "csvout" / "graph";
  fs::create_directories(csv.parent_path());
  r = Run({"parse", src_.string(), "--format", "csv", "-o", csv.string(), "--progress", "never"},
          16384);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("error"), std::string::npos) << r.err;
  EXPECT_TRUE(Names(csv.parent_path()).empty());
  // Without the limit the same run succeeds (so the failure above was the full disk).
  r = Run({"parse", src_.string(), "-o", out.string(), "--progress", "never"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_GT(ReadAll(out).size(), 16384u);
}

TEST_F(BadInputTest, DeviceFullIsAnErrorAndTheDeviceStays) {
  // /dev/full itself when we cannot harm it; as root (who could replace a device node in a
  // writable /dev) a private node with the same device number.
  WriteFile(src_ / "m.py", "x = 1\n");
  fs::path device = "/dev/full";
  if (geteuid() == 0) {
    device = dir_ / "full";
    if (mknod(device.c_str(), S_IFCHR | 0666, makedev(1, 7)) != 0) {
      GTEST_SKIP() << "root without mknod: /dev/full is not written by this test";
    }
  } else if (!fs::exists(device)) {
    GTEST_SKIP() << "no /dev/full";
  }
  RunResult r = Run({"parse", src_.string(), "-o", device.string(), "--progress", "never"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
  struct stat st {};
  ASSERT_EQ(stat(device.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "the device node was replaced";
  if (geteuid() == 0) {
    EXPECT_EQ(Names(dir_), (std::vector<std::string>{"full", "src", "stderr", "stdout"}));
  }
  // /dev/null (again a private node as root): written in place, the run succeeds.
  fs::path null_device = "/dev/null";
  if (geteuid() == 0) {
    null_device = dir_ / "null";
    ASSERT_EQ(mknod(null_device.c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
  }
  r = Run({"parse", src_.string(), "-o", null_device.string(), "--progress", "never"});
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(stat(null_device.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "the device node was replaced";
}

TEST_F(BadInputTest, UnwritableOutputDirectoryIsAClearError) {
  WriteFile(src_ / "m.py", "x = 1\n");
  RunResult r = Run({"parse", src_.string(), "-o", (dir_ / "missing" / "out.jsonl").string(),
                     "--progress", "never"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("cannot create output"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "missing"));
  // -o naming a directory that holds other files.
  WriteFile(dir_ / "mine" / "notes.txt", "keep me\n");
  r = Run({"parse", src_.string(), "-o", (dir_ / "mine").string(), "--progress", "never"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(ReadAll(dir_ / "mine" / "notes.txt"), "keep me\n");
}

}  // namespace
