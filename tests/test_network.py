"""Network: built from layers, checked against a numpy network and finite differences."""

import gc
import threading
import time
import warnings

import numpy as np
import pytest

import reference

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_T = np.array([[0], [1], [1], [0]], dtype=float)


def weights(net):
    return [links.weights.copy() for links in net.link_layers]


def test_layers_and_their_activations(lernmi):
    net = lernmi.Network([3, 4, 2], seed=1)
    assert net.layer_sizes == (3, 4, 2)
    assert [layer.activation for layer in net.neuron_layers] == ["identity", "sigmoid", "sigmoid"]
    assert [links.weights.shape for links in net.link_layers] == [(4, 4), (2, 5)]
    assert net.link_layers[1].input_layer is net.neuron_layers[1]
    assert repr(net) == "Network(3 -> 4 sigmoid -> 2 sigmoid, 26 links)"
    assert repr(lernmi.Network([784, 30, 10])) == \
        "Network(784 -> 30 sigmoid -> 10 sigmoid, 23,860 links)"


def test_neurons_and_weights_outlive_their_network(lernmi):
    net = lernmi.Network([2, 3, 1], seed=0)
    neuron, weights = net.neuron_layers[1].learning_neurons[0], net.link_layers[1].weights
    link = net.link_layers[0].links[-1]
    del net
    gc.collect()
    neuron.input(0.0)
    assert neuron.output() == 0.5
    weights[0, 0] = 2.5
    link.weight = -1.5
    assert (weights[0, 0], link.weight) == (2.5, -1.5)


def test_the_input_layer_passes_inputs_through(lernmi):
    net = lernmi.Network([3, 2], seed=1)
    net.run([5.0, -3.0, 0.25])
    assert [n.output() for n in net.neuron_layers[0].learning_neurons] == [5.0, -3.0, 0.25]


def test_run_matches_the_numpy_network(lernmi):
    net = lernmi.Network([4, 5, 3, 2], seed=2)
    x = np.random.default_rng(0).normal(size=4)
    np.testing.assert_allclose(net.run(x), reference.forward(weights(net), x)[1][-1],
                               rtol=1e-13, atol=0)


def test_learn_is_one_step_of_gradient_descent(lernmi):
    net = lernmi.Network([4, 5, 3, 2], training_rate=0.7, seed=3)
    rng = np.random.default_rng(1)
    x, t = rng.normal(size=4), rng.uniform(size=2)
    expected = reference.sgd_step(weights(net), x, t, 0.7)
    net.learn(x, t)
    for got, want in zip(weights(net), expected):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_train_does_what_learn_does_on_each_row(lernmi):
    rng = np.random.default_rng(5)
    x, t = rng.normal(size=(7, 3)), rng.uniform(size=(7, 2))
    by_learn = lernmi.Network([3, 4, 3, 2], training_rate=0.4, seed=6)
    by_train = lernmi.Network([3, 4, 3, 2], training_rate=0.4, seed=6)
    for _ in range(2):
        for row in range(7):
            by_learn.learn(x[row], t[row])
    by_train.train(x, t, epochs=2, shuffle=False)
    for got, want in zip(weights(by_train), weights(by_learn)):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_the_same_seed_gives_the_same_network_and_training(lernmi):
    a, b = (lernmi.Network([2, 3, 1], seed=9) for _ in range(2))
    c = lernmi.Network([2, 3, 1], seed=10)
    assert all(np.array_equal(p, q) for p, q in zip(weights(a), weights(b)))
    assert not np.array_equal(weights(a)[0], weights(c)[0])
    a.train(XOR_X, XOR_T, epochs=3)
    b.train(XOR_X, XOR_T, epochs=3)
    assert all(np.array_equal(p, q) for p, q in zip(weights(a), weights(b)))


def test_shuffling_changes_the_order(lernmi):
    a, b = (lernmi.Network([2, 3, 1], seed=9) for _ in range(2))
    a.train(XOR_X, XOR_T, epochs=3)
    b.train(XOR_X, XOR_T, epochs=3, shuffle=False)
    assert not np.array_equal(weights(a)[0], weights(b)[0])


def test_xor_is_learned(compiled):
    net = compiled.Network([2, 3, 1], training_rate=0.5, seed=0)
    net.train(XOR_X, XOR_T, epochs=5000)
    outputs = np.array([net.run(x)[0] for x in XOR_X])
    np.testing.assert_array_equal(outputs.round(), XOR_T[:, 0])
    assert np.abs(outputs - XOR_T[:, 0]).max() < 0.1


def test_training_rate_is_every_link_layers(lernmi):
    net = lernmi.Network([2, 3, 1], training_rate=0.25)
    assert [links.training_rate for links in net.link_layers] == [0.25, 0.25]
    net.training_rate = 0.5
    assert [links.training_rate for links in net.link_layers] == [0.5, 0.5]


