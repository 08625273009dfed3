type Pair[T] = tuple[T, T]

def first[T: (int, str), *Ts](items: list[T], *rest: *Ts) -> T:
    value: T = items[0]
    return value

class Box[V]:
    content: V
    def get(self) -> V:
        return self.content
