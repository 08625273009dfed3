// The cross-file resolver (src/semantic/resolver.h) and relative import resolution
// (src/semantic/imports.h).
#include "semantic/resolver.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "semantic/imports.h"

namespace ast2graph::semantic {
namespace {

graph::Id IdOf(uint64_t n) { return {0x1234, n}; }

std::vector<Resolution> Resolve(const Resolver& r, DependsType type, std::string_view module,
                                std::string_view name) {
  std::vector<Resolution> out;
  r.Resolve(type, module, name, &out);
  return out;
}

Resolution Node(uint64_t n) { return {Resolution::kNode, IdOf(n), {}}; }
Resolution External(std::string name) { return {Resolution::kExternal, {}, std::move(name)}; }

constexpr uint8_t kFn = kExportCallable;
constexpr uint8_t kClass = kExportCallable | kExportClass;

/// pkg/__init__.py: `from .impl import f`, `from . import sub`, `from .core import *`,
///                  `from numpy import array`, `import x.y as z`
/// pkg/impl.py: `def f`, `class C`, `CONST = 1`, `def f` again (two definitions)
/// pkg/core.py: `def run`, `_private = 1`
/// pkg/sub.py: `def g`
/// x/y.py: `def h`
/// cyc/a.py: `from .b import loop`; cyc/b.py: `from .a import loop`
class ResolverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<ExportRow> pkg = {
        {"f", IdOf(11), "pkg.impl", "f", 0},
        {"sub", IdOf(12), "pkg", "sub", 0},
        {"*", IdOf(13), "pkg.core", "*", 0},
        {"array", IdOf(14), "numpy", "array", 0},
        {"z", IdOf(15), "x.y", "", 0},
    };
    r_.AddModule("pkg", IdOf(10), pkg);
    std::vector<ExportRow> impl = {
        {"f", IdOf(21), "", "", kFn},
        {"C", IdOf(22), "", "", kClass},
        {"CONST", IdOf(23), "", "", 0},
        {"f", IdOf(24), "", "", kFn},
    };
    r_.AddModule("pkg.impl", IdOf(20), impl);
    std::vector<ExportRow> core = {{"run", IdOf(31), "", "", kFn}, {"_private", IdOf(32), "", "", 0}};
    r_.AddModule("pkg.core", IdOf(30), core);
    std::vector<ExportRow> sub = {{"g", IdOf(41), "", "", kFn}};
    r_.AddModule("pkg.sub", IdOf(40), sub);
    std::vector<ExportRow> y = {{"h", IdOf(51), "", "", kFn}};
    r_.AddModule("x.y", IdOf(50), y);
    std::vector<ExportRow> a = {{"loop", IdOf(61), "cyc.b", "loop", 0}};
    r_.AddModule("cyc.a", IdOf(60), a);
    std::vector<ExportRow> b = {{"loop", IdOf(71), "cyc.a", "loop", 0}};
    r_.AddModule("cyc.b", IdOf(70), b);
    r_.Freeze();
  }
  Resolver r_;
};

TEST_F(ResolverTest, ModuleItself) {
  EXPECT_EQ(Resolve(r_, DependsType::kImport, "pkg.impl", ""), std::vector{Node(20)});
  EXPECT_TRUE(r_.HasModule("pkg.sub"));
  EXPECT_FALSE(r_.HasModule("pkg.nothing"));
}

TEST_F(ResolverTest, DefinitionsOfAName) {
  // Both definitions of f, in the order the module listed them.
  EXPECT_EQ(Resolve(r_, DependsType::kCall, "pkg.impl", "f"), (std::vector{Node(21), Node(24)}));
  EXPECT_EQ(Resolve(r_, DependsType::kInherit, "pkg.impl", "C"), std::vector{Node(22)});
}

TEST_F(ResolverTest, CallsAndBasesOnlyLandOnWhatFits) {
  EXPECT_TRUE(Resolve(r_, DependsType::kCall, "pkg.impl", "CONST").empty());
  EXPECT_TRUE(Resolve(r_, DependsType::kInherit, "pkg.impl", "f").empty());
  EXPECT_EQ(Resolve(r_, DependsType::kImport, "pkg.impl", "CONST"), std::vector{Node(23)});
}

TEST_F(ResolverTest, FollowsReExports) {
  EXPECT_EQ(Resolve(r_, DependsType::kCall, "pkg", "f"), (std::vector{Node(21), Node(24)}));
  // `import x.y as z` in pkg: pkg.z is the module x.y.
  EXPECT_EQ(Resolve(r_, DependsType::kCall, "pkg", "z.h"), std::vector{Node(51)});
  EXPECT_EQ(Resolve(r_, DependsType::kImport, "pkg", "z"), std::vector{Node(50)});
}

TEST_F(ResolverTest, StarImportsExceptPrivateNames) {
  EXPECT_EQ(Resolve(r_, DependsType::kCall, "pkg", "run"), std::vector{Node(31)});
  // Not through `*`: an import of it lands on the module it was asked from.
  EXPECT_EQ(Resolve(r_, DependsType::kImport, "pkg", "_private"), std::vector{Node(10)});
}

