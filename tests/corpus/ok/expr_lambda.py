lambda: 0
lambda x: x
lambda x, y: x + y
lambda x=1: x
lambda *args: args
lambda **kwargs: kwargs
lambda *args, **kwargs: 0
lambda a, /, b, *, c: 0
lambda a, b=1, /, c=2, *d, e, f=3, **g: 0
lambda *, a: a
lambda a,: a
lambda: (yield)
lambda: lambda: 0
lambda x: lambda y: x + y
f = lambda x: x if x else None
(lambda: 1)()
sorted(a, key=lambda x: x[1])
