''
""
'a'
"a"
'''a'''
"""a"""
r'a'
R'a'
u'a'
U'a'
b'a'
B'a'
br'a'
bR'a'
Br'a'
BR'a'
rb'a'
rB'a'
Rb'a'
RB'a'
r"""raw\n"""
b"""bytes
multi"""
rb'''raw\bytes'''
u"""unicode
kind"""
'''triple 'single' quotes'''
"""triple "double" quotes"""
'''ends with quote"'''
""""starts with a quote"""
'''''quotes'' '''
"it's"
'say "hi"'
'both \' and "'
"both ' and \""
'''both ' and "'''
b'it\'s'
b"both ' and \""
r'\''
r"\""
r'\\'
r'a\
b'
