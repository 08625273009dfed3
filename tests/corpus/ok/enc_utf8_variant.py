#!/usr/bin/env python
# coding=utf8
x = "ü"
