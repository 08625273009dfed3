℘ = 1
℮ = 2
a·b = 3
a፩ = 4
_፩ = 5
ｉｆ = 6
x = ｉｆ + ℘
ℌ.ｘ = ｉｆ
def ｆ(ｐ): return ｐ
class ℭ: ｓ: int = 1
