"""Network(dtype=numpy.float32): a network of float32 numbers, run by the float32 copy of the
loops (lernmi._f32), with the promises of a float64 one: the same seed gives the same
network compiled or from source, on any number of threads, and what `learn`, `trace` and
`train` do agree to the last bit."""

import copy
import pickle

import numpy as np
import pytest

from lernmi.activations import ACTIVATIONS
from test_float32 import assert_same_bits, needs_numpy_2

KINDS = [(f, f, "quadratic") for f in ACTIVATIONS if f not in ("softmax", "identity")] + [
    ("relu", "softmax", "cross_entropy"), ("gelu", "sigmoid", "cross_entropy")]


def data(rows=30, inputs=37, outputs=3, seed=11):
    rng = np.random.default_rng(seed)
    x = rng.uniform(size=(rows, inputs)) * (rng.uniform(size=(rows, inputs)) < 0.4)
    return x, rng.integers(0, outputs, size=rows)


def float32_network(lernmi, hidden="relu", output="softmax", cost="cross_entropy", **options):
    return lernmi.Network([37, 21, 18, 3], activation=hidden, output_activation=output,
                          cost=cost, training_rate=0.05, seed=12, dtype=np.float32, **options)


def weights(net):
    return [links.weights.copy() for links in net.link_layers]


def test_a_float32_network_keeps_its_numbers_in_float32(compiled):
    net = float32_network(compiled)
    x, labels = data()
    assert net.dtype is np.float32 and compiled.Network([2, 1]).dtype is np.float64
    assert repr(net).endswith(", cross_entropy, float32, 1,251 links)")
    net.train(x, labels, epochs=1, batch_size=4)
    for links in net.link_layers:
        assert {a.dtype for a in (links.weights, *links.store.views()[2:])} == {
            np.dtype(np.float32)}
    assert net.predict(x).dtype == np.float32 and net.run(x[0]).dtype == np.float32
    assert 0.0 <= net.evaluate(x, labels) <= 1.0
    assert type(net.neuron_layers[1].learning_neurons[0].output()) is float


def test_its_first_weights_are_the_float64_networks_rounded(compiled):
    net, wide = float32_network(compiled), compiled.Network(
        [37, 21, 18, 3], activation="relu", output_activation="softmax", seed=12)
    for a, b in zip(weights(net), weights(wide)):
        np.testing.assert_array_equal(a, b.astype(np.float32))


@pytest.mark.parametrize("dtype", [np.float32, "float32", np.dtype("float32"), "f4"])
def test_dtype_is_given_as_numpy_names_it(compiled, dtype):
    assert compiled.Network([2, 1], dtype=dtype).dtype is np.float32


@pytest.mark.parametrize("dtype, error", [(np.float16, ValueError), (int, ValueError),
                                          ("float128x", TypeError), (None, TypeError),
                                          (True, TypeError), ([np.float32], TypeError),
                                          ("f4,,", TypeError), (np.float32(0), TypeError)])
def test_other_dtypes_are_refused(compiled, dtype, error):
    with pytest.raises(error, match="numpy.float64 or numpy.float32"):
        compiled.Network([2, 1], dtype=dtype)


def test_numbers_too_large_for_float32_are_refused_unchanged(compiled):
    net = float32_network(compiled, "relu", "identity", "quadratic")
    before, state = weights(net), net.rng.bit_generator.state
    x, labels = data()
    t = np.eye(3)[labels]
    big_x, big_t = x.copy(), t.copy()
    big_x[3, 5] = big_t[3, 1] = 1e39  # finite in float64, infinite in float32
    for call in (lambda: net.train(big_x, t), lambda: net.predict(big_x),
                 lambda: net.learn(big_x[3], t[3]), lambda: net.run(big_x[3]),
                 lambda: net.train(x, big_t), lambda: net.learn(x[3], big_t[3]),
                 lambda: net.evaluate(x, big_t), lambda: net.trace(x[3], big_t[3]),
                 lambda: net.train(x, t, validation_data=(x, big_t)),
                 lambda: net.neuron_layers[-1].expected_output(big_t[3])):
        with pytest.raises(ValueError, match="too large for float32"):
            call()
    link = net.link_layers[0].links[0]
    for value in (1e39, -3.5e38):
        with pytest.raises(ValueError, match="finite as a float32"):
            link.weight = value
    assert_same_bits(weights(net), before)
    assert net.rng.bit_generator.state == state


