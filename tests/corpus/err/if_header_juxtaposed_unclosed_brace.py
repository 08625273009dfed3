if args or k{wargs:
    pass
x = 1
