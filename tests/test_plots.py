"""lernmi.plots: every picture shows the numbers it claims, saved as a PNG of the right size.

Pictures are checked by what they hold (the lines' data, the images' pixels, the links'
widths and colours) and by the PNG they save; the gradients behind `input_sensitivity` are
checked against central finite differences of `Network.run`.
"""

import doctest
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.image import imread  # noqa: E402

from lernmi import Network, plots  # noqa: E402
from test_datasets import write_fake_mnist  # noqa: E402

ROOT = pathlib.Path(__file__).parent.parent


def assert_png_of(fig, path):
    """The PNG at `path` is `fig`, pixel for pixel the figure's size, and not blank."""
    image = imread(path)
    width, height = fig.get_size_inches() * plots.DPI
    assert image.shape[:2] == (round(height), round(width))
    assert image.var() > 0
    assert len(np.unique(image.reshape(-1, image.shape[2]), axis=0)) > 1


def image_axes(fig):
    return [ax for ax in fig.axes if ax.images]


def trained(layer_sizes=(4, 5, 3), validation=True, **options):
    rng = np.random.default_rng(3)
    net = Network(layer_sizes, seed=2, **options)
    x, labels = rng.random((30, layer_sizes[0])), rng.integers(0, layer_sizes[-1], 30)
    history = net.train(x, labels, epochs=3, progress=False,
                        validation_data=(x[:10], labels[:10]) if validation else None)
    return net, history


@pytest.mark.parametrize("module", ["plots", "_curves"])
def test_docstring_examples(lernmi, module):
    results = doctest.testmod(getattr(lernmi, module), extraglobs=vars(lernmi))
    assert results.attempted > 0 and results.failed == 0


# Learning curves


def test_learning_curves_draw_the_history_epoch_by_epoch(tmp_path):
    _, history = trained()
    fig = plots.learning_curves(history, path=tmp_path / "curves.png")
    assert_png_of(fig, tmp_path / "curves.png")
    assert len(fig.axes) == 2
    for ax, name in zip(fig.axes, ("loss", "accuracy")):
        assert ax.get_ylabel() == name
        assert [line.get_label() for line in ax.lines] == ["training", "validation"]
        for line, key in zip(ax.lines, (name, "val_" + name)):
            assert list(line.get_xdata()) == [1, 2, 3]
            assert list(line.get_ydata()) == history[key]


def test_learning_curves_without_validation_have_one_line_each():
    _, history = trained(validation=False)
    assert [len(ax.lines) for ax in plots.learning_curves(history).axes] == [1, 1]


@pytest.mark.parametrize("history, error", [
    ([0.5, 0.4], TypeError),
    ({"loss": [0.5]}, ValueError),
    ({"loss": [0.5, 0.4], "accuracy": [0.1]}, ValueError),
    ({"loss": [0.5], "accuracy": [0.1], "val_loss": []}, ValueError),
    ({"loss": ["high"], "accuracy": [0.1]}, TypeError),
    ({"loss": 0.5, "accuracy": 0.1}, TypeError),
])
def test_learning_curves_refuse_what_is_not_a_history(history, error):
    with pytest.raises(error):
        plots.learning_curves(history)


# Confusion matrix


def counted(labels, predicted, classes):
    matrix = np.zeros((classes, classes), dtype=int)
    for right, answer in zip(labels, predicted):
        matrix[right, answer] += 1
    return matrix


def test_confusion_counts_each_pair_of_right_answer_and_answer():
    rng = np.random.default_rng(0)
    labels, predicted = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    matrix = plots.confusion(labels, predicted)
    assert matrix.dtype == np.int64
    assert (matrix == counted(labels, predicted, 4)).all()
    assert (plots.confusion(labels, predicted, classes=6)[:4, :4] == matrix).all()
    assert plots.confusion([2], [2], classes=3).tolist() == [[0, 0, 0], [0, 0, 0], [0, 0, 1]]


