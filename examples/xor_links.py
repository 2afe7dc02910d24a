"""XOR from neurons and links wired by hand: two inputs, two hidden neurons, one output.

No single line separates XOR's ones from its zeros, so one output neuron is not enough: the
hidden neurons each learn a line of their own and the output neuron combines them. Training
now backpropagates twice: the output links send sensitivities back to the hidden neurons,
then the hidden links use them.
"""

import argparse
import random

from lernmi import Link, Neuron

if __name__ == "__main__":  # run, not imported: no options; --help says what this is
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()

random.seed(2)

inputs = [Neuron("identity"), Neuron("identity")]
hidden = [Neuron(), Neuron()]
output = Neuron()
input_bias, hidden_bias = Neuron(), Neuron()
input_bias.bias()
hidden_bias.bias()
neurons = inputs + hidden + [output, input_bias, hidden_bias]


def link(source, target):
    return Link(random.uniform(-1, 1), training_rate=0.5, input_neuron=source, output_neuron=target)


hidden_links = [link(s, t) for s in [input_bias] + inputs for t in hidden]  # 3 x 2 links
output_links = [link(s, output) for s in [hidden_bias] + hidden]           # 3 x 1 links
examples = [((0, 0), 0.0), ((0, 1), 1.0), ((1, 0), 1.0), ((1, 1), 0.0)]


def run(values):
    for neuron in neurons:
        neuron.reset()
    for neuron, value in zip(inputs, values):
        neuron.input(value)
    for layer in (hidden_links, output_links):  # the hidden sums must be complete first
        for each in layer:
            each.propagate()
    return output.output()


for epoch in range(4000):
    for values, expected in examples:
        output.submit_sensitivity(run(values) - expected)
        for layer in (output_links, hidden_links):  # backwards: output links first
            for each in layer:
                each.backpropagate()

for (a, b), expected in examples:
    print(f"{a} XOR {b} -> {run((a, b)):.3f} (expected {expected:.0f})")
