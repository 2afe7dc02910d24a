"""A small dense numpy network: the oracle the object graph is checked against.

Weights are the same matrices LinkLayer.weights shows: W[j, i] joins input neuron i (bias
first, so column 0 holds the biases) to learning neuron j of the next layer.
"""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward(weights, x):
    """Every layer's outputs, the input layer's (unchanged inputs) first."""
    outputs = [np.asarray(x, dtype=float)]
    for w in weights:
        outputs.append(sigmoid(w @ np.concatenate([[1.0], outputs[-1]])))
    return outputs


def cost(weights, x, t):
    """The quadratic cost 0.5 * sum((output - expected)**2)."""
    return 0.5 * np.sum((forward(weights, x)[-1] - t) ** 2)


def sgd_step(weights, x, t, eta):
    """The weights after one step of gradient descent on `cost`, by textbook backprop."""
    outputs = forward(weights, x)
    new = [w.copy() for w in weights]
    a = outputs[-1]
    s = (a - t) * a * (1 - a)  # dC/dz at the output layer
    for l in range(len(weights) - 1, -1, -1):
        a_in = np.concatenate([[1.0], outputs[l]])
        new[l] -= eta * np.outer(s, a_in)
        if l > 0:
            back = weights[l][:, 1:].T @ s  # skip the bias column: nothing flows into a bias
            s = back * outputs[l] * (1 - outputs[l])
    return new
