"""Toy data in two dimensions: the classic sets for watching a network learn to classify.

`xor`, `circles`, `moons`, `spirals` and `gaussians` each make a set of points in the plane,
each point with a class number, on the spot from a seed: nothing is downloaded and nothing
but numpy is needed. Two inputs are few enough to draw, so a learner can plot the points,
train a small Network on them and look at the boundary it found. They are the sets of
teaching notebooks and playgrounds (scikit-learn's ``make_moons`` and ``make_circles``,
TensorFlow Playground's spiral), not benchmarks: a small network learns any of them in
seconds. ``lernmi.datasets`` offers them too, beside MNIST and its cousins.

All five are called the same way, ``name(samples, *, noise=0.0, seed=None)``, and return
``(inputs, labels)`` ready for ``Network.train``: inputs a float64 array of shape
(samples, 2), of about the scale 1 that a Network's initial weights assume, and labels an
int64 array of class numbers 0, 1, ... The classes are as even as the number of samples
allows, the rows come in an order shuffled by the seed (so every batch holds every class),
and the same seed gives the same data bit for bit. `noise` is the standard deviation of
Gaussian noise added to every input; with ``noise=0`` the points lie exactly on the shape.
"""

import numpy as np

from ._checks import non_negative, positive_int, random_generator

AXIS_MARGIN = 0.05   # xor's points keep this far from the axes, so each side is clear
INNER_RADIUS = 0.5   # circles: the inner circle's radius; the outer one's is 1
MOONS_SCALE = 2 / 3  # moons: shrinks the moons, 3 wide, to span x from -1 to 1
TURNS = 1.5          # spirals: how many times each arm winds around the centre
BLOB_RADIUS = 0.7    # gaussians: the radius of the circle the blobs' centres are on
BLOB_SPREAD = 0.15   # gaussians: each blob's own standard deviation, before any noise


def xor(samples, *, noise=0.0, seed=None):
    """Points in the square [-1, 1] x [-1, 1], of class 1 where x and y differ in sign.

    The classic problem one layer cannot solve: class 0 fills the top-right and
    bottom-left quarters (x * y > 0), class 1 the other two (x * y < 0), so no single
    straight line parts them. Each point is uniform in its quarter, kept `AXIS_MARGIN`
    (0.05) from the axes so that without noise every label follows the sign rule.

    Parameters
    ----------
    samples : int
        How many points to make, at least 1; half are of each class (one more of class 0
        when `samples` is odd).
    noise : float, default 0.0
        The standard deviation of Gaussian noise added to each input; 0 gives the exact
        shape. The labels are those of the points before noise, so a noisy point may land
        on the other class's side, as real data do.
    seed : int or None, default None
        Makes the data reproducible: the same seed gives the same inputs and labels, bit
        for bit. None gives different data each call. (Anything else
        ``numpy.random.default_rng`` takes, such as a list of ints, works too.)

    Returns
    -------
    inputs : ndarray of float64, shape (samples, 2)
        One point (x, y) a row, in an order shuffled by the seed.
    labels : ndarray of int64, shape (samples,)
        Each row's class number, 0 or 1.

    Raises
    ------
    TypeError
        If `samples` is not an integer (True and 2.0 are refused too), `noise` not a
        number, or `seed` neither None nor integers.
    ValueError
        If `samples` is below 1, `noise` negative, NaN or infinite, or `seed` negative.

    Examples
    --------
    >>> x, y = xor(200, noise=0.1, seed=0)
    >>> x.shape, y[:6]
    ((200, 2), array([1, 0, 0, 0, 1, 1]))
    >>> bool(x[0, 0] * x[0, 1] < 0)  # y[0] is 1: x and y differ in sign
    True
    """
    rng, labels, noise = _start(samples, noise, seed, 2)
    size = rng.uniform(AXIS_MARGIN, 1.0, (labels.size, 2))  # distance from each axis
    x_sign = rng.choice([-1.0, 1.0], labels.size)
    y_sign = np.where(labels == 1, -x_sign, x_sign)  # class 1: opposite signs
    return _add_noise(size * np.column_stack([x_sign, y_sign]), noise, rng), labels


