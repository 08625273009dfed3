café = 1
naïve = café
π = 3.14159
Σ = sum
变量 = "中文"
переменная = 1
ñ_ñ = 2
_é = 3
ﬁle = 5
ｘ = 6
ℌ = 7
µ = 8
Å = 9
á = 10
𝐀 = 11
xᵢ = 12
def ƒ(ä, *ö, ü=1, **ß): return ä
class Ünïcödé: pass
obj.attribüte = 1
obj.ﬁeld
import módulo
from módulo import nombre as nómbre
print(ﬁle, fi, ｘ, x, ℌ, H)
f'{café}'
lambda ä: ä
match café:
    case Ünïcödé(attribüte=ñ): pass
global ǅ
