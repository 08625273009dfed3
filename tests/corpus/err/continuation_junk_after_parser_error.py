x y
z = 1\n
