def f(a, b=lambda: a, *c, d=[e for e in a], **f):
    pass
lam = lambda p, *q, r=s, **t: p + x
@decorator
@decorator2(arg := 1)
def decorated(): pass
@(lambda f: f)
class D(B, **kw): pass
def genexpr(): pass
genexpr = (x for x in y)
listcomp = [x for x in y]
