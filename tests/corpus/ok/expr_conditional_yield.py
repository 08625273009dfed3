a if b else c
a if b else c if d else e
(a if b else c) if d else e
x = a if b else c
lambda: a if b else c
def gen():
    yield
    yield 1
    yield 1, 2
    yield *a, b
    x = yield
    x = yield 1
    y = yield from other()
    await_ = (yield)
    z = (yield from a) + 1
    f((yield))
    return (yield)
async def co():
    await x
    await x.y()
    y = await z
    return await a + await b
    -await x
    await x ** 2
    [await x async for x in y]
    async for a in b:
        pass
    async with c:
        pass
