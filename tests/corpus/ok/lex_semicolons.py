a = 1; b = 2; c = 3
if a: b; c;
x = 1;
import os; import sys
