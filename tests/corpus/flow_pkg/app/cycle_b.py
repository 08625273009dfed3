from .cycle_a import thing
