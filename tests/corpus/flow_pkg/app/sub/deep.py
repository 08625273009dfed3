from ..models import User
from ...outside import nothing
from app import User as U2, run, utils, _private, missing
from app.base import helper as h
from app.cycle_a import thing
import app.utils
import json


class Admin(User, json.JSONEncoder):
    pass


h(Admin())
app.utils.fmt(1)
utils.fmt(2)
run()
json.dumps(U2)