def test_confusion_reads_output_rows_as_the_network_answers():
    net, _ = trained()
    x, labels = np.random.default_rng(1).random((12, 4)), np.arange(12) % 3
    outputs = net.predict(x)
    assert (plots.confusion(labels, outputs) ==
            counted(labels, outputs.argmax(axis=1), 3)).all()
    # A single output neuron answers 1 when its output is at least 0.5.
    single = np.array([[0.2], [0.5], [0.9], [0.4]])
    assert plots.confusion([0, 1, 1, 1], single).tolist() == [[1, 0], [1, 2]]


@pytest.mark.parametrize("labels, predicted, classes, error", [
    ([0.0, 1.0], [0, 1], None, TypeError),
    ([0, 1], ["a", "b"], None, TypeError),
    ([0, 1, 2], [0, 1], None, ValueError),
    ([], [], None, ValueError),
    ([0, -1], [0, 1], None, ValueError),
    ([0, 3], [0, 1], 3, ValueError),
    ([0, 1], [0, 1], 0, ValueError),
    ([0, 1], [0, 1], 2.0, TypeError),
])
def test_confusion_refuses_what_are_not_class_numbers(labels, predicted, classes, error):
    with pytest.raises(error):
        plots.confusion(labels, predicted, classes)
    with pytest.raises(error):
        plots.confusion_matrix(labels, predicted, classes)


def test_confusion_matrix_shows_the_counts_in_its_cells(tmp_path):
    rng = np.random.default_rng(5)
    labels, predicted = rng.integers(0, 10, 300), rng.integers(0, 10, 300)
    expected = counted(labels, predicted, 10)
    fig = plots.confusion_matrix(labels, predicted, path=str(tmp_path / "confusion.png"))
    assert_png_of(fig, tmp_path / "confusion.png")
    ax = fig.axes[0]
    assert (ax.images[0].get_array() == expected).all()
    cells = {(text.get_position()[1], text.get_position()[0]): int(text.get_text())
             for text in ax.texts}
    assert cells == {(i, j): expected[i, j] for i in range(10) for j in range(10)}
    assert ax.get_title() == f"{np.trace(expected)} of 300 right"


# Hidden weights


def test_hidden_weights_show_each_neurons_incoming_weights_as_an_image(tmp_path):
    net = Network([784, 8, 3], seed=4)
    fig = plots.hidden_weights(net, count=6, path=tmp_path / "weights.png")
    assert_png_of(fig, tmp_path / "weights.png")
    images = [ax.images[0] for ax in image_axes(fig)]
    weights = net.link_layers[0].weights
    assert len(images) == 6
    limit = np.abs(weights[:6, 1:]).max()
    for j, image in enumerate(images):
        assert (image.get_array() == weights[j, 1:].reshape(28, 28)).all()
        assert image.get_clim() == (-limit, limit)  # white is a weight of 0
    assert len(image_axes(plots.hidden_weights(net))) == 8
    assert len(image_axes(plots.hidden_weights(net, count=100))) == 8


def test_hidden_weights_of_a_later_layer_and_a_given_shape():
    net = Network([10, 6, 3], seed=4)
    fig = plots.hidden_weights(net, layer=1, image_shape=(2, 3))
    images = [ax.images[0].get_array() for ax in image_axes(fig)]
    assert len(images) == 3
    for row, image in zip(net.link_layers[1].weights, images):
        assert (image == row[1:].reshape(2, 3)).all()
    first = [ax.images[0].get_array() for ax in image_axes(
        plots.hidden_weights(net, image_shape=[5, 2]))]
    assert (first[5] == net.link_layers[0].weights[5, 1:].reshape(5, 2)).all()


@pytest.mark.parametrize("options, error", [
    ({}, ValueError),                         # 10 inputs are not a square
    ({"image_shape": (3, 3)}, ValueError),
    ({"image_shape": (0, 10)}, ValueError),
    ({"image_shape": 10}, TypeError),
    ({"image_shape": (2.0, 5.0)}, TypeError),
    ({"image_shape": (2, 5), "layer": 2}, ValueError),
    ({"image_shape": (2, 5), "layer": -1}, ValueError),
    ({"image_shape": (2, 5), "layer": "0"}, TypeError),
    ({"image_shape": (2, 5), "count": 0}, ValueError),
    ({"image_shape": (2, 5), "count": 1.5}, TypeError),
    ({"image_shape": (2, 5), "path": 5}, TypeError),
])
def test_hidden_weights_refuse_bad_options(options, error):
    with pytest.raises(error):
        plots.hidden_weights(Network([10, 6, 3], seed=4), **options)


