// ast::Dump against CPython 3.13's ast.dump(..., include_attributes=True[, indent=N]).
// Trees are built by hand here (the parser is tested elsewhere); the expected strings were
// printed once by CPython 3.13 for the source shown above each of them.
#include "ast/dump.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>

namespace ast2graph::ast {
namespace {

// ast.dump(ast.parse('x'), include_attributes=True, indent=None)
constexpr std::string_view kNameLine = R"py(Module(body=[Expr(value=Name(id='x', ctx=Load(), lineno=1, col_offset=0, end_lineno=1, end_col_offset=1), lineno=1, col_offset=0, end_lineno=1, end_col_offset=1)]))py";
// ast.dump(ast.parse('x'), include_attributes=True, indent=2)
constexpr std::string_view kNameIndent2 = R"py(Module(
  body=[
    Expr(
      value=Name(
        id='x',
        ctx=Load(),
        lineno=1,
        col_offset=0,
        end_lineno=1,
        end_col_offset=1),
      lineno=1,
      col_offset=0,
      end_lineno=1,
      end_col_offset=1)]))py";
// ast.dump(ast.parse('from . import x\nlambda: 1\nmatch x:\n case None: pass\nu"a"\nNone'), include_attributes=True, indent=None)
constexpr std::string_view kMixedLine = R"py(Module(body=[ImportFrom(names=[alias(name='x', lineno=1, col_offset=14, end_lineno=1, end_col_offset=15)], level=1, lineno=1, col_offset=0, end_lineno=1, end_col_offset=15), Expr(value=Lambda(args=arguments(), body=Constant(value=1, lineno=2, col_offset=8, end_lineno=2, end_col_offset=9), lineno=2, col_offset=0, end_lineno=2, end_col_offset=9), lineno=2, col_offset=0, end_lineno=2, end_col_offset=9), Match(subject=Name(id='x', ctx=Load(), lineno=3, col_offset=6, end_lineno=3, end_col_offset=7), cases=[match_case(pattern=MatchSingleton(value=None, lineno=4, col_offset=6, end_lineno=4, end_col_offset=10), body=[Pass(lineno=4, col_offset=12, end_lineno=4, end_col_offset=16)])], lineno=3, col_offset=0, end_lineno=4, end_col_offset=16), Expr(value=Constant(value='a', kind='u', lineno=5, col_offset=0, end_lineno=5, end_col_offset=4), lineno=5, col_offset=0, end_lineno=5, end_col_offset=4), Expr(value=Constant(value=None, lineno=6, col_offset=0, end_lineno=6, end_col_offset=4), lineno=6, col_offset=0, end_lineno=6, end_col_offset=4)]))py";
// ast.dump(ast.parse('from . import x\nlambda: 1\nmatch x:\n case None: pass\nu"a"\nNone'), include_attributes=True, indent=2)
constexpr std::string_view kMixedIndent2 = R"py(Module(
  body=[
    ImportFrom(
      names=[
        alias(
          name='x',
          lineno=1,
          col_offset=14,
          end_lineno=1,
          end_col_offset=15)],
      level=1,
      lineno=1,
      col_offset=0,
      end_lineno=1,
      end_col_offset=15),
    Expr(
      value=Lambda(
        args=arguments(),
        body=Constant(
          value=1,
          lineno=2,
          col_offset=8,
          end_lineno=2,
          end_col_offset=9),
        lineno=2,
        col_offset=0,
        end_lineno=2,
        end_col_offset=9),
      lineno=2,
      col_offset=0,
      end_lineno=2,
      end_col_offset=9),
    Match(
      subject=Name(
        id='x',
        ctx=Load(),
        lineno=3,
        col_offset=6,
        end_lineno=3,
        end_col_offset=7),
      cases=[
        match_case(
          pattern=MatchSingleton(
            value=None,
            lineno=4,
            col_offset=6,
            end_lineno=4,
            end_col_offset=10),
          body=[
            Pass(
              lineno=4,
              col_offset=12,
              end_lineno=4,
              end_col_offset=16)])],
      lineno=3,
      col_offset=0,
      end_lineno=4,
      end_col_offset=16),
    Expr(
      value=Constant(
        value='a',
        kind='u',
        lineno=5,
        col_offset=0,
        end_lineno=5,
        end_col_offset=4),
      lineno=5,
      col_offset=0,
      end_lineno=5,
      end_col_offset=4),
    Expr(
      value=Constant(
        value=None,
        lineno=6,
        col_offset=0,
        end_lineno=6,
        end_col_offset=4),
      lineno=6,
      col_offset=0,
      end_lineno=6,
      end_col_offset=4)]))py";
