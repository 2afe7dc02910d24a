"""One source, two ways to run: compiled C by default, the same .py files on request."""

import importlib.machinery
import os
import subprocess
import sys

import numpy as np
import pytest

from tables import ACTIVATIONS

CORE = ("Neuron", "Link", "NeuronLayer", "LinkLayer")


def test_the_installed_core_is_compiled_extension_types(compiled):
    assert compiled.COMPILED
    for name in CORE:
        cls = getattr(compiled, name)
        module = sys.modules[cls.__module__]
        assert module.__file__.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)), name
    # Extension-type instances carry typed C fields, not a __dict__.
    assert not hasattr(compiled.Neuron(), "__dict__")
    assert not hasattr(compiled.Link(1.0), "__dict__")


def test_the_source_copy_runs_the_py_files(source):
    assert not source.COMPILED
    for name in CORE:
        assert sys.modules[getattr(source, name).__module__].__file__.endswith(".py")


# Every activation, hidden and at the output, and both costs.
KINDS = [(f, f, "quadratic") for f in ACTIVATIONS if f != "softmax"] + [
    ("relu", "softmax", "cross_entropy"), ("gelu", "sigmoid", "cross_entropy")]


@pytest.mark.parametrize("hidden, output, cost", KINDS)
def test_both_ways_give_the_same_numbers_to_the_last_bit(compiled, source, hidden, output, cost):
    # Layers wider than vector.h's 16 lanes, so that its sums' fixed order is exercised.
    rng = np.random.default_rng(11)
    x, labels = rng.uniform(size=(20, 37)), rng.integers(0, 3, size=20)
    nets = [m.Network([37, 21, 18, 3], activation=hidden, output_activation=output, cost=cost,
                      training_rate=0.05, seed=12) for m in (compiled, source)]
    for net in nets:
        net.train(x, labels, epochs=3)
        net.learn(x[0], np.eye(3)[labels[0]])
    for a, b in zip(*[[links.weights for links in net.link_layers] for net in nets]):
        assert np.isfinite(a).all()
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(nets[0].predict(x), nets[1].predict(x))


def test_both_ways_use_the_same_codes(compiled, source):
    # Compiled, a code is a C int set where its table entry is; run as Python, a Python int.
    assert compiled.activations.ACTIVATION_NAMES == source.activations.ACTIVATION_NAMES
    assert compiled.costs.COST_NAMES == source.costs.COST_NAMES


def run_python(code, **env):
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, **env}, check=True)
    return result.stdout.strip()


def test_the_environment_switch_picks_the_source():
    code = ("import lernmi; "
            "print(lernmi.COMPILED, lernmi.Neuron.__module__, lernmi.activations.__file__)")
    compiled, _, path = run_python(code, LERNMI_PURE_PYTHON="1").split()
    assert (compiled, path[-3:]) == ("False", ".py")
    for off in ("0", "false", ""):
        assert run_python(code, LERNMI_PURE_PYTHON=off).split()[0] == "True"


@pytest.mark.parametrize("batch", [1, 7])
def test_an_input_neuron_made_a_bias_neuron_outputs_1_while_the_network_learns(lernmi, batch):
    # The loops load an input layer of identity neurons in one pass; one that is not (here
    # an input neuron made a bias neuron) learns, and predicts, as if its input were always 1.
    rng = np.random.default_rng(0)
    x, t = rng.random((20, 4)), rng.random((20, 2))
    biased, plain = (lernmi.Network([4, 5, 2], seed=1) for _ in range(2))
    biased.neuron_layers[0].learning_neurons[2].bias()
    ones = x.copy()
    ones[:, 2] = 1.0
    biased.train(x, t, epochs=2, batch_size=batch, progress=False)
    plain.train(ones, t, epochs=2, batch_size=batch, progress=False)
    for a, b in zip(biased.link_layers, plain.link_layers):
        np.testing.assert_array_equal(a.weights, b.weights)
    assert not np.array_equal(x, ones)  # (the inputs differ; the networks do not)
    np.testing.assert_array_equal(biased.predict(x), plain.predict(ones))


OPTIMIZERS = {"sgd": lambda m: m.SGD(0.3),
              "decay": lambda m: m.SGD(0.3, weight_decay=0.01),
              "momentum": lambda m: m.SGD(0.1, momentum=0.9, weight_decay=0.001),
              "nesterov": lambda m: m.SGD(0.1, momentum=0.8, nesterov=True),
              "adam": lambda m: m.Adam(0.01),
              "adam_decay": lambda m: m.Adam(0.02, betas=(0.8, 0.99), weight_decay=0.01)}


@pytest.mark.parametrize("sizes", [[37, 3], [37, 21, 3], [40, 17, 9, 3]])
@pytest.mark.parametrize("rule", OPTIMIZERS)
def test_the_waiting_steps_are_taken_by_the_end_of_train(lernmi, sizes, rule):
    # Per-sample learning takes the step of every layer of links but the output layer's (in
    # a network with a hidden layer) of one sample in the next one's forward pass, and the
    # last one's at the end of each train call, with any optimiser: the weights and the
    # optimiser's numbers are those of learn, one sample at a time, bit for bit, whatever
    # comes between two trains (Adam's step count too).
    rng = np.random.default_rng(5)
    x, t = rng.uniform(size=(9, sizes[0])), rng.uniform(size=(9, sizes[-1]))
    trained, stepped = (lernmi.Network(sizes, optimizer=OPTIMIZERS[rule](lernmi), seed=2)
                        for _ in range(2))
    for rows in (slice(0, 1), slice(0, 9), slice(4, 9)):
        trained.train(x[rows], t[rows], shuffle=False)
        for inputs, expected in zip(x[rows], t[rows]):
            stepped.learn(inputs, expected)
        for a, b in zip(trained.link_layers, stepped.link_layers):
            for mine, theirs in zip(a.store.views(), b.store.views()):  # w, settings, m, v
                np.testing.assert_array_equal(mine, theirs)
        np.testing.assert_array_equal(trained.run(x[0]), stepped.run(x[0]))
