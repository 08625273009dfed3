1j
1J
0j
1.5j
.5j
1.j
1e3j
1e-3J
1_0j
0000j
09j
1e400j
1e309j
1 + 2j
1.5 - 2.5j
-1j
(1+2j) * 3
x = 3j.imag
