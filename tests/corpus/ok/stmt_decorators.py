@dec
def f(): pass

@dec.attr
@dec(arg, kw=1)
@dec.method().chained
def f(): pass

@a[0]
@(lambda f: f)
@x if y else z
@a := b
@a or b
@-a
def g(): pass

@dec
class C: pass

@dec
async def h(): pass

@ dec   .  attr  (  )
def spaced(): pass

class Outer:
    @staticmethod
    def s(): pass

    @property
    def p(self): return 1

    @p.setter
    def p(self, v): pass
