f(UnicodeEncodeError"select")
