"""Dropout: hidden neurons dropped while learning, from the network's seed; every neuron
used, unscaled, otherwise."""

import numpy as np
import pytest

import reference


def data(rows=12, inputs=6, outputs=3, seed=7):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, size=(rows, inputs)), np.eye(outputs)[rng.integers(0, outputs,
                                                                                   rows)]


def masks(seed_state, rows, hidden, p):
    """The keep factors the network draws: rows x hidden, from its generator's state."""
    rng = np.random.default_rng()
    rng.bit_generator.state = seed_state
    return np.where(rng.random((rows, hidden)) >= p, 1.0 / (1.0 - p), 0.0)


@pytest.mark.parametrize("batch", [1, 4])
def test_training_with_dropout_matches_the_numpy_oracle(lernmi, batch):
    x, t = data()
    net = lernmi.Network([6, 5, 4, 3], dropout=0.4, seed=3, training_rate=0.5)
    start = [links.weights.copy() for links in net.link_layers]
    keep = masks(net.rng.bit_generator.state, len(x), 9, 0.4)
    net.train(x, t, batch_size=batch, shuffle=False)
    weights = [w.copy() for w in start]
    optimizer = reference.Optimizer(weights, rate=0.5)
    for begin in range(0, len(x), batch):
        rows = range(begin, min(begin + batch, len(x)))
        grads = [reference.gradients(weights, x[k], t[k], keep=(keep[k, :5], keep[k, 5:]))
                 for k in rows]
        optimizer.step(weights, [sum(g) / len(grads) for g in zip(*grads)])
    for links, w in zip(net.link_layers, weights):
        np.testing.assert_allclose(links.weights, w, rtol=1e-10, atol=1e-12)


def test_dropout_is_the_same_both_ways_and_from_the_seed(compiled, source):
    x, t = data(rows=30, inputs=37)
    nets = [m.Network([37, 21, 3], activation="relu", dropout=0.3, seed=5,
                      optimizer=m.SGD(0.1, momentum=0.5)) for m in (compiled, source)]
    nets.append(compiled.Network([37, 21, 3], activation="relu", dropout=0.3, seed=5,
                                 optimizer=compiled.SGD(0.1, momentum=0.5)))
    for net in nets:
        net.train(x, t, epochs=2, batch_size=7)
    for net in nets[1:]:
        for a, b in zip(nets[0].link_layers, net.link_layers):
            np.testing.assert_array_equal(a.weights, b.weights)


def test_learn_drops_as_train_does(lernmi):
    x, t = data()
    nets = [lernmi.Network([6, 8, 3], dropout=0.5, seed=2) for _ in range(2)]
    nets[0].train(x, t, shuffle=False)
    for row in range(len(x)):
        nets[1].learn(x[row], t[row])
    for a, b in zip(nets[0].link_layers, nets[1].link_layers):
        np.testing.assert_array_equal(a.weights, b.weights)


def test_a_dropped_neuron_learns_nothing_and_run_uses_every_neuron(lernmi):
    net = lernmi.Network([6, 10, 3], dropout=0.5, seed=4)
    before = [links.weights.copy() for links in net.link_layers]
    keep = masks(net.rng.bit_generator.state, 1, 10, 0.5)[0]
    x, t = data(rows=1)
    net.learn(x[0], t[0])
    dropped = keep == 0.0
    assert dropped.any() and (~dropped).any()
    np.testing.assert_array_equal(net.link_layers[0].weights[dropped], before[0][dropped])
    assert (net.link_layers[0].weights[~dropped] != before[0][~dropped]).any()
    out = np.flatnonzero(dropped) + 1  # columns of the links out of them (bias first)
    np.testing.assert_array_equal(net.link_layers[1].weights[:, out], before[1][:, out])
    for layer in net.neuron_layers:
        assert (layer.store.views().keep == 1.0).all()
    twin = lernmi.Network([6, 10, 3], seed=4)
    for a, b in zip(twin.link_layers, net.link_layers):
        a.weights[...] = b.weights
    np.testing.assert_array_equal(net.run(x[0]), twin.run(x[0]))
    np.testing.assert_array_equal(net.predict(x), twin.predict(x))


