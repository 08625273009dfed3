@a.b(c)
@(lambda f: f)
@x[0]
class C: pass
