import os
from . import x
def f(a, /, b=1, *c, d, e=None, **g) -> int:
    """Doc."""
    return [x for x in a if x]
class C(B, metaclass=M):
    pass
x = {'a': [1, (2, 3)], **d}
y = f'{a!r:>{w}} {b=}'
match v:
    case [1, *rest] | {'k': _} if rest:
        pass
del a[1:2, ::3]
type T[X: int = str, *Ts, **P] = list[X]
try:
    pass
except* E as e:
    raise
with a as b, c:
    ...
