// Symbol tables of trees built by hand (no parser needed): the depth limit CPython 3.13's
// symtable has, and trees far deeper than the native stack would allow with recursion.
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

class Trees {
 public:
  Node* Name(std::string_view id, ast::Singleton ctx = ast::Singleton::Load) {
    Node* n = ast::NewNode(arena_, Kind::Name, 0, 1);
    n->fields[ast::NameFields::id].str = ast::NewStr(arena_, id);
    n->fields[ast::NameFields::ctx].integer = static_cast<int64_t>(ctx);
    return n;
  }
  Node* Add(Node* left, Node* right) {
    Node* n = ast::NewNode(arena_, Kind::BinOp, 0, 1);
    n->fields[ast::BinOpFields::left].node = left;
    n->fields[ast::BinOpFields::op].integer = static_cast<int64_t>(ast::Singleton::Add);
    n->fields[ast::BinOpFields::right].node = right;
    return n;
  }
  Node* Lambda(std::vector<std::string_view> params, Node* body) {
    Node* args = ast::NewNode(arena_, Kind::arguments, 0, 0);
    ast::List* list = ast::NewList(arena_, static_cast<uint32_t>(params.size()));
    for (size_t i = 0; i < params.size(); ++i) {
      Node* a = ast::NewNode(arena_, Kind::arg, 0, 1);
      a->fields[ast::argFields::arg].str = ast::NewStr(arena_, params[i]);
      list->items[i].node = a;
    }
    args->fields[ast::argumentsFields::args].list = list;
    Node* n = ast::NewNode(arena_, Kind::Lambda, 0, 1);
    n->fields[ast::LambdaFields::args].node = args;
    n->fields[ast::LambdaFields::body].node = body;
    return n;
  }
  /// A module whose only statement is the expression `value`.
  Node* Module(Node* value) {
    Node* stmt = ast::NewNode(arena_, Kind::Expr, 0, 1);
    stmt->fields[ast::ExprFields::value].node = value;
    Node* m = ast::NewNode(arena_, Kind::Module, 0, 0);
    ast::List* body = ast::NewList(arena_, 1);
    body->items[0].node = stmt;
    m->fields[ast::ModuleFields::body].list = body;
    return m;
  }
  /// `a.x.x...x` with `attrs` attributes: a chain `attrs` Attributes deep.
  Node* AttributeChain(uint32_t attrs) {
    Node* e = Name("a");
    const ast::Str* x = ast::NewStr(arena_, "x");
    for (uint32_t i = 0; i < attrs; ++i) {
      Node* n = ast::NewNode(arena_, Kind::Attribute, 0, 1);
      n->fields[ast::AttributeFields::value].node = e;
      n->fields[ast::AttributeFields::attr].str = x;
      n->fields[ast::AttributeFields::ctx].integer = static_cast<int64_t>(ast::Singleton::Load);
      e = n;
    }
    return e;
  }
  /// `a + a + ... + a` with `ops` additions: a left-leaning chain `ops` BinOps deep.
  Node* Chain(uint32_t ops) {
    Node* e = Name("a");
    for (uint32_t i = 0; i < ops; ++i) e = Add(e, Name("a"));
    return e;
  }

 private:
  ast::Arena arena_;
};

std::unique_ptr<SymbolTable> Build(const Node* module, ParseError* error) {
  static const std::string text = "a\n";
  static const ast::LineTable lines(text);
  return BuildSymbolTable(module, text, lines, error);
}

/// `module` builds, and its one name `a` is an implicit global.
void ExpectBuilds(const Node* module) {
  ParseError error;
  auto table = Build(module, &error);
  ASSERT_NE(table, nullptr) << error.message;
  ASSERT_NE(table->top().Find("a"), nullptr);
  EXPECT_EQ(table->top().Find("a")->binding, Binding::kGlobalImplicit);
}

/// `module` nests past CPython's visit depth limit.
void ExpectTooDeep(const Node* module) {
  ParseError error;
  EXPECT_EQ(Build(module, &error), nullptr);
  EXPECT_EQ(error.message, "maximum recursion depth exceeded during compilation");
}

// CPython 3.13 accepts `a + ... + a` with 9997 terms at module level and raises RecursionError
// with 9998 (measured with the `symtable` module): the visit depth limit is 9998.
TEST(SymtableTree, OperatorChainAtCPythonsDepthLimit) {
  Trees t;
  ExpectBuilds(t.Module(t.Chain(9996)));
  ExpectTooDeep(t.Module(t.Chain(9997)));
}

// An Attribute chain gets no task per Attribute (the builder pushes the innermost value), and
// still counts a level for each, as CPython's visit does.
TEST(SymtableTree, AttributeChainAtCPythonsDepthLimit) {
  Trees t;
  ExpectBuilds(t.Module(t.AttributeChain(9996)));
  ExpectTooDeep(t.Module(t.AttributeChain(9997)));
  ExpectTooDeep(t.Module(t.AttributeChain(500000)));
}

