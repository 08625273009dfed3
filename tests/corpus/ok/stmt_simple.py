x = 1
a = b = c = 2
a, b = b, a
[a, b] = 1, 2
(a, b), c = (1, 2), 3
x.y = 1
x[0] = 1
x[1:2] = []
x += 1; x -= 1; x *= 2; x @= m; x /= 2; x //= 2; x %= 3; x **= 2
x >>= 1; x <<= 1; x &= 1; x ^= 1; x |= 1
obj.attr += 1
obj[i] -= 1
y: int
y: int = 3
(z): int = 4
obj.attr: str
obj[0]: list[int] = []
del x
del a, b
del obj.attr, obj[0], (c, d), [e, f]
pass
assert x
assert x, "message"
raise
raise ValueError
raise ValueError("x") from None
raise E from exc
import os
import os.path
import os.path as osp, sys as system
from os import path
from os import path as p, sep
from os import (path,
    sep as separator,
)
from . import sibling
from .. import parent
from ...pkg.mod import name
from .mod import *
from os.path import *
global g
x = 1;
