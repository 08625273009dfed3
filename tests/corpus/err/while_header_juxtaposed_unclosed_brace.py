while x {y:
    pass
z = 1
