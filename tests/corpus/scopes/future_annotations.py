"""Docstring before the future import."""
from __future__ import annotations
x: int = 1
def f(a: A, *, b: B = 2) -> R:
    y: Y = 1
    z: Z
    t: [(walrus := 1) for _ in ()]
    return lambda q: (w := q)
class C:
    t: T
    def m(self, u: U = dflt) -> V: ...
