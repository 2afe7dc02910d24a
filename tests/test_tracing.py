"""Network.trace: the numbers of one step, as the network's own loops computed them."""

import numpy as np
import pytest

import reference
from tables import ACTIVATIONS, NETWORK_KINDS

#: Every (hidden activation, output activation, cost) lernmi allows.
COMBINATIONS = NETWORK_KINDS


def weights(net):
    return [links.weights.copy() for links in net.link_layers]


def unchanged(net, before):
    """Whether every weight of `net` is bit for bit what `before` holds."""
    return all(np.array_equal(p, q) for p, q in zip(before, weights(net)))


def raises_and_changes_nothing(net, call, error):
    before = weights(net)
    with pytest.raises(error):
        call()
    assert unchanged(net, before)


def sums(net):
    """Every neuron's input sum, sensitivity sum and output."""
    return [(n.input_sum, n.previous_layer_sensitivity_sum, n.output())
            for layer in net.neuron_layers for n in layer.all_neurons]


def sample(output, outputs, seed):
    """Inputs and expected outputs that suit the output activation."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=3)
    t = np.eye(outputs)[1] if output == "softmax" else rng.uniform(0.1, 0.9, size=outputs)
    return x, t


def network(lernmi, hidden, output, cost, sizes=(3, 4, 5, 2)):
    return lernmi.Network(list(sizes), activation=hidden, output_activation=output, cost=cost,
                          training_rate=0.3, seed=7)


@pytest.mark.parametrize("hidden, output, cost", COMBINATIONS)
def test_trace_holds_the_numbers_of_a_numpy_network(lernmi, hidden, output, cost):
    net = network(lernmi, hidden, output, cost)
    x, t = sample(output, 2, 1)
    w = weights(net)
    z, a, _ = reference.forward(w, x, hidden, output)
    stepped = reference.sgd_step(w, x, t, 0.3, hidden, output, cost)
    trace = net.trace(x, t)
    for l, step in enumerate(trace.layers):
        np.testing.assert_array_equal(step.weights, w[l])
        np.testing.assert_allclose(step.inputs, np.concatenate([[1.0], a[l]]), rtol=1e-13)
        np.testing.assert_allclose(step.z, z[l + 1], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(step.a, a[l + 1], rtol=1e-12, atol=1e-15)
        # The reference's step is -eta * gradient; the bias column's a_in is 1, so it is s.
        gradient = (w[l] - stepped[l]) / 0.3
        np.testing.assert_allclose(step.gradient, gradient, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(step.s, gradient[:, 0], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(step.new_weights, stepped[l], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(step.update, -0.3 * step.gradient, rtol=1e-15, atol=0)
    np.testing.assert_allclose(trace.outputs, a[-1], rtol=1e-12)
    assert trace.loss == pytest.approx(reference.cost_of(a[-1], t, output, cost), rel=1e-12)


@pytest.mark.parametrize("hidden, output, cost", COMBINATIONS[::3])
def test_the_deltas_are_what_the_next_layer_sends_back(lernmi, hidden, output, cost):
    net = network(lernmi, hidden, output, cost)
    x, t = sample(output, 2, 2)
    trace = net.trace(x, t)
    # The output layer's errors a - t: its sensitivity sums, or, where the cost gives s
    # itself (cross-entropy), its sensitivities, the sums left at 0.
    if lernmi.costs.COSTS[cost].sensitivity is None:
        np.testing.assert_allclose(trace.layers[-1].delta, trace.outputs - t, rtol=1e-15)
    else:
        np.testing.assert_array_equal(trace.layers[-1].delta, 0.0)
        np.testing.assert_array_equal(trace.layers[-1].s, trace.outputs - t)
    for step, following in zip(trace.layers, trace.layers[1:]):
        np.testing.assert_allclose(step.delta, following.weights[:, 1:].T @ following.s,
                                   rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("hidden, output, cost", COMBINATIONS[::2])
def test_learning_through_a_trace_is_learn_to_the_last_bit(lernmi, hidden, output, cost):
    traced, learned, looked_at = (network(lernmi, hidden, output, cost) for _ in range(3))
    x, t = sample(output, 2, 3)
    trace = traced.trace(x, t, learn=True)
    learned.learn(x, t)
    preview = looked_at.trace(x, t)  # learn=False: what the step would do
    assert trace.learned and not preview.learned
    for after, by_learn, step, would in zip(weights(traced), weights(learned), trace.layers,
                                            preview.layers):
        np.testing.assert_array_equal(after, by_learn)
        np.testing.assert_array_equal(step.new_weights, by_learn)
        np.testing.assert_array_equal(would.new_weights, by_learn)
        np.testing.assert_array_equal(step.weights + step.update, by_learn)
    assert sums(traced) == sums(learned)


@pytest.mark.parametrize("hidden, output, cost", COMBINATIONS[1::4])
def test_a_trace_without_learning_changes_nothing(lernmi, hidden, output, cost):
    net = network(lernmi, hidden, output, cost)
    x, t = sample(output, 2, 4)
    net.learn(x, t)  # sums left by a real step, which the trace must not disturb
    before, sums_before = weights(net), sums(net)
    net.trace(-x, t)
    net.trace(-x)
    assert unchanged(net, before)
    assert sums(net) == sums_before


def test_without_expected_outputs_only_the_forward_pass_is_traced(lernmi):
    net = network(lernmi, "tanh", "identity", "quadratic")
    x, _ = sample("identity", 2, 5)
    trace = net.trace(x)
    np.testing.assert_array_equal(trace.outputs, net.run(x))
    assert trace.expected_outputs is None and trace.loss is None and trace.gradients is None
    assert all(step.delta is step.s is step.gradient is step.new_weights is None
               for step in trace.layers)
    text = str(trace)
    assert "forward:" in text and "backward" not in text and "cost" not in text
    assert repr(trace) == "Trace(Network(3 -> 4 tanh -> 5 tanh -> 2 identity, 53 links), " \
                          "forward pass)"


def n(value):
    """A number as a printed trace shows it (six significant digits)."""
    return f"{value + 0.0:.6g}"


def test_a_printed_trace_fills_the_formulas_in(lernmi):
    net = lernmi.Network([2, 2, 1], training_rate=0.1)
    net.link_layers[0].weights[:] = [[0.1, 0.5, -0.3], [-0.2, 0.4, 0.6]]
    net.link_layers[1].weights[:] = [[0.3, -0.7, 0.2]]
    text = str(net.trace([0.8, 1.0], [1.0]))

    # The same step by hand.
    sigmoid = reference.sigmoid
    z1 = np.array([0.1 + 0.5 * 0.8 - 0.3, -0.2 + 0.4 * 0.8 + 0.6])
    a1 = sigmoid(z1)
    z2 = 0.3 - 0.7 * a1[0] + 0.2 * a1[1]
    a2 = sigmoid(z2)
    d2 = a2 - 1.0
    s2 = d2 * a2 * (1 - a2)
    d1 = -0.7 * s2
    s1 = d1 * a1[0] * (1 - a1[0])
    for line in [
        "x = [0.8, 1]",
        f"neuron 0: z = 0.1 * 1 + 0.5 * 0.8 + -0.3 * 1 = {n(z1[0])}",
        f"a = sigmoid({n(z1[0])}) = {n(a1[0])}",
        f"neuron 0: z = 0.3 * 1 + -0.7 * {n(a1[0])} + 0.2 * {n(a1[1])} = {n(z2)}",
        f"cost = 0.5 * sum((a - t)^2) = {n(0.5 * d2 ** 2)}",
        f"delta = a - t = {n(a2)} - 1 = {n(d2)}",
        f"s = delta * a * (1 - a) = {n(d2)} * {n(a2)} * (1 - {n(a2)}) = {n(s2)}",
        f"weights[0, 1]: gradient = s * a_in = {n(s2)} * {n(a1[0])} = {n(s2 * a1[0])}",
        f"w -> w - eta * gradient = -0.7 - 0.1 * {n(s2 * a1[0])} = {n(-0.7 - 0.1 * s2 * a1[0])}",
        f"delta = sum of w * s over the links out = -0.7 * {n(s2)} = {n(d1)}",
        f"s = delta * a * (1 - a) = {n(d1)} * {n(a1[0])} * (1 - {n(a1[0])}) = {n(s1)}",
        f"weights[0, 1]: gradient = s * a_in = {n(s1)} * 0.8 = {n(s1 * 0.8)}",
        "(learn=False: the weights did not take this step)",
    ]:
        assert line in text


@pytest.mark.parametrize("hidden, output, cost, formulas", [
    ("tanh", "relu", "quadratic", ["a = tanh(", "a = max(0, ", "s = delta * (1 - a^2) = ",
                                   "s = delta * (1 if z > 0 else 0) = "]),
    ("identity", "softmax", "quadratic", ["a = z = ", "s = delta * 1 = ", "a = e^",
                                          "p = sum of a * delta = ", "s = a * (delta - p) = "]),
    ("relu", "softmax", "cross_entropy", ["cost = -sum(t * ln(a)) = ",
                                          "s = a - t (cross-entropy: the cost's slope and f' "
                                          "cancel) = "]),
    ("sigmoid", "sigmoid", "cross_entropy", ["cost = -sum(t * ln(a) + (1 - t) * ln(1 - a)) = "]),
])
def test_each_activation_and_cost_prints_its_own_formula(lernmi, hidden, output, cost,
                                                          formulas):
    net = network(lernmi, hidden, output, cost, sizes=(2, 2, 2))
    x, t = sample(output, 2, 6)
    text = str(net.trace(x[:2], t))
    for formula in formulas:
        assert formula in text


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation_prints_its_formulas_from_the_table(lernmi, activation):
    entry = lernmi.activations.ACTIVATIONS[activation]
    hidden = activation if "hidden" in entry.uses else "tanh"
    net = network(lernmi, hidden, activation, "quadratic", sizes=(2, 3, 2))
    x, t = sample(activation, 2, 4)
    trace = net.trace(x[:2], t)
    text = str(trace)
    assert f"{activation} neurons, {entry.formula}" in text
    assert f"s = {entry.slope} = " in text
    # The slope's numbers, filled in, come from the very C formula the loops use.
    if "{slope}" in entry.slope_shown:
        step = trace.layers[-1]
        slope = lernmi.activations.slope_of(activation, step.z[0], step.a[0])
        assert f"s = {entry.slope} = {n(step.delta[0])} * {n(slope)} = {n(step.s[0])}" in text
        assert step.s[0] == step.delta[0] * slope


def test_a_softmax_line_shows_the_layers_total(lernmi):
    net = network(lernmi, "sigmoid", "softmax", "quadratic", sizes=(2, 3))
    trace = net.trace([0.5, -1.0], [0.0, 1.0, 0.0])
    z, a = trace.layers[0].z, trace.layers[0].a
    assert f"a = e^{n(z[2])} / {n(np.exp(z).sum())} = {n(a[2])}" in str(trace)


def test_a_wide_layer_is_summarised(lernmi):
    net = lernmi.Network([12, 9, 3], seed=0)
    trace = net.trace(np.linspace(0, 1, 12), [0.0, 1.0, 0.0])
    text = str(trace)
    assert "x = [0, 0.0909091, 0.181818, 0.272727, 0.363636, ... (7 more)]" in text
    assert text.count("... (8 more) = ") == 5    # z of the first 5 of layer 1's 9 neurons
    assert text.count("... (4 more neurons)") == 2  # forward and backward
    assert "... (8 more links) into neuron 4" in text
    assert "neuron 5:" not in text
    wide = trace.format(shown=10)
    assert "neuron 8:" in wide and "more neuron" not in wide and "... (3 more) = " in wide
    assert len(trace.format(digits=3)) < len(text)


@pytest.mark.parametrize("options, error, message", [
    ({"shown": -3}, ValueError, "shown must be at least 1, not -3"),
    ({"shown": 0}, ValueError, "shown must be at least 1, not 0"),
    ({"shown": 2.5}, TypeError, "shown must be an integer, not 2.5"),
    ({"digits": 0}, ValueError, "digits must be at least 1, not 0"),
    ({"digits": 18}, ValueError, "digits must be at most 17, as many as a float64 has"),
    ({"digits": 10**6}, ValueError, "digits must be at most 17"),
    ({"digits": True}, TypeError, "digits must be an integer, not True"),
])
def test_format_takes_digits_a_float64_has_and_shows_at_least_one_of_everything(
        lernmi, options, error, message):
    trace = lernmi.Network([2, 3, 1], seed=0).trace([1.0, 2.0], [1.0])
    with pytest.raises(error, match=message):
        trace.format(**options)
    # The bounds themselves are taken: every digit of a float64, and one of everything.
    assert f"= {trace.outputs[0]:.17g}\n" in trace.format(digits=17)
    assert "x = [1, ... (1 more)]" in trace.format(shown=1)


@pytest.mark.parametrize("call, error", [
    (lambda net: net.trace([1.0]), ValueError),
    (lambda net: net.trace([1.0, 2.0], [1.0, 0.0]), ValueError),
    (lambda net: net.trace([1.0, "a"], [1.0]), TypeError),
    (lambda net: net.trace([1.0, 2.0], learn=True), ValueError),
    (lambda net: net.trace([1.0, 2.0], [1.0], learn="yes"), TypeError),
    (lambda net: net.trace([1.0, 2.0], [float("nan")], learn=True), ValueError),
])
def test_bad_input_raises_before_anything_changes(lernmi, call, error):
    net = lernmi.Network([2, 3, 1], seed=0)
    raises_and_changes_nothing(net, lambda: call(net), error)


def test_cross_entropy_targets_are_checked(lernmi):
    net = lernmi.Network([2, 2], output_activation="softmax", cost="cross_entropy")
    with pytest.raises(ValueError, match="add up to 1"):
        net.trace([1.0, 0.0], [0.5, 0.6])


def test_a_trace_reads_as_what_it_is(lernmi):
    net = lernmi.Network([2, 3, 1], seed=0)
    trace = net.trace([0.0, 1.0], [1.0], learn=True)
    assert repr(trace) == "Trace(Network(2 -> 3 sigmoid -> 1 sigmoid, 13 links), weights changed)"
    assert repr(trace.layers[0]) == "LayerStep(3 -> 3 sigmoid, training_rate=0.1)"
    assert "(learn=True: the weights took this step)" in str(trace)
