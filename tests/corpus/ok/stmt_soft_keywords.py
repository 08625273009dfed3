match = 1
case = 2
type = 3
_ = 4
match.attr = 5
match[0] = 6
match(x)
match (x)
match -x
match * x
print(match, case, type, _)
def match(case, type=None): pass
class case: pass
type(x)
type.x
type = type
_ = [_ for _ in _]
match x:
    case case:
        pass
match match:
    case match:
        pass
match type:
    case type():
        pass
x = match if case else type
import match
from case import type as _
