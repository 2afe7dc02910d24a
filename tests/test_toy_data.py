"""lernmi.toy_data makes the classic two-input teaching sets from a seed, ready for a Network.

Each of xor, circles, moons, spirals and gaussians returns (inputs, labels): float64 points
of shape (samples, 2) of about scale 1, int64 class numbers shared evenly among the classes
in a shuffled order, the same for the same seed, lying exactly on their shape without
noise. A small Network learns each of them.
"""

import doctest
import inspect

import numpy as np
import pytest

import lernmi
from lernmi import datasets, toy_data
from lernmi.toy_data import circles, gaussians, moons, spirals, xor

#: Each generator and its number of classes by default.
GENERATORS = {xor: 2, circles: 2, moons: 2, spirals: 2, gaussians: 3}
#: The generators that take classes=.
WITH_CLASSES = [spirals, gaussians]

each_generator = pytest.mark.parametrize("make", GENERATORS, ids=lambda make: make.__name__)


def angles(points):
    return np.arctan2(points[:, 1], points[:, 0])


def radii(points):
    return np.hypot(points[:, 0], points[:, 1])


# What they return

@each_generator
@pytest.mark.parametrize("samples", [1, 2, 7, 400])
def test_inputs_are_float64_points_and_labels_int64_class_numbers(make, samples):
    x, y = make(samples, seed=0)
    assert x.shape == (samples, 2) and x.dtype == np.float64
    assert y.shape == (samples,) and y.dtype == np.int64
    assert set(y) <= set(range(GENERATORS[make]))
    assert np.isfinite(x).all()


@each_generator
@pytest.mark.parametrize("samples", [6, 7, 301])
def test_the_classes_share_the_samples_as_evenly_as_they_can(make, samples):
    counts = np.bincount(make(samples, seed=1)[1], minlength=GENERATORS[make])
    assert counts.sum() == samples and counts.max() - counts.min() <= 1


@pytest.mark.parametrize("make", WITH_CLASSES, ids=lambda make: make.__name__)
@pytest.mark.parametrize("classes", [2, 3, 5, 10])
def test_spirals_and_gaussians_make_as_many_classes_as_asked(make, classes):
    x, y = make(23 * classes + 1, classes=classes, seed=2)
    counts = np.bincount(y)
    assert len(counts) == classes and counts.min() == 23 and counts.max() == 24
    assert x.shape == (23 * classes + 1, 2)


@each_generator
def test_the_rows_are_shuffled_so_that_a_batch_holds_every_class(make):
    classes = GENERATORS[make]
    x, y = make(400, seed=3)
    assert not np.array_equal(y, np.arange(400) % classes)
    assert not np.array_equal(y, np.sort(y))
    for batch in y.reshape(-1, 40):
        assert set(batch) == set(range(classes))


@each_generator
def test_the_same_seed_gives_the_same_data_bit_for_bit(make):
    x1, y1 = make(100, noise=0.1, seed=42)
    x2, y2 = make(100, noise=0.1, seed=42)
    assert x1.tobytes() == x2.tobytes() and y1.tobytes() == y2.tobytes()
    x3, y3 = make(100, noise=0.1, seed=np.int64(42))
    assert x3.tobytes() == x1.tobytes()


@each_generator
def test_other_seeds_and_no_seed_give_other_data(make):
    x1, y1 = make(100, seed=1)
    x2, y2 = make(100, seed=2)
    assert not np.array_equal(x1, x2) and not np.array_equal(y1, y2)
    assert not np.array_equal(make(100)[0], make(100)[0])


@each_generator
def test_the_signature_is_samples_then_keywords(make):
    parameters = inspect.signature(make).parameters
    assert list(parameters)[:3] == ["samples", "noise", "seed"]
    assert parameters["noise"].default == 0.0 and parameters["seed"].default is None
    assert all(parameters[name].kind is inspect.Parameter.KEYWORD_ONLY
               for name in list(parameters)[1:])
    with pytest.raises(TypeError):
        make(100, 0.1)


