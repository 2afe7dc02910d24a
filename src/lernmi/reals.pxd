# C declarations for reals.py: the type of number a network is made of.

ctypedef double real                    # a network's numbers (C double: numpy's float64)

cdef extern from "float.h":             # C's constants, as numbers in the C of each use
    const real SMALLEST "DBL_MIN"       # the smallest normal real (steps.py: flush below it)
cdef extern from *:
    const real TINY "1e-300"            # the least a probability is taken as, under a log
