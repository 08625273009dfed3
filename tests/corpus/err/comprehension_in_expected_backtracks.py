x = [a for a +]
