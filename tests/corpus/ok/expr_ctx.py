x = 1
x.y = 1
x[0] = 1
x[0].y[1].z = 1
(a, b) = 1
[a, b] = 1
a, [b, (c, *d)] = 1
del x
del x.y
del x[0]
del (a, b)
del [a, b]
del (a), [b]
del a.b[c].d
for a.b, c[d] in e: pass
with f() as (a, b.c, d[e]): pass
x = y = z.w = v[0] = 1
[a.b for a.b in c]
(x := 1)
a.b += 1
a[b] //= 2
import a.b.c as d
except_ = 1
try:
    pass
except E as name:
    del name
