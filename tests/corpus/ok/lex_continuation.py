x = 1 + \
    2
if a and \
   b:
    pass
y = [1,
  2,
      3]
z = (a
# comment in brackets
     + b)
assert \
  x
with a, \
     b:
    pass
def f(a,
      b):
  return (a +
          b)
\
w = 1
