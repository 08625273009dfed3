async def pump(source, sink):
    async with sink.lock() as guard:
        async for chunk in source:
            if not chunk:
                break
            await sink.write(chunk, guard)
        else:
            await sink.flush()
    return sink
