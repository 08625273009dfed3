import unittest[

class C:
    pass
