type Point = tuple[float, float]
type ListOrSet[T] = list[T] | set[T]
type Pair[A, B] = tuple[A, B]
type Bounded[T: int] = list[T]
type Constrained[T: (int, str)] = list[T]
type Defaulted[T = int] = list[T]
type BoundDefault[T: int = bool] = list[T]
type Variadic[*Ts] = tuple[*Ts]
type VariadicDefault[*Ts = *tuple[int, ...]] = tuple[*Ts]
type Spec[**P] = Callable[P, int]
type SpecDefault[**P = [int, str]] = Callable[P, int]
type Mixed[T, *Ts, **P] = object
type Trailing[T,] = T
type \
    Continued = int

def func[T](x: T) -> T:
    return x
def func2[T: str, U: (int, bytes) = int, *Ts, **P](*args: *Ts, **kw: P.kwargs) -> None: pass
async def afunc[T](): pass

class Generic[T]:
    pass
class Generic2[K, V = str](Base[K], metaclass=Meta):
    def method[M](self, m: M) -> M: ...
class GenericDefaults[T = int, *Ts = *tuple[str], **P = ...]: pass

@dec
def decorated[T](): pass
