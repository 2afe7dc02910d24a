# C declarations for reals.py: the type of number a network is made of.

ctypedef double real                    # a network's numbers (numpy's reals.DTYPE)

cdef extern from "float.h":             # C's constants, as numbers in the C of each use
    const real SMALLEST "DBL_MIN"       # the smallest normal real (steps.py: flush below it)
cdef extern from *:
    const real TINY "1e-300"            # the least a probability is taken as, under a log

cdef inline real rounded(double x) noexcept nogil:
    return <real>x                      # x rounded to a real (reals.py)
