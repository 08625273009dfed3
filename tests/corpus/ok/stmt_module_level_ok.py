# Errors that CPython reports in the compiler or symtable, not in ast.parse: all accepted here.
return 1
yield x
await y
break
continue
nonlocal n
from __future__ import braces
def f(a, a):
    global a
    x = 1
    nonlocal x
class C:
    return
f(a=1, a=2)
[x async for x in y]
async with a: pass
async for x in y: pass
def g():
    x = 1
    global x
__debug__
