[match b]
