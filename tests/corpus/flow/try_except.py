def load(path):
    try:
        f = open(path)
        data = f.read()
    except FileNotFoundError:
        data = None
    except (OSError, ValueError) as err:
        print(err)
        raise
    else:
        f.close()
    print(data)
    return data
