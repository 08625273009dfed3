if (n := len(a)) > 1: print(f"{(m := n)}")
