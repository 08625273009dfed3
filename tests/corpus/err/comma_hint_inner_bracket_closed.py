check(bytes(p q)
x = 1
