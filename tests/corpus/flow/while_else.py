n = 10
while n > 0:
    n -= 1
    if n == 5:
        continue
    if n == 3:
        break
    print(n)
else:
    print("exhausted")
print("done", n)
