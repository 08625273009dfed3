def f(a, policy=N
      one, **k):
    pass
