import app
from app.sub.deep import Admin

app.run()
Admin()
