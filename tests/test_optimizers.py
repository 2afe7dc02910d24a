"""Optimisers and mini-batches: checked settings, the numpy oracle, PyTorch, and the state
kept on the links."""

import copy
import functools
import pickle

import numpy as np
import pytest

import reference

# (lernmi optimiser arguments, the oracle's) for each rule.
RULES = {
    "sgd": (("SGD", 0.1, {}), dict(kind="sgd", rate=0.1)),
    "decay": (("SGD", 0.1, {"weight_decay": 0.01}), dict(kind="sgd", rate=0.1, decay=0.01)),
    "momentum": (("SGD", 0.05, {"momentum": 0.9}), dict(kind="sgd", rate=0.05, momentum=0.9)),
    "nesterov": (("SGD", 0.05, {"momentum": 0.8, "nesterov": True, "weight_decay": 0.001}),
                 dict(kind="sgd", rate=0.05, momentum=0.8, nesterov=True, decay=0.001)),
    "momentum_decay": (("SGD", 0.05, {"momentum": 0.9, "weight_decay": 0.01}),
                       dict(kind="sgd", rate=0.05, momentum=0.9, decay=0.01)),
    "nesterov_plain": (("SGD", 0.05, {"momentum": 0.7, "nesterov": True}),
                       dict(kind="sgd", rate=0.05, momentum=0.7, nesterov=True)),
    "adam": (("Adam", 0.01, {}), dict(kind="adam", rate=0.01)),
    "adam_decay": (("Adam", 0.02, {"betas": (0.8, 0.99), "epsilon": 1e-6,
                                   "weight_decay": 0.01}),
                   dict(kind="adam", rate=0.02, betas=(0.8, 0.99), epsilon=1e-6, decay=0.01)),
}


def make(lernmi, rule):
    name, rate, options = RULES[rule][0]
    return getattr(lernmi, name)(rate, **options)


def data(rows=11, inputs=5, outputs=3, seed=3):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, size=(rows, inputs)), np.eye(outputs)[rng.integers(0, outputs,
                                                                                   rows)]


