import os.path as osp, sys
import a.b.c
from . import x
from .. m import (y as z)
from os import *
try:
    pass
except ValueError as err:
    del err
finally:
    cleanup()
try:
    pass
except* (TypeError, KeyError) as group:
    pass
with open(p) as (fa, fb), ctx as fc[0]:
    pass
for i, (j, *k) in items:
    continue
else:
    done = True
while cond:
    break
del d[0], e.attr, f
assert check, message
raise Error from cause
match subject:
    case [1, *rest]: pass
    case {'k': val, **others}: pass
    case Point(x=0, y=yy) | Point(z=yy) as pt if pt: pass
    case str() | bytes(): pass
    case _: pass
