type A[T, *Ts, **P = [int]] = Callable[P, tuple[T, *Ts]]
