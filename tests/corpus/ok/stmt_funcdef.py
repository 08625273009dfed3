def f(): pass
def f(a, b): return a + b
def f(a, b=1, *args, c, d=2, **kwargs): pass
def f(a, /, b, *, c): pass
def f(a, b=1, /, c=2, *, d, e=3): pass
def f(a=1, /): pass
def f(*, a): pass
def f(*args): pass
def f(**kwargs): pass
def f(*args, **kwargs): pass
def f(a,): pass
def f(a, *, b,): pass
def f(a, /,): pass
def f(a: int, b: "str" = "x", *args: tuple, c: list[int], **kw: dict) -> None: pass
def f(*args: *Ts): pass
def f() -> int:
    return 1
def f():
    """Docstring."""
    def inner(x):
        return x
    return inner
async def f():
    await x
    return await y
async def f(a, *b, **c) -> str:
    pass
def f(
    a,
    b,
):
    pass
def f(a, b=(1, 2), c=[], d={}, e=lambda: 0):
    pass
