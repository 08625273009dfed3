def read_all(stream):
    chunks = []
    while (chunk := stream.read()):
        chunks.append(chunk)
    if (n := len(chunks)) and (last := chunks[-1]):
        print(n, last)
    return [y for c in chunks if (y := c.strip())], y
