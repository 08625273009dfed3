with a:
    pass
with a as b:
    pass
with a as b, c as d, e:
    pass
with (a as b, c as d):
    pass
with (a as b, c as d,):
    pass
with (a, b):
    pass
with (a, b) as c:
    pass
with (a):
    pass
with a as (b, c):
    pass
with a as [b, c], d as e.f, g as h[0]:
    pass
with (
    open("a") as f,
    open("b") as g,
):
    pass
with (yield):
    pass
async def f():
    async with a as b, c:
        pass
    async with (a as b, c as d):
        pass
