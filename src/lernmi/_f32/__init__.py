"""lernmi's loops for float32 networks: the copy, lernmi._f32.X, of each compiled module X.

A copy is written from X's source at build time (lernmi/_floats.py says how, and why): its
reals are C floats and its arrays numpy's float32, and it compiles to the same loops with
vector.h's float twins. Run from source, the same text is run (_source.py).
"""
