def check(x):
    assert x > 0, "positive"
    if x > 100:
        raise ValueError("too big")
    assert False, "always fails"
    return x
