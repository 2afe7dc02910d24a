# C declarations for layers.py.

cimport cython

from lernmi.link cimport Link, LinkStore, link_in
from lernmi.maths cimport (BIAS, CROSS_ENTROPY, backpropagate_links, compute_outputs,
                           compute_sensitivities, load_inputs, propagate_links, reset_learning,
                           submit_errors)
from lernmi.neuron cimport Neuron, NeuronStore, neuron_in

cdef class NeuronLayer:
    cdef readonly NeuronStore store         # the numbers of its neurons, bias neuron first
    cdef readonly str activation            # the learning neurons' activation, by name
    cdef list _neurons                      # Neuron handles, each made when first asked for

cdef class LinkLayer:
    cdef readonly LinkStore store           # the weights matrix and the shared training rate
    cdef readonly NeuronLayer input_layer   # every neuron of it, bias included, sends
    cdef readonly NeuronLayer output_layer  # every learning neuron of it receives
    cdef list _links                        # Link handles in the seed's order, made when asked

    @cython.locals(src=NeuronStore, dst=NeuronStore, w="double[::1]", rows=Py_ssize_t,
                   cols=Py_ssize_t)
    cpdef void propagate(self) except *

    @cython.locals(src=NeuronStore, dst=NeuronStore, w="double[::1]", rows=Py_ssize_t,
                   cols=Py_ssize_t, eta=double)
    cpdef void backpropagate(self) except *

@cython.locals(layer=NeuronLayer)
cdef NeuronLayer neuron_layer_over(NeuronStore store, str activation)

@cython.locals(layer=LinkLayer)
cdef LinkLayer link_layer_over(LinkStore store, NeuronLayer input_layer,
                               NeuronLayer output_layer)
