s = 'é'
t = 'naïve café'
emoji = '🐍 and 🎉'
cjk = '中文字符'
x = ('é', 'ü') + ('🐍',)
d = {'ключ': 'значение'}
f(a='α', b='β')
y = 'mixé' + z
combining = 'é'
rtl = 'שלום'
zw = 'a​b'
f'é{x}ü{y!r:>{w}}🐍'
b = 'x' if 'é' else 'ü'
