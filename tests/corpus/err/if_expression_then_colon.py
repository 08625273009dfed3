if x:
    y = a if (b and
              c):
        pass
