codecs.CodecInfo(
    name="charmap",
    encode=Codec.encode,
    stream:reader=StreamReader,
)
