async def f():
    async with a as b, c as (d, e):
        pass
    async for x in y:
        await x
    return [i async for i in z], (j async for j in w)
await top_level
[x async for x in y]
