// Output files appear only when complete: temp name + rename, removal on failure (ENOSPC via
// /dev/full, EFBIG via RLIMIT_FSIZE), an existing OUT kept on failure, stdout for "-".
#include "export/output.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "export_test_util.h"

namespace a2gtest {
namespace {

using ast2graph::ErrorCode;
using ast2graph::Status;
using ast2graph::exporters::Format;
using ast2graph::exporters::MakeExporter;
using ast2graph::exporters::OutputDir;
using ast2graph::exporters::OutputFile;

constexpr Format kAllFormats[] = {Format::kJsonl,   Format::kCsv, Format::kCypher,
                                  Format::kGraphml, Format::kDot, Format::kJson};

TEST(OutputFile, AppearsOnlyOnCommit) {
  std::string dir = MakeTempDir();
  std::string path = dir + "/out.txt";
  WriteFile(path, "old");
  {
    OutputFile f;
    ASSERT_TRUE(f.Open(path).ok());
    f.buf() = "new";
    f.Flush();
    EXPECT_EQ(ReadFile(path), "old");    // still the old one
    EXPECT_EQ(ListDir(dir).size(), 2u);  // and the temporary
    ASSERT_TRUE(f.Commit().ok());
  }
  EXPECT_EQ(ReadFile(path), "new");
  EXPECT_EQ(ListDir(dir), std::vector<std::string>{"out.txt"});
}

TEST(OutputFile, DestroyedWithoutCommitLeavesNothing) {
  std::string dir = MakeTempDir();
  std::string path = dir + "/out.txt";
  WriteFile(path, "old");
  {
    OutputFile f;
    ASSERT_TRUE(f.Open(path).ok());
    f.buf().assign(3 * OutputFile::kFlushThreshold, 'x');
    f.Flush();
  }
  EXPECT_EQ(ReadFile(path), "old");
  EXPECT_EQ(ListDir(dir), std::vector<std::string>{"out.txt"});
}

TEST(OutputFile, RefusesADirectoryAndAMissingParent) {
  std::string dir = MakeTempDir();
  OutputFile f;
  Status s = f.Open(dir);
  EXPECT_EQ(s.code(), ErrorCode::kOutput);
  OutputFile g;
  Status t = g.Open(dir + "/no/such/dir/out.txt");
  EXPECT_EQ(t.code(), ErrorCode::kOutput);
  EXPECT_NE(t.message().find("No such file"), std::string::npos) << t.message();
}

/// Runs `body` with fd 1 pointing at /dev/full, restoring it afterwards.
template <typename Body>
void WithStdoutFull(Body body) {
  fflush(stdout);
  int saved = dup(STDOUT_FILENO);
  int full = open("/dev/full", O_WRONLY);
  ASSERT_GE(full, 0);
  dup2(full, STDOUT_FILENO);
  close(full);
  body();
  dup2(saved, STDOUT_FILENO);
  close(saved);
}

TEST(OutputFile, EnospcOnStdoutIsAnOutputError) {
  for (Format format : kAllFormats) {
    if (format == Format::kCsv) continue;  // a directory, never stdout
    Status s;
    WithStdoutFull([&] { s = Export(format, "-", SampleFile("a.py")); });
    EXPECT_EQ(s.code(), ErrorCode::kOutput) << ast2graph::exporters::FormatName(format);
    EXPECT_NE(s.message().find("No space left"), std::string::npos) << s.message();
  }
}

TEST(OutputFile, CsvRefusesStdout) {
  auto sink = MakeExporter(Format::kCsv, "-");
  EXPECT_FALSE(sink.ok());
  EXPECT_EQ(sink.status().code(), ErrorCode::kUsage);
}

/// In a child process limited to `limit` bytes per file (writes beyond fail with EFBIG), exports
/// enough to exceed it and checks: an error with code kOutput, the old OUT untouched, no
/// temporary left. Returns the child's exit status (0 = all held).
int ExportOverFileSizeLimit(Format format, const std::string& dir, const std::string& out) {
  pid_t pid = fork();
  if (pid == 0) {
    signal(SIGXFSZ, SIG_IGN);
    rlimit limit{64 * 1024, 64 * 1024};
    setrlimit(RLIMIT_FSIZE, &limit);
    Files files;
    for (int i = 0; i < 200; ++i) files.push_back(SampleFile("f" + std::to_string(i) + ".py"));
    ast2graph::exporters::ExportOptions options;
    options.batch_size = 0;
    Status s = Export(format, out, files, options);
    if (s.ok()) _exit(10);
    if (s.code() != ErrorCode::kOutput) _exit(11);
    if (s.message().find("too large") == std::string::npos) _exit(12);
    if (ReadFile(out + (format == Format::kCsv ? "/import.sh" : "")) != "old") _exit(13);
    if (ListDir(dir).size() != 1) _exit(14);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

TEST(OutputFile, WriteErrorKeepsOldOutputAndRemovesTemporary) {
  for (Format format : kAllFormats) {
    std::string dir = MakeTempDir();
    std::string out = dir + "/out";
    if (format == Format::kCsv) {
      ASSERT_EQ(mkdir(out.c_str(), 0777), 0);
      WriteFile(out + "/import.sh", "old");
    } else {
      WriteFile(out, "old");
    }
    EXPECT_EQ(ExportOverFileSizeLimit(format, dir, out), 0)
        << ast2graph::exporters::FormatName(format);
  }
}

TEST(OutputFile, EveryFormatReplacesAnExistingOutputOnSuccess) {
  for (Format format : kAllFormats) {
    std::string dir = MakeTempDir();
    std::string out = dir + "/out";
    if (format == Format::kCsv) {
      ASSERT_EQ(mkdir(out.c_str(), 0777), 0);
      WriteFile(out + "/nodes-00007.csv", "stale part");
    } else {
      WriteFile(out, "old");
    }
    ASSERT_TRUE(Export(format, out, SampleFile("a.py")).ok());
    if (format == Format::kCsv) {
      EXPECT_EQ(ListDir(out),
                (std::vector<std::string>{"import.sh", "nodes-00001.csv", "nodes-header.csv",
                                          "relationships-00001.csv", "relationships-header.csv"}));
    } else {
      EXPECT_NE(ReadFile(out), "old");
    }
    EXPECT_EQ(ListDir(dir), std::vector<std::string>{"out"});
  }
}

TEST(OutputFile, UnfinishedSinkLeavesNoTrace) {
  for (Format format : kAllFormats) {
    std::string dir = MakeTempDir();
    {
      auto sink = MakeExporter(format, dir + "/out");
      ASSERT_TRUE(sink.ok());
      ASSERT_TRUE((*sink)->Write(SampleFile("a.py")).ok());
    }  // destroyed without Finish(): the pipeline failed
    EXPECT_TRUE(ListDir(dir).empty()) << ast2graph::exporters::FormatName(format);
  }
}

TEST(OutputDir, RefusesToReplaceForeignDirectoriesAndFiles) {
  std::string dir = MakeTempDir();
  std::string out = dir + "/out";
  ASSERT_EQ(mkdir(out.c_str(), 0777), 0);
  WriteFile(out + "/thesis.tex", "precious");
  OutputDir d;
  Status s = d.Open(out);
  EXPECT_EQ(s.code(), ErrorCode::kOutput);
  EXPECT_NE(s.message().find("refusing"), std::string::npos) << s.message();
  EXPECT_EQ(ReadFile(out + "/thesis.tex"), "precious");

  WriteFile(dir + "/file", "x");
  OutputDir e;
  EXPECT_EQ(e.Open(dir + "/file").code(), ErrorCode::kOutput);
}

TEST(OutputFile, StdoutIsWrittenAndNotClosed) {
  std::string dir = MakeTempDir();
  std::string path = dir + "/captured";
  fflush(stdout);
  int saved = dup(STDOUT_FILENO);
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  dup2(fd, STDOUT_FILENO);
  close(fd);
  Status s = Export(Format::kJsonl, "-", SampleFile("a.py"));
  EXPECT_EQ(write(STDOUT_FILENO, "", 0), 0);  // still open
  dup2(saved, STDOUT_FILENO);
  close(saved);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_NE(ReadFile(path).find("\"type\":\"node\""), std::string::npos);
}

}  // namespace
}  // namespace a2gtest
