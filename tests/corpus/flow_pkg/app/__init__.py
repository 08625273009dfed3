from .models import User
from . import utils
from .core import *
