match command:
    case 1:
        pass
    case -1:
        pass
    case 1.5 | -2.5:
        pass
    case 1 + 2j:
        pass
    case -1 - 2j:
        pass
    case "text":
        pass
    case "implicit" "concat":
        pass
    case b"bytes":
        pass
    case None:
        pass
    case True | False:
        pass
    case Color.RED:
        pass
    case a.b.c:
        pass
    case x:
        pass

match point:
    case (0, 0):
        pass
    case [x, 0]:
        pass
    case (x, y, *rest):
        pass
    case [*_]:
        pass
    case []:
        pass
    case ():
        pass
    case (x,):
        pass
    case 1, 2:
        pass
    case a, *b, c:
        pass
    case (x):
        pass

match obj:
    case {"key": value}:
        pass
    case {"a": 1, "b": [x, y], **rest}:
        pass
    case {}:
        pass
    case {Const.K: v, 1: w, None: z}:
        pass
    case {**rest}:
        pass

match obj:
    case Point():
        pass
    case Point(x=0, y=0):
        pass
    case Point(1, 2):
        pass
    case Point(1, y=2):
        pass
    case mod.Cls(a, b=c,):
        pass

match value:
    case _:
        pass

match value:
    case [x] as whole:
        pass
    case (1 | 2) as num:
        pass
    case 1 | 2 | 3:
        pass
    case str() | bytes():
        pass
    case x if x > 0:
        pass
    case [a, b] if a == b:
        pass
    case {"k": [1, {"n": (a, *_)}]}:
        pass

match a, b:
    case x, y:
        pass

match *a, b:
    case _:
        pass

match (x):
    case _: pass

match -x:
    case _: pass

match f(x):
    case _: pass
