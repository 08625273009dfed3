check(b"foo", bytes(p    other(m.readonly)
with x as m:
    pass
