x: int = 1
y: 'str'
(z): float = 2
w.a: int
def f(a: A, *args: B, b: C = 1, **kw: D) -> R:
    local: Yann = 1
    (paren): Zann
    w.a: Wann = 2
class C:
    t: T
    u: U = 0
