def f():
    x = 1
    class C:
        nonlocal x
        x = 2
        type A = x
    def g():
        x = 3
        class D:
            global x
            type B = x
    return C
