"""The type of number a network is made of, and the constants that depend on it.

A network's numbers are `real`: its neurons' sums, outputs and sensitivities, its links'
weights and what their optimiser keeps, the inputs and expected outputs it learns from.
Here a real is a C double, and its arrays numpy's float64 (`DTYPE`). The loops' C
declarations (the .pxd files) say `real` for those, and `double` only for numbers that are
float64 whatever a network is made of: an optimiser's settings and step count (a step's
Rule is worked out from them in double, then rounded to reals), the training rates, and
the sums of costs and right answers over many samples; the arrays of those are the only
ones the compiled modules make or check as float64 by name (tests/test_design.py keeps
both so). That is the seam where a float32 network's copy of the loops, lernmi._f32,
differs (_floats.py writes it from this source): there a real is a C float, its arrays
float32, and these constants are float's.
"""

import cython
import numpy as np

#: numpy's type for a real, of the arrays a network's numbers are kept in (stores.py).
DTYPE = np.float64

if not cython.compiled:
    # Compiled, these are C (reals.pxd): the type, and constants the C compiler sees.
    real = cython.double

    #: The smallest normal real, C's DBL_MIN (sys.float_info.min): an optimiser's velocity or
    #: moment smaller in size is flushed to zero (steps.flushed; vector.h's lernmi_flushed).
    SMALLEST = 2.2250738585072014e-308

    #: The least a probability is taken as where cross-entropy takes its log, so that an
    #: output of exactly 0 costs -log(1e-300), about 690, and not infinity (costs.py).
    TINY = 1e-300

    def rounded(x):
        """x, a double (a Python float: what the C library gives), rounded to a real.

        Each result of exp, log, sqrt and the rest is rounded so where it is taken: C
        returns a double there, and without it a float32 network's C would go on in double
        where numpy's float32 numbers round each step. (Compiled, reals.pxd's C cast.)"""
        return x if DTYPE is np.float64 else DTYPE(x)
