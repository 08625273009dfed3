open(filename, "w", encoding=,encoding)
