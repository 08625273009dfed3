name
a.b
a.b.c.d
a[0]
a[b][c]
a[1:2]
a[1:]
a[:2]
a[:]
a[::]
a[::2]
a[1:2:3]
a[1:2, 3]
a[1:2, ::3]
a[...]
a[:, None]
a[()]
a[1,]
a[*b]
a[*b, c]
a[x := 1]
a()
a(1)
a(1, 2)
a(x=1)
a(1, x=2)
a(*args)
a(**kwargs)
a(1, *args, x=2, **kwargs)
a(*a, *b, **c, **d)
a(x=1, *b)
a(*b, x=1, *c)
a(x for x in y)
a(1,)
a(x=1,)
a.b(c).d[e](f)
a()()()
(a)
((a))
...
None
True
False
f(a)(b)[c].d
print(*args, sep="", end="\n")
obj.method(
    arg1,
    arg2,
)
