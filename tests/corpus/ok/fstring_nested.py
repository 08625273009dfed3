f'{f'{x}'}'
f"{f"{f"{x}"}"}"
f'{f"{f'{x}'}"}'
f'{'single'}'
f"{"double"}"
f'{x:{f'{y}'}}'
f'{"a" if x else "b"}'
f'''{
    x
}'''
f'''{x
    + y}'''
f"""{
    f'''{
        y
    }'''
}"""
f'{x:{y:{z}}}' if 0 else 0
f'{f'{x:{y}}':{z}}'
f'{'\n'.join(a)}'
f'{a['b']}'
f'{"\N{SNOWMAN}"}'
f'''
{x}
{y!r}
'''
f'{x  # a comment inside a replacement field
}'
f'''{
    x  # comment
    +
    y
}'''