// ast.dump(ast.parse("{**a, 'b': 1.5}"), include_attributes=True, indent=None)
constexpr std::string_view kDictLine = R"py(Module(body=[Expr(value=Dict(keys=[None, Constant(value='b', lineno=1, col_offset=6, end_lineno=1, end_col_offset=9)], values=[Name(id='a', ctx=Load(), lineno=1, col_offset=3, end_lineno=1, end_col_offset=4), Constant(value=1.5, lineno=1, col_offset=11, end_lineno=1, end_col_offset=14)], lineno=1, col_offset=0, end_lineno=1, end_col_offset=15), lineno=1, col_offset=0, end_lineno=1, end_col_offset=15)]))py";
// ast.dump(ast.parse("{**a, 'b': 1.5}"), include_attributes=True, indent=2)
constexpr std::string_view kDictIndent2 = R"py(Module(
  body=[
    Expr(
      value=Dict(
        keys=[
          None,
          Constant(
            value='b',
            lineno=1,
            col_offset=6,
            end_lineno=1,
            end_col_offset=9)],
        values=[
          Name(
            id='a',
            ctx=Load(),
            lineno=1,
            col_offset=3,
            end_lineno=1,
            end_col_offset=4),
          Constant(
            value=1.5,
            lineno=1,
            col_offset=11,
            end_lineno=1,
            end_col_offset=14)],
        lineno=1,
        col_offset=0,
        end_lineno=1,
        end_col_offset=15),
      lineno=1,
      col_offset=0,
      end_lineno=1,
      end_col_offset=15)]))py";
// ast.dump(ast.parse('a < b == c'), include_attributes=True, indent=0)
constexpr std::string_view kCompareIndent0 = R"py(Module(
body=[
Expr(
value=Compare(
left=Name(
id='a',
ctx=Load(),
lineno=1,
col_offset=0,
end_lineno=1,
end_col_offset=1),
ops=[
Lt(),
Eq()],
comparators=[
Name(
id='b',
ctx=Load(),
lineno=1,
col_offset=4,
end_lineno=1,
end_col_offset=5),
Name(
id='c',
ctx=Load(),
lineno=1,
col_offset=9,
end_lineno=1,
end_col_offset=10)],
lineno=1,
col_offset=0,
end_lineno=1,
end_col_offset=10),
lineno=1,
col_offset=0,
end_lineno=1,
end_col_offset=10)]))py";
// ast.dump(ast.parse('global a, b'), include_attributes=True, indent=None)
constexpr std::string_view kGlobalLine = R"py(Module(body=[Global(names=['a', 'b'], lineno=1, col_offset=0, end_lineno=1, end_col_offset=11)]))py";
// ast.dump(ast.parse('global a, b'), include_attributes=True, indent=2)
constexpr std::string_view kGlobalIndent2 = R"py(Module(
  body=[
    Global(
      names=[
        'a',
        'b'],
      lineno=1,
      col_offset=0,
      end_lineno=1,
      end_col_offset=11)]))py";
