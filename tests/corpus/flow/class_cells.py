# Bindings whose owner is not where they are written: the implicit __class__ cell a class owns
# without a symbol of its own, globals that only nested scopes read or write, builtins, and a
# class body reading a name before it binds it.
limit = 10


class Base:
    def f(self):
        return 1


class Widget(Base):
    size = limit + 1
    limit = size * 2

    def reset(self):
        nonlocal __class__
        __class__ = Base

    def f(self):
        return super().f() + len(__class__.__name__)

    def grow(self):
        global counter
        counter = limit
        return counter


def read():
    return counter, len([limit])
