"""NeuronLayer and LinkLayer: groups whose one-loop methods equal their members' methods."""

import gc

import numpy as np
import pytest

import reference
from tables import ACTIVATIONS, NETWORK_KINDS


def test_neuron_layer_has_a_bias_neuron_first(lernmi):
    layer = lernmi.NeuronLayer(3)
    neurons = layer.all_neurons
    assert len(neurons) == 4 and layer.learning_neurons == neurons[1:]
    assert neurons[0] is layer.bias_neuron and neurons[0].activation == "bias"
    assert [n.activation for n in neurons[1:]] == ["sigmoid"] * 3
    assert layer.all_neurons[2] is neurons[2]  # the same object each time


def test_input_expected_output_and_reset(lernmi):
    layer = lernmi.NeuronLayer(2, activation="identity")
    layer.input([0.5, -1.0])
    layer.input([0.25, 0.0])
    assert [n.input_sum for n in layer.learning_neurons] == [0.75, -1.0]
    np.testing.assert_array_equal(layer.outputs(), [0.75, -1.0])
    layer.expected_output([1.0, 1.0])
    assert [n.previous_layer_sensitivity_sum for n in layer.learning_neurons] == [-0.25, -2.0]
    layer.bias_neuron.input(5.0)
    layer.reset()
    assert [n.input_sum for n in layer.learning_neurons] == [0.0, 0.0]
    assert [n.previous_layer_sensitivity_sum for n in layer.learning_neurons] == [0.0, 0.0]
    assert layer.bias_neuron.output() == 1.0
    assert layer.bias_neuron.input_sum == 5.0  # reset leaves the bias neuron alone


def test_sigmoid_layer_outputs(lernmi):
    layer = lernmi.NeuronLayer(2)
    layer.input([0.0, -2.0])
    np.testing.assert_allclose(layer.outputs(), 1 / (1 + np.exp([0.0, 2.0])), rtol=1e-15)


@pytest.mark.parametrize("values", [[1.0], [1.0, 2.0, 3.0], [[1.0, 2.0]], 1.0])
def test_wrong_number_of_values_is_a_value_error(lernmi, values):
    layer = lernmi.NeuronLayer(2)
    for method in (layer.input, layer.expected_output):
        with pytest.raises(ValueError, match="shape"):
            method(values)
    assert [n.input_sum for n in layer.learning_neurons] == [0.0, 0.0]


def test_bad_values_and_counts(lernmi):
    layer = lernmi.NeuronLayer(2)
    with pytest.raises(ValueError, match="NaN"):
        layer.input([1.0, float("nan")])
    with pytest.raises(TypeError, match="numbers"):
        layer.input(["a", "b"])
    for count, error in ((0, ValueError), (-1, ValueError), (2.5, TypeError), (True, TypeError)):
        with pytest.raises(error):
            lernmi.NeuronLayer(count)
    with pytest.raises(ValueError):
        lernmi.NeuronLayer(2, activation="sigmod")


def test_a_neuron_outlives_its_layer(lernmi):
    neuron = lernmi.NeuronLayer(1000).learning_neurons[999]
    gc.collect()
    neuron.input(-2.0)
    assert neuron.output() == pytest.approx(1 / (1 + np.exp(2.0)), rel=1e-15)


def layers(lernmi, seed=0, sizes=(3, 4), activation="sigmoid", cost="quadratic"):
    """Two layers with random sums, joined by a LinkLayer."""
    rng = np.random.default_rng(seed)
    a = lernmi.NeuronLayer(sizes[0], activation)
    b = lernmi.NeuronLayer(sizes[1], activation)
    a.input(rng.normal(size=sizes[0]))
    b.input(rng.normal(size=sizes[1]))
    t = rng.dirichlet(np.ones(sizes[1])) if activation == "softmax" else rng.uniform(size=sizes[1])
    b.expected_output(t, cost)
    return a, b, lernmi.LinkLayer(a, b, training_rate=0.3, seed=seed)


# Every activation, with every cost that suits it as an output layer's.
KINDS = sorted({(output, cost) for _, output, cost in NETWORK_KINDS})