def test_train_uses_the_rates_and_weights_the_layers_show(lernmi):
    net = lernmi.Network([2, 3, 1], seed=0)
    net.link_layers[0].training_rate = 0.0
    net.link_layers[1].weights[:] = 0.25
    before = net.link_layers[0].weights.copy()
    net.train(XOR_X, XOR_T)
    np.testing.assert_array_equal(net.link_layers[0].weights, before)  # eta 0: no step
    assert not np.array_equal(net.link_layers[1].weights, np.full((1, 4), 0.25))


@pytest.mark.parametrize("sizes, error", [
    ([], ValueError), ([3], ValueError), ([2, 0], ValueError), ([2, -1, 1], ValueError),
    ([2, "3"], TypeError), ([2, 1.5], TypeError), (5, TypeError)])
def test_bad_layer_sizes(lernmi, sizes, error):
    with pytest.raises(error):
        lernmi.Network(sizes)


@pytest.mark.parametrize("seed, error", [
    (-1, ValueError), (np.int64(-1), ValueError), (1.5, TypeError), (True, TypeError),
    ("0", TypeError), ([1, -2], ValueError)])
def test_a_seed_is_none_or_an_int_of_0_or_more(lernmi, seed, error):
    with pytest.raises(error, match=r"seed must be None or (an )?integers?"):
        lernmi.Network([3, 2], seed=seed)


def test_a_seed_may_be_anything_numpy_seeds_from(lernmi):
    """A list of ints, or a SeedSequence (spawned for parallel runs): as numpy takes them."""
    listed = lernmi.Network([3, 2], seed=[1, 2]).link_layers[0].weights
    spawned = lernmi.Network([3, 2], seed=np.random.SeedSequence([1, 2])).link_layers[0].weights
    np.testing.assert_array_equal(listed, spawned)
    assert not np.array_equal(listed, lernmi.Network([3, 2], seed=1).link_layers[0].weights)


@pytest.mark.parametrize("call, error", [
    (lambda net: net.learn([1.0, 2.0, 3.0], [1.0]), ValueError),
    (lambda net: net.learn([1.0, 2.0], [1.0, 0.0]), ValueError),
    (lambda net: net.learn([1.0, float("nan")], [1.0]), ValueError),
    (lambda net: net.learn([1.0, 2.0], [float("inf")]), ValueError),
    (lambda net: net.learn(["a", "b"], [1.0]), TypeError),
    (lambda net: net.run([1.0]), ValueError),
    (lambda net: net.train(XOR_X, XOR_T[:3]), ValueError),
    (lambda net: net.train(XOR_X[0], XOR_T[0]), ValueError),
    (lambda net: net.train(XOR_X[:, :1], XOR_T), ValueError),
    (lambda net: net.train(np.where(XOR_X == 1, np.nan, 0), XOR_T), ValueError),
    (lambda net: net.train(np.where(XOR_X == 1, np.inf, 0), XOR_T), ValueError),
    (lambda net: net.train(np.where(XOR_X == 1, np.inf, -np.inf), XOR_T), ValueError),
    (lambda net: net.train(XOR_X[:0], XOR_T[:0]), ValueError),
    (lambda net: net.train(XOR_X, XOR_T, epochs=0), ValueError),
    (lambda net: net.train(XOR_X, XOR_T, epochs=1.5), TypeError),
    (lambda net: net.train(XOR_X, XOR_T, shuffle="no"), TypeError),
    (lambda net: setattr(net, "training_rate", float("nan")), ValueError),
])
def test_bad_input_raises_before_any_weight_changes(lernmi, call, error):
    net = lernmi.Network([2, 3, 1], seed=0)
    before = weights(net)
    with pytest.raises(error):
        call(net)
    assert all(np.array_equal(p, q) for p, q in zip(before, weights(net)))
    assert net.training_rate == 0.1


RAGGED = [[1.0, 2.0], [1.0]]


@pytest.mark.parametrize("call, name", [
    (lambda net: net.run([1.0, [2.0]]), "inputs"),
    (lambda net: net.learn([[1.0, 2.0], 3.0], [1.0]), "inputs"),
    (lambda net: net.learn([1.0, 2.0], [[1.0], []]), "expected_outputs"),
    (lambda net: net.trace([1.0, [2.0, 3.0]]), "inputs"),
    (lambda net: net.train(RAGGED, [[1.0], [0.0]]), "inputs"),
    (lambda net: net.train([[1.0, 2.0]] * 2, [[1.0], [0.0, 1.0]]), "expected_outputs"),
    (lambda net: net.train(XOR_X, XOR_T, validation_data=(RAGGED, [1, 0])), "validation inputs"),
    (lambda net: net.predict(RAGGED), "inputs"),
    (lambda net: net.evaluate(RAGGED, [1, 0]), "inputs"),
])
def test_a_ragged_list_is_named(lernmi, call, name):
    # numpy's own error ("setting an array element with a sequence") names nothing.
    net = lernmi.Network([2, 3, 1], seed=0)
    before = weights(net)
    with pytest.raises(ValueError, match=f"^{name} is a ragged list: its rows are not all "):
        call(net)
    assert all(np.array_equal(p, q) for p, q in zip(before, weights(net)))


