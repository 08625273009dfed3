import collections.abc
import os.path as osp
from json import loads as parse_json, dumps
from . import sibling
from .pkg.mod import Thing

class Base:
    def build(self):
        return Base()

    @staticmethod
    def make():
        return Base.make()

class Child(Base, Thing, collections.abc.Mapping):
    pass

double = lambda v: v * 2

def main(path):
    data = parse_json(osp.join(path, "x"))
    child = Child()
    Base.make()
    sibling.run(double(data))
    return dumps(child)

main(".")
