// semantic::Analyze: control flow and def-use facts that snapshots show less directly, the
// agreement of the two reaching-definition solvers on random programs, determinism, and inputs
// that must neither recurse deeply nor take quadratic time.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "ast2graph/parse.h"
#include "ast2graph/semantic.h"
#include "semantic/cfg.h"
#include "semantic/reaching.h"

namespace ast2graph::semantic {
namespace {

struct Analyzed {
  ParsedModule module;
  FileSemantics sem;
};

Analyzed AnalyzeSource(const std::string& source, ModuleContext context = {"m", false}) {
  Analyzed a;
  a.module = Parse(source);
  EXPECT_TRUE(a.module.ok()) << a.module.error().message << " at line " << a.module.error().lineno;
  if (a.module.ok()) a.sem = Analyze(a.module, context);
  return a;
}

uint32_t Line(const Analyzed& a, const ast::Node* n) { return a.module.lines().Line(n->begin); }

/// "FROM_LINE->TO_LINE:kind" for every NEXT edge between statements (scope nodes as 0).
std::vector<std::string> NextLines(const Analyzed& a) {
  std::vector<std::string> out;
  for (const NextEdge& e : a.sem.next) {
    auto line = [&](const ast::Node* n) {
      return n->kind == ast::Kind::Module ? std::string("M") : std::to_string(Line(a, n));
    };
    out.push_back(line(e.from) + "->" + line(e.to) + ":" + NextKindName(e.kind));
  }
  return out;
}

bool HasNext(const Analyzed& a, const std::string& edge) {
  for (const std::string& e : NextLines(a)) {
    if (e == edge) return true;
  }
  return false;
}

/// "use_line->def_line" for every data edge of `name`.
std::vector<std::string> DataLines(const Analyzed& a, std::string_view name) {
  std::vector<std::string> out;
  for (const DependsEdge& d : a.sem.depends) {
    if (d.type == DependsType::kData && d.name == name) {
      out.push_back(std::to_string(Line(a, d.from)) + "->" + std::to_string(Line(a, d.to)));
    }
  }
  return out;
}

TEST(Flow, EmptyModuleHasNoEdges) {
  Analyzed a = AnalyzeSource("");
  EXPECT_TRUE(a.sem.next.empty());
  EXPECT_TRUE(a.sem.depends.empty());
}

TEST(Flow, FileSymtableRejectsGetsNoEdges) {
  // Parses, but CPython's symtable raises "nonlocal declaration not allowed at module level".
  Analyzed a = AnalyzeSource("x = 1\nnonlocal x\n");
  EXPECT_TRUE(a.sem.next.empty());
  EXPECT_TRUE(a.sem.depends.empty());
  EXPECT_TRUE(a.sem.exports.empty());
}

TEST(Flow, ExceptionEdgesOnlyFromInsideTheTryBody) {
  Analyzed a = AnalyzeSource(
      "a()\n"              // 1
      "try:\n"             // 2
      "    b()\n"          // 3
      "    if c:\n"        // 4
      "        d()\n"      // 5
      "except E:\n"        // 6
      "    e()\n"          // 7
      "f()\n");            // 8
  EXPECT_TRUE(HasNext(a, "3->6:exception"));
  EXPECT_TRUE(HasNext(a, "4->6:exception"));
  EXPECT_TRUE(HasNext(a, "5->6:exception"));  // nested statements of the body too
  for (const std::string& e : NextLines(a)) {
    EXPECT_FALSE(e.starts_with("1->") && e.ends_with(":exception")) << e;
    EXPECT_FALSE(e.starts_with("7->") && e.ends_with(":exception")) << e;
    EXPECT_FALSE(e.starts_with("2->") && e.ends_with(":exception")) << e;  // the try itself
  }
  EXPECT_TRUE(HasNext(a, "6->7:next"));
  EXPECT_TRUE(HasNext(a, "7->8:next"));
}

TEST(Flow, FinallyRunsOnEveryWayOut) {
  Analyzed a = AnalyzeSource(
      "def f(xs):\n"             // 1
      "    while xs:\n"          // 2
      "        try:\n"           // 3
      "            if xs[0]:\n"  // 4
      "                return 1\n"  // 5
      "            break\n"      // 6
      "        finally:\n"       // 7
      "            g()\n"        // 8
      "    return 2\n");         // 9
  EXPECT_TRUE(HasNext(a, "5->8:finally"));  // return enters the finally
  EXPECT_TRUE(HasNext(a, "6->8:finally"));  // so does break
  EXPECT_TRUE(HasNext(a, "4->8:finally"));  // and an exception
  EXPECT_TRUE(HasNext(a, "8->1:finally"));  // the return goes on to the function
  EXPECT_TRUE(HasNext(a, "8->9:finally"));  // the break to after the loop
  EXPECT_TRUE(HasNext(a, "8->1:raise"));    // the exception to the function
  EXPECT_FALSE(HasNext(a, "5->1:return"));  // not straight out
  EXPECT_FALSE(HasNext(a, "8->2:finally"));  // no fall-through or continue way was taken
}

TEST(Flow, ReachingDefinitionsThroughLoops) {
  Analyzed a = AnalyzeSource(
      "x = 0\n"            // 1
      "while x < 10:\n"    // 2
      "    x = x + 1\n"    // 3
      "print(x)\n");       // 4
  std::vector<std::string> want = {"2->1", "2->3", "3->1", "3->3", "4->1", "4->3"};
  EXPECT_EQ(DataLines(a, "x"), want);
}

/// The item kinds of the flow point `stmt` owns in the module flow of `source`.
std::vector<ItemKind> ItemsOf(const std::string& source, ast::Kind stmt) {
  ParsedModule module = Parse(source);
  EXPECT_TRUE(module.ok());
  std::vector<ItemKind> out;
  for (const ScopeFlow& f : BuildModuleFlows(module.root())) {
    for (const Point& p : f.points) {
      if (p.owner->kind != stmt) continue;
      for (uint32_t i = 0; i < p.item_count; ++i) out.push_back(f.items[p.first_item + i].kind);
    }
  }
  return out;
}

TEST(Flow, AugAssignStoresOnlyIntoAName) {
  // `n += 1`: read n, evaluate 1, store n. `self.n += 1`: the target's own loads (`self`) run
  // once, with the read; storing an attribute defines no name, so there is no store item.
  using K = ItemKind;
  EXPECT_EQ(ItemsOf("n += 1\n", ast::Kind::AugAssign),
            (std::vector<K>{K::kAugTarget, K::kExpr, K::kTarget}));
  EXPECT_EQ(ItemsOf("self.n += 1\n", ast::Kind::AugAssign),
            (std::vector<K>{K::kAugTarget, K::kExpr}));
  EXPECT_EQ(ItemsOf("a[i] -= 1\n", ast::Kind::AugAssign),
            (std::vector<K>{K::kAugTarget, K::kExpr}));
  Analyzed a = AnalyzeSource(
      "def f(self, i):\n"   // 1
      "    self.n += i\n");  // 2
  EXPECT_EQ(DataLines(a, "self"), std::vector<std::string>{"2->1"});
  EXPECT_EQ(DataLines(a, "i"), std::vector<std::string>{"2->1"});
}

TEST(Flow, EachDependencyIsMadeOnce) {
  // Def-use does not sort or deduplicate data edges (each is made once); calls and bases can
  // repeat one, as a class that names its base twice does.
  Analyzed a = AnalyzeSource(
      "class B: pass\n"          // 1
      "class A(B, B): pass\n"    // 2
      "def f(): return 1\n"      // 3
      "f(f())\n");               // 4
  std::vector<std::string> edges;
  for (const DependsEdge& d : a.sem.depends) {
    edges.push_back(std::to_string(Line(a, d.from)) + ":" + std::to_string(d.from->begin) + "->" +
                    std::to_string(Line(a, d.to)) + ":" + DependsTypeName(d.type));
  }
  std::sort(edges.begin(), edges.end());
  // Line:offset of the use (the class, a base, a call or its callee) -> line of the definition.
  std::vector<std::string> want = {"2:14->1:inherit", "2:22->1:data", "2:25->1:data",
                                   "4:52->3:call",    "4:52->3:data", "4:54->3:call",
                                   "4:54->3:data"};
  EXPECT_EQ(edges, want);
}

TEST(Flow, ExceptAsNameIsDeletedAfterTheHandler) {
  Analyzed a = AnalyzeSource(
      "e = 1\n"                   // 1
      "try:\n"                    // 2
      "    pass\n"                // 3
      "except E as e:\n"          // 4
      "    print(e)\n"            // 5
      "print(e)\n");              // 6
  std::vector<std::string> want = {"5->4", "6->1"};
  EXPECT_EQ(DataLines(a, "e"), want);
}

TEST(Flow, Deterministic) {
  std::string src =
      "import os\nfrom . import x\n"
      "def f(a):\n    for i in a:\n        try:\n            g(i)\n        except E:\n"
      "            continue\n        finally:\n            h()\n    return [i for i in a]\n"
      "class C(f):\n    y = f(1)\n";
  ParsedModule m = Parse(src);
  ASSERT_TRUE(m.ok());
  ModuleContext ctx{"pkg.m", false};
  FileSemantics a = Analyze(m, ctx), b = Analyze(m, ctx);
  ASSERT_EQ(a.next.size(), b.next.size());
  for (size_t i = 0; i < a.next.size(); ++i) {
    EXPECT_EQ(a.next[i].from, b.next[i].from);
    EXPECT_EQ(a.next[i].to, b.next[i].to);
    EXPECT_EQ(a.next[i].kind, b.next[i].kind);
  }
  ASSERT_EQ(a.depends.size(), b.depends.size());
  for (size_t i = 0; i < a.depends.size(); ++i) {
    EXPECT_EQ(a.depends[i].from, b.depends[i].from);
    EXPECT_EQ(a.depends[i].to, b.depends[i].to);
  }
  ASSERT_EQ(a.external.size(), b.external.size());
  ASSERT_EQ(a.exports.size(), b.exports.size());
}

TEST(Flow, DeepExpressionsWalkWithoutRecursion) {
  // 5,000 left-nested additions and a 5,000-deep attribute chain: the walk uses its own stack.
  std::string src = "a = 1\nx = a";
  for (int i = 0; i < 5000; ++i) src += " + a";
  src += "\ny = a";
  for (int i = 0; i < 5000; ++i) src += ".b";
  src += "()\n";
  Analyzed a = AnalyzeSource(src);
  // 5,001 uses on line 2 and one on line 3, each to the definition on line 1.
  std::vector<std::string> edges = DataLines(a, "a");
  EXPECT_EQ(edges.size(), 5002u);
  EXPECT_EQ(std::count(edges.begin(), edges.end(), "2->1"), 5001);
  EXPECT_EQ(std::count(edges.begin(), edges.end(), "3->1"), 1);
}

/// `n` module-level assignments, each reading an earlier one.
std::string ChainModule(int n) {
  std::string src;
  for (int i = 0; i < n; ++i) src += "v" + std::to_string(i) + " = v" + std::to_string(i / 2) + "\n";
  return src;
}

TEST(Flow, HugeModuleIsAnalyzedExactly) {
  // 100,000 module-level assignments: the sparse solver handles them without the points x
  // definitions blow-up of bit vectors (its speed is measured in bench/, not asserted here).
  // The names in the result point into the parsed module, so it must outlive them.
  ParsedModule m = Parse(ChainModule(100000));
  ASSERT_TRUE(m.ok());
  FileSemantics big = Analyze(m, {"m", false});
  EXPECT_EQ(big.exports.size(), 100000u);
  size_t v1_uses = 0;  // v2 = v1 and v3 = v1, each reading its one definition
  for (const DependsEdge& d : big.depends) v1_uses += d.type == DependsType::kData && d.name == "v1";
  EXPECT_EQ(v1_uses, 2u);
}

/// A random program over the names a..e: every statement kind that changes control flow.
class ProgramGen {
 public:
  explicit ProgramGen(uint32_t seed) : rng_(seed) {}

