"""XOR with a Network: the layers, the links and the training loop in one object.

`train` runs every epoch as one C loop, doing what `learn` does for each sample: reset,
input, propagate, compare with the expected output, backpropagate.
"""

import argparse

import numpy as np

from lernmi import Network

if __name__ == "__main__":  # run, not imported: no options; --help says what this is
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()

x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
t = np.array([[0], [1], [1], [0]])

net = Network([2, 3, 1], training_rate=0.5, seed=0)
print(net)
net.train(x, t, epochs=5000)

for (a, b), (expected,) in zip(x, t):
    print(f"{a} XOR {b} -> {net.run([a, b])[0]:.3f} (expected {expected})")
