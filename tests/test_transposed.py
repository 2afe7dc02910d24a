"""The links out of the input layer held transposed while batches learn (transposed.py)
give the numbers the rows' tiles give, bit for bit: for every rule, with dropout, over one
and several GROUPs of samples, with zeros of both signs, and with weights or sensitivities
that are not finite. The oracle is the same compiled lernmi with the layer left in rows
(transposed.BLANK above 1: no inputs are blank enough), which the compiled-against-source
tests check against the source. tests/c/transposed.c checks the kernels number by number."""

import threading

import numpy as np
import pytest

import lernmi
from lernmi import transposed

pytestmark = pytest.mark.skipif(not transposed.READY,
                                reason="the kernels need x86-64 Linux, compiled, and AVX-512")

RULES = {"sgd": lernmi.SGD(0.3), "decay": lernmi.SGD(0.2, weight_decay=0.01),
         "momentum": lernmi.SGD(0.05, momentum=0.9),
         "nesterov": lernmi.SGD(0.05, momentum=0.8, nesterov=True, weight_decay=0.001),
         "adam": lernmi.Adam(0.01), "adam_decay": lernmi.Adam(0.02, weight_decay=0.01)}


def inputs(rows, cols, seed=0, blank=0.8):
    """Mostly +0.0, a few -0.0, the rest uniform in [0, 1) with all their bits."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(size=(rows, cols))
    x[rng.random((rows, cols)) < blank] = 0.0
    x[rng.random((rows, cols)) < 0.02] = -0.0
    return x


def bits(array):
    """The array's bits, every NaN alike (which NaN an operation passes on is the CPU's
    choice), so that +0.0 and -0.0 differ."""
    return np.where(np.isnan(array), np.nan, array).view(np.uint64)


def trained_both_ways(monkeypatch, make, train):
    """Two networks make() gives, trained by train(net): held transposed, and in rows."""
    nets = []
    for blank in (transposed.BLANK, 2.0):
        with monkeypatch.context() as patch:
            patch.setattr(transposed, "BLANK", blank)
            net = make()
            with np.errstate(all="ignore"):
                train(net)
            nets.append(net)
    return nets


def assert_same_bits(nets):
    for a, b in zip(nets[0].link_layers, nets[1].link_layers):
        for mine, theirs in zip(a.store.views(), b.store.views()):  # w, settings, m, v
            np.testing.assert_array_equal(bits(mine), bits(theirs))


def test_it_takes_blank_inputs_in_batches_only():
    net = lernmi.Network([40, 9, 3], seed=0)
    x, order = inputs(300, 40), np.arange(300)
    held = transposed.inputs_for(net.arrays, x, order, 2, 0, 9)
    assert isinstance(held, transposed.Transposed)
    assert transposed.inputs_for(net.arrays, x, order, 1, 0, 9) is None  # one at a time
    assert transposed.inputs_for(net.arrays, x + 1.0, order, 32, 0, 9) is None  # dense
    assert transposed.inputs_for(net.arrays, x, order[:0], 32, 0, 9) is None
    assert transposed.inputs_for(net.arrays, x, order, 32, 0, 0) is None  # no rows


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("sizes, batch, dropout", [
    ([40, 9, 3], 7, 0.0),  # rows that are not whole vectors of eight
    ([40, 9, 3], 32, 0.0),  # (a power of two: the mean by a multiplication)
    ([70, 130, 4], 33, 0.25),  # two blocks of rows; two GROUPs of samples
    ([33, 16, 8, 3], 70, 0.0),  # a hidden layer beneath; three GROUPs
    ([40, 1, 3], 32, 0.0),  # on two threads the first has none of their rows to hold
    ([17, 5], 2, 0.0)])  # the input layer's links are the output layer's too
def test_held_transposed_the_numbers_are_the_rows_numbers(monkeypatch, rule, sizes, batch,
                                                          dropout, threads):
    # On two threads, each holds its rows of the input layer's links (a network without a
    # hidden layer, or with a softmax one, is learnt on one).
    x, labels = inputs(150, sizes[0]), np.arange(150) % sizes[-1]

    def make():
        return lernmi.Network(sizes, activation="relu", output_activation="softmax",
                              cost="cross_entropy", optimizer=RULES[rule], dropout=dropout,
                              seed=9)

    nets = trained_both_ways(monkeypatch, make,
                             lambda net: net.train(x, labels, epochs=2, batch_size=batch,
                                                   threads=threads))
    assert np.all(np.isfinite(nets[0].link_layers[0].weights))
    assert_same_bits(nets)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("rule", ["momentum", "adam"])
def test_a_rate_each_step_gives_the_rows_numbers(monkeypatch, rule, threads):
    x, labels = inputs(150, 40), np.arange(150) % 3

    def make():
        return lernmi.Network([40, 20, 3], activation="relu", output_activation="softmax",
                              cost="cross_entropy", optimizer=RULES[rule], seed=9)

    def schedule(epoch):  # up from 0 for half an epoch, then down in a line to 0
        return 0.05 * min(epoch / 0.5, (2.0 - epoch) / 1.5)

    nets = trained_both_ways(monkeypatch, make, lambda net: net.train(
        x, labels, epochs=2, batch_size=16, threads=threads, schedule_every="step",
        schedule=schedule))
    assert np.all(np.isfinite(nets[0].link_layers[0].weights))
    # Ten steps an epoch: the last one's rate is set after.
    assert nets[0].training_rate == nets[1].training_rate == schedule(1.0 + 9 / 10)
    assert_same_bits(nets)


@pytest.mark.parametrize("activation", ["identity", "relu"])
def test_zeros_keep_their_signs(monkeypatch, activation):
    # Sensitivities all positive (outputs above their targets, through positive weights), or
    # +0.0 for dead ReLU neurons; inputs of -0.0 in every sample (column 20) or some (21),
    # or of +0.0 in every sample (5 to 11): many gradients are zeros, -0.0 when every term
    # is (s * -0.0 for s > 0), which steps a weight of -0.0 to +0.0.
    x = inputs(64, 40, seed=3, blank=0.9)
    x[:, 5:12] = 0.0
    x[:, 20] = -0.0
    x[::2, 21] = -0.0

    def make():
        net = lernmi.Network([40, 12, 3], activation=activation, output_activation="identity",
                             seed=2)
        weights = net.link_layers[0].weights
        weights[:] = np.abs(weights)
        weights[:4] *= -1.0  # ReLU neurons 0 to 3 dead
        weights[:, ::3] = weights[:, 20:22] = -0.0
        net.link_layers[1].weights[:] = np.abs(net.link_layers[1].weights)
        return net

    nets = trained_both_ways(monkeypatch, make, lambda net: net.train(
        x, np.full((64, 3), -10.0), epochs=2, batch_size=16, shuffle=False, threads=1))
    assert np.any(nets[0].link_layers[0].weights == 0)  # (their signs are compared)
    assert_same_bits(nets)


@pytest.mark.filterwarnings("ignore:training diverged:RuntimeWarning")  # on purpose
@pytest.mark.parametrize("odd", ["inf weight", "nan weight", "inf sensitivity"])
def test_not_finite_numbers_take_every_input(monkeypatch, odd):
    # 0 * inf and 0 * NaN are NaN: the kernels then take the inputs of +0.0 too.
    x = inputs(40, 40, seed=4)

    def make():
        net = lernmi.Network([40, 8, 2], activation="identity", output_activation="identity",
                             seed=1)
        if odd == "inf weight":
            net.link_layers[0].weights[6, 20] = np.inf
        elif odd == "nan weight":
            net.link_layers[0].weights[1, 20] = np.nan
        else:  # hidden outputs 0, the cost finite, but hidden neuron 5's sensitivity -inf
            net.link_layers[0].weights[:] = 0.0
            net.link_layers[1].weights[:] = 0.0
            net.link_layers[1].weights[:, 6] = 1e308
        return net

    nets = trained_both_ways(monkeypatch, make, lambda net: net.train(
        x, np.ones((40, 2)), batch_size=20, shuffle=False, threads=1))
    assert np.isnan(nets[0].link_layers[0].weights).any()
    assert_same_bits(nets)


def test_a_thread_left_alone_takes_every_row(monkeypatch):
    # A team whose other thread cannot start leaves thread 0 to learn alone: the rows it
    # holds transposed are only its share, so it learns from the rows as they are.
    x, labels = inputs(150, 70), np.arange(150) % 4
    real_start = threading.Thread.start

    def start(self):
        if self.name.startswith("lernmi-"):
            raise RuntimeError("can't start new thread")
        real_start(self)

    def make():
        return lernmi.Network([70, 30, 4], optimizer=lernmi.SGD(0.1, momentum=0.9), seed=3)

    def train(net):
        with monkeypatch.context() as patch:
            patch.setattr(threading.Thread, "start", start)
            net.train(x, labels, epochs=2, batch_size=32, threads=2)

    assert_same_bits(trained_both_ways(monkeypatch, make, train))


def test_a_batch_bigger_than_the_rows_is_one_batch_of_them(monkeypatch):
    # Room is made for the samples there are, not for the batch size asked for.
    x, labels = inputs(70, 40), np.arange(70) % 3

    def make():
        return lernmi.Network([40, 9, 3], seed=5)

    for batch in (100, 10**9, 2**63 - 1):
        assert_same_bits(trained_both_ways(monkeypatch, make, lambda net: net.train(
            x, labels, batch_size=batch, shuffle=False, threads=1)))
