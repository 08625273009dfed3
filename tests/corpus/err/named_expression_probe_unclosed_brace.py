self.r{un_pip.return_value = 2
x = 1
