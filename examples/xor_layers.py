"""XOR again, with NeuronLayers and LinkLayers doing the wiring.

A NeuronLayer makes its neurons and a bias neuron; a LinkLayer links every neuron of one
layer to every learning neuron of the next. The loop is the one of xor_links.py, a layer at
a time, and each layer method runs its whole loop in C.
"""

import argparse

from lernmi import LinkLayer, NeuronLayer

if __name__ == "__main__":  # run, not imported: no options; --help says what this is
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()

inputs, hidden, output = NeuronLayer(2, activation="identity"), NeuronLayer(2), NeuronLayer(1)
# The seeds pick the random starting weights. With only two hidden neurons some starts get
# stuck with one input pattern half learned: try seed=1 and seed=2 to watch that happen.
first = LinkLayer(inputs, hidden, training_rate=0.5, seed=3)
second = LinkLayer(hidden, output, training_rate=0.5, seed=4)
examples = [((0, 0), 0.0), ((0, 1), 1.0), ((1, 0), 1.0), ((1, 1), 0.0)]


def run(values):
    for layer in (inputs, hidden, output):
        layer.reset()
    inputs.input(values)
    first.propagate()
    second.propagate()
    return output.outputs()[0]


for epoch in range(4000):
    for values, expected in examples:
        run(values)
        output.expected_output([expected])
        second.backpropagate()
        first.backpropagate()

print("hidden weights (row per hidden neuron; bias, x1, x2):")
print(first.weights.round(2))
for (a, b), expected in examples:
    print(f"{a} XOR {b} -> {run((a, b)):.3f} (expected {expected:.0f})")