// The visit runs on an explicit stack: a chain far beyond any native stack is an error, not a
// crash.
TEST(SymtableTree, HugeChainIsAnErrorNotACrash) {
  Trees t;
  ParseError error;
  EXPECT_EQ(Build(t.Module(t.Chain(500000)), &error), nullptr);
  EXPECT_EQ(error.message, "maximum recursion depth exceeded during compilation");
  EXPECT_EQ(error.lineno, 1u);
}

// The builder visits shallow levels by native calls and deeper ones on its explicit stack: a
// tree that crosses between the two still inserts its names in CPython's visiting order.
// `p0 + ((p1 + ((... z ...) + q1)) + q0)`, 600 levels deep, visits p0..p299, z, q299..q0.
TEST(SymtableTree, DeepTreeKeepsVisitingOrder) {
  Trees t;
  constexpr int kLevels = 300;
  Node* e = t.Name("z");
  std::vector<std::string> names(2 * kLevels + 1);
  names[kLevels] = "z";
  for (int i = kLevels - 1; i >= 0; --i) {
    names[i] = "p" + std::to_string(i);
    names[2 * kLevels - i] = "q" + std::to_string(i);
    e = t.Add(t.Name(names[i]), t.Add(e, t.Name(names[2 * kLevels - i])));
  }
  ParseError error;
  auto table = Build(t.Module(e), &error);
  ASSERT_NE(table, nullptr) << error.message;
  std::vector<std::string> inserted;
  for (const Symbol& s : table->top().symbols()) inserted.emplace_back(s.name);
  EXPECT_EQ(inserted, names);
}

// `lambda x: lambda: ... lambda: x`, 2500 scopes deep: every inner lambda passes `x` down as a
// free variable, and the outermost lambda owns it as a cell.
TEST(SymtableTree, DeeplyNestedScopesResolveToTheOutermostBinding) {
  Trees t;
  constexpr int kDepth = 2500;
  Node* use = t.Name("x");
  Node* body = use;
  std::vector<Node*> lambdas;
  for (int i = 0; i < kDepth; ++i) {
    body = t.Lambda(i == kDepth - 1 ? std::vector<std::string_view>{"x"}
                                    : std::vector<std::string_view>{},
                    body);
    lambdas.push_back(body);
  }
  ParseError error;
  auto table = Build(t.Module(body), &error);
  ASSERT_NE(table, nullptr) << error.message;

  const Scope* outer = table->ScopeOf(lambdas.back());
  const Scope* inner = table->ScopeOf(lambdas.front());
  ASSERT_NE(outer, nullptr);
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(outer->Find("x")->binding, Binding::kCell);
  EXPECT_TRUE(outer->IsParameter(*outer->Find("x")));
  EXPECT_EQ(inner->Find("x")->binding, Binding::kFree);
  const Scope* middle = table->ScopeOf(lambdas[kDepth / 2]);
  ASSERT_NE(middle->Find("x"), nullptr);
  EXPECT_EQ(middle->Find("x")->binding, Binding::kFree);

  NameResolution r = table->Resolve(use);
  EXPECT_EQ(r.scope, inner);
  EXPECT_EQ(r.binding, Binding::kFree);
  EXPECT_EQ(r.owner, outer);

  EXPECT_EQ(table->Preorder().size(), static_cast<size_t>(kDepth) + 1);
  std::string dump;
  DumpScopes(*table, &dump);
  // The innermost scope is printed last, 2500 levels deep: 5000 spaces of indentation.
  size_t last = dump.rfind("function lambda 1\n");
  ASSERT_NE(last, std::string::npos);
  size_t line_start = dump.rfind('\n', last) + 1;
  EXPECT_EQ(last - line_start, 2u * kDepth);
  EXPECT_EQ(dump.find_first_not_of(' ', line_start), last);
}

TEST(SymtableTree, ScopeTypeNamesAreCPythons) {
  EXPECT_STREQ(ScopeTypeName(ScopeType::kModule), "module");
  EXPECT_STREQ(ScopeTypeName(ScopeType::kFunction), "function");
  EXPECT_STREQ(ScopeTypeName(ScopeType::kClass), "class");
  EXPECT_STREQ(ScopeTypeName(ScopeType::kAnnotation), "annotation");
  EXPECT_STREQ(ScopeTypeName(ScopeType::kTypeAlias), "type alias");
  EXPECT_STREQ(ScopeTypeName(ScopeType::kTypeParameters), "type parameters");
  EXPECT_STREQ(ScopeTypeName(ScopeType::kTypeVariable), "type variable");
}

}  // namespace
}  // namespace ast2graph::semantic
