// WalkStack (base/walk_stack.h): last in, first out across growth; ReverseFrom reverses only what
// was pushed after the mark; clear keeps nothing.
#include "base/walk_stack.h"

#include <gtest/gtest.h>

namespace ast2graph {
namespace {

TEST(WalkStackTest, PopsInReverseOrderAcrossGrowth) {
  WalkStack<int> s;
  for (int i = 0; i < 1000; ++i) s.push(i);  // several growths from the first 64
  EXPECT_EQ(s.size(), 1000u);
  for (int i = 999; i >= 0; --i) ASSERT_EQ(s.pop(), i);
  EXPECT_TRUE(s.empty());
}

TEST(WalkStackTest, ReverseFromTurnsOnlyTheRecordsAfterTheMark) {
  WalkStack<int> s;
  s.push(1);
  s.push(2);
  const size_t mark = s.size();
  for (int i = 10; i < 15; ++i) s.push(i);  // children in visiting order
  s.ReverseFrom(mark);                      // so that they pop in that order
  for (int i = 10; i < 15; ++i) ASSERT_EQ(s.pop(), i);
  EXPECT_EQ(s.pop(), 2);
  EXPECT_EQ(s.pop(), 1);
}

TEST(WalkStackTest, ClearEmptiesAndKeepsWorking) {
  WalkStack<int> s;
  for (int i = 0; i < 100; ++i) s.push(i);
  s.clear();
  EXPECT_TRUE(s.empty());
  s.push(7);
  EXPECT_EQ(s.pop(), 7);
}

}  // namespace
}  // namespace ast2graph
