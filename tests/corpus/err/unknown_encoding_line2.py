#!/usr/bin/env python
# coding: nonexistent
