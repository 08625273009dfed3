[]
[1]
[1, 2, 3]
[1, 2, 3,]
[*a, *b, c]
()
(1,)
1,
1, 2
(1, 2)
(*a, b)
*a, b
{1}
{1, 2,}
{*a, b}
{}
{1: 2}
{1: 2, 3: 4,}
{**a, 1: 2, **b}
{"a": [1, {2: (3,)}]}
[x for x in y]
[x for x in y if x]
[x for x in y if a if b]
[x * y for x in a for y in b]
[x for x in a if x for y in x if y]
{x for x in y}
{k: v for k, v in items}
{k: v for k in a for v in b if v}
(x for x in y)
(x for x in y if x)
[(x, y) for x, y in pairs]
[[y for y in x] for x in matrix]
[x for x in (yield)]
async def f():
    [x async for x in aiter()]
    {x: y async for x, y in aiter()}
    (x async for x in aiter())
    [await x for x in y]
    [x for x in y async for z in x]
sum(x for x in range(10))
[
    1,
    2,
]
{
    'key': 'value',
}
