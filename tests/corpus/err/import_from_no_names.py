from test.support import 
