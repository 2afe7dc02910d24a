# Types of lernmi.reals as compiled (see activations.pyi for why these stubs exist). The
# type and its constants are C (see reals.pxd): Python sees only numpy's type for it.

import numpy as np

DTYPE: type[np.float64]
