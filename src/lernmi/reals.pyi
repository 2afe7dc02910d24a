# Types of lernmi.reals as compiled (see activations.pyi for why these stubs exist). The
# type and its constants are C (see reals.pxd): Python sees nothing here.
