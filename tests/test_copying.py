"""copy, deepcopy and pickle: every object comes back with its numbers, on its own storage."""

import copy
import multiprocessing
import pickle

import numpy as np
import pytest

X = np.random.default_rng(2).uniform(size=(10, 3))
LABELS = np.arange(10) % 2


def pickled(obj):
    return pickle.loads(pickle.dumps(obj))


COPIES = {"pickle": pickled, "deepcopy": copy.deepcopy}


def weights(net):
    return [links.weights.copy() for links in net.link_layers]


# Network: a whole new network, its layers views into its own arrays.

@pytest.mark.parametrize("how", ["pickle", "deepcopy", "copy"])
def test_a_copied_network_is_the_same_network_on_its_own(lernmi, how):
    net = lernmi.Network([3, 4, 2], activation="tanh", output_activation="softmax",
                         cost="cross_entropy", seed=4)
    net.train(X, LABELS)
    net.link_layers[1].training_rate = 0.03
    twin = {**COPIES, "copy": copy.copy}[how](net)
    assert type(twin) is type(net) and repr(twin) == repr(net)
    assert twin.cost == net.cost
    assert [links.training_rate for links in twin.link_layers] == [0.1, 0.03]
    assert twin.rng.bit_generator.state == net.rng.bit_generator.state
    np.testing.assert_array_equal(twin.predict(X), net.predict(X))
    # The same graph: each link layer joins the copy's own neuron layers.
    for l, links in enumerate(twin.link_layers):
        assert links.input_layer is twin.neuron_layers[l]
        assert links.output_layer is twin.neuron_layers[l + 1]
        assert links.links[0].input_neuron is twin.neuron_layers[l].bias_neuron
    # Training both the same way keeps them the same, shuffles included.
    for n in (net, twin):
        n.train(X, LABELS, epochs=2)
    for a, b in zip(weights(net), weights(twin)):
        np.testing.assert_array_equal(a, b)
    # But they share nothing: changing the copy leaves the original as it was.
    before = weights(net)
    twin.link_layers[0].weights[0, 0] = 5.0
    twin.train(X, LABELS)
    twin.training_rate = 0.5
    for a, b in zip(weights(net), before):
        np.testing.assert_array_equal(a, b)
    assert net.link_layers[1].training_rate == 0.03


def test_a_copied_networks_layers_are_views_into_its_arrays(lernmi):
    twin = copy.deepcopy(lernmi.Network([3, 2, 1], seed=0))
    link = twin.link_layers[1].links[0]  # the bias link of the output neuron
    link.weight = 100.0
    assert twin.link_layers[1].weights[0, 0] == 100.0
    assert twin.run([0.0, 0.0, 0.0])[0] == pytest.approx(1.0)  # sigmoid(100 + ...) = 1
    assert twin.predict(np.zeros((1, 3)))[0, 0] == pytest.approx(1.0)


def test_a_network_with_a_hand_made_bias_neuron_is_not_copied(lernmi):
    net = lernmi.Network([2, 2, 1], seed=0)
    net.neuron_layers[1].learning_neurons[1].bias()
    with pytest.raises(ValueError, match="made a bias neuron by hand"):
        copy.deepcopy(net)


def train_a_copy(net):
    """In another process: train the network sent there, and send back its weights."""
    net.train(X, LABELS, epochs=2)
    return weights(net)


def test_networks_train_in_other_processes(compiled):
    nets = [compiled.Network([3, 5, 1], seed=seed) for seed in (1, 2)]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        trained = pool.map(train_a_copy, nets)
    for net, got in zip(nets, trained):
        for a, b in zip(train_a_copy(net), got):
            np.testing.assert_array_equal(a, b)


# Neurons and links: handles, which bring their storage with them.

@pytest.mark.parametrize("how", COPIES)
def test_a_copied_neuron_keeps_its_sums(lernmi, how):
    n = lernmi.Neuron("tanh")
    n.input(0.75)
    n.submit_sensitivity(-0.25)
    twin = COPIES[how](n)
    assert (twin.activation, twin.input_sum, twin.previous_layer_sensitivity_sum) == \
        ("tanh", 0.75, -0.25)
    assert twin.output() == np.tanh(0.75) and twin.sensitivity() == n.sensitivity()
    twin.input(1.0)
    twin.bias()
    assert (n.input_sum, n.activation) == (0.75, "tanh")
    b = lernmi.Neuron()
    b.bias()
    assert COPIES[how](b).output() == 1.0


@pytest.mark.parametrize("how", COPIES)
def test_a_neuron_of_a_layer_brings_the_layers_numbers(lernmi, how):
    layer = lernmi.NeuronLayer(3, "softmax")
    layer.input([1.0, 2.0, 3.0])
    neuron = layer.learning_neurons[1]
    twin = COPIES[how](neuron)
    assert twin.store.size == 4 and twin.index == 2
    # Softmax needs the whole layer's sums, and they came along.
    assert twin.output() == neuron.output()
    assert twin.store is not neuron.store
    twin.input(1.0)
    assert neuron.input_sum == 2.0


@pytest.mark.parametrize("how", COPIES)
def test_a_copied_link_comes_with_its_neurons(lernmi, how):
    x, y = lernmi.Neuron("identity"), lernmi.Neuron()
    link = lernmi.Link(0.5, training_rate=0.2, input_neuron=x, output_neuron=y)
    x.input(2.0)
    link2, x2, y2 = COPIES[how]([link, x, y])
    assert (link2.weight, link2.training_rate) == (0.5, 0.2)
    assert link2.input_neuron is x2 and link2.output_neuron is y2
    link2.propagate()
    assert (y2.input_sum, y.input_sum) == (1.0, 0.0)
    link2.training_rate = 0.3  # a link made by hand keeps its own training rate
    assert link.training_rate == 0.2
    lone = COPIES[how](lernmi.Link(-1.5))
    assert (lone.weight, lone.input_neuron, lone.output_neuron) == (-1.5, None, None)


