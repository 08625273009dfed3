x = [a for - in c]
