def f(self):
    return f'{type(self).__na
 me__}({self.id})'
