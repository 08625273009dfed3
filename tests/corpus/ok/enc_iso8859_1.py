# coding: iso-8859-1
x = "À Ð ð"
