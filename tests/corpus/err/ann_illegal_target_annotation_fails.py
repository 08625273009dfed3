class C:
    'key': (
    'other': (1, 2),
    )
