"""Activations, costs and the training options, each checked against the numpy network."""

import importlib.util
import io
import sys
import threading
import time
import warnings

import numpy as np
import pytest

import reference
from tables import NETWORK_KINDS

# (hidden activation, output activation, cost): every one Network accepts.
KINDS = NETWORK_KINDS
SOFTMAX_CE = ("relu", "softmax", "cross_entropy")


def test_the_oracle_knows_every_activation_and_cost(lernmi):
    assert set(reference.ACTIVATIONS) == set(lernmi.activations.ACTIVATIONS)
    assert set(reference.COSTS) == set(lernmi.costs.COSTS)
    # Every hidden activation with every output one, and cross-entropy with two of them.
    hidden, outputs = lernmi.activations.usable("hidden"), lernmi.activations.usable("output")
    assert len(KINDS) == len(hidden) * (len(outputs) + 2) and len(hidden) >= 8


def weights(net):
    return [links.weights.copy() for links in net.link_layers]


def network(lernmi, kind, sizes=(4, 5, 3), eta=0.3, seed=3):
    hidden, output, cost = kind
    return lernmi.Network(list(sizes), activation=hidden, output_activation=output, cost=cost,
                          training_rate=eta, seed=seed)


def targets(rng, kind, rows=None):
    """Expected outputs that suit the cost: probabilities adding up to 1 for softmax."""
    shape = (3,) if rows is None else (rows, 3)
    if kind[1] == "softmax":
        return rng.dirichlet(np.ones(3), size=rows) if rows else rng.dirichlet(np.ones(3))
    return rng.uniform(0.05, 0.95, size=shape)


