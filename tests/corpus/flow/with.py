import contextlib

value = "default"
with contextlib.suppress(KeyError):
    value = lookup()
print(value)

with open("a") as src, open("b", "w") as dst:
    dst.write(src.read())
