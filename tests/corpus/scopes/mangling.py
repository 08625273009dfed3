class C:
    import __priv
    from m import __x as __y
    __z = 1
    __dunder__ = 2
    def __m(self, __a):
        return __z, self.__b, __a
class K[__T, **__P](__T, __Base, __P):
    def f[__U](self, a: __U, b: __T): __U; __T
class _:
    __a = 1
class _C_:
    __c = 3