  std::string Module() {
    out_.clear();
    Block(0, 0, false, 6);
    std::string body = out_;
    out_ = "def f(a, b):\n";
    Block(1, 0, true, 8);
    return body + out_ + "class K:\n    c = a\n    def m(self):\n        return c\n";
  }

 private:
  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }
  std::string Name() { return std::string(1, static_cast<char>('a' + Pick(5))); }
  std::string Expr() {
    switch (Pick(6)) {
      case 0: return Name() + " + " + Name();
      case 1: return "(" + Name() + " := " + Name() + ")";
      case 2: return "[" + Name() + " for " + Name() + " in " + Name() + "]";
      case 3: return Name() + " and (" + Name() + " := 1)";
      default: return Name();
    }
  }
  void Line(int indent, const std::string& text) { out_ += std::string(4 * indent, ' ') + text + "\n"; }

  void Block(int indent, int depth, bool in_function, int count) {
    int n = 1 + Pick(count);
    for (int i = 0; i < n; ++i) Stmt(indent, depth, in_function);
  }

  void Stmt(int indent, int depth, bool in_function) {
    int choice = depth >= 4 ? Pick(5) : Pick(14);
    switch (choice) {
      case 0: Line(indent, Name() + " = " + Expr()); break;
      case 1: Line(indent, Name() + " += " + Expr()); break;
      case 2: Line(indent, "print(" + Expr() + ")"); break;
      case 3: Line(indent, "del " + Name()); break;
      case 4:
        if (loops_ > 0 && Pick(2) == 0) {
          Line(indent, Pick(2) == 0 ? "break" : "continue");
        } else if (in_function && Pick(3) == 0) {
          Line(indent, "return " + Name());
        } else {
          Line(indent, Pick(3) == 0 ? "raise E(" + Name() + ")" : "pass");
        }
        break;
      case 5:
      case 6:
        Line(indent, "if " + Expr() + ":");
        Block(indent + 1, depth + 1, in_function, 3);
        if (Pick(2) == 0) {
          Line(indent, "else:");
          Block(indent + 1, depth + 1, in_function, 3);
        }
        break;
      case 7:
        Line(indent, "while " + Expr() + ":");
        Loop(indent, depth, in_function);
        break;
      case 8:
        Line(indent, "for " + Name() + " in " + Expr() + ":");
        Loop(indent, depth, in_function);
        break;
      case 9:
      case 10: {
        Line(indent, "try:");
        Block(indent + 1, depth + 1, in_function, 3);
        int handlers = Pick(3);
        for (int h = 0; h < handlers; ++h) {
          Line(indent, Pick(2) == 0 ? "except E as " + Name() + ":" : "except:");
          Block(indent + 1, depth + 1, in_function, 2);
        }
        if (handlers > 0 && Pick(2) == 0) {
          Line(indent, "else:");
          Block(indent + 1, depth + 1, in_function, 2);
        }
        if (handlers == 0 || Pick(2) == 0) {
          Line(indent, "finally:");
          Block(indent + 1, depth + 1, in_function, 2);
        }
        break;
      }
      case 11:
        Line(indent, "with " + Name() + " as " + Name() + ":");
        Block(indent + 1, depth + 1, in_function, 3);
        break;
      case 12:
        Line(indent, "match " + Name() + ":");
        Line(indent + 1, "case [" + Name() + ", *" + Name() + "] if " + Name() + ":");
        Block(indent + 2, depth + 1, in_function, 2);
        Line(indent + 1, "case {'k': " + Name() + "} | " + Name() + "():");
        Block(indent + 2, depth + 1, in_function, 2);
        if (Pick(2) == 0) {
          Line(indent + 1, "case _:");
          Block(indent + 2, depth + 1, in_function, 2);
        }
        break;
      default:
        Line(indent, "assert " + Expr());
        break;
    }
  }