def test_the_trace_shows_the_mask_when_learning(lernmi):
    net = lernmi.Network([2, 6, 1], dropout=0.5, seed=1)
    assert net.trace([1.0, 0.5], [1.0]).layers[0].keep is None  # not learning: all used
    keep = masks(net.rng.bit_generator.state, 1, 6, 0.5)[0]
    trace = net.trace([1.0, 0.5], [1.0], learn=True)
    np.testing.assert_array_equal(trace.layers[0].keep, keep)
    assert trace.layers[1].keep is None  # the output layer is never dropped
    assert "(dropped)" in trace.format(shown=6)
    assert np.all(trace.layers[0].a[keep == 0] == 0)


def test_bad_dropout_is_refused(lernmi):
    for bad in (1.0, -0.1, float("nan")):
        with pytest.raises(ValueError, match="dropout"):
            lernmi.Network([2, 3, 1], dropout=bad)
    with pytest.raises(TypeError):
        lernmi.Network([2, 3, 1], dropout="half")
    net = lernmi.Network([2, 3, 1], dropout=0.2)
    with pytest.raises(ValueError):
        net.dropout = 1.5
    assert net.dropout == 0.2


def test_two_hidden_layers_drop_in_learn_as_in_train(lernmi):
    x, t = data()
    nets = [lernmi.Network([6, 5, 4, 3], dropout=0.5, seed=2) for _ in range(2)]
    nets[0].train(x, t, shuffle=False)
    for row in range(len(x)):
        nets[1].learn(x[row], t[row])
    for a, b in zip(nets[0].link_layers, nets[1].link_layers):
        np.testing.assert_array_equal(a.weights, b.weights)
    trace = nets[1].trace(x[0], t[0], learn=True)
    assert trace.layers[0].keep.shape == (5,) and trace.layers[1].keep.shape == (4,)


def test_the_trace_shows_how_keep_enters_s(lernmi):
    net = lernmi.Network([2, 8, 1], dropout=0.5, seed=1)
    keep = masks(net.rng.bit_generator.state, 1, 8, 0.5)[0]
    trace = net.trace([1.0, 0.5], [1.0], learn=True)
    text = trace.format(shown=8)
    assert "dropped for this sample: s = 0" in text
    kept = int(np.flatnonzero(keep)[0])
    step = trace.layers[0]
    slope = lernmi.activations.slope_of("sigmoid", step.z[kept],
                                        lernmi.activations.output_of("sigmoid", step.z[kept]))
    assert step.s[kept] == keep[kept] * step.delta[kept] * slope
    assert "s = keep * delta * f'(z) = 2 * " in text


def test_learning_in_two_threads_with_different_masks_is_safe():
    # Each call's dropout factors are its own: another thread's call, with other factors,
    # neither changes nor shortens them while the first one's loop reads them.
    code = """
import threading, numpy as np, lernmi
from lernmi.learning_loops import learn_rows
net = lernmi.Network([4, 64, 2], seed=0); arrays = net.arrays; n = 40000
rng = np.random.default_rng(0)
x, t = rng.random((n, 4)), rng.random((n, 2))
def long():
    for _ in range(3):
        learn_rows(arrays, x, t, np.arange(n, dtype=np.intp), np.zeros(2), 1, np.ones((n, 64)))
def short():
    for _ in range(3000):
        learn_rows(arrays, x, t, np.zeros(1, np.intp), np.zeros(2), 1, np.ones((1, 64)))
threads = [threading.Thread(target=f) for f in (long, short)]
for thread in threads: thread.start()
for thread in threads: thread.join()
print("done")
"""
    import subprocess
    import sys
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0 and result.stdout.strip() == "done", result.stderr
