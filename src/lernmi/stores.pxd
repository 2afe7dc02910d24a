# C declarations for stores.py: the arrays that neurons and links keep their numbers in.
#
# Symbols follow the maths:  z  a neuron's input sum          a    its output, f(z)
#                            delta  its sensitivity sum       s    its sensitivity, dC/dz
#                            w  a link's weight               eta  a link's training rate
#                            m, v  what an optimiser keeps     g    a gradient

from lernmi.reals cimport real

cdef class NeuronStore:
    cdef int[::1] kind                  # activation code of each neuron (activations.py)
    cdef real[::1] z                    # input sums
    cdef real[::1] delta                # sensitivity sums
    cdef real[::1] direct               # the part of s a cost gave directly, not through f'
    cdef real[::1] a                    # outputs, as a loop last worked them out
    cdef real[::1] s                    # sensitivities, as a loop last worked them out
    cdef real[::1] keep                 # what each output is multiplied by: 1, or dropout's
    cdef readonly Py_ssize_t size       # how many neurons

cdef class Moments:
    cdef readonly Py_ssize_t weights    # how many weights: the length of m and v
    cdef real[::1] m                    # per weight: SGD's velocity, or Adam's first moment
    cdef real[::1] v                    # per weight: Adam's second moment
    cdef real[::1] g                    # one row's gradient, summed over a batch (scratch)

cdef class LinkStore:
    cdef real[::1] w                    # weights: a rows x cols matrix, stored row after row
    cdef double[::1] eta                # the one training rate these links share (length 1)
    cdef double[::1] settings           # their optimiser's settings and steps (steps.py)
    cdef Moments moments                # what their optimiser keeps for each weight
    cdef readonly Py_ssize_t rows       # output neurons: row j feeds learning neuron j
    cdef readonly Py_ssize_t cols       # input neurons: column i comes from neuron i, bias first
