def run():
    return 0


_private = 1
