x = 1  # type: int
def f(a,  # type: int
      b):
    # type: (...) -> None
    pass
y = []  # type: ignore
for i in x:  # type: int
    pass
