x = 1
a, *b = c
x.y[0] += 2
z: int = 3
