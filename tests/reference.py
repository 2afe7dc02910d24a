"""A small dense numpy network: the oracle the object graph is checked against.

Weights are the same matrices LinkLayer.weights shows: W[j, i] joins input neuron i (bias
first, so column 0 holds the biases) to learning neuron j of the next layer. Backpropagation
here is the textbook one, with each layer's full Jacobian and the cost's own slope dC/da,
so it shares none of lernmi's shortcuts (such as the cross-entropy error a - t standing for
the sensitivity). Each formula is written here afresh, not taken from lernmi.
"""

import math

import numpy as np

erf = np.vectorize(math.erf)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


#: Every activation lernmi offers, one line each: (f(z), f'(z)). Softmax's slope is a whole
#: matrix: see jacobian.
ACTIVATIONS = {
    "sigmoid": (sigmoid, lambda z: sigmoid(z) * (1 - sigmoid(z))),
    "tanh": (np.tanh, lambda z: 1 / np.cosh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
    "leaky_relu": (lambda z: np.where(z > 0, z, 0.01 * z), lambda z: np.where(z > 0, 1.0, 0.01)),
    "elu": (lambda z: np.where(z > 0, z, np.expm1(z)), lambda z: np.where(z > 0, 1.0, np.exp(z))),
    "softplus": (lambda z: np.logaddexp(0.0, z), sigmoid),
    "gelu": (lambda z: z * (1 + erf(z / np.sqrt(2))) / 2,
             lambda z: (1 + erf(z / np.sqrt(2))) / 2 + z * np.exp(-z * z / 2) / np.sqrt(2 * np.pi)),
    "identity": (lambda z: z, np.ones_like),
    "softmax": (softmax, None),
}

#: Every cost, one line each: (C(a, t), dC/da), for an output layer of `output` neurons.
COSTS = {
    "quadratic": (lambda a, t, output: 0.5 * np.sum((a - t) ** 2), lambda a, t, output: a - t),
    "cross_entropy": (
        lambda a, t, output: -np.sum(t * np.log(a)) if output == "softmax"
        else -np.sum(t * np.log(a) + (1 - t) * np.log(1 - a)),
        lambda a, t, output: -t / a if output == "softmax" else (a - t) / (a * (1 - a))),
}


def activate(name, z):
    return ACTIVATIONS[name][0](z)


def jacobian(name, z, a):
    """da/dz of one layer, a matrix (only softmax has off-diagonal entries)."""
    if name == "softmax":
        return np.diag(a) - np.outer(a, a)
    return np.diag(ACTIVATIONS[name][1](z))


def forward(weights, x, hidden="sigmoid", output=None):
    """Every layer's input sums and outputs, the input layer's (unchanged inputs) first."""
    names = [hidden] * (len(weights) - 1) + [output or hidden]
    sums, outputs = [None], [np.asarray(x, dtype=float)]
    for w, name in zip(weights, names):
        sums.append(w @ np.concatenate([[1.0], outputs[-1]]))
        outputs.append(activate(name, sums[-1]))
    return sums, outputs, names


def cost(weights, x, t, hidden="sigmoid", output=None, cost="quadratic"):
    """The cost of one sample."""
    a = forward(weights, x, hidden, output)[1][-1]
    return cost_of(a, t, output or hidden, cost)


def cost_of(a, t, output, cost):
    return COSTS[cost][0](a, t, output)


def cost_slope(a, t, output, cost):
    """dC/da."""
    return COSTS[cost][1](a, t, output)


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


def gradients(weights, x, t, hidden="sigmoid", output=None, cost="quadratic", keep=None):
    """dC/dW of one sample for each weight matrix, by textbook backprop; `keep` gives each
    hidden layer's dropout factors (its outputs multiplied by them), None: none."""
    if keep is not None:
        return dropout_gradients(weights, x, t, hidden, output, cost, keep)
    sums, outputs, names = forward(weights, x, hidden, output)
    grads = [None] * len(weights)
    dc_da = cost_slope(outputs[-1], t, names[-1], cost)
    for l in range(len(weights) - 1, -1, -1):
        s = jacobian(names[l], sums[l + 1], outputs[l + 1]).T @ dc_da
        grads[l] = np.outer(s, np.concatenate([[1.0], outputs[l]]))
        dc_da = weights[l][:, 1:].T @ s
    return grads


class Optimizer:
    """torch.optim's SGD (momentum, Nesterov, weight decay) and Adam, on a list of weight
    matrices, written from the formulas."""

    def __init__(self, weights, kind="sgd", rate=0.1, momentum=0.0, nesterov=False,
                 betas=(0.9, 0.999), epsilon=1e-8, decay=0.0):
        self.kind, self.rate, self.momentum, self.nesterov = kind, rate, momentum, nesterov
        self.betas, self.epsilon, self.decay = betas, epsilon, decay
        self.m = [np.zeros_like(w) for w in weights]
        self.v = [np.zeros_like(w) for w in weights]
        self.k = 0

    def step(self, weights, grads):
        self.k += 1
        b1, b2 = self.betas
        for w, g, m, v in zip(weights, grads, self.m, self.v):
            g = g + self.decay * w
            if self.kind == "adam":
                m[...] = b1 * m + (1 - b1) * g
                v[...] = b2 * v + (1 - b2) * g * g
                w -= self.rate * (m / (1 - b1 ** self.k)) / (
                    np.sqrt(v / (1 - b2 ** self.k)) + self.epsilon)
            else:
                m[...] = self.momentum * m + g
                w -= self.rate * ((g + self.momentum * m) if self.nesterov
                                  else m if self.momentum else g)


def train(weights, x, t, optimizer, batch, epochs=1, **network):
    """Weights after `epochs` passes over the rows in order, one step per batch on the mean
    of its samples' gradients (the last batch perhaps smaller)."""
    weights = [w.copy() for w in weights]
    for _ in range(epochs):
        for start in range(0, len(x), batch):
            per_sample = [gradients(weights, x[k], t[k], **network)
                          for k in range(start, min(start + batch, len(x)))]
            optimizer.step(weights, [sum(g) / len(per_sample) for g in zip(*per_sample)])
    return weights


def dropout_gradients(weights, x, t, hidden, output, cost, keep):
    """gradients with the outputs of hidden layer l + 1 multiplied by keep[l]: a network
    whose hidden activation is f(z) * keep, its slope f'(z) * keep."""
    names = [hidden] * (len(weights) - 1) + [output or hidden]
    factors = list(keep) + [np.ones(weights[-1].shape[0])]
    sums, outputs = [None], [np.asarray(x, dtype=float)]
    for w, name, k in zip(weights, names, factors):
        sums.append(w @ np.concatenate([[1.0], outputs[-1]]))
        outputs.append(activate(name, sums[-1]) * k)
    grads = [None] * len(weights)
    dc_da = cost_slope(outputs[-1], t, names[-1], cost)
    for l in range(len(weights) - 1, -1, -1):
        unkept = activate(names[l], sums[l + 1])
        s = (jacobian(names[l], sums[l + 1], unkept) * factors[l]).T @ dc_da
        grads[l] = np.outer(s, np.concatenate([[1.0], outputs[l]]))
        dc_da = weights[l][:, 1:].T @ s
    return grads
