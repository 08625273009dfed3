f'abc{x}
