match p:
    case [1, *r] | {"k": v, **kw} if r: pass
    case C(1, y=2) as z: pass
    case -1 + 2j | None | "s" | a.b: pass
    case _: pass