def test_rows_of_the_same_length_holding_something_else_are_not_ragged(lernmi):
    net = lernmi.Network([2, 3, 1], seed=0)
    for rows in ([[1.0, None], [2.0, 3.0]], [[1.0, "2"], [2.0, 3.0]]):
        with pytest.raises(TypeError, match="inputs must be numbers"):
            net.predict(rows)


@pytest.mark.parametrize("values, finite", [
    ([[1e308, 1e308]], True),  # they add up to infinity
    ([[1e308, 1e308], [-1e308, -1e308]], True),  # to infinity minus infinity, NaN
    ([[1.0, -np.inf]], False), ([[np.inf, 1.0]], False), ([[np.inf, -np.inf]], False),
    ([[0.0, np.nan]], False), ([[1.0, 2.0]], True)])
def test_inputs_are_refused_for_nan_or_infinity_not_for_a_sum_past_the_largest_float(
        values, finite):
    # The check sums the inputs first and asks min and max only if the sum is not finite:
    # quietly, as numpy would otherwise warn of the overflow.
    from lernmi._checks import as_matrix
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if finite:
            assert as_matrix(values, 2, "x").shape == (len(values), 2)
        else:
            with pytest.raises(ValueError, match="x contains NaN or infinity"):
                as_matrix(values, 2, "x")


@pytest.mark.parametrize("odd, finite", [(1e308, True), (np.inf, False), (np.nan, False)])
def test_a_big_matrix_is_checked_the_same_way_in_parts_on_threads(monkeypatch, odd, finite):
    # From SHARED_SUM numbers on, the rows are summed in parts on inference.in_parts's
    # threads (two, whatever this machine's cores), each quiet about the overflow for
    # itself; the odd numbers in the last part.
    from lernmi import inference
    from lernmi._checks import SHARED_SUM, as_matrix
    monkeypatch.setattr(inference, "THREADS", 2)
    x = np.zeros((SHARED_SUM // 4 + 1, 4))
    x[-1] = odd
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if finite:
            assert as_matrix(x, 4, "x") is x
        else:
            with pytest.raises(ValueError, match="x contains NaN or infinity"):
                as_matrix(x, 4, "x")


def test_a_big_matrix_is_checked_in_one_piece_if_no_thread_starts(monkeypatch):
    from lernmi import inference
    from lernmi._checks import SHARED_SUM, as_matrix

    def refuse(thread):
        raise RuntimeError("can't start new thread")
    monkeypatch.setattr(inference, "THREADS", 2)
    monkeypatch.setattr(inference.threading.Thread, "start", refuse)
    x = np.zeros((SHARED_SUM // 4 + 1, 4))
    assert as_matrix(x, 4, "x") is x
    x[-1, -1] = np.nan
    with pytest.raises(ValueError, match="x contains NaN or infinity"):
        as_matrix(x, 4, "x")


def test_integer_and_boolean_arrays_are_numbers(lernmi):
    net = lernmi.Network([2, 1], seed=0)
    net.train(XOR_X.astype(int), XOR_T.astype(bool), epochs=1)
    assert net.run(np.array([1, 0])).shape == (1,)


def test_train_releases_the_gil(compiled):
    # While one thread trains, this one watches the first layer's weights. A state that is
    # neither the first nor the last can only be seen while the C loop is halfway through
    # its epoch, which a loop holding the GIL would never let this thread see. No clock is
    # read, so a fast machine cannot fail it and a busy one only makes it try a longer
    # epoch; with the GIL held, every epoch fails to show a middle.
    rng = np.random.default_rng(0)
    for rows in (2_000, 8_000, 32_000, 128_000):
        x, t = rng.uniform(size=(rows, 50)), rng.uniform(size=(rows, 5))
        net = compiled.Network([50, 40, 5], seed=0)
        w = net.link_layers[0].weights
        first, seen = w.copy(), []
        trainer = threading.Thread(target=net.train, args=(x, t),
                                   kwargs={"shuffle": False, "progress": False})
        trainer.start()
        while trainer.is_alive():
            if len(seen) < 2 and not np.array_equal(w, first):
                state = w.copy()  # (a copy torn by the loop's writes is a middle too)
                if not seen or not np.array_equal(state, seen[-1]):
                    seen.append(state)
        trainer.join()
        if any(not np.array_equal(state, w) for state in seen):
            return
    pytest.fail("this thread never ran while train's loop was halfway through an epoch")