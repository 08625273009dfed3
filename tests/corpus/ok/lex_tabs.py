if a:
	x = 1
	if b:
		y = 2
	else:
		y = 3
if c:
        z = 1
if d:
	  w = 1
	  if e:
	  	v = 1
class C:
	def m(self):
		return	self

x	=	[1,	2]
