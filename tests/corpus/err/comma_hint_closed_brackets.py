check(b"foo", bytes(p    other(m.readonly))
