count = 0
count += 1
items = [count]
del count
print(count)
for count in items:
    pass
print(count)
x = y = len(items)
(a, *b), c = items, x
print(a, b, c, y)
