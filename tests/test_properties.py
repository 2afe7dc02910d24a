"""Properties that hold for every network, checked on networks hypothesis draws: any shape,
activations, cost, optimiser, dropout and seed. Each holds bit for bit, compiled and run
from source."""

import math

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis", reason="the property tests need hypothesis")
from hypothesis import given, settings, strategies as st  # noqa: E402

import lernmi as installed  # noqa: E402

HIDDEN = installed.activations.usable("hidden")
OUTPUT = installed.activations.usable("output")
# Few examples each: every one trains networks, in both modes. derandomize: the same
# examples every run, so that a failure here is a failure everywhere.
SOME = settings(max_examples=25, deadline=None, derandomize=True)
# Drawn inputs may be small, which train warns about; that is not what these check.
pytestmark = pytest.mark.filterwarnings("ignore:the largest input is:UserWarning")


@st.composite
def networks(draw):
    """The arguments of a Network, and samples that suit it (rows, expected rows)."""
    sizes = draw(st.lists(st.integers(1, 6), min_size=2, max_size=4))
    output = draw(st.sampled_from(OUTPUT))
    if output == "softmax" and sizes[-1] < 2:
        sizes[-1] = 2
    cost = draw(st.sampled_from(["quadratic", "cross_entropy"]
                                if output in ("sigmoid", "softmax") else ["quadratic"]))
    optimizer = draw(st.sampled_from([("SGD", {}), ("SGD", {"momentum": 0.9}),
                                      ("SGD", {"momentum": 0.5, "nesterov": True,
                                               "weight_decay": 0.01}),
                                      ("Adam", {"weight_decay": 0.001})]))
    options = dict(activation=draw(st.sampled_from(HIDDEN)), output_activation=output,
                   cost=cost, dropout=draw(st.sampled_from([0.0, 0.3])),
                   seed=draw(st.integers(0, 2**32 - 1)))
    rows = draw(st.integers(1, 12))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.uniform(-2.0, 2.0, (rows, sizes[0]))
    if output == "softmax":
        t = np.eye(sizes[-1])[rng.integers(0, sizes[-1], rows)]
    else:
        t = rng.uniform(0.0, 1.0, (rows, sizes[-1]))
    return sizes, optimizer, options, x, t, draw(st.sampled_from([1, 3]))


def build(lernmi, sizes, optimizer, options):
    name, settings_ = optimizer
    return lernmi.Network(sizes, optimizer=getattr(lernmi, name)(0.05, **settings_),
                          **options)


def weights(net):
    return [np.array(links.weights) for links in net.link_layers]


def same(first, second):
    for a, b in zip(weights(first), weights(second)):
        np.testing.assert_array_equal(a, b)


@SOME
@given(networks())
def test_a_seed_gives_the_same_network_trained_the_same_way(lernmi, drawn):
    sizes, optimizer, options, x, t, batch = drawn
    first, second = (build(lernmi, sizes, optimizer, options) for _ in range(2))
    same(first, second)
    for net in (first, second):
        net.train(x, t, epochs=2, batch_size=batch, progress=False)
    same(first, second)


@SOME
@given(networks())
def test_compiled_and_source_train_the_same_network(compiled, source, drawn):
    sizes, optimizer, options, x, t, batch = drawn
    nets = [build(lernmi, sizes, optimizer, options) for lernmi in (compiled, source)]
    for net in nets:
        net.train(x, t, epochs=2, batch_size=batch, progress=False)
    same(*nets)
    np.testing.assert_array_equal(nets[0].predict(x), nets[1].predict(x))


@SOME
@given(networks())
def test_save_then_load_answers_and_trains_on_identically(lernmi, tmp_path_factory, drawn):
    sizes, optimizer, options, x, t, batch = drawn
    net = build(lernmi, sizes, optimizer, options)
    net.train(x, t, epochs=1, batch_size=batch, progress=False)
    path = tmp_path_factory.mktemp("saved") / "net.npz"
    net.save(path)
    loaded = lernmi.Network.load(path)
    np.testing.assert_array_equal(loaded.predict(x), net.predict(x))
    for each in (net, loaded):
        each.train(x, t, epochs=2, batch_size=batch, progress=False)
    same(net, loaded)
    assert loaded.steps == net.steps


@SOME
@given(networks())
def test_predict_is_run_row_by_row(lernmi, drawn):
    sizes, optimizer, options, x, t, batch = drawn
    net = build(lernmi, sizes, optimizer, options)
    net.train(x, t, epochs=1, batch_size=batch, progress=False)
    rows = net.predict(x)
    for row, inputs in zip(rows, x):
        np.testing.assert_array_equal(row, net.run(inputs))


@SOME
@given(networks(), st.integers(1, 5))
def test_predict_and_evaluate_do_not_depend_on_the_thread_count(compiled, drawn, threads):
    sizes, optimizer, options, x, t, batch = drawn
    net = build(compiled, sizes, optimizer, options)
    x, t = np.tile(x, (7, 1)), np.tile(t, (7, 1))  # enough rows for several parts
    one = (net.predict(x), net.evaluate(x, t), compiled.inference.score(net.arrays, x, t))
    inference = compiled.inference
    saved = inference.THREADS, inference.PART_ROWS
    try:
        inference.THREADS, inference.PART_ROWS = threads, 1
        many = (net.predict(x), net.evaluate(x, t), inference.score(net.arrays, x, t))
    finally:
        inference.THREADS, inference.PART_ROWS = saved
    np.testing.assert_array_equal(one[0], many[0])
    assert one[1] == many[1] and one[2] == many[2] and math.isfinite(one[2][0])
