x[a, b c]