def test_links_come_in_the_seeds_order_and_share_the_weights(lernmi):
    a, b, links = layers(lernmi)
    assert links.weights.shape == (4, 4) and len(links.links) == 16
    for k, link in enumerate(links.links):
        i, j = divmod(k, 4)
        assert link.input_neuron is a.all_neurons[i]
        assert link.output_neuron is b.learning_neurons[j]
        assert link.weight == links.weights[j, i]
    assert links.links[5] is links.links[5]
    links.weights[2, 1] = 9.0
    assert links.links[1 * 4 + 2].weight == 9.0
    links.links[3].weight = -4.0
    assert links.weights[3, 0] == -4.0


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_layer_propagate_equals_every_link_propagating(lernmi, activation):
    a, b, by_layer = layers(lernmi, activation=activation)
    a2, b2, by_link = layers(lernmi, activation=activation)
    by_layer.propagate()
    for link in by_link.links:
        link.propagate()
    sums = [n.input_sum for n in b.learning_neurons]
    np.testing.assert_allclose(sums, [n.input_sum for n in b2.learning_neurons],
                               rtol=0, atol=1e-12)
    before = layers(lernmi, activation=activation)[1].learning_neurons
    assert sums != [n.input_sum for n in before]  # it did change


@pytest.mark.parametrize("activation, cost", KINDS)
def test_layer_backpropagate_equals_every_link_backpropagating(lernmi, activation, cost):
    a, b, by_layer = layers(lernmi, activation=activation, cost=cost)
    a2, b2, by_link = layers(lernmi, activation=activation, cost=cost)
    before = by_layer.weights.copy()
    by_layer.backpropagate()
    for link in by_link.links:
        link.backpropagate()
    np.testing.assert_allclose(by_layer.weights, by_link.weights, rtol=0, atol=1e-12)
    np.testing.assert_allclose([n.previous_layer_sensitivity_sum for n in a.all_neurons],
                               [n.previous_layer_sensitivity_sum for n in a2.all_neurons],
                               rtol=0, atol=1e-12)
    assert not np.array_equal(before, by_layer.weights)


def test_the_layer_loops_honour_neurons_made_bias_by_hand(lernmi):
    a, b, by_layer = layers(lernmi)
    a2, b2, by_link = layers(lernmi)
    for layer in (a, a2, b, b2):
        layer.learning_neurons[1].bias()
    by_layer.propagate()
    by_layer.backpropagate()
    for method in ("propagate", "backpropagate"):
        for link in by_link.links:
            getattr(link, method)()
    np.testing.assert_allclose(b.outputs(), b2.outputs(), rtol=0, atol=1e-12)
    assert b.outputs()[1] == 1.0
    np.testing.assert_allclose(by_layer.weights, by_link.weights, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(by_layer.weights[1], layers(lernmi)[2].weights[1])  # s = 0


def test_weights_and_links_outlive_their_layers(lernmi):
    links = layers(lernmi)[2]
    weights, link = links.weights, links.links[-1]
    del links
    gc.collect()
    weights[-1, -1] = 0.125
    assert link.weight == 0.125
    before = link.output_neuron.input_sum
    link.propagate()
    expected = before + 0.125 * link.input_neuron.output()
    assert link.output_neuron.input_sum == pytest.approx(expected, rel=1e-15)


def test_links_of_a_layer_share_its_training_rate_and_wiring(lernmi):
    a, b, links = layers(lernmi)
    link = links.links[0]
    assert link.training_rate == 0.3
    links.training_rate = 0.05
    assert link.training_rate == 0.05
    with pytest.raises(AttributeError, match="layer.training_rate"):
        link.training_rate = 0.2
    with pytest.raises(AttributeError, match="wire"):
        link.input_neuron = lernmi.Neuron()
    with pytest.raises(ValueError):
        links.training_rate = -1.0
    assert (link.training_rate, link.input_neuron) == (0.05, a.bias_neuron)


def test_link_layer_bad_arguments(lernmi):
    a = lernmi.NeuronLayer(2)
    with pytest.raises(TypeError, match="NeuronLayer"):
        lernmi.LinkLayer(a, [1, 2])
    with pytest.raises(ValueError, match="two different"):
        lernmi.LinkLayer(a, a)
    with pytest.raises(ValueError, match="training_rate"):
        lernmi.LinkLayer(a, lernmi.NeuronLayer(1), training_rate=float("nan"))
    with pytest.raises(ValueError, match="seed must be None or an integer >= 0, not -1"):
        lernmi.LinkLayer(a, lernmi.NeuronLayer(1), seed=-1)


def test_same_seed_same_weights(lernmi):
    a, b = lernmi.NeuronLayer(5), lernmi.NeuronLayer(3)
    w1 = lernmi.LinkLayer(a, b, seed=7).weights
    np.testing.assert_array_equal(w1, lernmi.LinkLayer(a, b, seed=7).weights)
    assert np.abs(w1).max() <= 1 / np.sqrt(6)


def test_activation_names_may_be_str_subclasses(lernmi):
    class Name(str):
        pass

    assert lernmi.NeuronLayer(1, Name("identity")).activation == "identity"


def test_reprs(lernmi):
    a, b = lernmi.NeuronLayer(2), lernmi.NeuronLayer(3, "identity")
    assert repr(a) == "NeuronLayer(2 sigmoid + bias)"
    assert repr(b) == "NeuronLayer(3 identity + bias)"
    assert repr(lernmi.LinkLayer(a, b)) == "LinkLayer(3 -> 3, 9 links, training_rate=0.1)"
    assert repr(a.store) == "NeuronStore(3 neurons)"
    assert repr(lernmi.LinkLayer(b, a, 0.5).store) == "LinkStore(2 x 4 weights, training_rate=0.5)"


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_layer_outputs_match_numpy(lernmi, activation):
    z = np.array([-2.5, -0.1, 0.0, 0.7, 3.0])
    layer = lernmi.NeuronLayer(5, activation)
    layer.input(z)
    want = reference.activate(activation, z)
    np.testing.assert_allclose(layer.outputs(), want, rtol=1e-15, atol=1e-17)
    # Each neuron on its own gives the number the layer loop gave.
    assert [n.output() for n in layer.learning_neurons] == list(layer.outputs())


def test_softmax_sensitivities_use_the_whole_layer(lernmi):
    layer = lernmi.NeuronLayer(3, "softmax")
    layer.input([0.5, -1.0, 2.0])
    for neuron, delta in zip(layer.learning_neurons, [0.3, -0.2, 0.6]):
        neuron.submit_sensitivity(delta)
    a = reference.softmax(np.array([0.5, -1.0, 2.0]))
    want = reference.jacobian("softmax", None, a).T @ [0.3, -0.2, 0.6]
    got = [n.sensitivity() for n in layer.learning_neurons]
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-16)


