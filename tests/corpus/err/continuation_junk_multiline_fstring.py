x = 1
y = f"""abc
  {x} é {a\nb}"""
