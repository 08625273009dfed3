[(mv := i) for i in range(3)]
def w():
    [(v := i) for i in range(3)]
    return v
def g():
    global gv
    [(gv := 1) for _ in ()]
def h():
    x = [[(q := 1) for a in b] for c in d]
    y = [(lambda: (r := 1)) for a in b]
    return (s := 5)
class CW:
    def m(self): [(cv := i) for i in range(3)]