def test_cross_entropy_errors_are_the_sensitivities(lernmi):
    layer = lernmi.NeuronLayer(2, "sigmoid")
    layer.input([0.3, -2.0])
    layer.expected_output([1.0, 0.0], "cross_entropy")
    a = layer.outputs()
    assert [n.sensitivity() for n in layer.learning_neurons] == list(a - [1.0, 0.0])
    with pytest.raises(ValueError, match="sigmoid or softmax"):
        lernmi.NeuronLayer(2, "tanh").expected_output([1.0, 0.0], "cross_entropy")
    with pytest.raises(ValueError, match="unknown cost"):
        layer.expected_output([1.0, 0.0], "hinge")


def slopes(activation, z):
    return reference.ACTIVATIONS[activation][1](np.asarray(z, dtype=float))


@pytest.mark.parametrize("activation", ["sigmoid", "softmax"])
def test_a_sensitivity_always_follows_the_sums_and_what_the_cost_gave(lernmi, activation):
    # s = delta * f'(z) + what the cost gave directly, whatever was done in whatever order.
    z, t = np.array([0.3, -2.0, 0.8]), np.array([0.0, 1.0, 0.0])
    layer = lernmi.NeuronLayer(3, activation)
    layer.input(z)
    layer.expected_output(t, "cross_entropy")
    a = layer.outputs()
    neurons = layer.learning_neurons
    assert [n.sensitivity() for n in neurons] == list(a - t)  # the cost's s, the sums 0
    assert [n.previous_layer_sensitivity_sum for n in neurons] == [0.0] * 3
    neurons[0].submit_sensitivity(0.0)  # changes nothing, for any neuron of the layer
    assert [n.sensitivity() for n in neurons] == list(a - t)
    neurons[1].submit_sensitivity(0.5)  # goes through the slope, added to the cost's s
    delta = np.array([0.0, 0.5, 0.0])
    through = (reference.jacobian("softmax", None, a).T @ delta if activation == "softmax"
               else delta * slopes(activation, z))
    np.testing.assert_allclose([n.sensitivity() for n in neurons], a - t + through,
                               rtol=1e-14, atol=1e-16)
    layer.expected_output(t, "cross_entropy")  # twice: twice the cost's part
    np.testing.assert_allclose([n.sensitivity() for n in neurons], 2 * (a - t) + through,
                               rtol=1e-14, atol=1e-16)
    layer.reset()
    assert [n.sensitivity() for n in neurons] == [0.0] * 3


