x = ('a'
  b'b'
  b'\x')
