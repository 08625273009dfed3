class C:
    def m(self):
        clas{s D(C):
            pass
