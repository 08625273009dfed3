match x:
    case f():
        pass
    case a.b():
        pass
    case 1 + 1:
        pass
