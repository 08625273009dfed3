f(a,
  b\nc)
