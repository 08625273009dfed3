def evens(values, limit):
    x = "outer"
    squares = [x * x for x in values if x < limit]
    lookup = {k: v for k, v in zip(values, squares)}
    lazy = (x + limit for x in values)
    if any((found := v) > limit for v in values):
        print(found)
    scale = lambda k, factor=limit: k * factor + x
    return x, squares, lookup, lazy, scale
