'a' "b" '''c''' b'\x00' r'\n' u'\N{SNOWMAN}' '\U0001F600\777\d'
