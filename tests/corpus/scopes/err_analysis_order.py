def f(x):
  def g():
    nonlocal x
  nonlocal y
