type A = (await x)
