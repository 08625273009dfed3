class A: pass
class B(): pass
class C(A): pass
class D(A, B, metaclass=M): pass
class E(*bases, **kw): pass
class F(A, x=1, *b, y=2, **c):
    """Doc."""
    attr = 1
    attr2: int = 2
    def method(self):
        return self.attr
    class Nested:
        pass
class G(
    A,
    B,
):
    pass
