// A 50 MB generated valid file (label `slow`: not in the ASan run). It must parse, completely and
// within the ctest TIMEOUT; parse time is linear in the input, so this bounds it.
#include <gtest/gtest.h>

#include <string>

#include "ast/dump.h"
#include "ast2graph/ast.h"
#include "ast2graph/parse.h"

namespace ast2graph {
namespace {

/// One block of varied, valid Python 3.13 with `$` replaced by a counter (24 lines).
constexpr const char* kBlock = R"PY(@decorator($, key="v$")
class Class$(Base, metaclass=Meta):
    """Docstring $ with é and 中文."""
    attr_$: list[int] = [1, 2, 3]

    def method_$(self, a, /, b=$, *args, c: int = 0x1F, **kw) -> dict[str, int]:
        total = sum(x * 2 for x in range(a) if x % 3)
        with open(f"file_{$}.txt") as fh, lock:
            data = {k: v for k, v in zip("abc", (1, 2.5e-3, 3j))}
        try:
            value = self.table[a:b:2][0].attr(*args, **kw) or None
        except (KeyError, ValueError) as exc:
            raise RuntimeError(f"{exc!r:>{b}} at {$=}") from exc
        finally:
            del data
        match value:
            case {"k": [first, *rest]} if first > $:
                return {"first": first}
            case Point(x=0) | None:
                pass
        return {"$": lambda q, *, r=$: q ** -r}

type Alias$[T: int = bool, *Ts] = tuple[T, *Ts]
result_$ = [Class$().method_$(i) for i in range($) if (n := i) > 0]
)PY";

TEST(HostileSlow, FiftyMegabyteFile) {
  const size_t kSize = 50u << 20;
  std::string block = kBlock;
  std::string text;
  text.reserve(kSize + 4096);
  size_t blocks = 0;
  while (text.size() < kSize) {
    std::string n = std::to_string(blocks++);
    for (char c : block) {
      if (c == '$') {
        text += n;
      } else {
        text += c;
      }
    }
  }
  ParsedModule m = Parse(text);
  ASSERT_TRUE(m.ok()) << m.error().message << " at " << m.error().lineno << ":" << m.error().offset;
  // Every block is one ClassDef, one TypeAlias and one Assign at module level.
  const ast::List* body = m.root()->fields[ast::ModuleFields::body].list;
  ASSERT_EQ(body->size, 3 * blocks);
  const ast::Node* last = body->items[body->size - 1].node;
  EXPECT_EQ(last->kind, ast::Kind::Assign);
  EXPECT_EQ(m.lines().Line(last->begin), 24 * blocks);
  EXPECT_GT(m.node_count(), 100 * blocks);
}

}  // namespace
}  // namespace ast2graph
