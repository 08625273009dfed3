x = [a for a,]