@pytest.mark.parametrize("function", [plots.hidden_weights, plots.network_drawing])
def test_pictures_of_a_network_need_a_network(function):
    with pytest.raises(TypeError, match="Network"):
        function(np.zeros((3, 3)))


# Network drawing


def test_network_drawing_draws_each_link_by_its_weight(tmp_path):
    net = Network([2, 3, 1], activation="tanh", seed=0)
    fig = plots.network_drawing(net, path=tmp_path / "network.png")
    assert_png_of(fig, tmp_path / "network.png")
    biggest = max(np.abs(links.weights).max() for links in net.link_layers)
    for l, (lines, links) in enumerate(zip(fig.axes[0].collections, net.link_layers)):
        w = np.array([link.weight for link in links.links])  # the links in their order
        assert len(lines.get_segments()) == len(w)
        np.testing.assert_allclose(lines.get_linewidths(),
                                   plots.MAX_LINE_WIDTH * np.abs(w) / biggest, rtol=1e-12)
        colours = [to_rgba(plots.POSITIVE_COLOUR if weight >= 0 else plots.NEGATIVE_COLOUR)
                   for weight in w]
        assert [tuple(c) for c in lines.get_colors()] == colours
        # Each line runs from its input neuron's column to its output neuron's.
        assert {(start[0], end[0]) for start, end in lines.get_segments()} == {(l, l + 1)}


def test_network_drawing_marks_the_bias_neurons():
    fig = plots.network_drawing(Network([2, 3, 1], seed=0))
    ax = fig.axes[0]
    learning, biases = ax.collections[2:]
    assert len(learning.get_offsets()) == 2 + 3 + 1
    assert len(biases.get_offsets()) == 2           # the output layer's feeds no link
    assert [t.get_text() for t in ax.texts].count("1") == 2


def test_network_drawing_refuses_a_network_too_big_to_draw():
    with pytest.raises(ValueError, match="hidden_weights"):
        plots.network_drawing(Network([784, 30, 10]))
    plots.network_drawing(Network([plots.MAX_DRAWN_NEURONS, 2]))


# Input gradient and input sensitivity


def finite_differences(net, x, output, h=1e-6):
    gradient = np.empty(len(x))
    for i in range(len(x)):
        step = np.zeros(len(x))
        step[i] = h
        gradient[i] = (net.run(x + step)[output] - net.run(x - step)[output]) / (2 * h)
    return gradient


NETWORKS = [
    ([3, 4, 2], dict(activation="sigmoid")),
    ([5, 4, 3, 3], dict(activation="tanh", output_activation="identity")),
    ([4, 6, 3], dict(activation="relu", output_activation="softmax", cost="cross_entropy")),
    ([4, 3, 2], dict(activation="tanh", output_activation="sigmoid", cost="cross_entropy")),
    ([3, 5, 1], dict(activation="tanh")),
]


@pytest.mark.parametrize("sizes, options", NETWORKS)
def test_input_gradient_matches_finite_differences(lernmi, sizes, options):
    net = lernmi.Network(sizes, seed=6, **options)
    rng = np.random.default_rng(8)
    net.learn(rng.random(sizes[0]), np.eye(sizes[-1])[0])  # as after training
    x = rng.random(sizes[0])
    for output in range(sizes[-1]):
        np.testing.assert_allclose(lernmi.plots.input_gradient(net, x, output),
                                   finite_differences(net, x, output), rtol=1e-6, atol=1e-9)
    answer = int(np.argmax(net.run(x)))
    assert (lernmi.plots.input_gradient(net, x) ==
            lernmi.plots.input_gradient(net, x, answer)).all()


