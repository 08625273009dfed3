def f[T, T](): pass
