f(x, key=value other)
