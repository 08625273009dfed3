a, *b = c
*a, b = c
*a, = b
[*a] = b
(*a,) = b
a, *b, c = d
a, (b, *c) = d
[a, [*b, c]] = d
print(*a)
print(*a, *b)
x = *a, *b
x = [*a, *b]
x = {*a, *b}
def f():
    return *a, b
for x in *a, *b:
    pass
f(*a or b)
f(**a or b)
a[*b] = c
del a[*b]
