# PEP 709: list/set/dict comprehensions are inlined into the enclosing scope (their children move
# up), generator expressions keep their own scope.
def f(a):
    y = [i for i in range(a) if i]
    s = {j for j in y}
    d = {k: v for k, v in zip(y, s)}
    g = (m for m in y)
    return [[a for _ in b] for b in y], [lambda: n for n in g]
x = [lambda: i for i in range(3)]
nested = [[j for j in range(i)] for i in range(3)]
