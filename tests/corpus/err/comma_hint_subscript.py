x = y[a b]