// ast.dump(ast.parse('f"{x!r:>10}"'), include_attributes=True, indent=None)
constexpr std::string_view kFstrLine = R"py(Module(body=[Expr(value=JoinedStr(values=[FormattedValue(value=Name(id='x', ctx=Load(), lineno=1, col_offset=3, end_lineno=1, end_col_offset=4), conversion=114, format_spec=JoinedStr(values=[Constant(value='>10', lineno=1, col_offset=7, end_lineno=1, end_col_offset=10)], lineno=1, col_offset=6, end_lineno=1, end_col_offset=10), lineno=1, col_offset=2, end_lineno=1, end_col_offset=11)], lineno=1, col_offset=0, end_lineno=1, end_col_offset=12), lineno=1, col_offset=0, end_lineno=1, end_col_offset=12)]))py";
// ast.dump(ast.parse('(b\'\\x00"\', 2j, 1e16, 123456789012345678901234567890, \'it\\\'s\', ...)'), include_attributes=True, indent=None)
constexpr std::string_view kConstsLine = R"py(Module(body=[Expr(value=Tuple(elts=[Constant(value=b'\x00"', lineno=1, col_offset=1, end_lineno=1, end_col_offset=9), Constant(value=2j, lineno=1, col_offset=11, end_lineno=1, end_col_offset=13), Constant(value=1e+16, lineno=1, col_offset=15, end_lineno=1, end_col_offset=19), Constant(value=123456789012345678901234567890, lineno=1, col_offset=21, end_lineno=1, end_col_offset=51), Constant(value="it's", lineno=1, col_offset=53, end_lineno=1, end_col_offset=60), Constant(value=Ellipsis, lineno=1, col_offset=62, end_lineno=1, end_col_offset=65)], ctx=Load(), lineno=1, col_offset=0, end_lineno=1, end_col_offset=66), lineno=1, col_offset=0, end_lineno=1, end_col_offset=66)]))py";
// ast.dump(ast.parse('é = "ü\\t"\n'), include_attributes=True, indent=None)
constexpr std::string_view kUnicodeLine = R"py(Module(body=[Assign(targets=[Name(id='é', ctx=Store(), lineno=1, col_offset=0, end_lineno=1, end_col_offset=2)], value=Constant(value='ü\t', lineno=1, col_offset=5, end_lineno=1, end_col_offset=11), lineno=1, col_offset=0, end_lineno=1, end_col_offset=11)]))py";
// ast.dump(ast.parse('def f(a, /, b=1, *c, d, e=2, **g) -> int:\n    pass\n'), include_attributes=True, indent=2)
constexpr std::string_view kDefsIndent2 = R"py(Module(
  body=[
    FunctionDef(
      name='f',
      args=arguments(
        posonlyargs=[
          arg(
            arg='a',
            lineno=1,
            col_offset=6,
            end_lineno=1,
            end_col_offset=7)],
        args=[
          arg(
            arg='b',
            lineno=1,
            col_offset=12,
            end_lineno=1,
            end_col_offset=13)],
        vararg=arg(
          arg='c',
          lineno=1,
          col_offset=18,
          end_lineno=1,
          end_col_offset=19),
        kwonlyargs=[
          arg(
            arg='d',
            lineno=1,
            col_offset=21,
            end_lineno=1,
            end_col_offset=22),
          arg(
            arg='e',
            lineno=1,
            col_offset=24,
            end_lineno=1,
            end_col_offset=25)],
        kw_defaults=[
          None,
          Constant(
            value=2,
            lineno=1,
            col_offset=26,
            end_lineno=1,
            end_col_offset=27)],
        kwarg=arg(
          arg='g',
          lineno=1,
          col_offset=31,
          end_lineno=1,
          end_col_offset=32),
        defaults=[
          Constant(
            value=1,
            lineno=1,
            col_offset=14,
            end_lineno=1,
            end_col_offset=15)]),
      body=[
        Pass(
          lineno=2,
          col_offset=4,
          end_lineno=2,
          end_col_offset=8)],
      returns=Name(
        id='int',
        ctx=Load(),
        lineno=1,
        col_offset=37,
        end_lineno=1,
        end_col_offset=40),
      lineno=1,
      col_offset=0,
      end_lineno=2,
      end_col_offset=8)]))py";

// Builds trees over a source text; positions are given as CPython prints them.
class Tree {
 public:
  explicit Tree(std::string source) : source_(std::move(source)), lines_(source_) {}

  // A node with a position (line 1-based, column in bytes) ...
  Node* At(Kind kind, uint32_t line, uint32_t col, uint32_t end_line, uint32_t end_col) {
    return NewNode(arena_, kind, lines_.LineStart(line) + col, lines_.LineStart(end_line) + end_col);
  }
  // ... or without one (Module, arguments, match_case, ...).
  Node* Bare(Kind kind) { return NewNode(arena_, kind, 0, 0); }

