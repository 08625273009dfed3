import a.b as c
from ...d import (e, f as g,)
from . import *
