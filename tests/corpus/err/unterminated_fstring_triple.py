f"""abc{x}

