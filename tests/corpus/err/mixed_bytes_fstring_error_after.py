x = (f'a'
  b'b'
  f'{)}')