def test_float32_expected_outputs_that_add_up_to_1_in_float32_are_taken(compiled):
    net = float32_network(compiled)
    x, _ = data(rows=3)
    t = np.array([[0.8, 0.1, 0.1], [1 / 3, 1 / 3, 1 / 3], [0.7, 0.2, 0.1]], np.float32)
    assert abs(float(t.astype(np.float64).sum(axis=1)[1]) - 1) > 1e-9  # (as float64: not 1)
    net.train(x, t)
    net.learn(x[0], t[1])
    with pytest.raises(ValueError, match="add up to 1"):
        net.train(x, t * np.float32(0.999))


@needs_numpy_2
@pytest.mark.parametrize("hidden, output, cost", KINDS)
@pytest.mark.parametrize("batch", [1, 32])
def test_compiled_and_from_source_give_the_same_float32_network(compiled, source, hidden,
                                                                 output, cost, batch):
    x, labels = data()
    nets = [float32_network(m, hidden, output, cost) for m in (compiled, source)]
    for net in nets:
        net.train(x, labels, epochs=2, batch_size=batch)
        net.learn(x[0], np.eye(3)[labels[0]])
    assert_same_bits(weights(nets[0]), weights(nets[1]))
    assert_same_bits([nets[0].predict(x)], [nets[1].predict(x)])


@needs_numpy_2
@pytest.mark.parametrize("optimizer", ["SGD(0.05, momentum=0.9)", "Adam(0.01)",
                                       "SGD(0.05, weight_decay=0.01)"])
def test_optimizers_dropout_and_schedules_give_the_same_bits_both_ways(compiled, source,
                                                                      optimizer):
    x, labels = data()
    nets = [float32_network(m, optimizer=eval(optimizer, vars(m)), dropout=0.2)
            for m in (compiled, source)]
    for net in nets:
        net.train(x, labels, epochs=2, batch_size=8, schedule=lambda e: 0.05 / (1 + e),
                  validation_data=(x[:10], labels[:10]))
        net.train(x, labels, epochs=1)
    assert_same_bits(weights(nets[0]), weights(nets[1]))


@pytest.mark.parametrize("batch", [1, 4, 32])
def test_every_thread_count_gives_the_same_float32_network(compiled, batch):
    x, labels = data(rows=64)
    trained = []
    for threads in (1, 2, 3):
        net = float32_network(compiled, optimizer=compiled.Adam(0.01))
        net.train(x, labels, epochs=2, batch_size=batch, threads=threads)
        trained.append(weights(net))
    assert_same_bits(trained[0], trained[1])
    assert_same_bits(trained[0], trained[2])


def test_train_does_what_learn_does_row_by_row(lernmi):
    x, labels = data()
    nets = [float32_network(lernmi, "tanh", "sigmoid", "quadratic") for _ in range(2)]
    nets[0].train(x, labels, shuffle=False)
    for row, label in zip(x, labels):
        nets[1].learn(row, np.eye(3)[label])
    assert_same_bits(weights(nets[0]), weights(nets[1]))


def test_a_trace_shows_what_the_float32_loops_computed(compiled):
    x, labels = data()
    net, twin = [float32_network(compiled, "gelu", "sigmoid", "quadratic") for _ in range(2)]
    trace = net.trace(x[1], np.eye(3)[labels[1]], learn=True)
    twin.learn(x[1], np.eye(3)[labels[1]])
    assert_same_bits([step.new_weights for step in trace.layers], weights(twin))
    step, text = trace.layers[0], trace.format(digits=9)
    assert step.z.dtype == np.float32
    for j in range(3):  # GELU's slope is shown as a number: the float32 formula's
        slope = compiled._f32.activations.slope_of("gelu", step.z[j], step.a[j])
        assert step.s[j] == np.float32(step.delta[j]) * np.float32(slope)
        assert f"{step.delta[j]:.9g} * {slope:.9g} = {step.s[j]:.9g}" in text


