"""A tiny package to try ast2graph on: imports, classes, inheritance, calls and control flow."""
from .base import Shape
from .figures import Circle, Square, total_area

__all__ = ["Shape", "Circle", "Square", "total_area"]
