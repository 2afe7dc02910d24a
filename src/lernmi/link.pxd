# C declarations for link.py.

cimport cython

from lernmi.neuron cimport Neuron
from lernmi.propagation cimport updated_weight
from lernmi.reals cimport real
from lernmi.steps cimport count_step, plain, rule_of, step_weights
from lernmi.stores cimport LinkStore

cdef class Link:
    cdef readonly LinkStore store       # where this link's weight and training rate live
    cdef readonly Py_ssize_t index      # where its weight is in store.w
    cdef Neuron _input                  # the neuron it reads from
    cdef Neuron _output                 # the neuron it sends to
    cdef bint _in_layer                 # part of a LinkLayer, whose shape fixes the wiring
    cdef void _rewire(self) except *

    @cython.locals(source=Neuron, target=Neuron)
    cpdef void propagate(self) except *

    @cython.locals(source=Neuron, target=Neuron, s=real, w=real)
    cpdef void backpropagate(self) except *
    cdef void _step(self, real gradient) except *

cdef void _check_wired(Neuron source, Neuron target) except *

@cython.locals(link=Link)
cdef Link link_in(LinkStore store, Py_ssize_t index, Neuron input_neuron, Neuron output_neuron,
                  bint in_layer=*)
