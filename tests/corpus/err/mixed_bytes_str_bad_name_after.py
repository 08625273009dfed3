x = ('a' b'b'
  '\N{foo}')
