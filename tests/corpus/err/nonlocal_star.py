def f():
    nonlocal *x