def test_a_sensitivity_follows_a_later_input(lernmi):
    n = lernmi.Neuron()
    n.submit_sensitivity(2.0)
    n.input(3.0)
    assert n.sensitivity() == pytest.approx(2.0 * slopes("sigmoid", 3.0), rel=1e-14)
    layer = lernmi.NeuronLayer(2, "tanh")
    layer.expected_output([0.5, -0.5])  # quadratic: delta = a - t at z = 0, so -t
    layer.expected_output([0.5, -0.5])  # twice: delta doubles, and s with it
    layer.input([1.0, -1.0])            # then z moves: s = delta * f'(z) at the new z
    np.testing.assert_allclose([n.sensitivity() for n in layer.learning_neurons],
                               [-1.0, 1.0] * slopes("tanh", [1.0, -1.0]), rtol=1e-14)


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_an_output_neuron_made_bias_by_hand_learns_nothing(lernmi, output):
    net = lernmi.Network([3, 4, 3], activation="tanh", output_activation=output,
                         cost="cross_entropy", seed=2)
    net.neuron_layers[-1].learning_neurons[0].bias()  # outputs 1.0 for good...
    x, t = [0.2, -0.4, 0.9], [1.0, 0.0, 0.0]             # ...as expected, so it costs 0
    check = lernmi.check_gradients(net, x, t)
    assert check.passed and check.backprop[-1][0].tolist() == [0.0] * 5
    # A softmax layer's other neurons share what the bias neuron was not expected to take.
    assert lernmi.check_gradients(net, x, [0.5, 0.5, 0.0]).passed
    before = net.link_layers[-1].weights.copy()
    net.learn(x, t)
    np.testing.assert_array_equal(net.link_layers[-1].weights[0], before[0])


def test_relu_layer_loops_give_each_neuron_formulas_numbers(lernmi):
    """compute_outputs and compute_sensitivities take a run of ReLU neurons in loops of
    their own, for the compiler to vectorise; each number they give must be the one the
    formulas for a lone neuron give (Neuron.output and Neuron.sensitivity: activate and
    kept_sensitivity), bit for bit (any NaN for a NaN): zeros of both signs, infinities,
    NaN, subnormal numbers, a cost's direct part, dropout's keep factors 0, -0.0, 1, 1.25
    and 2, and runs cut short by bias neurons (made so by hand)."""
    special = [0.0, -0.0, 1.5, -2.0, np.nan, np.inf, -np.inf, 5e-324, -5e-324, 3.0, -1.0]
    z = np.array([0.0] + special * 3)
    delta = np.array([0.0] + special[3:] + special + special[:3] + special[::-1])
    direct = np.array([0.0] + [0.0, -0.0, 0.5] * len(special))
    keep = np.array([1.0] * (1 + len(special)) + [0.0, 2.0, 1.0, 1.25, -0.0] * len(special))
    keep = keep[:z.size]
    codes = {name: code for code, name in lernmi.activations.ACTIVATION_NAMES.items()}
    kind = np.full(z.size, codes["relu"], dtype=np.intc)
    kind[[0, 3, 17, 18]] = codes["bias"]  # (the only other kind a NeuronLayer allows)
    a, s = np.zeros(z.size), np.zeros(z.size)
    store = lernmi.stores.NeuronStore(kind, z, delta, direct, a, s, keep)
    layer = lernmi.layers.neuron_layer_over(store, "relu")

    with np.errstate(invalid="ignore", over="ignore"):  # (uncompiled: inf * 0.0 warns)
        outputs = layer.outputs()  # compute_outputs
        lernmi.LinkLayer(lernmi.NeuronLayer(1), layer).backpropagate()  # its sensitivities
        expected = np.array([(neuron.output(), neuron.sensitivity())
                             for neuron in layer.learning_neurons])
    for got, want in ((outputs, expected[:, 0]), (s[1:], expected[:, 1])):
        same = (got.view(np.uint64) == want.view(np.uint64)) | (np.isnan(got) & np.isnan(want))
        assert same.all(), (got, want)
