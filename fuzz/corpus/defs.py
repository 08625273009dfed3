@d
async def f[T: int = str](a, /, b=1, *c, d, **e) -> T:
    return await g(*c, **e)