TEST_F(ResolverTest, Submodules) {
  // `from . import sub` in pkg/__init__.py names the submodule, not a cycle.
  EXPECT_EQ(Resolve(r_, DependsType::kImport, "pkg", "sub"), std::vector{Node(40)});
  EXPECT_EQ(Resolve(r_, DependsType::kCall, "pkg", "sub.g"), std::vector{Node(41)});
  // A dotted name through a submodule pkg does not bind at all.
  EXPECT_EQ(Resolve(r_, DependsType::kCall, "pkg", "impl.C"), std::vector{Node(22)});
}

TEST_F(ResolverTest, ExternalModules) {
  EXPECT_EQ(Resolve(r_, DependsType::kImport, "os.path", ""), std::vector{External("os.path")});
  EXPECT_EQ(Resolve(r_, DependsType::kCall, "json", "dumps"), std::vector{External("json")});
  // A re-export of an outside name leaves the project there.
  EXPECT_EQ(Resolve(r_, DependsType::kCall, "pkg", "array"), std::vector{External("numpy")});
}

TEST_F(ResolverTest, CyclesStop) {
  EXPECT_TRUE(Resolve(r_, DependsType::kCall, "cyc.a", "loop").empty());
  EXPECT_EQ(Resolve(r_, DependsType::kImport, "cyc.a", "loop"), std::vector{Node(60)});
}

TEST_F(ResolverTest, MissingNames) {
  EXPECT_TRUE(Resolve(r_, DependsType::kCall, "pkg.impl", "nothing").empty());
  EXPECT_EQ(Resolve(r_, DependsType::kImport, "pkg.impl", "nothing"), std::vector{Node(20)});
  EXPECT_TRUE(Resolve(r_, DependsType::kCall, "pkg.impl", "f.attr").empty());
}

TEST(ResolverMemory, HundredThousandModulesFitInTensOfMegabytes) {
  // 100,000 modules of 20 exports each (the standard library averages 20 per file), names from
  // a vocabulary of common names plus a few unique ones per module.
  Resolver r;
  std::vector<std::string> names;
  std::vector<ExportRow> rows;
  for (int m = 0; m < 100000; ++m) {
    names.clear();
    for (int e = 0; e < 16; ++e) names.push_back("name" + std::to_string((m * 7 + e * 13) % 5000));
    for (int e = 0; e < 4; ++e) names.push_back("unique_" + std::to_string(m) + "_" + std::to_string(e));
    std::string package = "pkg" + std::to_string(m % 100);
    std::string module = package + ".mod" + std::to_string(m);
    rows.clear();
    for (size_t e = 0; e < names.size(); ++e) {
      bool reexport = e % 10 == 0;  // every tenth name comes from the package
      rows.push_back({names[e], IdOf(static_cast<uint64_t>(m) * 100 + e),
                      reexport ? std::string_view(package) : std::string_view(),
                      reexport ? std::string_view(names[e]) : std::string_view(), kFn});
    }
    r.AddModule(module, IdOf(static_cast<uint64_t>(m)), rows);
  }
  r.Freeze();
  EXPECT_EQ(r.module_count(), 100000u);
  EXPECT_EQ(r.export_count(), 2000000u);
  size_t bytes = r.MemoryBytes();
  std::printf("resolver: 100000 modules, 2000000 exports: %.1f MB\n", static_cast<double>(bytes) / 1e6);
  EXPECT_LT(bytes, 70u * 1000 * 1000);
  // And it still answers.
  EXPECT_EQ(Resolve(r, DependsType::kCall, "pkg5.mod5", "unique_5_1"), std::vector{Node(5 * 100 + 17)});
}

TEST(Imports, RelativeModules) {
  std::string out;
  ModuleContext mod{"pkg.sub.mod", false};
  ASSERT_TRUE(ResolveImportFrom(mod, 1, "x", &out));
  EXPECT_EQ(out, "pkg.sub.x");
  ASSERT_TRUE(ResolveImportFrom(mod, 2, "", &out));
  EXPECT_EQ(out, "pkg");
  ASSERT_TRUE(ResolveImportFrom(mod, 2, "a.b", &out));
  EXPECT_EQ(out, "pkg.a.b");
  EXPECT_FALSE(ResolveImportFrom(mod, 3, "x", &out));  // above the top-level package
  ModuleContext package{"pkg.sub", true};              // pkg/sub/__init__.py
  ASSERT_TRUE(ResolveImportFrom(package, 1, "x", &out));
  EXPECT_EQ(out, "pkg.sub.x");
  ASSERT_TRUE(ResolveImportFrom(package, 2, "", &out));
  EXPECT_EQ(out, "pkg");
  ModuleContext top{"script", false};
  EXPECT_FALSE(ResolveImportFrom(top, 1, "x", &out));  // no parent package
  ASSERT_TRUE(ResolveImportFrom(top, 0, "os.path", &out));
  EXPECT_EQ(out, "os.path");
  EXPECT_EQ(FirstComponent("a.b.c"), "a");
  EXPECT_EQ(FirstComponent("a"), "a");
}

}  // namespace
}  // namespace ast2graph::semantic
