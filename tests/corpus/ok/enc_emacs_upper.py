# -*- coding: LATIN-1 -*-
x = "é"
