a not
