total = 0
for i in range(10):
    if i % 2:
        continue
    total += i
    if total > 20:
        break
else:
    total = -1
print(total, i)
