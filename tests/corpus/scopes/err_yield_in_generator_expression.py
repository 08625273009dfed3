((yield) for x in y)
