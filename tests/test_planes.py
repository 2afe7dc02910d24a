"""lernmi.plots's pictures of the plane of inputs: every colour is the network's own number.

The decision boundary's pixels are `Network.predict` at the grid points, the neuron maps'
pixels the hidden outputs `Network.trace` shows for those points (bit for bit: the same
compiled loops), and the playground redraws when it says it does.
"""

import doctest
import subprocess
import sys
import types

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from matplotlib.collections import PathCollection  # noqa: E402

from lernmi import Network, _planes, plots  # noqa: E402
from test_plots import assert_png_of, image_axes  # noqa: E402


def two_blobs(n=40, seed=0):
    """n points of the plane, half around (-1, -1) (class 0) and half around (1, 1)."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 2
    return rng.normal(size=(n, 2)) * 0.5 + np.where(labels[:, None] == 1, 1.0, -1.0), labels


def three_classes(n=60, seed=1):
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 3
    angles = labels * 2 * np.pi / 3
    return rng.normal(size=(n, 2)) * 0.3 + np.column_stack([np.cos(angles),
                                                            np.sin(angles)]), labels


def grid_of(image, x, resolution):
    """The points behind an AxesImage of the plane x spans, row by row: pixel [i, j] is the
    point (xs[j], ys[i]), drawn at its place (row 0 at the bottom)."""
    xs, ys = _planes.plane(x, resolution)
    assert np.asarray(image.get_array()).shape == (len(ys), len(xs))
    assert image.origin == "lower"
    left, right, bottom, top = image.get_extent()
    assert (left + right) / 2 == pytest.approx((xs[0] + xs[-1]) / 2)
    assert (right - left) * (len(xs) - 1) / len(xs) == pytest.approx(xs[-1] - xs[0])
    assert (bottom + top) / 2 == pytest.approx((ys[0] + ys[-1]) / 2)
    assert (top - bottom) * (len(ys) - 1) / len(ys) == pytest.approx(ys[-1] - ys[0])
    return np.column_stack([np.tile(xs, len(ys)), np.repeat(ys, len(xs))])


def test_docstring_examples(compiled):
    results = doctest.testmod(compiled._planes, extraglobs=vars(compiled))
    assert results.attempted > 0 and results.failed == 0


# The decision boundary


def test_one_output_neuron_colours_the_plane_by_its_output(tmp_path):
    x, labels = two_blobs()
    net = Network([2, 4, 1], activation="tanh", output_activation="sigmoid", seed=0)
    net.train(x, labels, epochs=20, progress=False)
    fig = plots.decision_boundary(net, x, labels, path=tmp_path / "boundary.png")
    assert_png_of(fig, tmp_path / "boundary.png")
    image = image_axes(fig)[0].images[0]
    shown = np.asarray(image.get_array())
    points = grid_of(image, x, _planes.BOUNDARY_RESOLUTION)
    assert (shown.ravel() == net.predict(points)[:, 0]).all()
    # The plane spans the samples with a margin, each pixel centred on its point.
    xs, ys = _planes.plane(x, _planes.BOUNDARY_RESOLUTION)
    assert xs[0] < x[:, 0].min() and xs[-1] > x[:, 0].max() and ys[0] < x[:, 1].min()
    assert image.norm(0.5) == pytest.approx(0.5)  # white is the boundary
    ax = image_axes(fig)[0]
    assert ax.get_title() == (f"decision boundary: {net.evaluate(x, labels.astype(float)):.0%}"
                              f" of 40 samples right")
    dots = [c for c in ax.collections if isinstance(c, PathCollection)]  # one per class
    assert [len(c.get_offsets()) for c in dots] == [20, 20]
    assert (np.concatenate([c.get_offsets() for c in dots])
            == np.concatenate([x[labels == 0], x[labels == 1]])).all()


def test_several_outputs_colour_the_plane_by_the_class_of_the_largest():
    x, labels = three_classes()
    net = Network([2, 6, 3], output_activation="softmax", cost="cross_entropy", seed=2)
    net.train(x, labels, epochs=10, progress=False)
    fig = plots.decision_boundary(net, x, labels)
    image = fig.axes[0].images[0]
    shown = np.asarray(image.get_array())
    outputs = net.predict(grid_of(image, x, _planes.BOUNDARY_RESOLUTION))
    assert (shown.ravel() == outputs.argmax(axis=1)).all()
    assert set(np.unique(shown)) == {0, 1, 2}  # trained, it answers every class somewhere
    ordered = np.sort(outputs, axis=1)
    confidence = np.asarray(image.get_alpha()).ravel()
    assert confidence == pytest.approx(_planes.FAINTEST + (1 - _planes.FAINTEST)
                                       * (ordered[:, -1] - ordered[:, -2]))
    # Expected output rows are read as the class of their largest value.
    rows = np.eye(3)[labels]
    again = plots.decision_boundary(net, x, rows).axes[0]
    assert (np.asarray(again.images[0].get_array()) == shown).all()
    assert again.get_title() == fig.axes[0].get_title()


# Neuron maps


@pytest.mark.parametrize("activation", ["sigmoid", "relu", "tanh"])
def test_each_map_is_what_trace_shows_that_neuron_output(activation):
    net = Network([2, 5, 3, 2], activation=activation, output_activation="softmax",
                  cost="cross_entropy", dropout=0.5, seed=3)
    fig = plots.neuron_maps(net)
    axes = image_axes(fig)
    assert [ax.get_title() for ax in axes] == (
        [f"layer 1, neuron {j}" for j in range(5)] + [f"layer 2, neuron {j}" for j in range(3)])
    assert [ax.get_subplotspec().rowspan.start for ax in axes] == [0] * 5 + [1] * 3
    assert [ax.get_subplotspec().colspan.start for ax in axes] == [0, 1, 2, 3, 4, 0, 1, 2]
    maps = [np.asarray(ax.images[0].get_array()).ravel() for ax in axes]
    points = grid_of(axes[0].images[0], None, _planes.MAP_RESOLUTION)
    assert points.min() == -1.0 and points.max() == 1.0  # without inputs: [-1, 1] squared
    for k in (0, 1234, 5050, len(points) - 1):
        trace = net.trace(points[k])  # every neuron works: dropout is for learning only
        shown = np.array([m[k] for m in maps])
        assert (shown == np.concatenate([trace.layers[0].a, trace.layers[1].a])).all()


def test_maps_of_the_samples_plane_with_the_samples_faintly_on_top(tmp_path):
    x, labels = two_blobs()
    net = Network([2, 10, 1], activation="relu", output_activation="sigmoid", seed=4)
    fig = plots.neuron_maps(net, x, labels, path=tmp_path / "neurons.png")
    assert_png_of(fig, tmp_path / "neurons.png")
    axes = image_axes(fig)
    assert len(axes) == 10  # ten neurons of one layer, in rows of MAX_COLUMNS
    assert [ax.get_subplotspec().rowspan.start for ax in axes] == [0] * 8 + [1] * 2
    points = grid_of(axes[0].images[0], x, _planes.MAP_RESOLUTION)
    assert points[:, 0].min() < x[:, 0].min() and points[:, 1].max() > x[:, 1].max()
    for k in (17, 4321, 9999):
        shown = [np.asarray(ax.images[0].get_array()).ravel()[k] for ax in axes]
        assert (np.array(shown) == net.trace(points[k]).layers[0].a).all()
    for ax in axes:
        dots = ax.collections[0]
        assert (dots.get_offsets() == x).all() and 0 < dots.get_alpha() < 1
        low, high = ax.images[0].get_clim()
        assert low == -high  # white is 0, red positive
    unlabelled = plots.neuron_maps(net, x)
    assert len(image_axes(unlabelled)[0].collections) == 1


# What the pictures refuse


@pytest.mark.parametrize("draw", [
    lambda net, x, t: plots.decision_boundary(net, x, t),
    lambda net, x, t: plots.neuron_maps(net, x, t),
])
def test_pictures_of_the_plane_refuse_what_is_not_two_inputs(draw):
    x, labels = two_blobs(8)
    with pytest.raises(TypeError, match="Network"):
        draw(Network([2, 3, 1], seed=0).link_layers[0], x, labels)
    with pytest.raises(ValueError, match="draws a plane: the network needs 2 inputs, "
                                         "this one has 784"):
        draw(Network([784, 3, 1], seed=0), x, labels)
    net = Network([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match="shape any x 2"):
        draw(net, np.zeros((8, 3)), labels)
    with pytest.raises(ValueError, match="labels has 7 samples but inputs has 8"):
        draw(net, x, labels[:7])
    with pytest.raises(TypeError, match="class numbers"):
        draw(net, x, labels + 0.5)
    with pytest.raises(ValueError, match="inputs contains NaN"):
        draw(net, np.full((8, 2), np.nan), labels)


def test_what_else_they_refuse():
    x, labels = two_blobs(8)
    with pytest.raises(ValueError, match="no hidden layer"):
        plots.neuron_maps(Network([2, 1], seed=0))
    with pytest.raises(ValueError, match="give the samples' inputs too"):
        plots.neuron_maps(Network([2, 3, 1], seed=0), labels=labels)
    with pytest.raises(ValueError, match="must be 0 or 1"):
        plots.decision_boundary(Network([2, 3, 1], seed=0), x, labels * 2)
    with pytest.raises(ValueError, match="from 0 to 2"):
        plots.decision_boundary(Network([2, 3, 3], seed=0), x, labels * 3)
    with pytest.raises(TypeError, match="path"):
        plots.decision_boundary(Network([2, 3, 1], seed=0), x, labels, path=5)
    for every, error in ((0, ValueError), (1.5, TypeError)):
        with pytest.raises(error):
            plots.live_playground(x, labels, every=every, path="unused.png")
    with pytest.raises(ValueError, match="labels has 7 samples"):
        plots.live_playground(x, labels[:7], path="unused.png")


def test_without_matplotlib_they_say_how_to_install_it():
    code = """import sys; sys.modules['matplotlib'] = None
