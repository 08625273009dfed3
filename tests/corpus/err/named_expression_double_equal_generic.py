[a = b = c]
