from .cycle_b import thing
