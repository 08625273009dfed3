def trace(line: str, *k: object, **kw: obj
 ect) -> None:
    pass