def circles(samples, *, noise=0.0, seed=None):
    """Two circles around the origin: the outer one, radius 1, class 0; the inner one,
    radius 0.5 (`INNER_RADIUS`), class 1.

    No straight line parts them, but the distance from the centre does, which a hidden
    layer learns to work out. Each point's angle is uniform around its circle.

    Parameters
    ----------
    samples, noise, seed
        As for `xor`: how many points (half on each circle), the noise's standard
        deviation, and the seed that makes the data reproducible.

    Returns
    -------
    inputs, labels
        As for `xor`: float64 points, shape (samples, 2), and their int64 class numbers,
        0 (outer circle) or 1 (inner circle).

    Examples
    --------
    >>> x, y = circles(200, seed=0)
    >>> x.shape, y[:6]
    ((200, 2), array([1, 0, 0, 0, 1, 1]))
    >>> import numpy as np
    >>> radii = np.hypot(x[:, 0], x[:, 1])
    >>> bool(np.allclose(radii[y == 0], 1.0)), bool(np.allclose(radii[y == 1], 0.5))
    (True, True)
    """
    rng, labels, noise = _start(samples, noise, seed, 2)
    angle = rng.uniform(0.0, 2 * np.pi, labels.size)
    radius = np.where(labels == 1, INNER_RADIUS, 1.0)
    return _add_noise(radius[:, None] * _on_unit_circle(angle), noise, rng), labels


def moons(samples, *, noise=0.0, seed=None):
    """Two interleaving half circles: class 0 arches up, class 1 hangs below it and
    reaches into the first one's mouth.

    The shape of scikit-learn's ``make_moons`` (upper moon: (cos t, sin t); lower moon:
    (1 - cos t, 0.5 - sin t), t from 0 to pi), moved to be centred on the origin and
    shrunk by 2/3 (`MOONS_SCALE`), so that x spans -1 to 1 and y -0.5 to 0.5. Each point's
    t is uniform along its moon.

    Parameters
    ----------
    samples, noise, seed
        As for `xor`: how many points (half on each moon), the noise's standard deviation,
        and the seed that makes the data reproducible.

    Returns
    -------
    inputs, labels
        As for `xor`: float64 points, shape (samples, 2), and their int64 class numbers,
        0 (upper moon) or 1 (lower moon).

    Examples
    --------
    >>> x, y = moons(200, noise=0.1, seed=0)
    >>> x.shape, y[:6]
    ((200, 2), array([1, 0, 0, 0, 1, 1]))
    >>> x, y = moons(200, seed=0)
    >>> float(x[:, 0].min()), float(x[:, 0].max())  # doctest: +ELLIPSIS
    (-0.99..., 0.99...)
    """
    rng, labels, noise = _start(samples, noise, seed, 2)
    t = rng.uniform(0.0, np.pi, labels.size)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    points = np.where(labels[:, None] == 1, lower, upper)
    # The two moons together span x from -1 to 2 and y from -0.5 to 1: centre them.
    points = MOONS_SCALE * (points - [0.5, 0.25])
    return _add_noise(points, noise, rng), labels


