if not blo=cksize:
    pass
