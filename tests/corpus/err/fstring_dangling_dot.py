x = f"{self.,name!r}"
