class C(Base, metaclass=Meta):
    attr = 1
    def m(self):
        return __class__, attr
    def n(self):
        return super().n()
    lst = [super() for _ in ()]
    lst2 = [lambda: __class__ for _ in ()]
    class Inner:
        def k(self): return attr
def outer():
    x = 1
    class A:
        y = [x for _ in range(3)]
        x = 2
        def g(self): return x
    return A
