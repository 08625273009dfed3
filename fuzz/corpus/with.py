with (a as b, c):
    pass
async def f():
    async with d as (e, f): pass
