é = 1; nonlocal x
