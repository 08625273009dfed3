values = [1, print 'x']
