"""What lernmi offers, read from its own tables, so that the tests cover each new entry."""

import lernmi

#: Every activation a NeuronLayer takes, and those a lone Neuron takes.
ACTIVATIONS = tuple(lernmi.activations.ACTIVATIONS)
NEURON_ACTIVATIONS = lernmi.activations.usable("neuron")

#: Every cost.
COSTS = tuple(lernmi.costs.COSTS)


def network_accepts(hidden, output, cost):
    try:
        lernmi.Network([2, 2, 2], activation=hidden, output_activation=output, cost=cost)
    except ValueError:
        return False
    return True


#: Every (hidden activation, output activation, cost) that Network accepts.
NETWORK_KINDS = [(hidden, output, cost) for hidden in ACTIVATIONS for output in ACTIVATIONS
                 for cost in COSTS if network_accepts(hidden, output, cost)]
