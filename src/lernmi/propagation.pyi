# Types of lernmi.propagation as compiled (see activations.pyi for why these stubs exist).
# Everything in it is C (see propagation.pxd): Python reaches nothing here.
