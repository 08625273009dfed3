(x := 1)
if (n := len(a)) > 10:
    pass
while chunk := f.read():
    pass
[y := f(x), y ** 2]
[z for x in data if (z := f(x))]
print(x := 1, y := 2)
f(a, b := 1)
foo(x=(y := f(x)))
a[b := 1]
a[b := 1, c := 2]
{(k := 1): (v := 2)}
{x := 1, y}
def f(a=(b := 1)): pass
x = (y := 0)
assert (x := 1)
lambda: (x := 1)
(x := 1, y := 2)
with (x := open()) as f: pass
