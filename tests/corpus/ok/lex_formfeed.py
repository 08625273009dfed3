x = 1

def f():
    y = 2
    return y

# comment

z = 3