@pytest.mark.parametrize("optimizer", ["SGD(0.05, momentum=0.9, weight_decay=0.01)",
                                       "Adam(0.01, weight_decay=0.01)"])
def test_a_traces_optimizer_lines_are_float32_arithmetic(compiled, optimizer):
    from lernmi._trace_text import flush_note

    x, labels = data()
    net = float32_network(compiled, "relu", "softmax", "cross_entropy",
                          optimizer=eval(optimizer, vars(compiled)))
    net.train(x, labels, epochs=1, batch_size=4)
    trace = net.trace(x[2], np.eye(3)[labels[2]], learn=True)
    step = trace.layers[1]
    assert trace.expected_outputs.dtype == trace.inputs.dtype == np.float32
    decay, one = np.float32(0.01), np.float32(1)
    g = step.gradient[0, 1] + decay * step.weights[0, 1]  # float32 arithmetic
    text = trace.format(digits=9)
    assert f"+ {decay:.9g} * {step.weights[0, 1]:.9g} = {g:.9g}" in text
    if "m" in step.kept_after:
        b1 = np.float32(0.9)
        m = b1 * step.kept_before["m"][0, 1] + (one - b1) * g
        assert m == step.kept_after["m"][0, 1] and f"{one - b1:.9g} * {g:.9g}" in text
    assert "1.2e-38, the smallest normal float32" in flush_note(1e-39, np.float32(0))


def test_saved_copied_and_pickled_float32_networks_come_back_the_same(compiled, tmp_path):
    x, labels = data()
    net = float32_network(compiled, optimizer=compiled.Adam(0.01))
    net.train(x, labels, epochs=1, batch_size=4)
    net.save(tmp_path / "net.npz")
    for back in (compiled.Network.load(tmp_path / "net.npz"), copy.deepcopy(net),
                 pickle.loads(pickle.dumps(net))):
        assert back.dtype is np.float32 and back.steps == net.steps
        assert_same_bits(weights(back), weights(net))
        assert_same_bits([m for links in back.link_layers for m in links.moments],
                         [m for links in net.link_layers for m in links.moments])
        back.train(x, labels, epochs=1, batch_size=4, shuffle=False)
    with np.load(tmp_path / "net.npz") as archive:
        assert '"format_version": 3' in str(archive["header"]) and '"dtype": "float32"' \
            in str(archive["header"])
    compiled.Network([2, 1]).save(tmp_path / "wide.npz")
    with np.load(tmp_path / "wide.npz") as archive:  # as lernmi wrote it before float32
        assert '"format_version": 2' in str(archive["header"]) and "dtype" not in str(
            archive["header"])


def test_a_float32_file_whose_arrays_are_float64_is_refused(compiled, tmp_path):
    from lernmi import saving

    net = float32_network(compiled, optimizer=compiled.Adam(0.01))
    header, arrays = saving.state_of(net)
    arrays["weights_0"] = arrays["weights_0"].astype(np.float64)
    with pytest.raises(ValueError, match="weights_0 must be an array of float32 numbers"):
        saving.restore(compiled.Network, header, arrays)
    arrays["weights_0"] = arrays["weights_0"].astype(np.float32)
    arrays["m_1"] = np.zeros(arrays["weights_1"].shape)  # float64 moments
    with pytest.raises(ValueError, match="m_1 must be an array of float32 numbers"):
        saving.restore(compiled.Network, header, arrays)
    header["dtype"] = "float16"
    with pytest.raises(ValueError, match="dtype must be one of"):
        saving.restore(compiled.Network, header, arrays)


def test_gradients_are_checked_in_float64_only(compiled):
    with pytest.raises(ValueError, match="float64 network"):
        compiled.check_gradients(float32_network(compiled), np.zeros(37), np.eye(3)[0])


def test_from_source_a_float32_network_needs_numpy_2(compiled, source, monkeypatch):
    monkeypatch.setattr(np, "__version__", "1.26.4")
    with pytest.raises(RuntimeError, match="needs numpy 2 or newer"):
        source.Network([2, 1], dtype=np.float32)
    if compiled.COMPILED:  # compiled, C rounds it whatever numpy's version
        assert compiled.Network([2, 1], dtype=np.float32).dtype is np.float32
    assert source.Network([2, 1]).dtype is np.float64
