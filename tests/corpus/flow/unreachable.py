def f(x):
    if x:
        return 1
        print("after return")
    else:
        raise ValueError(x)
        x += 1
    print("after if")

for a in range(3):
    continue
    print("after continue")
