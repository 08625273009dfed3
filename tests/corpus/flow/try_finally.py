def work(items, lock):
    for item in items:
        lock.acquire()
        try:
            if item is None:
                continue
            if item == "stop":
                break
            if item == "done":
                return item
            process(item)
        finally:
            lock.release()
        print("after try")
    return None