  Slot& F(Node* node, std::string_view field) {
    for (uint32_t i = 0; i < FieldCount(node->kind); ++i) {
      if (field == Field(node->kind, i).name) return node->fields[i];
    }
    ADD_FAILURE() << KindName(node->kind) << " has no field " << field;
    return dummy_;
  }
  void Set(Node* node, std::string_view field, Node* value) { F(node, field).node = value; }
  void Set(Node* node, std::string_view field, std::initializer_list<Node*> items) {
    List* list = NewList(arena_, static_cast<uint32_t>(items.size()));
    uint32_t i = 0;
    for (Node* n : items) list->items[i++].node = n;
    F(node, field).list = list;
  }
  void SetStr(Node* node, std::string_view field, std::string_view value) {
    F(node, field).str = NewStr(arena_, value);
  }
  void SetIdents(Node* node, std::string_view field, std::initializer_list<std::string_view> v) {
    List* list = NewList(arena_, static_cast<uint32_t>(v.size()));
    uint32_t i = 0;
    for (std::string_view s : v) list->items[i++].str = NewStr(arena_, s);
    F(node, field).list = list;
  }
  void SetInt(Node* node, std::string_view field, int64_t value) { F(node, field).integer = value; }
  void SetEnum(Node* node, std::string_view field, Singleton value) {
    F(node, field).integer = static_cast<int64_t>(value);
  }
  void SetEnums(Node* node, std::string_view field, std::initializer_list<Singleton> v) {
    List* list = NewList(arena_, static_cast<uint32_t>(v.size()));
    uint32_t i = 0;
    for (Singleton s : v) list->items[i++].integer = static_cast<int64_t>(s);
    F(node, field).list = list;
  }
  void SetConst(Node* node, ConstKind kind, double number = 0, std::string_view text = {}) {
    auto* c = static_cast<Constant*>(arena_.Allocate(sizeof(Constant)));
    c->kind = kind;
    c->number = number;
    c->text = (kind == ConstKind::kInt || kind == ConstKind::kStr || kind == ConstKind::kBytes)
                  ? NewStr(arena_, text)
                  : nullptr;
    F(node, "value").constant = c;
  }

  // Name(id, Load/Store) on one line.
  Node* Name(std::string_view id, Singleton ctx, uint32_t line, uint32_t col, uint32_t end_col) {
    Node* n = At(Kind::Name, line, col, line, end_col);
    SetStr(n, "id", id);
    SetEnum(n, "ctx", ctx);
    return n;
  }
  // Expr statement wrapping `value` with the same position.
  Node* Expr(Node* value) {
    Node* n = NewNode(arena_, Kind::Expr, value->begin, value->end);
    Set(n, "value", value);
    return n;
  }
  Node* Module(std::initializer_list<Node*> body) {
    Node* m = Bare(Kind::Module);
    Set(m, "body", body);
    return m;
  }

  std::string Dump(const Node* node, int indent) {
    std::string out;
    ast::Dump(node, lines_, indent, &out);
    return out;
  }

 private:
  Arena arena_;
  std::string source_;
  LineTable lines_;
  Slot dummy_{};
};

TEST(Dump, NameOnOneLineAndIndented) {
  Tree t("x");
  Node* m = t.Module({t.Expr(t.Name("x", Singleton::Load, 1, 0, 1))});
  EXPECT_EQ(t.Dump(m, -1), kNameLine);
  EXPECT_EQ(t.Dump(m, 2), kNameIndent2);
}

TEST(Dump, OmitsNoneAndEmptyButNotConstantValueNone) {
  Tree t("from . import x\nlambda: 1\nmatch x:\n case None: pass\nu\"a\"\nNone");
  Node* imp = t.At(Kind::ImportFrom, 1, 0, 1, 15);  // module=None is left out, level=1 is not
  Node* alias = t.At(Kind::alias, 1, 14, 1, 15);
  t.SetStr(alias, "name", "x");
  t.Set(imp, "names", {alias});
  t.SetInt(imp, "level", 1);

  Node* lambda = t.At(Kind::Lambda, 2, 0, 2, 9);
  t.Set(lambda, "args", t.Bare(Kind::arguments));  // every list empty: `arguments()`
  Node* one = t.At(Kind::Constant, 2, 8, 2, 9);
  t.SetConst(one, ConstKind::kInt, 0, "1");
  t.Set(lambda, "body", one);

  Node* match = t.At(Kind::Match, 3, 0, 4, 16);
  t.Set(match, "subject", t.Name("x", Singleton::Load, 3, 6, 7));
  Node* mcase = t.Bare(Kind::match_case);
  Node* single = t.At(Kind::MatchSingleton, 4, 6, 4, 10);
  t.F(single, "value").constant = nullptr;  // a null constant prints as None too
  t.Set(mcase, "pattern", single);
  t.Set(mcase, "body", {t.At(Kind::Pass, 4, 12, 4, 16)});
  t.Set(match, "cases", {mcase});

  Node* u = t.At(Kind::Constant, 5, 0, 5, 4);
  t.SetConst(u, ConstKind::kStr, 0, "a");
  t.SetStr(u, "kind", "u");
  Node* none = t.At(Kind::Constant, 6, 0, 6, 4);
  t.SetConst(none, ConstKind::kNone);

  Node* m = t.Module({imp, t.Expr(lambda), match, t.Expr(u), t.Expr(none)});
  EXPECT_EQ(t.Dump(m, -1), kMixedLine);
  EXPECT_EQ(t.Dump(m, 2), kMixedIndent2);
}