def test_lernmi_datasets_offers_them_too():
    for make in GENERATORS:
        assert getattr(datasets, make.__name__) is make


# Their shapes, without noise

def test_xor_labels_follow_the_sign_rule_away_from_the_axes():
    x, y = xor(1000, seed=4)
    assert np.array_equal(y, (x[:, 0] * x[:, 1] < 0).astype(np.int64))
    assert np.abs(x).min() >= toy_data.AXIS_MARGIN and np.abs(x).max() <= 1.0
    quarters = {(sx, sy) for sx, sy in np.sign(x)}
    assert quarters == {(1, 1), (1, -1), (-1, 1), (-1, -1)}


def test_circles_have_radius_1_for_class_0_and_one_half_for_class_1():
    x, y = circles(500, seed=5)
    assert np.allclose(radii(x[y == 0]), 1.0) and np.allclose(radii(x[y == 1]), 0.5)
    for label in (0, 1):  # all the way round
        assert np.histogram(angles(x[y == label]), bins=8, range=(-np.pi, np.pi))[0].min() > 0


def test_moons_are_two_interleaving_half_circles_spanning_minus_1_to_1():
    x, y = moons(500, seed=6)
    # Scaled by 2/3 and centred, sklearn's moons have radius 2/3: the upper moon's centre
    # is (-1/3, -1/6) and it lies above it, the lower moon's is (1/3, 1/6) and it lies below.
    upper, lower = x[y == 0], x[y == 1]
    assert np.allclose(radii(upper - [-1 / 3, -1 / 6]), 2 / 3)
    assert np.allclose(radii(lower - [1 / 3, 1 / 6]), 2 / 3)
    assert (upper[:, 1] >= -1 / 6 - 1e-12).all() and (lower[:, 1] <= 1 / 6 + 1e-12).all()
    assert -1.0 <= x[:, 0].min() < -0.95 and 0.95 < x[:, 0].max() <= 1.0
    # Interleaving: each moon's tip reaches the other's centre, so neither a vertical nor
    # a horizontal line parts them.
    assert upper[:, 0].max() > 0.3 and lower[:, 0].min() < -0.3
    assert upper[:, 1].min() < -0.15 and lower[:, 1].max() > 0.15


@pytest.mark.parametrize("classes", [2, 3, 4])
def test_each_spiral_arms_angle_grows_with_its_radius(classes):
    x, y = spirals(300 * classes, seed=7, classes=classes)
    assert radii(x).max() <= 1.0
    for arm in range(classes):
        points = x[y == arm]
        points = points[np.argsort(radii(points))]
        turned = np.unwrap(angles(points))
        assert (np.diff(turned) >= 0).all()
        assert 1.4 < (turned[-1] - turned[0]) / (2 * np.pi) <= 1.5  # about 1.5 turns
        # Exactly: at radius r on arm k the angle is 2 pi (1.5 r + k / classes).
        off = angles(points) - 2 * np.pi * (1.5 * radii(points) + arm / classes)
        assert np.allclose((off + np.pi) % (2 * np.pi) - np.pi, 0.0, atol=1e-9)


@pytest.mark.parametrize("classes", [2, 3, 6])
def test_gaussians_lie_near_their_centres_evenly_spaced_on_a_circle(classes):
    x, y = gaussians(200 * classes, seed=8, classes=classes)
    turn = 2 * np.pi * np.arange(classes) / classes
    centres = toy_data.BLOB_RADIUS * np.column_stack([np.cos(turn), np.sin(turn)])
    for label, centre in enumerate(centres):
        points = x[y == label]
        assert np.allclose(points.mean(axis=0), centre, atol=0.05)
        assert np.allclose(points.std(axis=0), toy_data.BLOB_SPREAD, rtol=0.2)
        assert radii(points - centre).max() < 5 * toy_data.BLOB_SPREAD


@each_generator
def test_the_inputs_are_of_about_the_scale_the_initial_weights_assume(make):
    x, _ = make(1000, seed=9)
    assert np.abs(x).max() <= 1.5
    assert 0.3 < np.sqrt(np.mean(x**2)) < 1.2