@pytest.mark.parametrize("how", COPIES)
def test_a_link_of_a_layer_stays_a_link_of_a_layer(lernmi, how):
    layers = lernmi.LinkLayer(lernmi.NeuronLayer(2), lernmi.NeuronLayer(3), training_rate=0.4,
                              seed=1)
    link = layers.links[4]  # from input neuron 1 to learning neuron 1
    twin = COPIES[how](link)
    assert repr(twin) == repr(link)
    assert (twin.weight, twin.training_rate) == (layers.weights[1, 1], 0.4)
    assert (twin.input_neuron.index, twin.output_neuron.index) == (1, 2)
    assert twin.store.rows * twin.store.cols == 9  # the whole layer's weights came along
    with pytest.raises(AttributeError, match="share one training rate"):
        twin.training_rate = 0.1
    twin.weight = 7.0
    assert layers.weights[1, 1] != 7.0


# Layers: their stores are copied, and deepcopy copies a shared layer once.

@pytest.mark.parametrize("how", COPIES)
def test_a_copied_neuron_layer_keeps_its_numbers(lernmi, how):
    layer = lernmi.NeuronLayer(2, "sigmoid")
    layer.input([0.3, -2.0])
    layer.expected_output([1.0, 0.0], "cross_entropy")
    twin = COPIES[how](layer)
    assert (repr(twin), twin.count, twin.activation) == ("NeuronLayer(2 sigmoid + bias)", 2,
                                                         "sigmoid")
    np.testing.assert_array_equal(twin.outputs(), layer.outputs())
    # The cost gave the sensitivities (cross-entropy: a - t), and the copy keeps them.
    assert [n.sensitivity() for n in twin.learning_neurons] == \
        [n.sensitivity() for n in layer.learning_neurons] == list(layer.outputs() - [1.0, 0.0])
    twin.reset()
    assert layer.learning_neurons[0].input_sum == 0.3


@pytest.mark.parametrize("how", COPIES)
def test_copied_link_layers_keep_their_weights_and_shared_layers(lernmi, how):
    a, b, c = lernmi.NeuronLayer(2, "identity"), lernmi.NeuronLayer(3), lernmi.NeuronLayer(1)
    ab, bc = lernmi.LinkLayer(a, b, training_rate=0.2, seed=1), lernmi.LinkLayer(b, c, seed=2)
    ab2, bc2 = COPIES[how]((ab, bc))
    assert ab2.output_layer is bc2.input_layer  # b was copied once
    assert ab2.input_layer is not a and ab2.training_rate == 0.2
    np.testing.assert_array_equal(ab2.weights, ab.weights)
    assert ab2.links[3].input_neuron is ab2.input_layer.all_neurons[1]
    # The copies work as the originals do, and on their own numbers.
    for layers in ((ab, bc), (ab2, bc2)):
        layers[0].input_layer.input([0.5, -1.0])
        for links in layers:
            links.propagate()
    np.testing.assert_array_equal(bc2.output_layer.outputs(), c.outputs())
    ab2.weights[0, 0] = 9.0
    assert ab.weights[0, 0] != 9.0


def test_a_link_layer_of_a_network_is_copied_out_of_it(lernmi):
    net = lernmi.Network([2, 3, 1], seed=0)
    links = copy.deepcopy(net.link_layers[0])
    np.testing.assert_array_equal(links.weights, net.link_layers[0].weights)
    assert links.input_layer.activation == "identity" and links.output_layer.count == 3
    links.weights[...] = 0.0
    assert net.link_layers[0].weights.any()


@pytest.mark.parametrize("how", COPIES)
def test_stores_copy_their_arrays(lernmi, how):
    layer = lernmi.NeuronLayer(2, "relu")
    layer.input([1.0, -1.0])
    store = COPIES[how](layer.store)
    assert repr(store) == "NeuronStore(3 neurons)"
    twin = lernmi.layers.neuron_layer_over(store, "relu")
    assert [n.input_sum for n in twin.all_neurons] == [0.0, 1.0, -1.0]
    assert twin.bias_neuron.activation == "bias"
    links = lernmi.LinkLayer(layer, lernmi.NeuronLayer(1), training_rate=0.3, seed=0)
    weights = COPIES[how](links.store)
    assert repr(weights) == "LinkStore(1 x 3 weights, training_rate=0.3)"
    links2 = lernmi.layers.link_layer_over(weights, twin, lernmi.NeuronLayer(1))
    np.testing.assert_array_equal(links2.weights, links.weights)
    links2.weights[0, 0] = 4.0
    assert links.weights[0, 0] != 4.0


def test_restoring_checks_what_it_is_given(lernmi):
    layer = lernmi.NeuronLayer(2)
    links = lernmi.LinkLayer(layer, lernmi.NeuronLayer(3))
    with pytest.raises(ValueError, match="index 3 is not one of the store's 3 neurons"):
        lernmi.neuron.restore_neuron(layer.store, 3)
    with pytest.raises(ValueError, match="index 9 is not one of the store's 9 weights"):
        lernmi.link.restore_link(links.store, 9, *layer.all_neurons[:2])
    with pytest.raises(ValueError, match="3 x 3 weights cannot join a layer of 3 neurons to "
                                         "1 learning neurons"):
        lernmi.layers.link_layer_over(links.store, layer, lernmi.NeuronLayer(1))
    with pytest.raises(ValueError, match="unknown activation"):
        lernmi.layers.neuron_layer_over(layer.store, "swish")
