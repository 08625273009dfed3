try:
    try:
        a = 1
        raise KeyError(a)
    except KeyError:
        b = 2
    finally:
        c = 3
    d = 4
except Exception as e:
    print(e)
print(a, b, c)
