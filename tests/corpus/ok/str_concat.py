'a' 'b'
'a' "b" '''c''' """d"""
x = ('first '
     'second '
     'third')
u'a' 'b'
'a' u'b'
b'a' b'b'
b'a' rb'\b'
'a' f'b'
f'a' 'b'
'a' f'{x}' 'c'
f'{x}' f'{y}'
f'a' f'b'
'' f'' ''
'x' f'{y}' '' f'z{w}'
r'\n' '\n'
print('a'
      "b", 'c'
      'd')
call('one' 'two', key='three' 'four')