TEST(Dump, NullListItemsPrintNone) {
  Tree t("{**a, 'b': 1.5}");
  Node* dict = t.At(Kind::Dict, 1, 0, 1, 15);
  Node* key = t.At(Kind::Constant, 1, 6, 1, 9);
  t.SetConst(key, ConstKind::kStr, 0, "b");
  Node* value = t.At(Kind::Constant, 1, 11, 1, 14);
  t.SetConst(value, ConstKind::kFloat, 1.5);
  t.Set(dict, "keys", {nullptr, key});
  t.Set(dict, "values", {t.Name("a", Singleton::Load, 1, 3, 4), value});
  Node* m = t.Module({t.Expr(dict)});
  EXPECT_EQ(t.Dump(m, -1), kDictLine);
  EXPECT_EQ(t.Dump(m, 2), kDictIndent2);
}

TEST(Dump, EnumListWithIndentZero) {
  Tree t("a < b == c");
  Node* cmp = t.At(Kind::Compare, 1, 0, 1, 10);
  t.Set(cmp, "left", t.Name("a", Singleton::Load, 1, 0, 1));
  t.SetEnums(cmp, "ops", {Singleton::Lt, Singleton::Eq});
  t.Set(cmp, "comparators",
        {t.Name("b", Singleton::Load, 1, 4, 5), t.Name("c", Singleton::Load, 1, 9, 10)});
  EXPECT_EQ(t.Dump(t.Module({t.Expr(cmp)}), 0), kCompareIndent0);
}

TEST(Dump, IdentifierList) {
  Tree t("global a, b");
  Node* g = t.At(Kind::Global, 1, 0, 1, 11);
  t.SetIdents(g, "names", {"a", "b"});
  Node* m = t.Module({g});
  EXPECT_EQ(t.Dump(m, -1), kGlobalLine);
  EXPECT_EQ(t.Dump(m, 2), kGlobalIndent2);
}

TEST(Dump, FormattedValue) {
  Tree t("f\"{x!r:>10}\"");
  Node* spec_text = t.At(Kind::Constant, 1, 7, 1, 10);
  t.SetConst(spec_text, ConstKind::kStr, 0, ">10");
  Node* spec = t.At(Kind::JoinedStr, 1, 6, 1, 10);
  t.Set(spec, "values", {spec_text});
  Node* fv = t.At(Kind::FormattedValue, 1, 2, 1, 11);
  t.Set(fv, "value", t.Name("x", Singleton::Load, 1, 3, 4));
  t.SetInt(fv, "conversion", 'r');
  t.Set(fv, "format_spec", spec);
  Node* js = t.At(Kind::JoinedStr, 1, 0, 1, 12);
  t.Set(js, "values", {fv});
  EXPECT_EQ(t.Dump(t.Module({t.Expr(js)}), -1), kFstrLine);
}

TEST(Dump, ConstantReprs) {
  Tree t("(b'\\x00\"', 2j, 1e16, 123456789012345678901234567890, 'it\\'s', ...)");
  Node* b = t.At(Kind::Constant, 1, 1, 1, 9);
  t.SetConst(b, ConstKind::kBytes, 0, std::string_view("\0\"", 2));
  Node* j = t.At(Kind::Constant, 1, 11, 1, 13);
  t.SetConst(j, ConstKind::kComplex, 2);
  Node* f = t.At(Kind::Constant, 1, 15, 1, 19);
  t.SetConst(f, ConstKind::kFloat, 1e16);
  Node* i = t.At(Kind::Constant, 1, 21, 1, 51);
  t.SetConst(i, ConstKind::kInt, 0, "123456789012345678901234567890");
  Node* s = t.At(Kind::Constant, 1, 53, 1, 60);
  t.SetConst(s, ConstKind::kStr, 0, "it's");
  Node* e = t.At(Kind::Constant, 1, 62, 1, 65);
  t.SetConst(e, ConstKind::kEllipsis);
  Node* tuple = t.At(Kind::Tuple, 1, 0, 1, 66);
  t.Set(tuple, "elts", {b, j, f, i, s, e});
  t.SetEnum(tuple, "ctx", Singleton::Load);
  EXPECT_EQ(t.Dump(t.Module({t.Expr(tuple)}), -1), kConstsLine);
}

