"""A small dense numpy network: the oracle the object graph is checked against.

Weights are the same matrices LinkLayer.weights shows: W[j, i] joins input neuron i (bias
first, so column 0 holds the biases) to learning neuron j of the next layer. Backpropagation
here is the textbook one, with each layer's full Jacobian, so it shares none of lernmi's
shortcuts (such as the cross-entropy error a - t standing for the sensitivity).
"""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


ACTIVATIONS = {"sigmoid": sigmoid, "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0),
               "identity": lambda z: z, "softmax": softmax}


def jacobian(name, z, a):
    """da/dz of one layer, a matrix (only softmax has off-diagonal entries)."""
    if name == "softmax":
        return np.diag(a) - np.outer(a, a)
    slope = {"sigmoid": a * (1 - a), "tanh": 1 - a * a, "relu": (z > 0).astype(float),
             "identity": np.ones_like(a)}[name]
    return np.diag(slope)


def forward(weights, x, hidden="sigmoid", output=None):
    """Every layer's input sums and outputs, the input layer's (unchanged inputs) first."""
    names = [hidden] * (len(weights) - 1) + [output or hidden]
    sums, outputs = [None], [np.asarray(x, dtype=float)]
    for w, name in zip(weights, names):
        sums.append(w @ np.concatenate([[1.0], outputs[-1]]))
        outputs.append(ACTIVATIONS[name](sums[-1]))
    return sums, outputs, names


def cost(weights, x, t, hidden="sigmoid", output=None, cost="quadratic"):
    """The cost of one sample: quadratic, or cross-entropy (softmax: -sum t ln a)."""
    a = forward(weights, x, hidden, output)[1][-1]
    return cost_of(a, t, output or hidden, cost)


def cost_of(a, t, output, cost):
    if cost == "quadratic":
        return 0.5 * np.sum((a - t) ** 2)
    if output == "softmax":
        return -np.sum(t * np.log(a))
    return -np.sum(t * np.log(a) + (1 - t) * np.log(1 - a))


def cost_slope(a, t, output, cost):
    """dC/da."""
    if cost == "quadratic":
        return a - t
    if output == "softmax":
        return -t / a
    return (a - t) / (a * (1 - a))


def sgd_step(weights, x, t, eta, hidden="sigmoid", output=None, cost="quadratic"):
    """The weights after one step of gradient descent on `cost`, by textbook backprop."""
    sums, outputs, names = forward(weights, x, hidden, output)
    new = [w.copy() for w in weights]
    dc_da = cost_slope(outputs[-1], t, names[-1], cost)
    for l in range(len(weights) - 1, -1, -1):
        s = jacobian(names[l], sums[l + 1], outputs[l + 1]).T @ dc_da  # dC/dz
        new[l] -= eta * np.outer(s, np.concatenate([[1.0], outputs[l]]))
        dc_da = weights[l][:, 1:].T @ s  # skip the bias column: nothing flows into a bias
    return new
