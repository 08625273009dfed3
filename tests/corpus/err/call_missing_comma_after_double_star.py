f(
    **k,
    b c,
)