TEST(Dump, ColumnsAreUtf8ByteOffsets) {
  Tree t("\xc3\xa9 = \"\xc3\xbc\\t\"\n");
  Node* assign = t.At(Kind::Assign, 1, 0, 1, 11);
  t.Set(assign, "targets", {t.Name("\xc3\xa9", Singleton::Store, 1, 0, 2)});
  Node* value = t.At(Kind::Constant, 1, 5, 1, 11);
  t.SetConst(value, ConstKind::kStr, 0, "\xc3\xbc\t");
  t.Set(assign, "value", value);
  EXPECT_EQ(t.Dump(t.Module({assign}), -1), kUnicodeLine);
}

TEST(Dump, ArgumentsWithEveryKind) {
  Tree t("def f(a, /, b=1, *c, d, e=2, **g) -> int:\n    pass\n");
  auto arg = [&](std::string_view name, uint32_t col) {
    Node* a = t.At(Kind::arg, 1, col, 1, col + 1);
    t.SetStr(a, "arg", name);
    return a;
  };
  auto integer = [&](std::string_view digits, uint32_t col) {
    Node* c = t.At(Kind::Constant, 1, col, 1, col + 1);
    t.SetConst(c, ConstKind::kInt, 0, digits);
    return c;
  };
  Node* args = t.Bare(Kind::arguments);
  t.Set(args, "posonlyargs", {arg("a", 6)});
  t.Set(args, "args", {arg("b", 12)});
  t.Set(args, "vararg", arg("c", 18));
  t.Set(args, "kwonlyargs", {arg("d", 21), arg("e", 24)});
  t.Set(args, "kw_defaults", {nullptr, integer("2", 26)});
  t.Set(args, "kwarg", arg("g", 31));
  t.Set(args, "defaults", {integer("1", 14)});
  Node* def = t.At(Kind::FunctionDef, 1, 0, 2, 8);
  t.SetStr(def, "name", "f");
  t.Set(def, "args", args);
  t.Set(def, "body", {t.At(Kind::Pass, 2, 4, 2, 8)});
  t.Set(def, "returns", t.Name("int", Singleton::Load, 1, 37, 40));
  EXPECT_EQ(t.Dump(t.Module({def}), 2), kDefsIndent2);
}

// `depth` nested unary minus over one name: "--...-x".
Node* DeepUnary(Tree& t, uint32_t depth) {
  Node* inner = t.Name("x", Singleton::Load, 1, depth, depth + 1);
  for (uint32_t i = depth; i-- > 0;) {
    Node* u = t.At(Kind::UnaryOp, 1, i, 1, depth + 1);
    t.SetEnum(u, "op", Singleton::USub);
    t.Set(u, "operand", inner);
    inner = u;
  }
  return t.Module({t.Expr(inner)});
}

TEST(Dump, VeryDeepTreeDoesNotRecurse) {
  // CPython itself gives up on such input (RecursionError); the dumper must not overflow the
  // native stack. 200,000 levels on one line; indented output grows with the square of the
  // depth, so that layout is checked on 1,000 levels.
  constexpr uint32_t kDepth = 200000;
  Tree t(std::string(kDepth, '-') + "x");
  std::string one_line = t.Dump(DeepUnary(t, kDepth), -1);
  EXPECT_EQ(one_line.rfind("Module(body=[Expr(value=UnaryOp(op=USub(), operand=UnaryOp(", 0), 0u);
  EXPECT_NE(one_line.find("operand=Name(id='x', ctx=Load(), lineno=1, col_offset=200000, "
                          "end_lineno=1, end_col_offset=200001), lineno=1, col_offset=199999,"),
            std::string::npos);
  EXPECT_EQ(one_line.substr(one_line.size() - 3), ")])");

  constexpr uint32_t kSmall = 1000;
  Tree small(std::string(kSmall, '-') + "x");
  std::string indented = small.Dump(DeepUnary(small, kSmall), 1);
  // Module is level 1, its body list 2, Expr 3, the UnaryOps 4 .. depth + 3, the Name
  // depth + 4: its fields are indented by that many spaces, with nothing less indented between.
  std::string innermost = "operand=Name(\n" + std::string(kSmall + 4, ' ') + "id='x',";
  EXPECT_NE(indented.find(innermost), std::string::npos);
}

}  // namespace
}  // namespace ast2graph::ast
