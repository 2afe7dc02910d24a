"""Velocities and Adam's m never subnormal: a new one smaller in size than the smallest
normal double is flushed to a zero of its sign (steps.flushed, vector.h's lernmi_flushed),
and so is a new v once m is 0, compiled and uncompiled alike, so that a weight whose gradient
stays 0 does not slow every step that touches it (many x86 CPUs work with subnormal numbers
far more slowly)."""

import sys

import numpy as np
import pytest

SMALLEST = sys.float_info.min  # the smallest normal double, 2.2e-308


def optimizer(lernmi, rule, decay):
    """Each rule with its state halved (or shrunk tenfold) on a step whose gradient is 0."""
    if rule == "adam":
        return lernmi.Adam(0.01, betas=(decay, decay))
    return lernmi.SGD(0.1, momentum=decay, nesterov=rule == "nesterov")


def state(links):
    """The rule's numbers on a layer of links: (velocity,) or (m, v)."""
    return (links.velocity,) if links.velocity is not None else links.moments


def subnormal(a):
    return (a != 0.0) & (np.abs(a) < SMALLEST)


@pytest.mark.parametrize("rule", ["momentum", "nesterov", "adam"])
@pytest.mark.parametrize("batch", [1, 2])
def test_a_subnormal_velocity_or_moment_becomes_a_zero_of_its_sign(lernmi, rule, batch):
    net = lernmi.Network([4, 2, 2], optimizer=optimizer(lernmi, rule, 0.5), seed=0)
    x = np.array([[0.0, 0.0, 0.0, 0.7], [0.0, 0.0, 0.0, -0.4]])  # inputs 0 to 2 blank
    t = np.array([[1.0, 0.0], [0.0, 1.0]])
    links = net.link_layers[0]  # column 1 + j: the links out of input j
    # Halved on this step: 3e-308 is subnormal then; 4.5e-308 (2.25e-308) and twice the
    # smallest normal double are not.
    sign = -1.0 if rule != "adam" else 1.0  # (Adam's v is never negative)
    for kept in state(links):
        kept[:, 1:4] = [[3e-308, 1e-300, 2 * SMALLEST], [sign * 3e-308, 4.5e-308, 1e-300]]
    if rule == "adam":
        links.moments[1][1, 2] = 3e-308  # a subnormal v beside an m that is not 0
    weights = links.weights.copy()
    if batch == 1:
        net.learn(x[0], t[0])
    else:
        net.train(x, t, batch_size=batch, shuffle=False)
    for kept in state(links):
        assert kept[0, 1] == 0.0 and not np.signbit(kept[0, 1])
        assert kept[1, 1] == 0.0 and np.signbit(kept[1, 1]) == (sign < 0)
        assert kept[0, 2] == 5e-301 and kept[0, 3] == SMALLEST  # normal: as computed
        assert kept[1, 3] == 5e-301
    assert state(links)[0][1, 2] == 2.25e-308
    if rule == "adam":  # v is kept as computed while m is not 0: flushed, it could make
        assert links.moments[1][1, 2] == 0.5 * 3e-308  # the step bigger (epsilon alone)
        assert subnormal(links.moments[1][1, 2])
    # Blank inputs: the weights out of them move by rate * (what is left), nothing here.
    np.testing.assert_array_equal(links.weights[:, 1:4], weights[:, 1:4])
    assert not np.array_equal(links.weights, weights)  # the others did learn


def test_adam_with_a_tiny_epsilon_takes_a_step_of_the_rate_s_size(lernmi):
    # g^2 is subnormal, and so is v: flushed while m is not 0, the step would be m /
    # epsilon, about 1e142, instead of about the rate.
    net = lernmi.Network([1, 1], activation="identity",
                         optimizer=lernmi.Adam(0.001, epsilon=1e-300), seed=0)
    before = net.link_layers[0].weights.copy()
    net.learn([1e-155], [5.0])
    step = net.link_layers[0].weights - before
    assert 0.0005 < abs(step[0, 1]) < 0.002


