def f(x, y):
    if x
  >= y:
        pass