from lernmi import Network, plots
net = Network([2, 3, 1], seed=0)
for draw in (lambda: plots.decision_boundary(net, [[0, 0], [1, 1]], [0, 1]),
             lambda: plots.neuron_maps(net)):
    try:
        draw()
    except ImportError as error:
        print(error)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and all('pip install "lernmi[plot]"' in line for line in lines)


# The playground


@pytest.fixture
def notebook(monkeypatch):
    """A stand-in for IPython.display: the calls it got, each with the figure's title."""
    calls = []

    class Handle:
        def update(self, fig):
            calls.append(("update", fig.get_suptitle()))

    def display(fig, display_id):
        assert display_id is True
        calls.append(("display", fig.get_suptitle()))
        return Handle()

    fake = types.ModuleType("IPython.display")
    fake.display = display
    monkeypatch.setitem(sys.modules, "IPython", types.ModuleType("IPython"))
    monkeypatch.setitem(sys.modules, "IPython.display", fake)
    return calls


def test_the_playground_redraws_in_place_every_few_epochs(notebook):
    x, labels = two_blobs(20)
    net = Network([2, 3, 2, 1], activation="tanh", output_activation="sigmoid", seed=5)
    callback = plots.live_playground(x, labels, every=2)
    history = net.train(x, labels, epochs=5, progress=False, callbacks=[callback])
    assert len(history["loss"]) == 5  # never stops training
    assert notebook == [("display", "after epoch 1"), ("update", "after epoch 3"),
                        ("update", "after epoch 5")]
    assert not callback(net, 0, history)


