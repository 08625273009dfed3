for i in x:
    if i: break
    elif j: continue
    else: pass
else:
    while k: k -= 1
