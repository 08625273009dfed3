if a:
    pass
elif b:
    pass
elif c:
    x = 1
else:
    y = 2

if a: b; c

while x:
    x -= 1
    if x == 3:
        break
    continue
else:
    done()

for i in range(10):
    pass
else:
    pass

for a, b in pairs:
    pass
for (a, b), c in items:
    pass
for x, in y:
    pass
for x in *a, b:
    pass
for x.attr in y: pass
for x[0] in y: pass

while 1:
    while 2:
        if 3:
            pass
        else:
            if 4:
                pass
