def g[T: int, *Ts, **P](a: T = 1, *, k=2) -> T:
    return a
def f[T:
      int, U=
      str]():
    pass
class K[U: (int, str), V](Base[U], metaclass=Meta):
    type Alias[W] = list[W | V]
    def meth[X](self, x: X) -> U: return self
type TA = int
type TB[Y=int, *Z=tuple, **Q=[int]] = dict[Y, Z]
class Outer:
    class Inner[T]: pass
    type InClass = Outer
    def generic[S: Outer](self): pass
    type A = [x for x in range(3)]
