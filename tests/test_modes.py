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


@pytest.mark.parametrize("name", [f for f in ACTIVATIONS if f != "softmax"])
def test_both_ways_give_each_activation_the_same_bits(compiled, source, name):
    # Both signs of every size of sum (compiled, the sigmoid picks its form without a
    # branch), the zeros, the ends of exp's range, infinities and NaNs of both signs.
    edges = [0.0, -0.0, 1e-300, 5e-324, 1.0, 36.0, 709.0, 710.0, 745.2, 1e300, np.inf, np.nan]
    z = np.concatenate([edges, np.random.default_rng(3).normal(scale=8.0, size=200)])
    for value in np.concatenate([z, -z]):
        got = [m.activations.output_of(name, float(value)) for m in (compiled, source)]
        assert np.array(got[0]).tobytes() == np.array(got[1]).tobytes(), (name, value)


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


def blank_bordered(rng, count, width):
    """Rows like images: 0 but for one run of any length (partly 0 too), some rows all 0."""
    x = np.zeros((count, width))
    for row in x:
        start = rng.integers(0, width)
        end = rng.integers(start, width + 1)
        row[start:end] = rng.uniform(size=end - start) * (rng.random(end - start) < 0.7)
    return x


# Inputs narrower than vector.h's 16 lanes, as wide and wider; and a middle layer of links
# whose inputs are blank too: ReLU neurons 15 to 89 of the first hidden layer never fire.
BORDERED = [([12, 5, 2], {}), ([15, 4, 2], {}), ([53, 7, 3], {}),
            ([53, 100, 20, 3], {"activation": "relu"})]
DEAD = slice(15, 90)


def bordered_network(lernmi, sizes, options):
    net = lernmi.Network(sizes, seed=3, **options)
    if len(sizes) > 3:  # their sums are -1 whatever the inputs, so they never learn either
        net.link_layers[0].weights[DEAD] = 0.0
        net.link_layers[0].weights[DEAD, 0] = -1.0
    return net


@pytest.mark.parametrize("sizes, options", BORDERED)
def test_the_waiting_step_leaves_out_blank_columns_to_the_same_bit(lernmi, sizes, options):
    # Learning one sample at a time by plain gradient descent, a layer's waiting step and the
    # next sample's sums leave out the columns (past the first 16) where both samples'
    # inputs are 0 (deferred.live_columns): there the step adds 0 and so does the sum. The
    # weights are those of learn, which takes every column, bit for bit, on any number of
    # threads.
    rng = np.random.default_rng(8)
    x, t = blank_bordered(rng, 40, sizes[0]), rng.uniform(size=(40, sizes[-1]))
    stepped = bordered_network(lernmi, sizes, options)
    for inputs, expected in zip(x, t):
        stepped.learn(inputs, expected)
    for threads in (1, 2, 3):
        trained = bordered_network(lernmi, sizes, options)
        trained.train(x, t, shuffle=False, threads=threads)
        for a, b in zip(trained.link_layers, stepped.link_layers):
            np.testing.assert_array_equal(a.weights, b.weights)


def test_the_blank_columns_are_left_out(source, monkeypatch):
    # The columns the test above leaves out, seen through live_columns (run as Python):
    # the blank borders of the inputs, and the first hidden layer's dead neurons.
    sizes, options = BORDERED[-1]
    spans = {}
    found = source.deferred.live_columns

    def spy(links, kept, after):
        live = found(links, kept, after)
        spans.setdefault(links.cols, []).append((live.col0, live.col1))
        return live

    monkeypatch.setattr(source.deferred, "live_columns", spy)
    rng = np.random.default_rng(8)
    x, t = blank_bordered(rng, 40, sizes[0]), rng.uniform(size=(40, sizes[-1]))
    bordered_network(source, sizes, options).train(x, t, shuffle=False)
    inputs, hidden = spans[54], spans[101]  # 39 samples after the first, each layer
    assert len(inputs) == len(hidden) == 39
    assert sum(col0 > 16 or col1 < 54 for col0, col1 in inputs) > len(inputs) // 2
    assert all(col0 == 80 for col0, _ in hidden)  # neuron 90's column, 91, is the first