@pytest.mark.parametrize("kind", KINDS)
def test_run_matches_the_numpy_network(lernmi, kind):
    net = network(lernmi, kind)
    x = np.random.default_rng(0).normal(size=4)
    want = reference.forward(weights(net), x, kind[0], kind[1])[1][-1]
    np.testing.assert_allclose(net.run(x), want, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("kind", KINDS)
def test_learn_is_one_step_of_gradient_descent(lernmi, kind):
    net = network(lernmi, kind)
    rng = np.random.default_rng(1)
    x, t = rng.normal(size=4), targets(rng, kind)
    expected = reference.sgd_step(weights(net), x, t, 0.3, *kind)
    net.learn(x, t)
    for got, want in zip(weights(net), expected):
        np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize("kind", KINDS)
def test_learn_follows_the_finite_difference_gradient(lernmi, kind):
    eta, h = 0.5, 1e-6
    net = network(lernmi, kind, eta=eta)
    rng = np.random.default_rng(2)
    x, t = rng.normal(size=4), targets(rng, kind)
    numeric = []
    for links in net.link_layers:
        w = links.weights
        grad = np.zeros_like(w)
        for index in np.ndindex(w.shape):
            w[index] += h
            up = reference.cost_of(net.run(x), t, kind[1], kind[2])
            w[index] -= 2 * h
            down = reference.cost_of(net.run(x), t, kind[1], kind[2])
            w[index] += h
            grad[index] = (up - down) / (2 * h)
        numeric.append(grad)
    before = weights(net)
    net.learn(x, t)
    for old, new, grad in zip(before, weights(net), numeric):
        np.testing.assert_allclose((old - new) / eta, grad, rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize("kind", KINDS)
def test_train_does_what_learn_does_and_reports_the_costs_before_each_step(lernmi, kind):
    rng = np.random.default_rng(5)
    x, t = rng.normal(size=(9, 4)), targets(rng, kind, rows=9)
    by_learn, by_train = network(lernmi, kind), network(lernmi, kind)
    costs, right = [], 0
    for row in range(9):
        a = by_learn.run(x[row])
        costs.append(reference.cost_of(a, t[row], kind[1], kind[2]))
        right += np.argmax(a) == np.argmax(t[row])
        by_learn.learn(x[row], t[row])
    history = by_train.train(x, t, shuffle=False)
    for got, want in zip(weights(by_train), weights(by_learn)):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    assert history["loss"] == [pytest.approx(np.mean(costs), rel=1e-12)]
    assert history["accuracy"] == [right / 9]


@pytest.mark.parametrize("threads", [1, 2])
def test_after_train_the_input_layer_holds_the_last_row_as_run_leaves_it(lernmi, threads):
    # learn sends sensitivities back into the input layer; train, which loads each row
    # without zeroing them again, zeroes them once, so every number is as run leaves it.
    rng = np.random.default_rng(2)
    x, t = rng.normal(size=(6, 3)), rng.uniform(size=(6, 2))
    net = lernmi.Network([3, 40, 2], seed=4)
    net.learn(x[0], t[0])
    inputs = net.neuron_layers[0].store.views()
    assert np.any(inputs.delta[1:] != 0)
    inputs.direct[1:] = 1.0  # (as a cost would leave an output layer)
    net.train(x, t, shuffle=False, threads=threads, progress=False)
    assert np.array_equal(inputs.z[1:], x[-1]) and np.array_equal(inputs.a[1:], x[-1])
    assert not np.any(inputs.delta[1:]) and not np.any(inputs.direct[1:])


def test_validation_is_scored_after_each_epoch_without_learning(lernmi):
    kind = ("relu", "softmax", "cross_entropy")
    rng = np.random.default_rng(6)
    x, labels = rng.normal(size=(20, 4)), rng.integers(0, 3, size=20)
    vx, vlabels = rng.normal(size=(8, 4)), rng.integers(0, 3, size=8)
    net = network(lernmi, kind)
    history = net.train(x, labels, epochs=2, validation_data=(vx, vlabels))
    assert sorted(history) == ["accuracy", "loss", "training_rate", "val_accuracy", "val_loss"]
    assert all(len(values) == 2 for values in history.values())
    outputs = net.predict(vx)
    onehot = np.eye(3)[vlabels]
    want = np.mean([reference.cost_of(a, t, "softmax", "cross_entropy")
                    for a, t in zip(outputs, onehot)])
    assert history["val_loss"][-1] == pytest.approx(want, rel=1e-12)
    assert history["val_accuracy"][-1] == np.mean(outputs.argmax(axis=1) == vlabels)
    assert net.evaluate(vx, vlabels) == history["val_accuracy"][-1]
    np.testing.assert_array_equal(net.predict(vx), outputs)  # scoring learned nothing


def test_class_numbers_stand_for_one_hot_rows(lernmi):
    rng = np.random.default_rng(7)
    x, labels = rng.normal(size=(10, 4)), rng.integers(0, 3, size=10)
    a = network(lernmi, SOFTMAX_CE)
    b = network(lernmi, SOFTMAX_CE)
    assert a.train(x, labels, shuffle=False) == b.train(x, np.eye(3)[labels], shuffle=False)
    np.testing.assert_array_equal(weights(a)[0], weights(b)[0])


def test_a_schedule_sets_each_epochs_training_rate(lernmi):
    rng = np.random.default_rng(10)
    x, labels = rng.normal(size=(12, 4)), rng.integers(0, 3, size=12)
    scheduled, by_hand = network(lernmi, SOFTMAX_CE), network(lernmi, SOFTMAX_CE)
    history = scheduled.train(x, labels, epochs=3, schedule=lambda epoch: 0.2 / (epoch + 1))
    for rate in [0.2, 0.1, 0.2 / 3]:
        by_hand.training_rate = rate
        by_hand.train(x, labels)
    assert history["training_rate"] == [0.2, 0.1, 0.2 / 3] and scheduled.training_rate == 0.2 / 3
    np.testing.assert_array_equal(weights(scheduled)[0], weights(by_hand)[0])


@pytest.mark.parametrize("batch", [1, 4])
@pytest.mark.parametrize("rule", ["momentum", "adam"])
def test_a_schedule_every_step_sets_each_steps_training_rate(lernmi, batch, rule):
    # The oracle: one train call a batch, the rate set before each. 10 rows in batches of
    # 4 are three steps an epoch, the last of 2 rows.
    rng = np.random.default_rng(11)
    x, labels = rng.normal(size=(10, 4)), rng.integers(0, 3, size=10)

    def make():
        optimizer = lernmi.Adam(0.01) if rule == "adam" else lernmi.SGD(0.1, momentum=0.9)
        return lernmi.Network([4, 5, 3], activation="relu", output_activation="softmax",
                              cost="cross_entropy", optimizer=optimizer, seed=3)

    def schedule(epoch):
        return 0.05 * (1.0 + epoch) ** 2

    scheduled, by_hand = make(), make()
    history = scheduled.train(x, labels, epochs=2, batch_size=batch, shuffle=False,
                              schedule=schedule, schedule_every="step")
    steps = -(-10 // batch)
    rates = [schedule(epoch + i / steps) for epoch in range(2) for i in range(steps)]
    for k, rate in enumerate(rates):
        by_hand.training_rate = rate
        rows = slice(k % steps * batch, (k % steps + 1) * batch)
        by_hand.train(x[rows], labels[rows], batch_size=batch, shuffle=False)
    assert len(set(rates)) == len(rates)  # every step at a rate of its own
    assert history["training_rate"] == [rates[0], rates[steps]]
    assert scheduled.training_rate == rates[-1] == scheduled.optimizer.training_rate
    for mine, theirs in zip(scheduled.link_layers, by_hand.link_layers):
        for a, b in zip(mine.store.views(), theirs.store.views()):  # w, settings, m, v
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("batch, threads", [(1, 1), (1, 2), (3, 1), (3, 2)])
def test_learn_rows_leaves_every_layer_at_the_last_steps_rate(lernmi, batch, threads):
    net = lernmi.Network([4, 6, 5, 3], seed=0)
    x = np.random.default_rng(0).random((7, 4))
    rates = np.linspace(0.3, 0.2, -(-7 // batch))  # (the network starts at 0.1)
    lernmi.learning_loops.learn_rows(net.arrays, x, np.eye(3)[np.arange(7) % 3],
                                     np.arange(7), np.zeros(2), batch, None, threads, rates)
    assert [links.training_rate for links in net.link_layers] == [rates[-1]] * 3


def test_one_output_neuron_answers_yes_or_no(lernmi):
    net = lernmi.Network([2, 3, 1], training_rate=0.5, seed=0)
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    labels = np.array([0, 1, 1, 0])
    net.train(x, labels, epochs=3000, progress=False)
    outputs = net.predict(x)[:, 0]
    assert net.evaluate(x, labels) == np.mean((outputs >= 0.5) == labels) == 1.0


def test_predict_is_run_on_every_row(lernmi):
    net = network(lernmi, ("tanh", "softmax", "quadratic"))
    x = np.random.default_rng(8).normal(size=(6, 4))
    np.testing.assert_array_equal(net.predict(x), [net.run(row) for row in x])


def test_many_rows_in_parallel_parts_give_the_same_numbers(lernmi, monkeypatch):
    # predict and evaluate share rows among threads, each taking up to 32 rows at a time
    # through each row of weights: neither may change a single bit of the answer.
    module = lernmi.inference
    net = network(lernmi, ("tanh", "softmax", "cross_entropy"), sizes=(40, 23, 3))
    rng = np.random.default_rng(11)
    rows = 2 * module.PART_ROWS + 3  # one part or two, each ending in a shorter block
    x, labels = rng.normal(size=(rows, 40)), rng.integers(0, 3, rows)
    one_by_one = np.array([net.run(row) for row in x])
    results = []
    for threads in (1, 3):
        monkeypatch.setattr(module, "THREADS", threads)
        history = net.train(x[:1], labels[:1], validation_data=(x, labels), schedule=lambda e: 0.0)
        results.append((net.predict(x), net.evaluate(x, labels), history["val_loss"]))
    np.testing.assert_array_equal(results[0][0], one_by_one)
    np.testing.assert_array_equal(results[1][0], one_by_one)
    assert results[0][1:] == results[1][1:]
    assert results[0][1] == np.mean(one_by_one.argmax(axis=1) == labels)


@pytest.mark.parametrize("weight", [0.5, np.inf])
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # (from source)
def test_predict_is_run_where_whole_columns_of_inputs_are_zero(lernmi, monkeypatch, weight):
    # Compiled, a call of many rows takes them 32 at a time by tiles that leave out the
    # columns whose inputs are +0.0 in all 32, as MNIST's borders are. Leaving them out
    # changes no sum unless a weight there is not finite (inf * 0.0 is NaN): then nothing
    # is left out. (A -0.0 input is not left out; it would add nothing either.)
    net = network(lernmi, ("tanh", "softmax", "cross_entropy"), sizes=(40, 23, 3))
    rng = np.random.default_rng(5)
    x = rng.normal(size=(75, 40))  # two whole groups of 32 and a shorter one
    x[:, 10:30] = 0.0
    x[40, 12] = -0.0
    x[70:, :] = 0.0
    net.link_layers[0].weights[4, 1 + 20] = weight  # (column 0 is the bias's)
    one_by_one = np.array([net.run(row) for row in x])
    monkeypatch.setattr(lernmi.network_loops, "TILED", 1)  # tiles for these few rows too
    for rows_at_once in (32, 75, 1, 5):  # (fewer than 6 at once: no tiles)
        monkeypatch.setattr(lernmi.network_loops, "ROWS", rows_at_once)
        rows = net.predict(x)
        if weight == np.inf:  # (a NaN's sign may differ: not compared)
            assert np.isnan(rows).all() and np.isnan(one_by_one).all()
        else:  # bit for bit
            np.testing.assert_array_equal(rows.view(np.uint64), one_by_one.view(np.uint64))


def test_softmax_outputs_add_up_to_one_and_take_large_sums(lernmi):
    net = network(lernmi, ("identity", "softmax", "quadratic"))
    net.link_layers[1].weights[:] = [[800.0] * 6, [0.0] * 6, [-800.0] * 6]
    a = net.run([1.0, 1.0, 1.0, 1.0])
    assert np.isfinite(a).all() and a.sum() == pytest.approx(1.0) and a[0] == pytest.approx(1.0)


def test_fan_in_scales_the_initial_weights(lernmi):
    for activation, gain in [("sigmoid", 1.0), ("tanh", np.sqrt(3)), ("relu", np.sqrt(6))]:
        net = lernmi.Network([399, 50, 2], activation=activation, seed=0)
        w = net.link_layers[0].weights  # fan-in 400, bias included
        assert gain / 20 * 0.99 < np.abs(w).max() <= gain / 20


@pytest.mark.parametrize("kwargs, error", [
    ({"activation": "softmax"}, ValueError), ({"activation": "swish"}, ValueError),
    ({"activation": 1}, TypeError), ({"output_activation": "bias"}, ValueError),
    ({"cost": "hinge"}, ValueError), ({"cost": None}, TypeError),
    ({"cost": "cross_entropy", "output_activation": "tanh"}, ValueError),
    ({"cost": "cross_entropy"}, None)])
def test_bad_settings(lernmi, kwargs, error):
    if error is None:
        assert lernmi.Network([2, 2], **kwargs).cost == kwargs["cost"]
        return
    with pytest.raises(error):
        lernmi.Network([2, 2], **kwargs)


X3 = np.ones((3, 4))


@pytest.mark.parametrize("call, error", [
    (lambda net: net.learn(X3[0], [0.5, 0.6, 0.0]), ValueError),   # does not add up to 1
    (lambda net: net.learn(X3[0], [1.5, -0.5, 0.0]), ValueError),  # not probabilities
    (lambda net: net.train(X3, [0, 1, 3]), ValueError),            # no class 3
    (lambda net: net.train(X3, [0, 1, -1]), ValueError),
    (lambda net: net.train(X3, [0.0, 1.0, 2.0]), TypeError),       # class numbers are ints
    (lambda net: net.train(X3, [0, 1]), ValueError),
    (lambda net: net.train(X3, [0, 1, 2], validation_data=X3), TypeError),
    (lambda net: net.train(X3, [0, 1, 2], validation_data=(X3, [0, 1])), ValueError),
    (lambda net: net.train(X3, [0, 1, 2], progress="yes"), TypeError),
    (lambda net: net.train(X3, [0, 1, 2], schedule=0.1), TypeError),
    (lambda net: net.train(X3, [0, 1, 2], schedule=lambda epoch: -1.0), ValueError),
    (lambda net: net.train(X3, [0, 1, 2], schedule=lambda epoch: 0.1, schedule_every="batch"),
     ValueError),
    (lambda net: net.evaluate(X3, [[1.0, 0.0, 0.0]] * 2), ValueError),
    (lambda net: net.predict(X3[:, :3]), ValueError),
])
def test_bad_data_raises_before_any_weight_changes(lernmi, call, error):
    net = network(lernmi, SOFTMAX_CE)
    before = weights(net)
    with pytest.raises(error):
        call(net)
    assert all(np.array_equal(p, q) for p, q in zip(before, weights(net)))


def test_a_batch_or_an_epoch_count_too_large_for_c_is_as_good_as_any_larger_one(lernmi):
    """A batch larger than the rows is all of them, however large: a C size or beyond. And
    epochs that patience is to stop need no list as long as they are."""
    rng = np.random.default_rng(4)
    x, labels = rng.uniform(size=(7, 4)), rng.integers(0, 3, size=7)
    nets = [network(lernmi, SOFTMAX_CE) for _ in range(3)]
    for net, batch in zip(nets, (7, 2 ** 63, 2 ** 70)):
        net.train(x, labels, epochs=2, batch_size=batch)
    assert all(np.array_equal(p, q) for net in nets[1:] for p, q in zip(weights(nets[0]),
                                                                          weights(net)))
    assert nets[1].rng.bit_generator.state == nets[0].rng.bit_generator.state
    still = network(lernmi, SOFTMAX_CE, eta=0.0)  # no epoch does better than the first
    history = still.train(x, labels, epochs=2 ** 70, patience=1, validation_data=(x, labels))
    assert len(history["loss"]) == 2 and history["best_epoch"] == 0


def test_training_that_diverges_says_so_once(lernmi):
    rng = np.random.default_rng(6)
    x, labels = rng.uniform(size=(8, 4)), rng.integers(0, 3, size=8)
    net = lernmi.Network([4, 5, 3], optimizer=lernmi.SGD(0.1, weight_decay=1e300), seed=1)
    with pytest.warns(RuntimeWarning, match="training diverged: the loss of epoch 0 .* is nan"
                      ) as caught, np.errstate(all="ignore"):  # (numpy's, run from source)
        history = net.train(x, labels, epochs=3)
    assert np.isnan(history["loss"]).all()
    assert sum("diverged" in str(warning.message) for warning in caught) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a network that learns is not warned about
        network(lernmi, SOFTMAX_CE).train(x, labels, epochs=3)


def test_the_progress_bar_counts_samples(compiled, capsys):
    pytest.importorskip("tqdm")
    net = compiled.Network([4, 3], seed=0)
    net.train(np.zeros((5000, 4)), np.zeros((5000, 3)), epochs=2, progress=True)
    shown = capsys.readouterr().err
    assert "epoch 2/2" in shown and "10.0k/10.0k" in shown
    net.train(np.zeros((5, 4)), np.zeros((5, 3)))  # not a terminal: no bar
    assert capsys.readouterr().err == ""


def test_one_network_trained_from_two_threads_trains_one_epoch_after_the_other(compiled):
    rng = np.random.default_rng(9)
    x, t = rng.normal(size=(3000, 20)), rng.uniform(size=(3000, 5))
    shared = compiled.Network([20, 30, 5], seed=1)
    alone = compiled.Network([20, 30, 5], seed=1)
    threads = [threading.Thread(target=shared.train, args=(x, t), kwargs={"shuffle": False})
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    alone.train(x, t, epochs=2, shuffle=False)
    for got, want in zip(weights(shared), weights(alone)):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("setting", ["training_rate", "dropout"])
def test_a_setting_changed_while_another_thread_trains_waits_for_the_epoch(compiled, setting):
    # The setter takes the network's lock, which train holds: asked for mid-epoch, the
    # change waits for the epoch to end. Without the lock it would land in the middle, and
    # the network would match neither one trained before nor one trained after it.
    rng = np.random.default_rng(10)
    x, t = rng.normal(size=(60000, 20)), rng.uniform(size=(60000, 5))
    value = 0.5 if setting == "training_rate" else 0.3
    shared, alone = (compiled.Network([20, 30, 5], dropout=0.1, seed=2) for _ in range(2))
    trainer = threading.Thread(target=shared.train, args=(x, t), kwargs={"shuffle": False})
    trainer.start()
    while trainer.is_alive() and shared.lock.acquire(blocking=False):
        shared.lock.release()  # until the trainer holds it: it is in its epoch
        time.sleep(0.0005)
    assert trainer.is_alive(), "the epoch ended before the test saw it start"
    setattr(shared, setting, value)
    trainer.join()
    alone.train(x, t, shuffle=False)
    for got, want in zip(weights(shared), weights(alone)):
        np.testing.assert_array_equal(got, want)
    assert getattr(shared, setting) == value


def test_true_and_false_are_the_class_numbers_1_and_0(lernmi):
    x = np.random.default_rng(12).normal(size=(4, 4))
    labels = np.array([True, False, False, True])
    a, b = network(lernmi, SOFTMAX_CE, sizes=(4, 5, 2)), network(lernmi, SOFTMAX_CE, sizes=(4, 5, 2))
    assert a.train(x, labels, shuffle=False) == b.train(x, labels.astype(int), shuffle=False)
    assert a.evaluate(x, labels) == b.evaluate(x, [1, 0, 0, 1])


def test_predict_follows_neurons_made_bias_by_hand(lernmi):
    net = network(lernmi, ("sigmoid", "sigmoid", "quadratic"))
    x = np.random.default_rng(13).normal(size=(5, 4))
    net.predict(x)
    net.neuron_layers[1].learning_neurons[0].bias()
    np.testing.assert_array_equal(net.predict(x), [net.run(row) for row in x])


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("tqdm_installed", [True, False])
def test_a_terminal_gets_a_progress_bar_if_tqdm_is_installed(compiled, monkeypatch,
                                                             tqdm_installed):
    pytest.importorskip("tqdm")
    find_spec = importlib.util.find_spec
    if not tqdm_installed:
        monkeypatch.setattr(importlib.util, "find_spec",
                            lambda name, *args: None if name == "tqdm" else find_spec(name, *args))
    monkeypatch.setattr(sys, "stderr", Terminal())
    compiled.Network([4, 3], seed=0).train(np.zeros((10, 4)), np.zeros((10, 3)))
    assert ("epoch 1/1" in sys.stderr.getvalue()) == tqdm_installed


@pytest.mark.parametrize("every", ["epoch", "step"])
def test_a_schedule_is_asked_for_every_rate_before_any_learning(lernmi, every):
    net = network(lernmi, SOFTMAX_CE)
    before = weights(net)
    with pytest.raises(ValueError, match="training_rate"):
        net.train(X3, [0, 1, 2], epochs=3, batch_size=2, schedule_every=every,
                  schedule=lambda epoch: 0.1 if epoch < 1.5 else float("nan"))
    assert all(np.array_equal(p, q) for p, q in zip(before, weights(net)))
    assert net.training_rate == 0.3


def test_an_error_in_any_part_of_the_rows_is_raised_after_every_part_ends(lernmi, monkeypatch):
    # Three threads whatever this machine's cores (with one core, one part would be all).
    module = lernmi.inference
    monkeypatch.setattr(module, "THREADS", 3)
    done = []

    def work(start, stop):
        if start > 0:
            raise MemoryError(f"part from {start}")
        time.sleep(0.05)
        done.append((start, stop))

    with pytest.raises(MemoryError, match="part from"):
        module.in_parts(3 * module.PART_ROWS, work)
    assert done == [(0, module.PART_ROWS)]


def test_softmax_needs_two_outputs(lernmi):
    with pytest.raises(ValueError, match="at least two"):
        lernmi.Network([3, 1], output_activation="softmax")


def test_reset_forgets_the_cost_of_the_last_errors(lernmi):
    layer = lernmi.NeuronLayer(1)
    layer.expected_output([1.0], "cross_entropy")
    layer.reset()
    neuron = layer.learning_neurons[0]
    neuron.submit_sensitivity(1.0)
    assert neuron.sensitivity() == 0.25  # delta * a * (1 - a) at z = 0


def test_pixels_left_at_0_to_255_get_a_warning_that_says_how_to_rescale(lernmi):
    rng = np.random.default_rng(14)
    pixels = rng.integers(0, 256, size=(50, 16)).astype(float)
    labels = rng.integers(0, 3, 50)
    net = network(lernmi, SOFTMAX_CE, sizes=(16, 5, 3))
    with pytest.warns(UserWarning, match=r"largest is 255\b.*divide them by 255"):
        net.train(pixels, labels)
    with pytest.warns(UserWarning, match="standardise each input"):
        net.train(pixels - 200.0, labels)
    with pytest.warns(UserWarning, match=r"largest input is 0.001.*multiply them by 1000"):
        net.train(pixels / 255_000, labels)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # inputs of about 1 train without a word
        net.train(pixels / 255, labels)
        net.train(rng.normal(size=(50, 16)), labels)


def test_one_output_neuron_takes_one_expected_value_per_sample(lernmi):
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    as_rows, as_values = (lernmi.Network([2, 3, 1], seed=0) for _ in range(2))
    # What np.loadtxt gives for a column of 0s and 1s: floats, one per sample.
    history = as_values.train(x, np.array([0.0, 1.0, 1.0, 0.0]), epochs=5)
    assert history == as_rows.train(x, [[0.0], [1.0], [1.0], [0.0]], epochs=5)
    np.testing.assert_array_equal(as_values.link_layers[0].weights,
                                  as_rows.link_layers[0].weights)
    assert as_values.evaluate(x, np.array([0.0, 1.0, 1.0, 0.0])) == as_rows.evaluate(
        x, [[0.0], [1.0], [1.0], [0.0]])
    # With several outputs, one float per sample is not a class number: say how to fix it.
    with pytest.raises(TypeError, match=r"labels.astype\(int\)"):
        lernmi.Network([2, 3]).train(x, np.array([0.0, 1.0, 2.0, 0.0]))
