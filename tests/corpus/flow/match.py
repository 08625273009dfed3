def describe(command):
    match command:
        case ["go", direction] if direction in DIRECTIONS:
            result = direction
        case ["drop", *objects]:
            result = objects
        case {"name": name, **rest}:
            result = (name, rest)
        case Point(x=0, y=y) | Point(x=y, y=0):
            result = y
        case str() as text:
            return text
    return result

def total(value):
    match value:
        case int(n):
            return n
        case _:
            return 0
    print("unreachable")
