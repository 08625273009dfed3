[x for x in y if x] {k: v async for k, v in z} (a for b in c for d in b)
