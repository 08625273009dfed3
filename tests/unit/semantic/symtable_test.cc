// Scope analysis against what CPython 3.13's `symtable` module prints for the same source (the
// expected texts below are CPython's, from tests/conformance/scopes/symtable_ref.py), the
// SyntaxErrors it raises, and the name lookup the def-use analysis relies on.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "ast2graph/ast.h"
#include "ast2graph/parse.h"
#include "semantic/symtable.h"

namespace ast2graph::semantic {
namespace {

using ast::Kind;
using ast::Node;

/// dump-scopes of `source`, or "error L:C: MESSAGE".
std::string Scopes(std::string_view source) {
  ParsedModule module = Parse(source);
  if (!module.ok()) return "parse error: " + module.error().message;
  ParseError error;
  auto table = BuildSymbolTable(module, &error);
  if (!table) {
    return "error " + std::to_string(error.lineno) + ":" + std::to_string(error.offset) + ": " +
           error.message;
  }
  std::string out;
  DumpScopes(*table, &out);
  return out;
}

TEST(Symtable, ComprehensionsAreInlinedButGeneratorsKeepTheirScope) {
  EXPECT_EQ(Scopes("def f(a):\n"
                   "    y = [i for i in range(a) if i]\n"
                   "    z = (j for j in y)\n"
                   "    return [lambda: k for k in z]\n"),
            "module top 0\n"
            "  f: global local assigned namespace\n"
            "  function f 1\n"
            "    a: referenced parameter local\n"
            "    i: referenced local assigned\n"
            "    k: local assigned\n"
            "    range: referenced global\n"
            "    y: referenced local assigned\n"
            "    z: referenced local assigned\n"
            "    function genexpr 3\n"
            "      .0: parameter local\n"
            "      j: referenced local assigned\n"
            "    function lambda 4\n"
            "      k: referenced free\n");
}

TEST(Symtable, ClassScopeSuperAndDunderClass) {
  EXPECT_EQ(Scopes("class C:\n"
                   "    attr = 1\n"
                   "    def m(self):\n"
                   "        return super().m(), attr\n"
                   "    lst = [super() for _ in ()]\n"),
            "module top 0\n"
            "  C: global local assigned namespace\n"
            "  class C 1\n"
            "    _: local assigned\n"
            "    __class__: referenced global\n"
            "    attr: local assigned\n"
            "    lst: local assigned\n"
            "    m: local assigned namespace\n"
            "    super: referenced global\n"
            "    function m 3\n"
            "      __class__: referenced free\n"
            "      attr: referenced global\n"
            "      self: parameter local\n"
            "      super: referenced global\n");
}

TEST(Symtable, TypeParameterScopesAndPrivateNameMangling) {
  EXPECT_EQ(Scopes("class K[__T: int, *Ts](Base[__T]):\n"
                   "    def meth[U](self, x: U) -> __T: ...\n"
                   "type Alias[V] = list[V]\n"),
            "module top 0\n"
            "  Alias: global local assigned namespace\n"
            "  K: global local assigned namespace\n"
            "  type parameters K 1\n"
            "    .generic_base: referenced local assigned\n"
            "    .type_params: referenced local assigned\n"
            "    Base: referenced global\n"
            "    Ts: local assigned\n"
            "    _K__T: referenced local assigned\n"
            "    type variable __T 1\n"
            "      int: referenced global\n"
            "    class K 1\n"
            "      .type_params: referenced free\n"
            "      _K__T: free\n"
            "      __type_params__: local assigned\n"
            "      meth: local assigned namespace\n"
            "      type parameters meth 2\n"
            "        .defaults: parameter local\n"
            "        U: referenced local assigned\n"
            "        _K__T: referenced free\n"
            "        __classdict__: referenced free\n"
            "        function meth 2\n"
            "          self: parameter local\n"
            "          x: parameter local\n"
            "  type parameters Alias 3\n"
            "    V: local assigned\n"
            "    type alias Alias 3\n"
            "      V: referenced free\n"
            "      list: referenced global\n");
}

TEST(Symtable, FutureAnnotationsAreNotAnalyzed) {
  EXPECT_EQ(Scopes("from __future__ import annotations\n"
                   "def f(a: A) -> R:\n"
                   "    x: X = 1\n"),
            "module top 0\n"
            "  annotations: imported global local\n"
            "  f: global local assigned namespace\n"
            "  function f 2\n"
            "    a: parameter local\n"
            "    x: local annotated assigned\n");
  // Without the future import, annotations are names of the enclosing scope.
  std::string plain = Scopes("def f(a: A) -> R:\n    x: X = 1\n");
  EXPECT_NE(plain.find("  A: referenced global\n"), std::string::npos) << plain;
  EXPECT_NE(plain.find("    X: referenced global\n"), std::string::npos) << plain;
}

TEST(Symtable, WalrusGlobalNonlocalAndTheTopQuirk) {
  // A table named "top" counts as module scope for is_global/is_local, even a function.
  EXPECT_EQ(Scopes("def f():\n"
                   "    global g\n"
                   "    [(w := i) for i in range(3)]\n"
                   "    def inner():\n"
                   "        nonlocal w\n"
                   "        w += g\n"
                   "def top(): v = 1\n"),
            "module top 0\n"
            "  f: global local assigned namespace\n"
            "  g: global declared_global\n"
            "  top: global local assigned namespace\n"
            "  function f 1\n"
            "    g: global declared_global\n"
            "    i: referenced local assigned\n"
            "    inner: local assigned namespace\n"
            "    range: referenced global\n"
            "    w: local assigned\n"
            "    function inner 4\n"
            "      g: referenced global\n"
            "      w: nonlocal free assigned\n"
            "  function top 7\n"
            "    v: global local assigned\n");
}

// The builder remembers the symbol each name last found; `x` alternates between three scopes,
// and each use still lands in its own scope's symbol.
TEST(Symtable, ANameAlternatingBetweenScopesKeepsOneSymbolPerScope) {
  EXPECT_EQ(Scopes("x = 1\n"
                   "def f():\n"
                   "    x = 2\n"
                   "    def g():\n"
                   "        return x\n"
                   "    return x\n"
                   "print(x)\n"
                   "del x\n"),
            "module top 0\n"
            "  f: global local assigned namespace\n"
            "  print: referenced global\n"
            "  x: referenced global local assigned\n"
            "  function f 2\n"
            "    g: local assigned namespace\n"
            "    x: referenced local assigned\n"
            "    function g 4\n"
            "      x: referenced free\n");
}

TEST(Symtable, SyntaxErrorsAtCPythonsPositions) {
  EXPECT_EQ(Scopes("nonlocal x\n"), "error 1:1: nonlocal declaration not allowed at module level");
  EXPECT_EQ(Scopes("def f():\n    nonlocal x\n"), "error 2:5: no binding for nonlocal 'x' found");
  EXPECT_EQ(Scopes("def f(a):\n    global a\n"), "error 2:5: name 'a' is parameter and global");
  EXPECT_EQ(Scopes("def f():\n    x = 1\n    global x\n"),
            "error 3:5: name 'x' is assigned to before global declaration");
  EXPECT_EQ(Scopes("def f():\n    print(x)\n    global x\n"),
            "error 3:5: name 'x' is used prior to global declaration");
  EXPECT_EQ(Scopes("def f():\n    global x\n    nonlocal x\n"),
            "error 2:5: name 'x' is nonlocal and global");
  EXPECT_EQ(Scopes("def f(a, *a): pass\n"),
            "error 1:11: duplicate argument 'a' in function definition");
  EXPECT_EQ(Scopes("def f[T, T](): pass\n"), "error 1:10: duplicate type parameter 'T'");
  EXPECT_EQ(Scopes("class C:\n    [(y := 1) for i in range(3)]\n"),
            "error 2:7: assignment expression within a comprehension cannot be used in a class "
            "body");
  EXPECT_EQ(Scopes("[(i := 1) for i in range(3)]\n"),
            "error 1:3: assignment expression cannot rebind comprehension iteration variable 'i'");
  // A Name the builder visits as soon as its step reaches it: the first failing one is reported,
  // not a later sibling that would fail too.
  EXPECT_EQ(Scopes("[i for i in range(3) if (j := 0) if (k := 0) for (j, k) in range(2)]\n"),
            "error 1:51: comprehension inner loop cannot rebind assignment expression target 'j'");
  EXPECT_EQ(Scopes("[i for i in range(3) if (k := 0) for j.x, k in range(2)]\n"),
            "error 1:43: comprehension inner loop cannot rebind assignment expression target 'k'");
  EXPECT_EQ(Scopes("[i for i in (j := range(3))]\n"),
            "error 1:14: assignment expression cannot be used in a comprehension iterable "
            "expression");
  EXPECT_EQ(Scopes("def f():\n    from os import *\n"),
            "error 2:20: import * only allowed at module level");
  EXPECT_EQ(Scopes("def f[T: (yield)](): pass\n"),
            "error 1:11: yield expression cannot be used within a TypeVar bound");
  EXPECT_EQ(Scopes("type A = (await x)\n"),
            "error 1:11: await expression cannot be used within a type alias");
  EXPECT_EQ(Scopes("[(yield) for x in y]\n"), "error 1:3: 'yield' inside list comprehension");
  EXPECT_EQ(Scopes("def f[T](): nonlocal T\n"),
            "error 1:13: nonlocal binding not allowed for type parameter 'T'");
  EXPECT_EQ(Scopes("'''doc'''\nfrom __future__ import braces\n"), "error 2:1: not a chance");
  EXPECT_EQ(Scopes("from __future__ import nonsense\n"),
            "error 1:1: future feature nonsense is not defined");
  // Columns are UTF-8 byte offsets + 1, as SyntaxError.offset of symtable errors.
  EXPECT_EQ(Scopes("\xc3\xa9 = 1; nonlocal x\n"),
            "error 1:9: nonlocal declaration not allowed at module level");
}

TEST(Symtable, WhatSymtableAccepts) {
  // Compiler errors, not symbol-table errors: symtable accepts these.
  for (const char* src : {"return 1\n", "def f():\n    import x\n    global x\n",
                          "[x async for x in y]\n", "await x\n", "import os\n"
                          "from __future__ import braces\n"}) {
    EXPECT_EQ(Scopes(src).rfind("module top 0\n", 0), 0u) << src;
  }
}

// --- lookup ----------------------------------------------------------------------------------

/// Every node of the tree, in preorder.
std::vector<const Node*> AllNodes(const Node* root) {
  std::vector<const Node*> out;
  std::vector<const Node*> stack{root};
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    out.push_back(n);
    std::vector<const Node*> kids;
    for (uint32_t i = 0; i < ast::FieldCount(n->kind); ++i) {
      ast::FieldType type = ast::Field(n->kind, i).type;
      if (type == ast::FieldType::NODE || type == ast::FieldType::OPT_NODE) {
        if (n->fields[i].node) kids.push_back(n->fields[i].node);
      } else if (type == ast::FieldType::NODE_LIST) {
        for (const ast::Slot& s : *n->fields[i].list) {
          if (s.node) kids.push_back(s.node);
        }
      }
    }
    stack.insert(stack.end(), kids.rbegin(), kids.rend());
  }
  return out;
}

class SymtableLookup : public ::testing::Test {
 protected:
  void SetUp() override {
    module_ = Parse(kSource);
    ASSERT_TRUE(module_.ok()) << module_.error().message;
    ParseError error;
    table_ = BuildSymbolTable(module_, &error);
    ASSERT_NE(table_, nullptr) << error.message;
    nodes_ = AllNodes(module_.root());
  }
  /// The n-th node of `kind` on `line` named `name` (Name.id, FunctionDef.name, ...).
  const Node* Find(Kind kind, std::string_view name, uint32_t line, int n = 0) {
    for (const Node* node : nodes_) {
      if (node->kind != kind || module_.lines().Line(node->begin) != line) continue;
      if (kind == Kind::Name || kind == Kind::FunctionDef || kind == Kind::ClassDef) {
        // Name.id, FunctionDef.name, ClassDef.name: the first field of each.
        if (node->fields[0].str->view() != name) continue;
      }
      if (n-- == 0) return node;
    }
    ADD_FAILURE() << "no " << ast::KindName(kind) << " " << name << " on line " << line;
    return nullptr;
  }

