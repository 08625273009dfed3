// The generated node table must agree with CPython 3.13's ASDL.
#include <gtest/gtest.h>

#include <string>

#include "ast2graph/ast.h"

namespace ast2graph::ast {
namespace {

TEST(AstTable, FieldsInCPythonOrder) {
  ASSERT_EQ(FieldCount(Kind::BinOp), 3u);
  EXPECT_STREQ(Field(Kind::BinOp, BinOpFields::left).name, "left");
  EXPECT_EQ(Field(Kind::BinOp, BinOpFields::op).type, FieldType::ENUM);
  EXPECT_STREQ(Field(Kind::BinOp, BinOpFields::right).asdl_type, "expr");
  ASSERT_EQ(FieldCount(Kind::arguments), 7u);
  EXPECT_STREQ(Field(Kind::arguments, argumentsFields::kw_defaults).name, "kw_defaults");
  EXPECT_EQ(Field(Kind::Compare, CompareFields::ops).type, FieldType::ENUM_LIST);
  EXPECT_EQ(Field(Kind::Global, GlobalFields::names).type, FieldType::IDENT_LIST);
  EXPECT_EQ(Field(Kind::TypeVar, TypeVarFields::default_value).type, FieldType::OPT_NODE);
}

TEST(AstTable, PositionsAndSums) {
  EXPECT_FALSE(HasPosition(Kind::Module));
  EXPECT_FALSE(HasPosition(Kind::arguments));
  EXPECT_TRUE(HasPosition(Kind::arg));
  EXPECT_TRUE(HasPosition(Kind::keyword));
  EXPECT_EQ(KindSum(Kind::MatchAs), Sum::pattern);
  EXPECT_STREQ(KindName(Kind::AsyncFunctionDef), "AsyncFunctionDef");
  EXPECT_STREQ(SingletonName(Singleton::NotIn), "NotIn");
}

TEST(AstArena, NewNodeZeroesFieldsAndSharesEmptyLists) {
  Arena arena;
  Node* call = NewNode(arena, Kind::Call, 3, 9);
  EXPECT_EQ(call->begin, 3u);
  EXPECT_EQ(call->fields[CallFields::func].node, nullptr);
  EXPECT_EQ(call->fields[CallFields::args].list->size, 0u);
  List* list = NewList(arena, 2);
  EXPECT_EQ(list->size, 2u);
  const Str* s = NewStr(arena, "héllo");
  EXPECT_EQ(s->view(), "héllo");
  EXPECT_EQ(s->data[s->size], '\0');
}

TEST(AstLineTable, OffsetsToCPythonPositions) {
  LineTable lines("ab\ncd\n\nx");
  EXPECT_EQ(lines.Line(0), 1u);
  EXPECT_EQ(lines.Column(1), 1u);
  EXPECT_EQ(lines.Line(3), 2u);
  EXPECT_EQ(lines.Column(4), 1u);
  EXPECT_EQ(lines.Line(7), 4u);
  EXPECT_EQ(lines.Column(7), 0u);
  EXPECT_EQ(lines.line_count(), 4u);
}

}  // namespace
}  // namespace ast2graph::ast
