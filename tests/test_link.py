"""Link: propagates a weighted output, backpropagates a weighted sensitivity, learns its weight."""

import math

import pytest


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def wired(lernmi, weight, training_rate=0.1, source="sigmoid", target="sigmoid"):
    x, y = lernmi.Neuron(source), lernmi.Neuron(target)
    return x, y, lernmi.Link(weight, training_rate, input_neuron=x, output_neuron=y)


def test_propagate_sends_output_times_weight(lernmi):
    x, y, link = wired(lernmi, -0.75)
    x.input(0.4)
    link.propagate()
    link.propagate()  # sums: the output neuron now holds two copies
    assert y.input_sum == pytest.approx(2 * -0.75 * sigmoid(0.4), rel=1e-15)


@pytest.mark.parametrize("target", ["sigmoid", "identity"])
def test_backpropagate_sends_old_weight_times_s_then_steps_the_weight(lernmi, target):
    x, y, link = wired(lernmi, 0.6, training_rate=0.25, target=target)
    x.input(0.3)
    y.input(-0.8)
    y.submit_sensitivity(0.5)
    a_in, a_out = sigmoid(0.3), y.output()
    slope = a_out * (1 - a_out) if target == "sigmoid" else 1.0
    s = 0.5 * slope
    link.backpropagate()
    assert x.previous_layer_sensitivity_sum == pytest.approx(0.6 * s, rel=1e-15)
    assert link.weight == pytest.approx(0.6 - 0.25 * s * a_in, rel=1e-15)


def test_properties_read_and_write(lernmi):
    x, y, link = wired(lernmi, 1.0)
    link.weight, link.training_rate = -2.0, 0.5
    link.input_neuron, link.output_neuron = y, x
    assert (link.weight, link.training_rate) == (-2.0, 0.5)
    assert link.input_neuron is y and link.output_neuron is x
    assert lernmi.Link(0.3).training_rate == 0.1


@pytest.mark.parametrize("missing", ["input_neuron", "output_neuron"])
def test_a_link_with_a_missing_neuron_raises_and_keeps_its_weight(lernmi, missing):
    x, y, link = wired(lernmi, 0.5)
    y.submit_sensitivity(1.0)
    setattr(link, missing, None)
    with pytest.raises(ValueError, match=f"no {missing}"):
        link.propagate()
    with pytest.raises(ValueError, match=f"no {missing}"):
        link.backpropagate()
    assert link.weight == 0.5
    assert (x.previous_layer_sensitivity_sum, y.input_sum) == (0.0, 0.0)


def test_a_bare_link_raises_rather_than_crashing(lernmi):
    with pytest.raises(ValueError):
        lernmi.Link(1.0).propagate()


def test_bad_arguments(lernmi):
    with pytest.raises(TypeError):
        lernmi.Link("0.5")
    with pytest.raises(TypeError):
        lernmi.Link(0.5, input_neuron="a neuron")
    with pytest.raises(ValueError, match="finite"):
        lernmi.Link(float("nan"))
    with pytest.raises(ValueError, match=">= 0"):
        lernmi.Link(0.5, training_rate=-0.1)
    link = lernmi.Link(0.5)
    for name, bad in (("weight", None), ("training_rate", "fast"), ("output_neuron", 3)):
        with pytest.raises(TypeError):
            setattr(link, name, bad)
    with pytest.raises(ValueError):
        link.weight = float("inf")
    assert (link.weight, link.training_rate, link.output_neuron) == (0.5, 0.1, None)


def test_repr(lernmi):
    assert repr(lernmi.Link(0.25, 0.5)) == "Link(weight=0.25, training_rate=0.5)"
    # A link of a LinkLayer says where its weight is in the layer's weights matrix.
    layer = lernmi.LinkLayer(lernmi.NeuronLayer(2), lernmi.NeuronLayer(3), training_rate=0.5)
    layer.weights[1, 2] = 0.125
    assert repr(layer.links[7]) == "Link(weights[1, 2]=0.125, training_rate=0.5)"