  static constexpr const char* kSource =
      "x = 1\n"                               // 1
      "def f(a):\n"                           // 2
      "    y = a\n"                           // 3
      "    def g():\n"                        // 4
      "        nonlocal y\n"                  // 5
      "        return x + y\n"                // 6
      "    return [(z := i) for i in y], z\n" // 7
      "class C:\n"                            // 8
      "    n = 1\n"                           // 9
      "    type A = n\n"                      // 10
      "    def m(self):\n"                    // 11
      "        global x\n"                    // 12
      "        return __class__, n\n";        // 13
  ParsedModule module_;
  std::unique_ptr<SymbolTable> table_;
  std::vector<const Node*> nodes_;
};

TEST_F(SymtableLookup, ScopesOfNodes) {
  const Node* f = Find(Kind::FunctionDef, "f", 2);
  const Scope* fs = table_->ScopeOf(f);
  ASSERT_NE(fs, nullptr);
  EXPECT_EQ(fs->type(), ScopeType::kFunction);
  EXPECT_EQ(fs->name(), "f");
  EXPECT_EQ(fs->parent(), &table_->top());
  EXPECT_EQ(table_->ScopeOf(module_.root()), &table_->top());
  EXPECT_EQ(table_->ScopeOf(Find(Kind::Name, "x", 1)), nullptr);

  const Node* comp = Find(Kind::ListComp, "", 7);
  const Scope* cs = table_->ScopeOf(comp);
  ASSERT_NE(cs, nullptr);
  EXPECT_TRUE(cs->is_comprehension());
  EXPECT_TRUE(cs->is_inlined());
  EXPECT_EQ(cs->parent(), fs);
  // Inlined: not among f's children, whose only child is g.
  ASSERT_EQ(fs->children().size(), 1u);
  EXPECT_EQ(fs->children()[0]->name(), "g");

  const Scope* alias = table_->ScopeOf(Find(Kind::TypeAlias, "", 10));
  ASSERT_NE(alias, nullptr);
  EXPECT_EQ(alias->type(), ScopeType::kTypeAlias);
  EXPECT_TRUE(alias->can_see_class_scope());
  EXPECT_EQ(table_->TypeParamsScopeOf(Find(Kind::TypeAlias, "", 10)), nullptr);
}

TEST_F(SymtableLookup, LocalsGlobalsAndFreeNames) {
  // `a` in f: a parameter, owned by f.
  NameResolution a = table_->Resolve(Find(Kind::Name, "a", 3));
  const Scope* fs = table_->ScopeOf(Find(Kind::FunctionDef, "f", 2));
  EXPECT_EQ(a.binding, Binding::kLocal);
  EXPECT_EQ(a.owner, fs);
  EXPECT_TRUE(a.symbol->Has(kDefParam));

  // `x` in g: global implicit, owned by the module.
  NameResolution x = table_->Resolve(Find(Kind::Name, "x", 6));
  EXPECT_EQ(x.binding, Binding::kGlobalImplicit);
  EXPECT_EQ(x.owner, &table_->top());

  // `y` in g: declared nonlocal, so free; f owns it (as a cell).
  NameResolution y = table_->Resolve(Find(Kind::Name, "y", 6));
  EXPECT_EQ(y.binding, Binding::kFree);
  EXPECT_TRUE(y.symbol->Has(kDefNonlocal));
  EXPECT_EQ(y.owner, fs);
  EXPECT_EQ(fs->Find("y")->binding, Binding::kCell);

  // The def of g binds `g` in f.
  NameResolution g = table_->Resolve(Find(Kind::FunctionDef, "g", 4));
  EXPECT_EQ(g.scope, fs);
  EXPECT_EQ(g.owner, fs);
}

TEST_F(SymtableLookup, ComprehensionNames) {
  const Scope* fs = table_->ScopeOf(Find(Kind::FunctionDef, "f", 2));
  const Scope* comp = table_->ScopeOf(Find(Kind::ListComp, "", 7));
  // The iteration variable stays the comprehension's own.
  NameResolution i = table_->Resolve(Find(Kind::Name, "i", 7, 1));  // the `for i` target
  EXPECT_EQ(i.scope, comp);
  EXPECT_EQ(i.binding, Binding::kLocal);
  EXPECT_EQ(i.owner, comp);
  // A walrus target binds in the enclosing function.
  NameResolution z = table_->Resolve(Find(Kind::Name, "z", 7));
  EXPECT_EQ(z.scope, comp);
  EXPECT_EQ(z.binding, Binding::kFree);
  EXPECT_EQ(z.owner, fs);
  // ... where the later load of z finds it.
  NameResolution z2 = table_->Resolve(Find(Kind::Name, "z", 7, 1));
  EXPECT_EQ(z2.scope, fs);
  EXPECT_EQ(z2.owner, fs);
  // The first iterable is evaluated in f.
  EXPECT_EQ(table_->Resolve(Find(Kind::Name, "y", 7)).scope, fs);
}

TEST_F(SymtableLookup, ClassNames) {
  const Scope* cls = table_->ScopeOf(Find(Kind::ClassDef, "C", 8));
  // An annotation scope in a class reads `n` from the class namespace.
  NameResolution n = table_->Resolve(Find(Kind::Name, "n", 10));
  EXPECT_EQ(n.binding, Binding::kGlobalImplicit);
  EXPECT_TRUE(n.from_class_namespace);
  EXPECT_EQ(n.owner, cls);
  // A method does not see class names: `n` is global there.
  NameResolution mn = table_->Resolve(Find(Kind::Name, "n", 13));
  EXPECT_EQ(mn.binding, Binding::kGlobalImplicit);
  EXPECT_FALSE(mn.from_class_namespace);
  EXPECT_EQ(mn.owner, &table_->top());
  // `__class__` is the class's implicit cell.
  NameResolution dc = table_->Resolve(Find(Kind::Name, "__class__", 13));
  EXPECT_EQ(dc.binding, Binding::kFree);
  EXPECT_EQ(dc.owner, cls);
  // `global x` in m: pick the statement's name by identifier.
  const Node* global = Find(Kind::Global, "", 12);
  NameResolution gx = table_->Resolve(global, "x");
  EXPECT_EQ(gx.binding, Binding::kGlobalExplicit);
  EXPECT_EQ(gx.owner, &table_->top());
  EXPECT_EQ(table_->Resolve(global, "nope").symbol, nullptr);
}

TEST(Symtable, AReusedTableGivesWhatAFreshOneGives) {
  // Analyze reuses one table per thread (BuildSymbolTableInto): module after module, including
  // after one that failed and one with many more scopes and names, the dump and the occurrence
  // lookups must be those of a table built fresh.
  const std::vector<std::string> sources = {
      "class C:\n    __x = 1\n    def m(self):\n        return [self.__x for _ in ()]\n",
      "def f(a, b=lambda: c):\n    global g\n    def h():\n        nonlocal a\n        a += 1\n"
      "    return (h, [a for a in b])\n",
      "nonlocal x\n",  // rejected by the symbol table
      "type T[X: int = str] = list[X]\nclass D[U](T):\n    def m[V](self) -> U | V: ...\n",
      "x = 1\n",
      "import os.path as p, sys\nfrom . import z\ntry:\n    pass\nexcept E as e:\n    del e\n",
      // A comprehension inlined into a class body, with more than 32 names (its symbols go to
      // the hash), from which `__class__` is removed.
      "class K:\n    y = [__class__ for (a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13,"
      " a14, a15, a16, a17, a18, a19, a20, a21, a22, a23, a24, a25, a26, a27, a28, a29, a30,"
      " a31, a32, a33, a34) in x if a34]\n    def m(self):\n        return y\n",
  };
  std::string big;
  for (int i = 0; i < 300; ++i) {
    big += "def f" + std::to_string(i) + "(p" + std::to_string(i) + "):\n    v" +
           std::to_string(i) + " = p" + std::to_string(i) + "\n    return lambda: v" +
           std::to_string(i) + "\n";
  }
  std::vector<std::string> all = sources;
  all.insert(all.begin() + 2, big);
  all.insert(all.end(), sources.begin(), sources.end());
  SymbolTable reused;
  for (const std::string& source : all) {
    ParsedModule module = Parse(source);
    ASSERT_TRUE(module.ok()) << source;
    ParseError fresh_error, reused_error;
    auto fresh = BuildSymbolTable(module, &fresh_error);
    std::string want, got;
    if (fresh) DumpScopes(*fresh, &want);
    bool ok = BuildSymbolTableInto(module, &reused, &reused_error);
    ASSERT_EQ(ok, fresh != nullptr) << source;
    if (!ok) {
      EXPECT_EQ(reused_error.message, fresh_error.message);
      EXPECT_EQ(reused_error.lineno, fresh_error.lineno);
      continue;
    }
    DumpScopes(reused, &got);
    EXPECT_EQ(got, want) << source;
    EXPECT_EQ(reused.scope_count(), fresh->scope_count());
    // Every Name resolves alike in both (the tree's per-node slot was last set by `reused`).
    size_t names = 0;
    for (const Node* n : AllNodes(module.root())) {
      if (n->kind != Kind::Name) continue;
      ++names;
      NameResolution a = fresh->Resolve(n), b = reused.Resolve(n);
      ASSERT_EQ(a.symbol != nullptr, b.symbol != nullptr);
      if (a.symbol != nullptr) {
        EXPECT_EQ(a.symbol->name, b.symbol->name);
        EXPECT_EQ(a.binding, b.binding);
        EXPECT_EQ(a.scope->index(), b.scope->index());
        EXPECT_EQ(a.owner == nullptr, b.owner == nullptr);
        if (a.owner != nullptr) {
          EXPECT_EQ(a.owner->index(), b.owner->index());
        }
      }
    }
    EXPECT_GT(names, 0u);
  }
}

TEST(Symtable, LookupAfterDunderClassIsRemovedFromASmallComprehension) {
  // The inlined comprehension's symbols: .0, a, __class__, b; __class__ is removed from it, and
  // a scope of up to 32 symbols finds them by comparing its fixed array of ids, which the removal
  // must refresh (b moves from index 3 to 2).
  ParsedModule module = Parse("class K:\n    y = [b for a in x if __class__ for b in a]\n");
  ASSERT_TRUE(module.ok());
  ParseError error;
  auto table = BuildSymbolTable(module, &error);
  ASSERT_TRUE(table);
  int checked = 0;
  for (const Node* n : AllNodes(module.root())) {
    if (n->kind != Kind::Name) continue;
    NameResolution r = table->Resolve(n);
    if (r.symbol == nullptr || r.symbol->name != "b") continue;
    ASSERT_NE(r.scope, nullptr);
    EXPECT_EQ(r.scope->Find("b"), r.symbol);
    EXPECT_EQ(r.scope->Find("__class__"), nullptr);
    for (const Symbol& s : r.scope->symbols()) EXPECT_EQ(r.scope->Find(s.name), &s);
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

TEST(Symtable, ResolvesEachNameOfAGlobalStatementAndARecordedAgainWalrusTarget) {
  // A node's occurrences are consecutive records, and the identifier picks among them by
  // position: `global` records one per name (`__b` mangled). The walrus target is recorded
  // twice, around its value's names; the second record is dropped, and the names after it keep
  // their own records.
  ParsedModule module = Parse(
      "class K:\n"
      "    def m(self):\n"
      "        global a, __b, a, c\n"
      "        return [(w := b + a) for b in c], w\n");
  ASSERT_TRUE(module.ok());
  ParseError error;
  auto table = BuildSymbolTable(module, &error);
  ASSERT_TRUE(table);
  const Node* global = nullptr;
  const Scope* m = nullptr;
  std::vector<const Node*> names;
  for (const Node* n : AllNodes(module.root())) {
    if (n->kind == Kind::Global) global = n;
    if (n->kind == Kind::FunctionDef) m = table->ScopeOf(n);
    if (n->kind == Kind::Name) names.push_back(n);
  }
  ASSERT_NE(global, nullptr);
  EXPECT_EQ(table->Resolve(global).symbol->name, "a");
  EXPECT_EQ(table->Resolve(global, "a").symbol->name, "a");
  NameResolution b = table->Resolve(global, "__b");
  ASSERT_NE(b.symbol, nullptr);
  EXPECT_EQ(b.symbol->name, "_K__b");
  EXPECT_EQ(b.binding, Binding::kGlobalExplicit);
  EXPECT_EQ(table->Resolve(global, "c").symbol->name, "c");
  EXPECT_EQ(table->Resolve(global, "_K__b").symbol, nullptr);  // not as written
  EXPECT_EQ(table->Resolve(global, "w").symbol, nullptr);
  int checked = 0;
  for (const Node* n : names) {
    std::string_view id = n->fields[ast::NameFields::id].str->view();
    if (id == "self") continue;
    NameResolution r = table->Resolve(n);
    ASSERT_NE(r.symbol, nullptr) << id;
    EXPECT_EQ(r.symbol->name, id);
    EXPECT_EQ(table->Resolve(n, id).symbol, r.symbol);
    EXPECT_EQ(table->Resolve(n, "x").symbol, nullptr);
    if (id == "w") {
      EXPECT_EQ(r.owner, m) << "bound in m, from the comprehension too";
    }
    ++checked;
  }
  EXPECT_EQ(checked, 6);  // w b a b c in the comprehension, then w
}

}  // namespace
}  // namespace ast2graph::semantic
