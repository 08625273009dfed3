type A[T] = [(x := 1) for a in b]
