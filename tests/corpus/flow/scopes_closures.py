counter = 0

def bump():
    global counter
    counter += 1
    return counter

def outer():
    total = 0
    def add(n):
        nonlocal total
        total += n
        return total
    add(1)
    return total, helper

def helper():
    return counter

class Config:
    counter = counter + 1
    limit = counter * 2
    def method(self):
        return counter
