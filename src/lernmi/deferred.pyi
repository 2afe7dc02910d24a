# Types of lernmi.deferred as compiled (see activations.pyi for why these stubs exist).
# Everything in it is C (see deferred.pxd): Python reaches nothing here.
