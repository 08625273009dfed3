// File discovery: what is found, what is skipped, how files are named and sharded.
#include "pipeline/discover.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "pipeline/pipeline.h"

namespace ast2graph::pipeline {
namespace {

namespace fs = std::filesystem;

class TempTree : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/a2g-discover-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& rel, const std::string& text = "x = 1\n") {
    fs::path p = root_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  std::vector<std::string> Ids(const Discovery& d) {
    std::vector<std::string> ids;
    for (const SourceFile& f : d.files) ids.push_back(f.source_id);
    return ids;
  }
  fs::path root_;
};

TEST(ModuleNameTest, PackagesAndModules) {
  bool pkg = false;
  EXPECT_EQ(ModuleName("pkg/sub/mod.py", &pkg), "pkg.sub.mod");
  EXPECT_FALSE(pkg);
  EXPECT_EQ(ModuleName("pkg/__init__.py", &pkg), "pkg");
  EXPECT_TRUE(pkg);
  EXPECT_EQ(ModuleName("__init__.py", &pkg), "");
  EXPECT_EQ(ModuleName("typing.pyi", &pkg), "typing");
  EXPECT_EQ(ModuleName("a/my__init__.py", &pkg), "a.my__init__");
  EXPECT_FALSE(pkg);
}

TEST(GlobMatchTest, FnmatchAndDoubleStar) {
  EXPECT_TRUE(GlobMatch("*.py", "a.py"));
  EXPECT_FALSE(GlobMatch("*.py", "dir/a.py"));
  EXPECT_TRUE(GlobMatch("**/test_*.py", "a/b/test_x.py"));
  EXPECT_TRUE(GlobMatch("**/test_*.py", "test_x.py"));
  EXPECT_TRUE(GlobMatch("tests/**", "tests/a/b.py"));
  EXPECT_FALSE(GlobMatch("tests/**", "src/tests.py"));
  EXPECT_TRUE(GlobMatch("a/[bc].py", "a/c.py"));
}

TEST(ShardTest, EveryFileInExactlyOneShard) {
  for (int i = 0; i < 200; ++i) {
    std::string id = "pkg/mod" + std::to_string(i) + ".py";
    int hits = 0;
    for (uint32_t s = 0; s < 3; ++s) hits += InShard(id, s, 3) ? 1 : 0;
    EXPECT_EQ(hits, 1) << id;
  }
}

TEST(ParseSizeTest, Units) {
  uint64_t v = 0;
  EXPECT_TRUE(ParseSize("512MB", &v));
  EXPECT_EQ(v, 512ull << 20);
  EXPECT_TRUE(ParseSize("10m", &v));
  EXPECT_EQ(v, 10ull << 20);
  EXPECT_TRUE(ParseSize("4096", &v));
  EXPECT_EQ(v, 4096u);
  EXPECT_FALSE(ParseSize("lots", &v));
  EXPECT_FALSE(ParseSize("5TB", &v));
}

TEST_F(TempTree, FindsSortsAndSkips) {
  Write("b.py");
  Write("a/__init__.py");
  Write("a/z.py");
  Write("a/stub.pyi");
  Write("notes.txt");
  Write(".git/hooks/x.py");
  Write("a/__pycache__/z.py");
  Write("venv/pyvenv.cfg", "home = /usr\n");
  Write("venv/lib/site.py");
  Discovery d = Discover({root_.string()}, {}).value();
  EXPECT_EQ(Ids(d), (std::vector<std::string>{"a/__init__.py", "a/z.py", "b.py"}));
  EXPECT_EQ(d.files[0].module, "a");
  EXPECT_TRUE(d.files[0].is_package);
  EXPECT_EQ(d.files[1].module, "a.z");

  DiscoverOptions stubs;
  stubs.include_stubs = true;
  EXPECT_EQ(Discover({root_.string()}, stubs).value().files.size(), 4u);
}

TEST_F(TempTree, ExcludesAndExplicitFiles) {
  Write("src/keep.py");
  Write("src/tests/test_a.py");
  Write("build/gen.py");
  DiscoverOptions o;
  o.excludes = {"tests", "build/*"};
  Discovery d = Discover({root_.string()}, o).value();
  EXPECT_EQ(Ids(d), (std::vector<std::string>{"src/keep.py"}));
  // An explicit file is relative to its own directory when it is the only input.
  Discovery one = Discover({(root_ / "src/keep.py").string()}, {}).value();
  EXPECT_EQ(Ids(one), (std::vector<std::string>{"keep.py"}));
  // --root makes ids relative to it; overlapping inputs give each file once.
  o.excludes.clear();
  o.root = root_.string();
  Discovery both = Discover({(root_ / "src").string(), (root_ / "src/keep.py").string()}, o).value();
  EXPECT_EQ(Ids(both), (std::vector<std::string>{"src/keep.py", "src/tests/test_a.py"}));
}

TEST_F(TempTree, SymlinkLoopIsSafe) {
  Write("pkg/a.py");
  fs::create_directory_symlink(root_ / "pkg", root_ / "pkg" / "loop");
  Discovery d = Discover({root_.string()}, {}).value();
  EXPECT_EQ(Ids(d), (std::vector<std::string>{"pkg/a.py"}));
}

TEST_F(TempTree, MissingPathIsAUsageError) {
  auto r = Discover({(root_ / "nope").string()}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUsage);
}

TEST_F(TempTree, ShardsPartitionTheProject) {
  for (int i = 0; i < 30; ++i) Write("m" + std::to_string(i) + ".py");
  size_t total = 0;
  for (uint32_t s = 0; s < 3; ++s) {
    DiscoverOptions o;
    o.shard_index = s;
    o.shard_count = 3;
    total += Discover({root_.string()}, o).value().files.size();
  }
  EXPECT_EQ(total, 30u);
}

}  // namespace
}  // namespace ast2graph::pipeline
