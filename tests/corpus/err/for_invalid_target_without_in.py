for[
        ("tempfile.TemporaryFile", lambda: 1, ()),
        ]:
    pass