# Noise

@each_generator
def test_noise_moves_the_points_but_not_the_labels(make):
    exact_x, exact_y = make(1000, seed=10)
    noisy_x, noisy_y = make(1000, noise=0.1, seed=10)
    assert np.array_equal(exact_y, noisy_y)
    moved = noisy_x - exact_x
    assert np.abs(moved).min() > 0
    assert abs(moved.mean()) < 0.01 and 0.09 < moved.std() < 0.11


@each_generator
def test_no_noise_is_the_default(make):
    assert np.array_equal(make(50, seed=11)[0], make(50, noise=0, seed=11)[0])


# Bad arguments

@each_generator
@pytest.mark.parametrize("kwargs, error, message", [
    ({"samples": 0}, ValueError, "samples must be at least 1, not 0"),
    ({"samples": -3}, ValueError, "samples must be at least 1"),
    ({"samples": 10.0}, TypeError, "samples must be an integer"),
    ({"samples": True}, TypeError, "samples must be an integer"),
    ({"samples": "10"}, TypeError, "samples must be an integer"),
    ({"noise": -0.1}, ValueError, "noise must be >= 0"),
    ({"noise": float("nan")}, ValueError, "noise must be finite"),
    ({"noise": float("inf")}, ValueError, "noise must be finite"),
    ({"noise": "0.1"}, TypeError, "noise must be a real number"),
    ({"noise": None}, TypeError, "noise must be a real number"),
    ({"seed": -1}, ValueError, r"seed must be None or an integer >= 0, not -1"),
    ({"seed": [1, -2]}, ValueError, "seed must be None or integers >= 0"),
    ({"seed": 1.5}, TypeError, "seed must be None or an integer"),
    ({"seed": "abc"}, TypeError, "seed must be None or an integer"),
    ({"seed": True}, TypeError, "seed must be None or an integer"),
])
def test_bad_arguments_are_refused_clearly(make, kwargs, error, message):
    arguments = {"samples": 10, **kwargs}
    samples = arguments.pop("samples")
    with pytest.raises(error, match=message):
        make(samples, **arguments)


@pytest.mark.parametrize("make", WITH_CLASSES, ids=lambda make: make.__name__)
@pytest.mark.parametrize("classes, error, message", [
    (1, ValueError, "classes must be at least 2, not 1"),
    (0, ValueError, "classes must be at least 2, not 0"),
    (2.0, TypeError, "classes must be an integer"),
    (True, TypeError, "classes must be an integer"),
    (None, TypeError, "classes must be an integer"),
])
def test_bad_numbers_of_classes_are_refused_clearly(make, classes, error, message):
    with pytest.raises(error, match=message):
        make(10, classes=classes)


@pytest.mark.parametrize("make", [xor, circles, moons], ids=lambda make: make.__name__)
def test_the_two_class_sets_take_no_classes(make):
    with pytest.raises(TypeError, match="classes"):
        make(10, classes=3)


# Ready for a Network

@pytest.mark.parametrize("make, sizes, epochs", [
    (xor, [2, 16, 2], 60),
    (circles, [2, 16, 2], 60),
    (moons, [2, 16, 2], 60),
    (spirals, [2, 32, 32, 2], 150),
    (gaussians, [2, 16, 3], 30),
], ids=lambda value: getattr(value, "__name__", None))
def test_a_small_network_learns_each_of_them(make, sizes, epochs):
    x, y = make(400, noise=0.05, seed=12)
    net = lernmi.Network(sizes, activation="tanh", output_activation="softmax",
                         cost="cross_entropy", optimizer=lernmi.Adam(0.02), seed=0)
    net.train(x, y, epochs=epochs, batch_size=8, progress=False)
    assert net.evaluate(x, y) >= 0.9
    # And it learned the shape, not the points: fresh points from another seed.
    assert net.evaluate(*make(400, noise=0.05, seed=13)) >= 0.9


def test_the_docstring_examples_run():
    results = doctest.testmod(toy_data)
    assert results.attempted > 0 and results.failed == 0
