"""check_gradients: backpropagation against finite differences, for every activation and cost."""

import doctest
import sys

import numpy as np
import pytest

import reference
from test_tracing import (COMBINATIONS, raises_and_changes_nothing, sample, sums, unchanged,
                          weights)


def network(lernmi, hidden, output, cost):
    return lernmi.Network([3, 4, 2], activation=hidden, output_activation=output, cost=cost,
                          seed=3)


@pytest.mark.parametrize("hidden, output, cost", COMBINATIONS)
def test_every_activation_and_cost_passes_and_nothing_changes(lernmi, hidden, output, cost):
    net = network(lernmi, hidden, output, cost)
    x, t = sample(output, 2, 8)
    before = weights(net)
    check = lernmi.check_gradients(net, x, t)
    assert check.passed, str(check)
    assert check.largest_error < 1e-6
    assert unchanged(net, before)
    # The neurons are left as running x leaves them.
    ran = network(lernmi, hidden, output, cost)
    ran.run(x)
    assert sums(net) == sums(ran)


@pytest.mark.parametrize("hidden, output, cost", COMBINATIONS[::5])
def test_both_gradients_are_the_true_ones(lernmi, hidden, output, cost):
    net = network(lernmi, hidden, output, cost)
    x, t = sample(output, 2, 9)
    w = weights(net)
    true = [(old - new) / 0.5 for old, new in
            zip(w, reference.sgd_step(w, x, t, 0.5, hidden, output, cost))]
    check = lernmi.check_gradients(net, x, t)
    for b, numeric, exact in zip(check.backprop, check.numeric, true):
        np.testing.assert_allclose(b, exact, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(numeric, exact, rtol=1e-5, atol=1e-8)


def test_a_wrong_derivative_fails_loudly(source, monkeypatch):
    # In the uncompiled source the loops find `slope` among the activations' module globals.
    activations = sys.modules[source.activations.__name__]
    right, sigmoid = activations.slope, activations.ACTIVATIONS["sigmoid"].code
    monkeypatch.setattr(activations, "slope",
                        lambda kind, z, a: 1.1 * right(kind, z, a) if kind == sigmoid
                        else right(kind, z, a))
    net = source.Network([3, 4, 2], seed=3)
    before = weights(net)
    check = source.check_gradients(net, [0.5, -1.0, 2.0], [0.2, 0.9])
    assert not check.passed
    assert check.largest_error > 0.05
    text = str(check)
    assert "FAILED" in text and "passed" not in text
    assert repr(check).startswith("GradientCheck(FAILED, largest relative error")
    assert unchanged(net, before)


def test_the_report_lists_the_worst_links(lernmi):
    net = lernmi.Network([2, 3, 1], seed=0)
    check = lernmi.check_gradients(net, [1.0, 0.0], [1.0], worst=3)
    assert len(check.worst) == 3
    errors = [link.error for link in check.worst]
    assert errors == sorted(errors, reverse=True) and errors[0] == check.largest_error
    for link in check.worst:
        assert link.backprop == check.backprop[link.layer][link.j, link.i]
        assert link.numeric == check.numeric[link.layer][link.j, link.i]
        assert link.error == check.errors[link.layer][link.j, link.i]
    text = str(check)
    assert text.startswith("Gradient check of Network(2 -> 3 sigmoid -> 1 sigmoid, 13 links): "
                           "passed\n13 links, largest relative error")
    first = check.worst[0]
    assert f"link_layers[{first.layer}].weights[{first.j}, {first.i}]" in text
    assert len(text.splitlines()) == 4 + 3
    assert check.links == 13 and check.tolerance == 1e-5 and check.h == 1e-6


def test_the_tolerance_decides(lernmi):
    net = lernmi.Network([2, 3, 1], seed=0)
    check = lernmi.check_gradients(net, [1.0, 0.0], [1.0], tolerance=1e-14)
    assert not check.passed and "FAILED" in str(check)


def test_relative_errors_of_tiny_gradients_are_measured_against_a_floor(lernmi):
    errors = lernmi.gradcheck.relative_error(np.array([1e-12, 2.0, 0.0]),
                                             np.array([2e-12, 2.0 + 2e-5, 0.0]))
    np.testing.assert_allclose(errors, [1e-9, 1e-5 / (1 + 1e-5), 0.0], rtol=1e-9)


@pytest.mark.parametrize("call, error", [
    (lambda m, net: m.check_gradients("net", [1.0, 0.0], [1.0]), TypeError),
    (lambda m, net: m.check_gradients(net, [1.0], [1.0]), ValueError),
    (lambda m, net: m.check_gradients(net, [1.0, 0.0], [1.0, 1.0]), ValueError),
    (lambda m, net: m.check_gradients(net, [1.0, 0.0], [1.0], h=0.0), ValueError),
    (lambda m, net: m.check_gradients(net, [1.0, 0.0], [1.0], h="small"), TypeError),
    (lambda m, net: m.check_gradients(net, [1.0, 0.0], [1.0], worst=0), ValueError),
    (lambda m, net: m.check_gradients(net, [1.0, 0.0], [1.0], tolerance=-1.0), ValueError),
])
def test_bad_input_raises_before_anything_changes(lernmi, call, error):
    net = lernmi.Network([2, 3, 1], seed=0)
    raises_and_changes_nothing(net, lambda: call(lernmi, net), error)


@pytest.mark.filterwarnings("error")  # no numpy warning of an overflow gets out either
@pytest.mark.parametrize("h, message", [
    (1e200, r"h must be at most 1: a finite difference measures a slope over a step small"),
    (1.5, "h must be at most 1"),
    (1e-200, r"h = 1e-200 is too small to change the weights of link_layers\[0\] .*: w \+ h "
             r"and w - h are the same float64"),
])
def test_an_h_too_large_or_too_small_is_named(lernmi, h, message):
    net = lernmi.Network([2, 3, 1], seed=0)  # quadratic cost: no output of 0 or 1 to blame
    before = weights(net)
    with pytest.raises(ValueError, match=message):
        lernmi.check_gradients(net, [1.0, 0.0], [1.0], h=h)
    assert unchanged(net, before)


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("x, where", [(1e154, "weights nudged by h = 1"),
                                      (1e305, "these weights")])
def test_a_cost_past_the_largest_float_is_named(lernmi, x, where):
    # One identity neuron, a = w * x: at w = 1 the cost 0.5 * a^2 is 5e307, at w + h = 2
    # it is past the largest float; with x = 1e305 it is already at w.
    net = lernmi.Network([1, 1], activation="identity", seed=0)
    net.link_layers[0].weights[...] = [[0.0, 1.0]]
    with pytest.raises(ValueError, match=f"the cost is not finite at {where}: an output, or "
                                         f"the cost, is past the largest float"):
        lernmi.check_gradients(net, [x], [0.0], h=1.0)
    assert net.link_layers[0].weights.tolist() == [[0.0, 1.0]]


def test_the_docstring_example_runs(lernmi, monkeypatch):
    # Its `from lernmi import ...` then takes the package under test, compiled or from source.
    monkeypatch.setitem(sys.modules, "lernmi", lernmi)
    results = doctest.testmod(sys.modules[f"{lernmi.__name__}.gradcheck"])
    assert results.attempted > 0 and results.failed == 0
