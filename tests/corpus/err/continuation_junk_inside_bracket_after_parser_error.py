f(
  "s" x = 1\ny)
