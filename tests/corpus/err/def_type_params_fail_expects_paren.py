def mai[n():
    pass