@pytest.mark.parametrize("sizes, options", NETWORKS)
def test_input_gradient_changes_nothing_the_network_learns_with(lernmi, sizes, options):
    rng = np.random.default_rng(9)
    x, t = rng.random((20, sizes[0])), rng.integers(0, max(sizes[-1], 2), 20)
    net, twin = (lernmi.Network(sizes, seed=6, training_rate=0.05, **options)
                 for _ in range(2))
    for network in (net, twin):
        network.learn(x[0], np.eye(max(sizes[-1], 2))[t[0]][:sizes[-1]])
    weights = [links.weights.copy() for links in net.link_layers]
    lernmi.plots.input_gradient(net, x[1])
    for links, before in zip(net.link_layers, weights):
        assert links.training_rate == 0.05
        assert (links.weights == before).all()
    # Learning goes on exactly as if nothing had happened, one step and whole epochs.
    for network in (net, twin):
        network.learn(x[2], np.eye(max(sizes[-1], 2))[t[2]][:sizes[-1]])
        network.train(x, t, epochs=2, progress=False)
    for links, twin_links in zip(net.link_layers, twin.link_layers):
        assert (links.weights == twin_links.weights).all()


def test_input_gradient_puts_the_training_rates_back_after_an_error(source, monkeypatch):
    net = source.Network([3, 4, 2], training_rate=0.3, seed=1)
    weights = [links.weights.copy() for links in net.link_layers]

    def broken(self):
        raise RuntimeError("broken link layer")

    monkeypatch.setattr(source.LinkLayer, "backpropagate", broken)
    with pytest.raises(RuntimeError, match="broken"):
        source.plots.input_gradient(net, [0.1, 0.2, 0.3])
    assert [links.training_rate for links in net.link_layers] == [0.3, 0.3]
    assert all((links.weights == w).all() for links, w in zip(net.link_layers, weights))


@pytest.mark.parametrize("x, output, error", [
    ([0.1, 0.2], None, ValueError),
    ([0.1, 0.2, float("nan")], None, ValueError),
    (["a", "b", "c"], None, TypeError),
    ([0.1, 0.2, 0.3], 2, ValueError),
    ([0.1, 0.2, 0.3], -1, ValueError),
    ([0.1, 0.2, 0.3], 1.0, TypeError),
    ([0.1, 0.2, 0.3], True, TypeError),
])
def test_input_gradient_and_sensitivity_refuse_bad_input(x, output, error):
    net = Network([3, 4, 2], seed=1)
    rates = [links.training_rate for links in net.link_layers]
    for function in (plots.input_gradient, plots.input_sensitivity):
        with pytest.raises(error):
            function(net, x, output)
    assert [links.training_rate for links in net.link_layers] == rates
    with pytest.raises(TypeError, match="Network"):
        plots.input_gradient(net.link_layers[0], [0.1, 0.2, 0.3])


def test_input_sensitivity_of_an_image_shows_the_input_and_its_gradient(tmp_path):
    net = Network([16, 5, 3], activation="tanh", output_activation="softmax",
                  cost="cross_entropy", seed=3)
    x = np.random.default_rng(2).random(16)
    fig = plots.input_sensitivity(net, x, output=1, path=tmp_path / "sensitivity.png")
    assert_png_of(fig, tmp_path / "sensitivity.png")
    shown, gradient = (ax.images[0] for ax in image_axes(fig))
    assert len(image_axes(fig)) == 2
    assert (shown.get_array() == x.reshape(4, 4)).all()
    assert (gradient.get_array() == plots.input_gradient(net, x, 1).reshape(4, 4)).all()
    low, high = gradient.get_clim()
    assert low == -high == -np.abs(gradient.get_array()).max()
    wide = plots.input_sensitivity(net, x, image_shape=(2, 8))
    assert image_axes(wide)[1].images[0].get_array().shape == (2, 8)


def test_input_sensitivity_of_a_few_inputs_draws_bars():
    net = Network([3, 4, 2], seed=1)
    fig = plots.input_sensitivity(net, [0.1, 0.5, 0.9])
    inputs, gradient = fig.axes
    assert [bar.get_height() for bar in inputs.patches] == [0.1, 0.5, 0.9]
    expected = plots.input_gradient(net, [0.1, 0.5, 0.9])
    assert [bar.get_height() for bar in gradient.patches] == list(expected)
    assert [bar.get_facecolor() for bar in gradient.patches] == [
        to_rgba(plots.POSITIVE_COLOUR if g >= 0 else plots.NEGATIVE_COLOUR) for g in expected]
    answer = int(np.argmax(net.run([0.1, 0.5, 0.9])))
    assert gradient.get_title() == f"d output {answer} / d input"