@pytest.mark.parametrize("rule", ["momentum", "nesterov", "adam"])
@pytest.mark.parametrize("batch, threads", [(1, 1), (3, 1), (1, 2), (3, 2)])
def test_both_ways_shrink_the_state_to_zero_alike_and_never_through_subnormals(
        compiled, source, rule, batch, threads):
    # Input 0 is seen on the first steps, then blank for 400 more: its links' velocity or
    # moments shrink tenfold a step, so would be subnormal for about 15 steps in a row if
    # nothing flushed them; every 5 steps both ways' numbers are compared.
    rng = np.random.default_rng(4)
    x = rng.uniform(0.1, 1.0, size=(402 * batch, 4))
    x[3 * batch:, 0] = 0.0
    labels = rng.integers(0, 3, size=len(x))
    nets = [m.Network([4, 5, 3], activation="relu", output_activation="softmax",
                      cost="cross_entropy", optimizer=optimizer(m, rule, 0.1), seed=7)
            for m in (compiled, source)]
    for start in range(0, len(x), 5 * batch):
        for net, on in zip(nets, (threads, 1)):  # (the compiled loops on `threads`)
            net.train(x[start:start + 5 * batch], labels[start:start + 5 * batch],
                      batch_size=batch, shuffle=False, threads=on)
        for a, b in zip(nets[0].link_layers, nets[1].link_layers):
            for mine, theirs in zip(a.store.views(), b.store.views()):  # w, settings, m, v
                np.testing.assert_array_equal(mine, theirs)
            assert not subnormal(state(a)[0]).any(), start  # the velocity, or m
    assert np.all(np.isfinite(nets[0].link_layers[0].weights))
    for kept in state(nets[0].link_layers[0]):  # (v too, once m is 0)
        assert (kept[:, 1] == 0.0).all()


def test_momentum_s_velocity_would_stay_subnormal_for_good_and_is_flushed_instead(lernmi):
    # Unflushed, 0.9 times five of the smallest subnormals rounds back to them: a velocity
    # shrinking by 0.9 a step would never reach 0.
    assert 0.9 * 2.5e-323 == 2.5e-323
    net = lernmi.Network([2, 1], activation="identity",
                         optimizer=lernmi.SGD(0.1, momentum=0.9), seed=0)
    net.link_layers[0].velocity[0, 1] = 2.5e-307  # the link out of input 0, blank below
    for _ in range(30):  # below 2.2e-308 after 23 steps
        net.learn([0.0, 1.0], [0.5])
    assert net.link_layers[0].velocity[0, 1] == 0.0


@pytest.mark.parametrize("rule", ["momentum", "adam"])
def test_the_trace_says_when_the_rule_flushed_a_number(lernmi, rule):
    net = lernmi.Network([2, 1], activation="identity", optimizer=optimizer(lernmi, rule, 0.5),
                         seed=0)
    for kept in state(net.link_layers[0]):
        kept[0, 1] = 3e-308  # the link out of input 0, blank below
    lines = str(net.trace([0.0, 1.0], [0.5], learn=True)).splitlines()
    starts = ("velocity ->",) if rule == "momentum" else ("m ->", "v ->")
    for start in starts:  # the link's line for each number kept, and no other, says so
        flushed = [line for line in lines if "flushed to 0" in line]
        assert any(line.strip().startswith(start) for line in flushed), start
    assert len(flushed) == len(starts)
    for kept in state(net.link_layers[0]):
        assert kept[0, 1] == 0.0
    quiet = lernmi.Network([2, 1], activation="identity",
                           optimizer=optimizer(lernmi, rule, 0.5), seed=0)
    assert "flushed" not in str(quiet.trace([0.3, 1.0], [0.5], learn=True))


def test_the_trace_says_nothing_of_a_subnormal_v_kept_beside_an_m_that_is_not_0(lernmi):
    net = lernmi.Network([2, 1], activation="identity",
                         optimizer=optimizer(lernmi, "adam", 0.5), seed=0)
    m, v = net.link_layers[0].moments
    m[0, 1], v[0, 1] = 1e-300, 3e-308
    text = str(net.trace([0.0, 1.0], [0.5], learn=True))
    assert subnormal(v[0, 1]) and m[0, 1] == 5e-301
    assert "flushed" not in text
