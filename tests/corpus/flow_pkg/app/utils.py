import app.models as m


def fmt(value):
    return m.User(value)
