f(a "s" b)