def test_the_playground_shows_boundary_maps_and_curves(tmp_path):
    x, labels = two_blobs(20)
    net = Network([2, 3, 2, 1], activation="tanh", output_activation="sigmoid", seed=5)
    net.train(x, labels, epochs=2, progress=False,
              validation_data=(x[:6], labels[:6]),
              callbacks=[plots.live_playground(x, labels, every=5, path=tmp_path / "p.png")])
    assert (tmp_path / "p.png").stat().st_size > 0
    fig = _planes.playground(net, x, labels, 1, {"loss": [0.3, 0.2], "accuracy": [0.5, 0.9]})
    boundary, *maps = image_axes(fig)
    assert boundary.get_title().startswith("decision boundary")
    assert [ax.get_title() for ax in maps] == ["layer 1, neuron 0", "layer 1, neuron 1",
                                               "layer 1, neuron 2", "layer 2, neuron 0",
                                               "layer 2, neuron 1"]
    curves = [ax for ax in fig.axes if ax.get_title() in ("loss", "accuracy")]
    assert [list(ax.lines[0].get_ydata()) for ax in curves] == [[0.3, 0.2], [0.5, 0.9]]
    # Without hidden layers there are no maps, only the boundary and the curves.
    alone = _planes.playground(Network([2, 1], seed=0), x, labels, 0,
                               {"loss": [0.3], "accuracy": [0.5]})
    assert len(image_axes(alone)) == 1


def test_left_to_itself_the_playground_draws_at_most_a_tenth_of_the_time(monkeypatch):
    ticks = iter(range(1, 10**6))
    monkeypatch.setattr(_planes, "perf_counter", lambda: float(next(ticks)))
    drawn = []
    monkeypatch.setattr(_planes, "playground",
                        lambda net, x, classes, epoch, history: drawn.append(epoch))
    monkeypatch.setattr(_planes._figures, "save", lambda fig, path: fig)
    x, labels = two_blobs(10)
    callback = plots.live_playground(x, labels, path="never written.png")
    net = Network([2, 3, 1], seed=0)
    # Each epoch takes one tick of the fake clock and each drawing one more: a drawing
    # waits until the epochs since the last one have taken ten times as long as it did.
    for epoch in range(45):
        assert callback(net, epoch, {}) is None
    assert drawn == [0, 10, 20, 30, 40]


def test_the_playground_needs_a_notebook_or_a_path(monkeypatch):
    monkeypatch.setitem(sys.modules, "IPython.display", None)
    with pytest.raises(ImportError, match="give it a path"):
        plots.live_playground([[0, 0], [1, 1]], [0, 1])
