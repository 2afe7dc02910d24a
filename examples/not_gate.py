"""A NOT gate from two neurons, a bias neuron and two links, all wired by hand.

The output should be near 1 when the input is 0 and near 0 when it is 1. A single link from
the input cannot do that alone: with input 0 it sends nothing. The bias neuron always
outputs 1.0, so the link from it gives the output neuron a constant it can learn to shift by.
"""

import argparse

from lernmi import Link, Neuron

if __name__ == "__main__":  # run, not imported: no options; --help says what this is
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()

x = Neuron("identity")  # the input neuron passes its value through unchanged
bias = Neuron()
bias.bias()             # from now on it outputs 1.0
y = Neuron()            # the output neuron: sigmoid of the sum the links send it
neurons = [x, bias, y]
links = [Link(0.1, training_rate=1.0, input_neuron=x, output_neuron=y),
         Link(-0.1, training_rate=1.0, input_neuron=bias, output_neuron=y)]
examples = [(0.0, 1.0), (1.0, 0.0)]


def run(value):
    for neuron in neurons:
        neuron.reset()
    x.input(value)
    for link in links:
        link.propagate()
    return y.output()


for epoch in range(1000):
    for value, expected in examples:
        output = run(value)
        y.submit_sensitivity(output - expected)  # the slope of the cost 0.5 * (output - expected)**2
        for link in links:
            link.backpropagate()                 # each link updates its own weight

print(f"learned weights: from the input {links[0].weight:+.3f}, from the bias {links[1].weight:+.3f}")
for value, expected in examples:
    print(f"NOT {value:.0f} -> {run(value):.3f} (expected {expected:.0f})")
