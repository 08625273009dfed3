a + b - c
a * b / c // d % e @ f
a ** b ** c
-a ** -b
-a
+a
~a
not a
not not a
- - a
a << b >> c
a & b | c ^ d
a | b & c ^ d << e + f * g ** h
(a + b) * c
a and b
a and b and c
a or b or c
a and b or c and d
not a and not b
a or (b or c)
(a or b) or c
a < b
a < b < c
a == b != c
a <= b >= c > d
a is b
a is not b
a in b
a not in b
a < b == c is not d not in e
not a == b
-1
--1
1 + -1
2 ** -1
x @ y
await_ = 1
1if 1else 2
0x1for x in y
x = 1 if a else 2 if b else 3
