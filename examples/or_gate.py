"""An OR gate: two input neurons, a bias neuron and one output neuron, three links.

The same training loop as the NOT gate, with one more input. OR can be learned by one
output neuron because a single straight line separates the inputs that give 1 from (0, 0).
"""

import argparse

from lernmi import Link, Neuron

if __name__ == "__main__":  # run, not imported: no options; --help says what this is
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()

inputs = [Neuron("identity"), Neuron("identity")]
bias = Neuron()
bias.bias()
y = Neuron()
neurons = inputs + [bias, y]
links = [Link(weight, training_rate=1.0, input_neuron=source, output_neuron=y)
         for weight, source in zip([0.2, -0.1, 0.05], inputs + [bias])]
examples = [((0, 0), 0.0), ((0, 1), 1.0), ((1, 0), 1.0), ((1, 1), 1.0)]


def run(values):
    for neuron in neurons:
        neuron.reset()
    for neuron, value in zip(inputs, values):
        neuron.input(value)
    for link in links:
        link.propagate()
    return y.output()


for epoch in range(1000):
    for values, expected in examples:
        y.submit_sensitivity(run(values) - expected)
        for link in links:
            link.backpropagate()

print("learned weights:", ", ".join(f"{link.weight:+.3f}" for link in links), "(last: bias)")
for (a, b), expected in examples:
    print(f"{a} OR {b} -> {run((a, b)):.3f} (expected {expected:.0f})")