@pytest.mark.parametrize("sizes, options", BORDERED)
@pytest.mark.parametrize("batch", [8, 45])
def test_the_batch_tiles_leave_out_blank_columns_to_the_same_bit(compiled, source, sizes,
                                                                 options, batch):
    # Compiled, a batch's tiles leave out the columns that are +0.0 in every sample of a
    # group of 32 (vector.h's lernmi_list_columns): forward they add nothing; a gradient
    # there is a sum of zeros, which lernmi_scatter_rows makes -0.0 or +0.0 as the sum
    # would. Run as Python, every column is taken. The weights agree to the bit, the sign of
    # a zero too (the dead neurons' links into the next layer start at -0.0, where plain
    # SGD's gradient of -0.0 makes +0.0 and one of +0.0 leaves -0.0), with momentum too, on
    # 1 and 2 threads, for one group and for several (45 samples).
    rng = np.random.default_rng(9)
    x, t = blank_bordered(rng, 45, sizes[0]), rng.uniform(size=(45, sizes[-1]))
    momentum = [0.0] + ([0.9] if len(sizes) > 3 else [])

    def trained(lernmi, threads):
        weights = []
        for mu in momentum:
            rule = lernmi.SGD(0.05 if mu else 0.5, momentum=mu)
            net = bordered_network(lernmi, sizes, {**options, "optimizer": rule})
            if len(sizes) > 3:
                net.link_layers[1].weights[:, 1 + DEAD.start:1 + DEAD.stop] = -0.0
            net.train(x, t, shuffle=False, batch_size=batch, threads=threads, epochs=2)
            weights.append([links.weights.tobytes() for links in net.link_layers])
        return weights

    expected = trained(source, 1)
    assert trained(compiled, 1) == expected
    assert trained(compiled, 2) == expected


@pytest.mark.filterwarnings("ignore:training diverged:RuntimeWarning")  # on purpose
@pytest.mark.parametrize("infinite", ["weight", "nan weight", "sensitivity"])
def test_a_batch_that_is_not_finite_takes_the_blank_columns_too(compiled, source, infinite):
    # 0 * inf and 0 * NaN are NaN, not 0: such a weight in a blank column makes its row's
    # sums NaN, and an infinite sensitivity the blank columns' gradients, so the tiles then
    # take every column, and the numbers are those of the source, which always does.
    # The infinity is in the second tile of four rows, the NaN in the first (the rows after
    # it are then taken with every column too), and the batch is two groups.
    x = np.zeros((40, 40))
    x[:, :15] = x[:, 31:36] = 1.0  # the links' columns 16 to 31 and 37 to 40 are blank
    t = np.ones((40, 2))
    nets = [m.Network([40, 8, 2], activation="identity", output_activation="identity",
                      seed=1) for m in (compiled, source)]
    for net in nets:
        if infinite == "weight":
            net.link_layers[0].weights[6, 20] = np.inf
        elif infinite == "nan weight":
            net.link_layers[0].weights[1, 20] = np.nan
        else:  # hidden outputs 0, so the cost is finite, but hidden neuron 5's sensitivity
            net.link_layers[0].weights[:] = 0.0  # is -inf
            net.link_layers[1].weights[:] = 0.0
            net.link_layers[1].weights[:, 6] = 1e308
        with np.errstate(all="ignore"):
            net.train(x, t, shuffle=False, batch_size=40)
    assert np.isnan(nets[0].link_layers[0].weights).any()
    for a, b in zip(*[[links.weights for links in net.link_layers] for net in nets]):
        np.testing.assert_array_equal(a, b)  # NaN where the source has NaN


@pytest.mark.filterwarnings("ignore:training diverged:RuntimeWarning")  # on purpose
def test_a_waiting_step_that_is_not_finite_takes_the_blank_columns_too(lernmi):
    # -eta * s * 0 is NaN, not 0, when a sensitivity s is infinite: learn's step makes the
    # blank columns' weights NaN, and so the next sample's sums and cost. So does train's.
    x = np.zeros((2, 40))
    x[:, :15] = x[:, 31:36] = 1.0  # the links' columns 16 to 31 and 37 to 40 are blank
    t = np.ones((2, 2))
    nets = [lernmi.Network([40, 3, 2], activation="identity", output_activation="identity",
                           seed=1) for _ in range(2)]
    for net in nets:
        net.link_layers[0].weights[:] = 0.0  # hidden outputs 0: the first cost is finite,
        net.link_layers[1].weights[:] = 1e308  # but the hidden sensitivities are -inf
        net.link_layers[1].weights[:, 0] = 0.0
    with np.errstate(all="ignore"):
        history = nets[0].train(x, t, shuffle=False)
        nets[1].learn(x[0], t[0])
        assert np.isnan(nets[1].run(x[1])).all()
    assert np.isnan(history["loss"][0])  # taking only the live columns, it was infinite