# Nothing global, and the MNIST example's pictures


def test_drawing_uses_no_pyplot_and_no_window(tmp_path):
    script = f"""
import sys
import numpy as np
from lernmi import Network, plots
net = Network([4, 3, 2], seed=0)
history = net.train(np.eye(4), [0, 1, 0, 1], epochs=2, progress=False)
plots.learning_curves(history, {str(tmp_path / "a.png")!r})
plots.network_drawing(net)
plots.hidden_weights(net)
plots.input_sensitivity(net, [0, 1, 0, 1])
plots.confusion_matrix([0, 1], [1, 1])
print("matplotlib.pyplot" in sys.modules)
"""
    without_a_display = {key: value for key, value in os.environ.items()
                         if key not in ("MPLBACKEND", "DISPLAY", "WAYLAND_DISPLAY")}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=without_a_display, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
    assert (tmp_path / "a.png").exists()


def test_the_mnist_example_saves_its_pictures(tmp_path):
    write_fake_mnist(tmp_path / "data")
    out = tmp_path / "pictures" / "new"
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "mnist.py"),
                             "--data-dir", str(tmp_path / "data"), "--epochs", "1",
                             "--hidden", "30", "--plots", str(out)],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    names = ["learning_curves.png", "confusion_matrix.png", "hidden_weights.png",
             "input_sensitivity.png"]
    for name in names:
        assert f"saved {out / name}" in result.stdout
        image = imread(out / name)
        assert image.var() > 0


def test_counts_are_drawn_in_red_as_every_positive_number_is(lernmi):
    # docs/pictures.md's promise: red is positive and blue negative, in every picture.
    fig = lernmi.plots.confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2])
    image = fig.axes[0].images[0]
    red, green, blue, _ = image.cmap(image.norm(2))  # the largest count's colour
    assert red > 2 * max(green, blue)
    assert image.cmap(image.norm(0))[:3] == pytest.approx((1.0, 1.0, 1.0), abs=0.1)  # white, near enough


def test_compared_curves_draw_a_line_per_training(tmp_path):
    runs = {"a": trained()[1], "b": trained(validation=False)[1]}
    fig = plots.compared_curves(runs, tmp_path / "both.png")
    assert [len(ax.lines) for ax in fig.axes] == [2, 2]
    assert fig.axes[0].get_title() == "training loss"  # not every run has validation data
    assert (tmp_path / "both.png").exists()
    for bad in ({}, [runs["a"]]):
        with pytest.raises(TypeError):
            plots.compared_curves(bad)
    with pytest.raises(ValueError, match="histories\\['x'\\]"):
        plots.compared_curves({"x": {"nothing": []}})


def test_live_curves_saves_and_redraws_in_place(tmp_path, monkeypatch):
    import types
    net = Network([2, 3, 1], seed=0)
    x, t = [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0]
    history = net.train(x, t, epochs=2, progress=False,
                        callbacks=[plots.live_curves(tmp_path / "curves.png")])
    assert (tmp_path / "curves.png").stat().st_size > 0 and len(history["loss"]) == 2
    calls = []

    class Handle:
        def update(self, fig):
            calls.append(("update", len(fig.axes[0].lines[0].get_xdata())))

    def display(fig, display_id):
        calls.append(("display", len(fig.axes[0].lines[0].get_xdata())))
        return Handle()

    fake = types.ModuleType("IPython.display")
    fake.display = display
    monkeypatch.setitem(sys.modules, "IPython", types.ModuleType("IPython"))
    monkeypatch.setitem(sys.modules, "IPython.display", fake)
    net.train(x, t, epochs=3, progress=False, callbacks=[plots.live_curves()])
    assert calls == [("display", 1), ("update", 2), ("update", 3)]
    monkeypatch.setitem(sys.modules, "IPython.display", None)
    with pytest.raises(ImportError, match="give it a path"):
        plots.live_curves()
