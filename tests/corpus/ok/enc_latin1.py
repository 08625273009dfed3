# -*- coding: latin-1 -*-
s = "café naïve © ÿ"
café = 1
x = café + 1
b = f"{café}é"
