é = 1
def ñ(ü): return é
class Ω:
    __ƒ = 1
Zeta = zeta = _z = ż = 2
