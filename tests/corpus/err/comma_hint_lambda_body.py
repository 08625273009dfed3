f(lambda: 1 b)
