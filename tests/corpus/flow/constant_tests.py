def serve(queue):
    while True:
        item = queue.get()
        if item is None:
            break
        print(item)
    print("stopped")

def forever():
    while 1:
        pass
    print("never")

if False:
    print("dead")
else:
    print("alive")
