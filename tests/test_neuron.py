"""Neuron: sums its input, outputs f(sum), sums sensitivities, resets, can become a bias."""

import math
import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

import reference
from tables import NEURON_ACTIVATIONS


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def test_output_is_the_sigmoid_of_the_input_sum(lernmi):
    n = lernmi.Neuron()
    for value in (0.25, -1.0, 2.5):
        n.input(value)
    assert n.input_sum == pytest.approx(1.75, abs=1e-15)
    assert n.output() == pytest.approx(sigmoid(1.75), rel=1e-15)
    assert n.activation == "sigmoid"


def test_identity_outputs_its_input_sum(lernmi):
    n = lernmi.Neuron("identity")
    n.input(3.0)
    n.input(-0.5)
    assert n.output() == 2.5


@pytest.mark.parametrize("z, expected", [(1e6, 1.0), (-1e6, 0.0), (800.0, 1.0),
                                         (-800.0, 0.0), (-30.0, sigmoid(-30.0))])
def test_sigmoid_is_stable_for_any_finite_sum(lernmi, z, expected):
    n = lernmi.Neuron()
    n.input(z)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        a = n.output()
    assert a == pytest.approx(expected, rel=1e-12, abs=0.0)


def test_sensitivities_sum_and_reset_zeroes_both_sums(lernmi):
    n = lernmi.Neuron()
    n.input(1.0)
    n.submit_sensitivity(0.5)
    n.submit_sensitivity(-0.125)
    assert n.previous_layer_sensitivity_sum == 0.375
    n.reset()
    assert (n.input_sum, n.previous_layer_sensitivity_sum, n.output()) == (0.0, 0.0, 0.5)


def test_sensitivity_sum_is_read_only(lernmi):
    n = lernmi.Neuron()
    with pytest.raises(AttributeError):
        n.previous_layer_sensitivity_sum = 1.0


def test_bias_neuron_outputs_one_whatever_it_is_sent(lernmi):
    n = lernmi.Neuron()
    n.bias()
    n.input(-7.0)
    assert n.output() == 1.0
    assert n.activation == "bias"
    n.reset()
    assert n.output() == 1.0


def test_unknown_activation_is_a_value_error(lernmi):
    with pytest.raises(ValueError, match="unknown activation 'relu2'"):
        lernmi.Neuron("relu2")
    with pytest.raises(TypeError, match="activation must be a name"):
        lernmi.Neuron(None)


@pytest.mark.parametrize("bad", ["1.0", b"1.0", memoryview(b"1.5"), None, [1.0], object(),
                                 1j])
def test_non_numbers_are_type_errors_and_change_nothing(lernmi, bad):
    n = lernmi.Neuron()
    n.input(1.0)
    with pytest.raises(TypeError):
        n.input(bad)
    with pytest.raises(TypeError):
        n.submit_sensitivity(bad)
    assert (n.input_sum, n.previous_layer_sensitivity_sum) == (1.0, 0.0)


def test_anything_a_c_double_takes_is_a_number(lernmi):
    n = lernmi.Neuron("identity")
    for value in (np.float32(0.5), np.int64(2), np.array(0.25), Decimal("0.125"),
                  Fraction(1, 8), True):
        n.input(value)
    assert n.output() == 4.0
    assert type(n.output()) is float


def test_repr_shows_the_numbers(lernmi):
    n = lernmi.Neuron()
    n.input(0.0)
    assert repr(n) == "Neuron(sigmoid, z=0, a=0.5, delta=0)"


@pytest.mark.parametrize("activation", NEURON_ACTIVATIONS)
def test_each_activation_and_its_slope(lernmi, activation):
    h = 1e-6
    f, slope = reference.ACTIVATIONS[activation]
    for z in [-1.7, -0.2, 0.4, 2.5]:
        n = lernmi.Neuron(activation)
        n.input(z)
        assert n.output() == pytest.approx(f(np.float64(z)), rel=1e-14, abs=1e-300)
        n.submit_sensitivity(2.0)  # s = delta * f'(z), checked by the oracle's f' and by a
        assert n.sensitivity() == pytest.approx(2.0 * slope(np.float64(z)), rel=1e-13)
        assert n.sensitivity() == pytest.approx(2.0 * (f(z + h) - f(z - h)) / (2 * h), rel=1e-8)
        assert n.activation == activation


@pytest.mark.parametrize("activation", NEURON_ACTIVATIONS)
def test_a_neuron_works_out_its_sensitivity_when_it_is_sent_one(lernmi, activation):
    n = lernmi.Neuron(activation)
    n.input(0.7)
    assert n.sensitivity() == 0.0  # nothing sent back yet
    n.submit_sensitivity(0.5)
    n.submit_sensitivity(0.25)
    f, slope = reference.ACTIVATIONS[activation]
    assert n.sensitivity() == pytest.approx(0.75 * slope(np.float64(0.7)), rel=1e-13)
    n.bias()
    assert n.sensitivity() == 0.0  # a bias neuron's slope is 0
    n.reset()
    assert (n.input_sum, n.previous_layer_sensitivity_sum, n.sensitivity()) == (0.0, 0.0, 0.0)


def test_softmax_is_for_layers(lernmi):
    with pytest.raises(ValueError, match="NeuronLayer"):
        lernmi.Neuron("softmax")
