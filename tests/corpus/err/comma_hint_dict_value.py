d = {a: b c}
