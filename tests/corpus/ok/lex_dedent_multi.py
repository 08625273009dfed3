if a:
    if b:
        if c:
            x = 1
y = 2
if a:
  if b:
    pass
  z = 3