  void Loop(int indent, int depth, bool in_function) {
    ++loops_;
    Block(indent + 1, depth + 1, in_function, 4);
    --loops_;
    if (Pick(3) == 0) {
      Line(indent, "else:");
      Block(indent + 1, depth + 1, in_function, 2);
    }
  }

  std::mt19937 rng_;
  std::string out_;
  int loops_ = 0;
};

/// DEPENDS_ON and exports as comparable text.
std::vector<std::string> Digest(const FileSemantics& sem) {
  std::vector<std::string> out;
  for (const DependsEdge& d : sem.depends) {
    out.push_back(std::to_string(d.from->begin) + ">" + std::to_string(d.to->begin) + ":" +
                  DependsTypeName(d.type));
  }
  for (const ModuleExport& e : sem.exports) out.push_back("export " + e.name + std::to_string(e.node->begin));
  std::sort(out.begin(), out.end());  // edges come in the order a solver found them
  return out;
}

TEST(Flow, SolversAgreeOnRandomPrograms) {
  int compared = 0;
  for (uint32_t seed = 1; seed <= 400; ++seed) {
    std::string src = ProgramGen(seed).Module();
    ParsedModule m = Parse(src);
    // A generated `break` may land in a finally of a loop-less try, and so on: skip what
    // CPython would reject, but most programs must count.
    if (!m.ok()) continue;
    ModuleContext ctx{"m", false};
    ForceSolverForTesting(RdSolver::kDense);
    FileSemantics dense = Analyze(m, ctx);
    ForceSolverForTesting(RdSolver::kSparse);
    FileSemantics sparse = Analyze(m, ctx);
    ForceSolverForTesting(RdSolver::kAuto);
    ASSERT_EQ(Digest(dense), Digest(sparse)) << "seed " << seed << "\n" << src;
    // kAuto answers parameter-only and one-word flows without either solver.
    ASSERT_EQ(Digest(Analyze(m, ctx)), Digest(dense)) << "seed " << seed << "\n" << src;
    // Every data edge joins a use and a definition of one name.
    for (const DependsEdge& d : dense.depends) {
      if (d.type != DependsType::kData) continue;
      ASSERT_EQ(d.from->kind, ast::Kind::Name) << "seed " << seed;
    }
    ++compared;
  }
  EXPECT_GT(compared, 300);
}

/// Checks `f.live` and the sources of `f.next` against a search from the entry over the
/// structural flow edges (the builder marks points reachable as it makes edges instead): a point
/// is live when its owner's first point is reached, a NEXT edge leaves a node whose first point is.
void ExpectLiveIsReachable(const ScopeFlow& f, const std::string& context) {
  std::vector<uint8_t> reached(f.points.size(), 0);
  std::vector<uint32_t> work{f.entry_point};
  reached[f.entry_point] = 1;
  while (!work.empty()) {
    uint32_t p = work.back();
    work.pop_back();
    for (const FlowEdge& e : f.edges) {
      if (e.structural && e.from == p && reached[e.to] == 0) {
        reached[e.to] = 1;
        work.push_back(e.to);
      }
    }
  }
  std::map<const ast::Node*, uint32_t> first;
  for (uint32_t p = 0; p < f.points.size(); ++p) first.emplace(f.points[p].owner, p);
  for (uint32_t p = 0; p < f.points.size(); ++p) {
    ASSERT_EQ(f.live[p], reached[first[f.points[p].owner]]) << "point " << p << "\n" << context;
  }
  for (const NextEdge& e : f.next) {
    ASSERT_TRUE(first.contains(e.from) && reached[first[e.from]] != 0) << context;
  }
}

TEST(Flow, ScopeFlowsComeInPositionOrder) {
  // A try builds its else before its handlers; flows still come by position, each scope's
  // before those nested in it.
  ParsedModule m = Parse(
      "def a():\n    def b():\n        class C:\n            def d(self): pass\n    def e(): pass\n"
      "try:\n    def f(): pass\nexcept E:\n    def g():\n        def h(): pass\n"
      "else:\n    def i(): pass\nfinally:\n    class J: pass\n"
      "def k(): pass\n");
  ASSERT_TRUE(m.ok());
  std::vector<ScopeFlow> flows = BuildModuleFlows(m.root());
  std::string names;
  for (const ScopeFlow& f : flows) {
    if (f.scope->kind == ast::Kind::Module) {
      names += "M";
    } else {
      names += f.scope->fields[f.scope->kind == ast::Kind::ClassDef ? +ast::ClassDefFields::name
                                                                    : +ast::FunctionDefFields::name]
                   .str->view();
    }
  }
  EXPECT_EQ(names, "MabCdefghiJk");
}

TEST(Flow, LivePointsAreThoseReachedOverStructuralEdges) {
  std::vector<std::string> sources = {
      // A loop head reached again from its body, through continue in a finally.
      "def f(xs):\n    for x in xs:\n        try:\n            continue\n"
      "        finally:\n            g()\n    while True:\n        pass\n    h()\n",
      // Handlers reached only from the body; except* handlers from each other.
      "try:\n    a()\nexcept* E:\n    b()\nexcept* F:\n    c()\n"
      "try:\n    raise E\n    d()\nexcept E as e:\n    pass\nelse:\n    x()\n",
      // A with's suppress path reaches nothing; a match's failing cases.
      "with a:\n    raise E\ny()\nmatch z:\n    case [q] if q:\n        r()\n    case _:\n"
      "        s()\nt()\n",
      // Unreachable code after return, raise, break and constant tests.
      "def g():\n    return 1\n    u()\nwhile 0:\n    v()\nif False:\n    w()\n",
  };
  for (uint32_t seed = 1; seed <= 400; ++seed) sources.push_back(ProgramGen(seed).Module());
  for (const std::string& src : sources) {
    ParsedModule m = Parse(src);
    if (!m.ok()) continue;
    for (const ScopeFlow& f : BuildModuleFlows(m.root())) ExpectLiveIsReachable(f, src);
  }
}

}  // namespace
}  // namespace ast2graph::semantic
