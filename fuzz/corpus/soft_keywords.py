match = case = type = _ = 1
match(match)
type(type)
