if a:
	if b:
		c
	else:
	  d
