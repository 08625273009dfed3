a or b and not c == d | e ^ f & g << h + i * -j ** k
(a or b) and c
not (a and b)
a if b or c else d and e
lambda: a or b
x = a, b if c else d
-(a + b)
-a.b
-a[0]
-a()
await_ = -x ** 2
a ** -b ** c
(-a) ** b
~a ** b
a * b @ c / d // e % f
a - b - c
a - (b - c)
a + b * c - d / e
a < b | c
a == (b < c)
a is not (not b)
a not in not_b
x = yield_ = 1