NETWORKS = [dict(activation="sigmoid"),
            dict(activation="relu", output_activation="softmax", cost="cross_entropy")]


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("batch", [1, 4, 5])
@pytest.mark.parametrize("kinds", range(len(NETWORKS)))
def test_training_matches_the_numpy_oracle(lernmi, rule, batch, kinds):
    x, t = data()
    net = lernmi.Network([5, 6, 3], optimizer=make(lernmi, rule), seed=1, **NETWORKS[kinds])
    start = [links.weights.copy() for links in net.link_layers]
    net.train(x, t, epochs=2, batch_size=batch, shuffle=False)
    network = {k.replace("activation", "hidden").replace("output_hidden", "output"): v
               for k, v in NETWORKS[kinds].items()}
    expected = reference.train(start, x, t, reference.Optimizer(start, **RULES[rule][1]),
                               batch, epochs=2, **network)
    for links, w in zip(net.link_layers, expected):
        np.testing.assert_allclose(links.weights, w, rtol=1e-10, atol=1e-12)
    assert net.steps == 2 * -(-len(x) // batch)


def test_plain_sgd_at_batch_size_one_is_the_old_step_bit_for_bit(lernmi):
    x, t = data()
    default, given = (lernmi.Network([5, 7, 3], seed=4, training_rate=0.3, **extra)
                      for extra in ({}, {"optimizer": lernmi.SGD(0.3)}))
    by_hand = lernmi.Network([5, 7, 3], seed=4, training_rate=0.3)
    default.train(x, t, shuffle=False)
    given.train(x, t, shuffle=False, batch_size=1)
    for row in range(len(x)):
        by_hand.learn(x[row], t[row])
    for nets in zip(default.link_layers, given.link_layers, by_hand.link_layers):
        np.testing.assert_array_equal(nets[0].weights, nets[1].weights)
        np.testing.assert_array_equal(nets[0].weights, nets[2].weights)
    assert default.optimizer == lernmi.SGD(0.3)


@pytest.mark.parametrize("rule", RULES)
def test_learn_is_one_step_and_train_at_batch_size_one_takes_the_same(lernmi, rule):
    x, t = data()
    nets = [lernmi.Network([5, 4, 3], optimizer=make(lernmi, rule), seed=2) for _ in range(2)]
    nets[0].train(x, t, shuffle=False)
    for row in range(len(x)):
        nets[1].learn(x[row], t[row])
    for a, b in zip(nets[0].link_layers, nets[1].link_layers):
        np.testing.assert_array_equal(a.weights, b.weights)
        assert a.steps == b.steps == len(x)
        if a.velocity is not None:
            np.testing.assert_array_equal(a.velocity, b.velocity)
        if a.moments is not None:
            np.testing.assert_array_equal(a.moments[0], b.moments[0])
            np.testing.assert_array_equal(a.moments[1], b.moments[1])


@pytest.mark.parametrize("rule, sizes, batch, dropout", [
    # Wider than vector.h's 16 lanes; batches of 7 (one tile of samples, not full), of 33
    # and 70 (more than one GROUP of packed samples: the gradient tiles pack each in turn);
    # rows that the tiles of 4 and 6 do not divide; hidden layers that send back. Batches of
    # a power of two, whose mean vector.h's lernmi_mean_step takes by multiplying, for every
    # rule. At batch size 1, every rule: each hidden layer's step waits for the next
    # sample's forward pass and is taken in one pass with its sums (lernmi_step_dot).
    ("momentum", [37, 21, 3], 7, 0.0), ("adam_decay", [37, 21, 3], 7, 0.0),
    ("sgd", [37, 21, 13, 3], 70, 0.0), ("nesterov", [37, 23, 14, 3], 33, 0.25),
    *[(rule, [37, 21, 3], 8, 0.0) for rule in ("decay", "momentum_decay", "nesterov", "adam")],
    *[(rule, [37, 21, 13, 3], 1, 0.25) for rule in RULES if rule != "sgd"]])
def test_compiled_and_source_give_the_same_numbers(compiled, source, rule, sizes, batch,
                                                   dropout):
    rng = np.random.default_rng(5)
    x, labels = rng.uniform(size=(150, 37)), rng.integers(0, 3, size=150)
    nets = [m.Network(sizes, activation="relu", output_activation="softmax",
                      cost="cross_entropy", optimizer=make(m, rule), dropout=dropout, seed=9)
            for m in (compiled, source)]
    for net in nets:
        net.train(x, labels, epochs=2, batch_size=batch)
    for a, b in zip(nets[0].link_layers, nets[1].link_layers):
        assert np.all(np.isfinite(a.weights))  # (NaNs would compare equal)
        for mine, theirs in zip(a.store.views(), b.store.views()):  # w, settings, m, v
            np.testing.assert_array_equal(mine, theirs)


@pytest.mark.filterwarnings("ignore:training diverged:RuntimeWarning")  # on purpose
@pytest.mark.parametrize("batch, threads", [(1, 1), (1, 2), (4, 1), (4, 2)])
def test_a_v_set_below_0_by_hand_makes_nan_weights_both_ways(compiled, source, batch,
                                                              threads):
    # Adam's v is a mean of squares, but `moments` hands it out to be written. C's sqrt
    # of a negative number is NaN; so is the uncompiled one's, where math.sqrt would raise.
    rng = np.random.default_rng(2)
    x, labels = rng.uniform(size=(8, 6)), rng.integers(0, 3, size=8)
    nets = [m.Network([6, 9, 3], optimizer=m.Adam(0.01), seed=1) for m in (compiled, source)]
    for net in nets:
        net.link_layers[0].moments[1][4, 2] = -1.0
        net.train(x, labels, batch_size=batch, shuffle=False, threads=threads)
    assert np.isnan(nets[0].link_layers[0].weights[4, 2])  # (and, through it, the rest)
    for a, b in zip(nets[0].link_layers, nets[1].link_layers):
        for mine, theirs in zip(a.store.views(), b.store.views()):  # w, settings, m, v
            np.testing.assert_array_equal(mine, theirs)


def test_the_state_is_on_the_links_and_shares_memory(lernmi):
    net = lernmi.Network([3, 4, 2], optimizer=lernmi.SGD(0.1, momentum=0.9), seed=0)
    net.learn([0.5, -1.0, 2.0], [1.0, 0.0])
    links = net.link_layers[1]
    assert links.velocity.shape == links.weights.shape and links.moments is None
    assert np.abs(links.velocity).max() > 0
    link = links.links[5]
    i, j = divmod(link.index, links.weights.shape[1])
    assert link.velocity == links.velocity[i, j]
    links.velocity[i, j] = 0.25
    assert link.velocity == 0.25
    adam = lernmi.Network([3, 4, 2], optimizer=lernmi.Adam(), seed=0)
    adam.learn([0.5, -1.0, 2.0], [1.0, 0.0])
    m, v = adam.link_layers[0].moments
    assert m.shape == v.shape == adam.link_layers[0].weights.shape
    assert (v > 0).any() and adam.link_layers[0].velocity is None
    assert adam.link_layers[0].links[0].moments == (m[0, 0], v[0, 0])
    assert net.link_layers[0].links[0].moments is None


@pytest.mark.parametrize("rule", RULES)
def test_a_link_by_hand_steps_like_the_oracle(lernmi, rule):
    x, y = lernmi.Neuron("identity"), lernmi.Neuron("identity")
    link = lernmi.Link(0.5, input_neuron=x, output_neuron=y, optimizer=make(lernmi, rule))
    plain = lernmi.Link(0.5, input_neuron=x, output_neuron=y)
    assert plain.velocity is None and plain.moments is None
    w = [np.array([[0.5]])]
    oracle = reference.Optimizer(w, **RULES[rule][1])
    for value, expected in ((1.0, 2.0), (2.0, -1.0), (-0.5, 0.3)):
        x.reset(), y.reset()
        x.input(value)
        link.propagate()
        gradient = (y.output() - expected) * value  # of 0.5 * (a - t)^2, a = w * value
        y.submit_sensitivity(y.output() - expected)
        link.backpropagate()
        oracle.step(w, [np.array([[gradient]])])
        assert link.weight == pytest.approx(w[0][0, 0], rel=1e-12)
    assert link.optimizer == make(lernmi, rule)


def test_bad_settings_are_refused_before_anything_changes(lernmi):
    for bad in (dict(training_rate=0), dict(training_rate=-1), dict(momentum=1.0),
                dict(momentum=-0.1), dict(nesterov=True), dict(weight_decay=-1e-3),
                dict(training_rate=float("nan"))):
        with pytest.raises(ValueError):
            lernmi.SGD(**bad)
    for bad in (dict(betas=(0.9, 1.0)), dict(betas=(-0.1, 0.9)), dict(epsilon=0),
                dict(weight_decay=-1), dict(training_rate=0)):
        with pytest.raises(ValueError):
            lernmi.Adam(**bad)
    with pytest.raises(TypeError):
        lernmi.Adam(betas=0.9)
    with pytest.raises(TypeError):
        lernmi.SGD(nesterov="yes", momentum=0.5)
    with pytest.raises(TypeError, match="optimizer must be"):
        lernmi.Network([2, 1], optimizer="adam")
    net = lernmi.Network([2, 2, 1], seed=0)
    before = [links.weights.copy() for links in net.link_layers]
    for bad in (dict(batch_size=0), dict(batch_size=1.5), dict(patience=2),
                dict(callbacks=[1]), dict(patience=0, validation_data=([[0, 0]], [1]))):
        with pytest.raises((TypeError, ValueError)):
            net.train([[0.0, 1.0]], [1.0], **bad)
    with pytest.raises(ValueError):
        net.training_rate = -0.1
    for links, w in zip(net.link_layers, before):
        np.testing.assert_array_equal(links.weights, w)
    assert net.steps == 0


def test_reprs_and_values(lernmi):
    assert repr(lernmi.SGD(0.05, momentum=0.9)) == \
        "SGD(training_rate=0.05, momentum=0.9, nesterov=False, weight_decay=0.0)"
    assert repr(lernmi.Adam()) == \
        "Adam(training_rate=0.001, betas=(0.9, 0.999), epsilon=1e-08, weight_decay=0.0)"
    assert lernmi.Adam(0.01) == lernmi.Adam(0.01) != lernmi.Adam(0.02)
    with pytest.raises(AttributeError):
        lernmi.SGD().momentum = 0.5


def test_training_rate_and_schedule_set_the_optimizers_rate(lernmi):
    net = lernmi.Network([2, 3, 1], optimizer=lernmi.Adam(0.01), seed=0)
    net.training_rate = 0.002
    assert net.optimizer == lernmi.Adam(0.002)
    history = net.train([[0.0, 1.0], [1.0, 0.0]], [1.0, 0.0], epochs=3,
                        schedule=lambda epoch: 0.001 * (epoch + 1))
    assert history["training_rate"] == [0.001, 0.002, 0.003]
    assert net.optimizer.training_rate == 0.003
    net.optimizer = lernmi.SGD(0.5, momentum=0.5)
    assert net.steps == 0 and net.training_rate == 0.5
    assert not net.link_layers[0].velocity.any()


def test_copies_keep_the_optimiser_and_its_state(lernmi):
    x, t = data()
    net = lernmi.Network([5, 4, 3], optimizer=lernmi.Adam(0.01), seed=2)
    net.train(x, t, batch_size=3)
    for twin in (copy.deepcopy(net), pickle.loads(pickle.dumps(net))):
        assert twin.optimizer == net.optimizer and twin.steps == net.steps
        for nets in ((net, twin),):
            net_copy = [copy.deepcopy(n) for n in nets]
            for n in net_copy:
                n.train(x, t, batch_size=3, shuffle=False)
            for a, b in zip(*[n.link_layers for n in net_copy]):
                np.testing.assert_array_equal(a.weights, b.weights)


def test_patience_stops_and_keeps_the_best_epoch(lernmi):
    x, t = data(rows=40)
    net = lernmi.Network([5, 8, 3], optimizer=lernmi.SGD(3.0, momentum=0.9), seed=0)
    kept = {}

    def remember(network, epoch, history):
        kept[epoch] = [links.weights.copy() for links in network.link_layers]

    history = net.train(x, t, epochs=30, validation_data=(x[:10], t[:10]), patience=2,
                        callbacks=[remember])
    best = history["best_epoch"]
    assert history["val_loss"][best] == min(history["val_loss"])
    assert len(history["loss"]) == min(30, best + 3)
    for links, w in zip(net.link_layers, kept[best]):
        np.testing.assert_array_equal(links.weights, w)


def test_a_callback_that_returns_true_stops_training(lernmi):
    x, t = data()
    net = lernmi.Network([5, 3], seed=0)
    calls = []
    history = net.train(x, t, epochs=10, callbacks=[
        lambda network, epoch, history: calls.append((network, epoch)) or epoch == 2])
    assert [epoch for _, epoch in calls] == [0, 1, 2] and calls[0][0] is net
    assert len(history["loss"]) == 3


def test_a_callback_is_checked_before_training_and_its_answer_after_each_epoch(lernmi):
    x, t = data()
    net = lernmi.Network([5, 3], seed=0)
    with pytest.raises(TypeError, match="each callback must be a function of"):
        net.train(x, t, epochs=3, callbacks=[lambda network: None])  # too few arguments
    assert net.steps == 0
    with pytest.raises(TypeError, match="a callback returns None or False to go on"):
        net.train(x, t, epochs=3, callbacks=lambda network, epoch, history: np.array([1, 0]))
    def one(history):
        return None

    @functools.wraps(one)  # its own signature counts, not the wrapped function's
    def wrapper(network, epoch, history):
        return one(history)

    net.train(x, t, callbacks=[print, lambda *args: None, lambda n, e, h, extra=1: False,
                               functools.partial(lambda a, n, e, h: None, 1), wrapper])


def test_pytorch_computes_the_same_steps(lernmi):
    torch = pytest.importorskip("torch")
    x, t = data(rows=13)
    for rule in RULES:
        net = lernmi.Network([5, 6, 3], optimizer=make(lernmi, rule), seed=1)
        params = [torch.tensor(links.weights.copy(), dtype=torch.float64, requires_grad=True)
                  for links in net.link_layers]
        name, rate, options = RULES[rule][0]
        options = {"eps" if key == "epsilon" else key: value for key, value in options.items()}
        optimizer = getattr(torch.optim, name)(params, lr=rate, **options)
        net.train(x, t, epochs=2, batch_size=4, shuffle=False)
        for _ in range(2):
            for start in range(0, len(x), 4):
                xb = torch.tensor(x[start:start + 4])
                tb = torch.tensor(t[start:start + 4])
                a = xb
                for w in params:
                    a = torch.sigmoid(torch.cat([torch.ones(len(a), 1, dtype=torch.float64), a],
                                                dim=1) @ w.T)
                loss = (0.5 * ((a - tb) ** 2).sum(dim=1)).mean()
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        for links, w in zip(net.link_layers, params):
            np.testing.assert_allclose(links.weights, w.detach().numpy(), rtol=1e-10,
                                       atol=1e-12, err_msg=rule)


@pytest.mark.parametrize("rule", ["momentum", "nesterov", "adam_decay"])
def test_the_trace_shows_the_optimisers_step_and_leaves_it_untaken(lernmi, rule):
    x, t = data(rows=3)
    net = lernmi.Network([5, 4, 3], optimizer=make(lernmi, rule), seed=2)
    net.train(x, t)  # so that the velocity or moments are not zero
    state = [np.array(view) for links in net.link_layers for view in links.store.views()]
    trace = net.trace(x[0], t[0])
    after = [np.array(view) for links in net.link_layers for view in links.store.views()]
    for a, b in zip(state, after):
        np.testing.assert_array_equal(a, b)  # weights, velocity or moments, steps
    twin = copy.deepcopy(net)
    twin.learn(x[0], t[0])
    learned = net.trace(x[0], t[0], learn=True)
    for step, links, other in zip(learned.layers, twin.link_layers, trace.layers):
        np.testing.assert_array_equal(step.new_weights, links.weights)
        np.testing.assert_array_equal(other.new_weights, links.weights)
        np.testing.assert_array_equal(step.update, links.weights - step.weights)
    text = str(trace)
    if rule == "adam_decay":
        assert "m -> b1 * m + (1 - b1) * g" in text and "bias corrections" in text
        assert "g = gradient + weight_decay * w" in text
        assert trace.layers[0].corrections == pytest.approx(
            (1 - 0.8 ** net.steps, 1 - 0.99 ** net.steps))
    else:
        assert "velocity -> momentum * velocity + g" in text
        assert ("(g + momentum * velocity)" in text) == (rule == "nesterov")


def test_check_gradients_includes_weight_decay(lernmi):
    net = lernmi.Network([3, 4, 2], optimizer=lernmi.SGD(0.1, weight_decay=0.3), seed=1)
    check = lernmi.check_gradients(net, [0.2, -0.4, 0.9], [1.0, 0.0])
    assert check.passed, str(check)
    plain = lernmi.Network([3, 4, 2], seed=1)
    without = lernmi.check_gradients(plain, [0.2, -0.4, 0.9], [1.0, 0.0])
    for a, b, links in zip(check.backprop, without.backprop, net.link_layers):
        np.testing.assert_allclose(a - b, 0.3 * links.weights, rtol=1e-12, atol=1e-15)


def test_links_stepped_one_by_one_step_as_their_layer_does(lernmi):
    rng = np.random.default_rng(0)
    layers = []
    for _ in range(2):
        a, b = lernmi.NeuronLayer(3, "identity"), lernmi.NeuronLayer(2)
        layers.append(lernmi.LinkLayer(a, b, seed=0, optimizer=lernmi.Adam(0.1)))
    for x, t in ((rng.random(3), rng.random(2)) for _ in range(3)):
        for links, by_layer in zip(layers, (True, False)):
            for neurons in (links.input_layer, links.output_layer):
                neurons.reset()
            links.input_layer.input(x)
            links.propagate()
            links.output_layer.expected_output(t)
            if by_layer:
                links.backpropagate()
            else:
                for link in links.links:
                    link.backpropagate()
    assert layers[0].steps == layers[1].steps == 3
    np.testing.assert_array_equal(layers[0].weights, layers[1].weights)
    for a, b in zip(layers[0].moments, layers[1].moments):
        np.testing.assert_array_equal(a, b)


def test_train_at_batch_size_one_leaves_the_neurons_as_learn_does(lernmi):
    x, t = data(rows=4)
    nets = [lernmi.Network([5, 4, 3], optimizer=lernmi.Adam(0.01), seed=2) for _ in range(2)]
    nets[0].train(x, t, shuffle=False)
    for row in range(len(x)):
        nets[1].learn(x[row], t[row])
    for a, b in zip(nets[0].neuron_layers, nets[1].neuron_layers):
        for name in ("z", "a", "s"):
            np.testing.assert_array_equal(getattr(a.store.views(), name),
                                          getattr(b.store.views(), name))


def test_a_network_may_still_be_held_still_at_rate_zero(lernmi):
    net = lernmi.Network([2, 3, 1], training_rate=0.0, seed=0)
    before = [links.weights.copy() for links in net.link_layers]
    net.train([[0.0, 1.0]], [1.0])
    for links, w in zip(net.link_layers, before):
        np.testing.assert_array_equal(links.weights, w)
    assert net.optimizer.training_rate == 0.0
    with pytest.raises(ValueError):
        lernmi.SGD(0.0)


def test_patience_puts_back_an_optimiser_a_callback_changed(lernmi):
    x, t = data(rows=40)
    net = lernmi.Network([5, 8, 3], optimizer=lernmi.Adam(0.01), seed=0)

    def switch(network, epoch, history):
        if epoch == 1:
            network.optimizer = lernmi.SGD(50.0, momentum=0.9)  # diverges: worse val_loss

    history = net.train(x, t, epochs=6, validation_data=(x[:10], t[:10]), patience=2,
                        callbacks=[switch])
    assert history["best_epoch"] <= 1
    assert net.optimizer == lernmi.Adam(0.01)
    assert all(links.optimizer == lernmi.Adam(0.01) for links in net.link_layers)
