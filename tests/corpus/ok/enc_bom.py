x = "é"
if x:
    y = 1
