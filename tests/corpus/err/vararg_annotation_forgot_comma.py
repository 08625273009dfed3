def f(*args: obj
      ect): pass
