# C declarations for layers.py.

cimport cython

from lernmi.activations cimport (BIAS, compute_outputs, compute_sensitivities, load_inputs,
                                 reset_sums)
from lernmi.costs cimport submit_expected
from lernmi.link cimport Link, link_in
from lernmi.neuron cimport Neuron, neuron_in
from lernmi.propagation cimport (Links, backpropagate_links, learn_links, propagate_links,
                                 whole)
from lernmi.reals cimport real
from lernmi.steps cimport count_step, plain, rule_of
from lernmi.stores cimport LinkStore, NeuronStore

cdef class NeuronLayer:
    cdef readonly NeuronStore store         # the numbers of its neurons, bias neuron first
    cdef readonly str activation            # the learning neurons' activation, by name
    cdef list _neurons                      # Neuron handles, each made when first asked for

cdef class LinkLayer:
    cdef readonly LinkStore store           # the weights matrix and the shared training rate
    cdef readonly NeuronLayer input_layer   # every neuron of it, bias included, sends
    cdef readonly NeuronLayer output_layer  # every learning neuron of it receives
    cdef list _links                        # Link handles in the seed's order, made when asked

    @cython.locals(src=NeuronStore, dst=NeuronStore, w=real[::1], links=Links,
                   none=real[::1])
    cpdef void propagate(self) except *

    @cython.locals(src=NeuronStore, dst=NeuronStore, w=real[::1], links=Links,
                   straight=bint, none=real[::1])
    cpdef void backpropagate(self) except *

cdef Links links_of(LinkStore store)

@cython.locals(layer=NeuronLayer)
cpdef NeuronLayer neuron_layer_over(store, activation)

@cython.locals(layer=LinkLayer)
cpdef LinkLayer link_layer_over(store, input_layer, output_layer)
