from .base import Model


class User(Model):
    pass
