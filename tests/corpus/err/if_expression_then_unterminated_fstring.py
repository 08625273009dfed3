x = (a if b
     f')
y = 1
