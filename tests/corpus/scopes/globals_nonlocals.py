x = 1
def f():
    global x, y
    x = 2
    z = 3
    def g():
        nonlocal z
        z += 1
        def h():
            return z, x
        return h
    return g
class C:
    global x
    x = 4
    def m(self): return x
def top():
    v = 1
    return v
