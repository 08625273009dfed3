#coding:latin1
x = "àè"