def spirals(samples, *, noise=0.0, seed=None, classes=2):
    """Arms winding out from the centre, 1.5 turns each (`TURNS`), one arm a class.

    The hardest of the five: the arms wrap around each other, so the network must learn
    a boundary that winds between them. Arm k starts at the angle 2 pi k / classes, and a
    point a share t of the way along it (t uniform from 0 to 1) is at radius t and angle
    2 pi (1.5 t + k / classes), so the angle grows with the radius. Near the centre the
    arms meet, and there a few points of different classes lie close together.

    Parameters
    ----------
    samples, noise, seed
        As for `xor`: how many points (shared evenly among the arms), the noise's
        standard deviation, and the seed that makes the data reproducible.
    classes : int, default 2
        How many arms, at least 2.

    Returns
    -------
    inputs, labels
        As for `xor`: float64 points, shape (samples, 2), and their int64 class numbers,
        0 to classes - 1, the arm each point is on.

    Raises
    ------
    TypeError, ValueError
        As for `xor`; also if `classes` is not an integer of at least 2.

    Examples
    --------
    >>> x, y = spirals(200, noise=0.1, seed=0)
    >>> x.shape, y[:6]
    ((200, 2), array([1, 0, 0, 0, 1, 1]))
    >>> x, y = spirals(300, classes=3, seed=0)
    >>> import numpy as np
    >>> np.bincount(y)
    array([100, 100, 100])
    """
    rng, labels, noise = _start(samples, noise, seed, classes)
    t = rng.uniform(0.0, 1.0, labels.size)  # how far along its arm each point is
    angle = 2 * np.pi * (TURNS * t + labels / classes)
    return _add_noise(t[:, None] * _on_unit_circle(angle), noise, rng), labels


def gaussians(samples, *, noise=0.0, seed=None, classes=3):
    """Round blobs, one a class, their centres evenly spaced on a circle of radius 0.7.

    The easiest of the five: straight lines part the blobs. Blob k is centred at the angle
    2 pi k / classes on a circle of radius 0.7 (`BLOB_RADIUS`) around the origin, and its
    points are drawn from a Gaussian of standard deviation 0.15 (`BLOB_SPREAD`) about that
    centre; `noise` adds to that spread. With many classes the blobs start to overlap.

    Parameters
    ----------
    samples, noise, seed
        As for `xor`: how many points (shared evenly among the blobs), the standard
        deviation of the noise added to the blobs' own spread, and the seed that makes the
        data reproducible.
    classes : int, default 3
        How many blobs, at least 2.

    Returns
    -------
    inputs, labels
        As for `xor`: float64 points, shape (samples, 2), and their int64 class numbers,
        0 to classes - 1, the blob each point is drawn from.

    Raises
    ------
    TypeError, ValueError
        As for `xor`; also if `classes` is not an integer of at least 2.

    Examples
    --------
    >>> x, y = gaussians(300, seed=0)
    >>> x.shape, y[:6]
    ((300, 2), array([0, 0, 2, 2, 2, 0]))
    >>> x[y == 0].mean(axis=0).round(1)  # blob 0 is centred at (0.7, 0)
    array([0.7, 0. ])
    """
    rng, labels, noise = _start(samples, noise, seed, classes)
    centres = BLOB_RADIUS * _on_unit_circle(2 * np.pi * labels / classes)
    points = centres + rng.normal(0.0, BLOB_SPREAD, (labels.size, 2))
    return _add_noise(points, noise, rng), labels


def _start(samples, noise, seed, classes):
    """Check the arguments every generator takes; return a random generator made from
    `seed`, `samples` shuffled class numbers, as even among the classes as can be, and the
    noise as a float."""
    samples = positive_int(samples, "samples")
    noise = non_negative(noise, "noise")
    if isinstance(classes, bool) or not isinstance(classes, (int, np.integer)):
        raise TypeError(f"classes must be an integer, not {classes!r}")
    if classes < 2:  # one class leaves nothing to tell apart
        raise ValueError(f"classes must be at least 2, not {classes}")
    classes = int(classes)
    rng = random_generator(seed)
    # 0, 1, ..., classes - 1, 0, 1, ... gives each class its share; shuffling mixes them.
    labels = rng.permutation(np.arange(samples, dtype=np.int64) % classes)
    return rng, labels, noise


def _on_unit_circle(angle):
    """The points (cos angle, sin angle), one row for each angle."""
    return np.column_stack([np.cos(angle), np.sin(angle)])


def _add_noise(points, noise, rng):
    """`points` plus Gaussian noise of standard deviation `noise`.

    The noise is drawn even when it is 0, so that the points under it, and the labels,
    are the same for a seed whatever the noise: only the noise differs.
    """
    return points + rng.normal(0.0, noise, points.shape)
