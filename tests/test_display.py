"""In a notebook lernmi's objects show themselves: the HTML of their `_repr_html_`.

Each picture and table must be well-formed (parsed here with xml.etree), show the object's
own numbers, keep to lernmi's colours (red positive, blue negative), and leave the plain
repr as it was. None of it may need matplotlib.
"""

import copy
import pickle
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

SVG = "{http://www.w3.org/2000/svg}"

#: What every repr was before any object could show itself in a notebook.
REPRS = {"network": "Network(2 -> 3 sigmoid -> 1 sigmoid, 13 links)",
         "neurons": "NeuronLayer(3 sigmoid + bias)",
         "links": "LinkLayer(3 -> 3, 9 links, training_rate=0.1)",
         "trace": "Trace(Network(2 -> 3 sigmoid -> 1 sigmoid, 13 links), weights unchanged)"}


def number(value):
    """A number as lernmi's tables and tooltips write it: six significant digits."""
    return f"{value + 0.0:.6g}"


def parsed(html):
    """The HTML as an element tree: it fails unless the HTML is well-formed."""
    assert isinstance(html, str) and html.startswith("<div")
    return ET.fromstring(html)


def words(root):
    """All the text of an element tree, each piece of text one string."""
    return [piece for element in root.iter() for piece in (element.text, element.tail)
            if piece and piece.strip()]


def tooltips(root):
    """{tooltip: the shape it belongs to} for every titled shape of the SVG in `root`."""
    shapes = {}
    for group in root.iter(SVG + "g"):
        title = group.find(SVG + "title")
        if title is not None:
            shapes[title.text] = [child for child in group if child.tag != SVG + "title"][0]
    return shapes


def rgb(colour):
    return tuple(int(colour[k:k + 2], 16) for k in (1, 3, 5))


def small_network(lernmi):
    net = lernmi.Network([2, 3, 1], seed=0)
    net.run([1.0, -0.5])
    return net


def test_a_small_network_draws_its_links_coloured_by_sign_and_sized_by_weight(lernmi):
    net = small_network(lernmi)
    root = parsed(net._repr_html_())
    assert root.find(SVG + "svg") is not None and root.find("table") is None
    shapes = tooltips(root)
    widths = []
    for l, links in enumerate(net.link_layers):
        for (j, i), w in np.ndenumerate(links.weights):
            [line] = [shape for title, shape in shapes.items()
                      if title.startswith(f"link_layers[{l}].weights[{j}, {i}] = {number(w)}\n")]
            assert line.tag == SVG + "line"
            assert line.get("stroke") == (lernmi.plots.POSITIVE_COLOUR if w >= 0
                                          else lernmi.plots.NEGATIVE_COLOUR)
            widths.append((abs(w), float(line.get("stroke-width"))))
    assert len(widths) == 13
    widths.sort()
    assert [width for _, width in widths] == sorted(width for _, width in widths)
    assert widths[0][1] < widths[-1][1]
    assert {"negative weight", "positive weight"} <= set(words(root))


def test_a_small_network_shows_each_neurons_activation_and_output(lernmi):
    net = small_network(lernmi)
    shapes = tooltips(parsed(net._repr_html_()))
    for l, layer in enumerate(net.neuron_layers):
        for j, neuron in enumerate(layer.learning_neurons):
            title = f"neuron {j} of layer {l} ({layer.activation})"
            [(text, circle)] = [(t, s) for t, s in shapes.items() if t.startswith(title)]
            assert f"z = {number(neuron.input_sum)} (input sum)" in text
            assert f"a = {number(neuron.output())} (output)" in text
            red, _, blue = rgb(circle.get("fill"))
            if neuron.output() > 0.05:  # shaded red, as every positive number is
                assert red > blue
            if neuron.output() < -0.05:
                assert blue > red
    assert net.neuron_layers[0].learning_neurons[1].output() == -0.5  # one input is negative
    biases = [t for t in shapes if t.startswith("the bias neuron of layer")]
    assert len(biases) == 2  # none for the output layer: no link leaves it
    assert "sigmoid" in " ".join(words(parsed(net._repr_html_())))


@pytest.mark.parametrize("sizes, drawn", [([12, 12, 1], True), ([13, 2, 1], False),
                                          ([2, 13, 1], False), ([10, 10, 10, 10], False)])
def test_a_big_network_is_a_table_of_its_layers_instead(lernmi, sizes, drawn):
    net = lernmi.Network(sizes, seed=0)
    root = parsed(net._repr_html_())
    assert (root.find(SVG + "svg") is not None) == drawn
    if drawn:
        return
    table = root.find("table")
    assert table.find("caption").text == repr(net)
    rows = table.findall("tr")[1:]
    assert len(rows) == len(sizes)
    for l, row in enumerate(rows):
        cells = [cell.text or "" for cell in row]
        assert cells[0] == str(l) and cells[1].startswith(str(sizes[l]))
        if l > 0:
            w = net.link_layers[l - 1].weights
            assert cells[2] == "sigmoid" + " (output)" * (l == len(sizes) - 1)
            assert cells[4] == f"{number(w.min())} to {number(w.max())}"


def test_a_neuron_layer_is_a_table_of_its_neurons(lernmi):
    layer = lernmi.NeuronLayer(3, "tanh")
    layer.input([0.5, -2.0, 0.0])
    layer.learning_neurons[1].submit_sensitivity(0.25)
    table = parsed(layer._repr_html_()).find("table")
    assert table.find("caption").text.startswith(repr(layer))
    rows = [[cell.text or "" for cell in row] for row in table.findall("tr")[1:]]
    assert rows[0][:2] == ["bias", "bias"] and rows[0][3] == "1"
    for j, neuron in enumerate(layer.learning_neurons):
        assert rows[j + 1] == [str(j), "tanh", number(neuron.input_sum), number(neuron.output()),
                               number(neuron.previous_layer_sensitivity_sum)]
    assert rows[2][2:] == ["-2", number(np.tanh(-2.0)), "0.25"]


def test_a_wide_neuron_layer_is_cut_short(lernmi):
    rows = parsed(lernmi.NeuronLayer(30)._repr_html_()).find("table").findall("tr")[1:]
    assert len(rows) == 1 + 10 + 1  # the bias neuron, ten neurons, and how many more
    assert rows[-1][0].text == "... (20 more neurons)"


def test_a_small_link_layer_is_a_grid_of_its_weights(lernmi):
    links = lernmi.LinkLayer(lernmi.NeuronLayer(2), lernmi.NeuronLayer(3), seed=1)
    root = parsed(links._repr_html_())
    assert root.find("table/caption").text == repr(links)
    shapes = tooltips(root)
    assert len(shapes) == 9
    for (j, i), w in np.ndenumerate(links.weights):
        square = shapes[f"weights[{j}, {i}] = {number(w)}: the link from "
                        f"{'the bias neuron' if i == 0 else f'neuron {i - 1}'} to neuron {j}"]
        red, _, blue = rgb(square.get("fill"))
        assert (red > blue) == (w > 0)
    summary = {row[0].text: row[1].text for row in root.find("table").findall("tr")[1:]}
    assert summary["smallest, largest"] == (f"{number(links.weights.min())}, "
                                            f"{number(links.weights.max())}")


def test_a_big_link_layer_is_a_summary_of_its_weights(lernmi):
    links = lernmi.Network([784, 30, 10], seed=0).link_layers[0]
    root = parsed(links._repr_html_())
    assert root.find(SVG + "svg") is None
    cells = words(root)
    assert any(cell.startswith("30 x 785: weights[j, i]") for cell in cells)
    assert f"{(links.weights > 0).sum():,} of 23,550" in cells


def trace_cells(html):
    """{the text of each cell}, and the rows of each table, of a Trace's HTML."""
    root = parsed(html)
    tables = [table.findall("tr")[1:] for table in root.iter("table")]
    return {cell for cell in words(root)}, tables


@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
def test_a_trace_is_its_printed_formulas_in_tables(lernmi, optimizer):
    net = lernmi.Network([3, 8, 2], activation="tanh", output_activation="softmax",
                         cost="cross_entropy", seed=2,
                         optimizer=getattr(lernmi, optimizer)(0.1))
    trace = net.trace([0.5, -1.0, 2.0], [0.0, 1.0])
    cells, tables = trace_cells(trace._repr_html_())
    printed = str(trace).splitlines()
    formulas = [line.split(": ", 1)[1] if line.lstrip().startswith("neuron ") else
                line.strip() for line in printed
                if line.lstrip().startswith(("neuron ", "a = ", "delta = ", "s = "))]
    assert len(formulas) == 2 * (5 + 2) + (5 + 2) + 5  # forward z and a, delta, s
    for formula in formulas:
        assert formula in cells
    steps = [line.strip() for line in printed if line.strip().startswith(("w -> ", "m -> "))]
    assert steps and all(any(step in cell for cell in cells) for step in steps)
    assert len(tables) == 2
    assert "... (3 more neurons)" in cells  # eight neurons, five shown, as printed
    assert f"cost = -sum(t * ln(a)) = {number(trace.loss)}" in " ".join(cells)


def test_a_trace_of_the_forward_pass_has_one_table(lernmi):
    trace = small_network(lernmi).trace([1.0, 0.0])
    cells, tables = trace_cells(trace._repr_html_())
    assert len(tables) == 1 and len(tables[0]) == 2 + 3 + 1  # two titles, four neurons
    assert f"a = sigmoid({number(trace.layers[1].z[0])}) = {number(trace.outputs[0])}" in cells


def test_a_gradient_check_is_a_table_per_layer(lernmi):
    net = lernmi.Network([2, 3, 2], seed=0)
    check = lernmi.check_gradients(net, [1.0, 0.5], [1.0, 0.0], worst=3)
    root = parsed(check._repr_html_())
    tables = root.findall("table")
    assert len(tables) == 2 and "passed" in words(root)[0]
    for l, table in enumerate(tables):
        assert table.find("caption").text.startswith(f"link_layers[{l}]: ")
        rows = [[cell.text for cell in row] for row in table.findall("tr")[1:]]
        assert len(rows) == 3 and all(row[-1] == "yes" for row in rows)
        errors = check.errors[l]
        assert [float(row[3]) for row in rows] == pytest.approx(
            np.sort(errors, axis=None)[::-1][:3], rel=1e-2)
        link = check.worst[0]
        if link.layer == l:
            assert rows[0][:3] == [f"weights[{link.j}, {link.i}]", f"{link.backprop:.8g}",
                                   f"{link.numeric:.8g}"]


def test_a_failed_gradient_check_says_where(lernmi):
    backprop = [np.zeros((1, 3))]
    numeric = [np.array([[0.0, 0.5, 0.0]])]
    check = lernmi.gradcheck.GradientCheck("Network(2 -> 1 sigmoid, 3 links)", backprop,
                                           numeric, 2, 1e-5, 1e-6)
    root = parsed(check._repr_html_())
    assert words(root)[0].endswith(": FAILED")
    rows = [[cell.text for cell in row] for row in root.find("table").findall("tr")[1:]]
    assert rows[0] == ["weights[0, 1]", "0", "0.5", "1", "NO"] and rows[1][-1] == "yes"
    assert root.find("table/caption").text.endswith("FAILED")


def trained(lernmi, **options):
    net = lernmi.Network([2, 3, 1], seed=0)
    x, t = [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0]
    return net.train(x, t, epochs=4, progress=False, **options)


def test_a_history_is_still_the_dict_it_was(lernmi):
    history = trained(lernmi, validation_data=([[0, 1]], [1]), patience=2)
    plain = dict(history)
    assert isinstance(history, dict) and type(history) is not dict
    assert history == plain and repr(history) == repr(plain) and str(history) == str(plain)
    for again in (pickle.loads(pickle.dumps(history)), copy.copy(history),
                  copy.deepcopy(history)):
        assert again == plain and type(again) is type(history)
    assert sorted(history) == ["accuracy", "best_epoch", "loss", "training_rate",
                               "val_accuracy", "val_loss"]


def test_a_history_draws_its_learning_curves(lernmi):
    history = trained(lernmi, validation_data=([[0, 1]], [1]))
    root = parsed(history._repr_html_())
    assert len(list(root.iter(SVG + "polyline"))) == 4  # loss and accuracy, two curves each
    shapes = tooltips(root)
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        for epoch, value in enumerate(history[key]):
            assert shapes[f"epoch {epoch + 1}: {key} = {number(value)}"].tag == SVG + "circle"
    # The loss falls as the points go down the picture: SVG's y grows downwards.
    loss = [float(shapes[f"epoch {e + 1}: loss = {number(v)}"].get("cy"))
            for e, v in enumerate(history["loss"])]
    assert np.argsort(loss).tolist() == np.argsort(history["loss"]).tolist()[::-1]
    assert f"loss {number(history['loss'][-1])}" in words(root)[-1]


def test_a_history_without_curves_shows_as_its_repr(lernmi):
    assert lernmi.training.History(note=["not a curve"])._repr_html_() is None
    one = lernmi.training.History(loss=[0.5], accuracy=[1.0])
    assert len(list(parsed(one._repr_html_()).iter(SVG + "polyline"))) == 2


def test_the_plain_reprs_are_as_they_were(lernmi):
    net = small_network(lernmi)
    assert repr(net) == REPRS["network"]
    assert repr(net.neuron_layers[1]) == REPRS["neurons"]
    assert repr(net.link_layers[0]) == REPRS["links"]
    assert repr(net.trace([1.0, 0.0], [1.0])) == REPRS["trace"]
    check = lernmi.check_gradients(net, [1.0, 0.0], [1.0])
    assert repr(check).startswith("GradientCheck(passed, largest relative error ")
    assert str(check).startswith(f"Gradient check of {REPRS['network']}: passed")


def test_showing_everything_needs_no_matplotlib():
    code = """
import sys
sys.modules["matplotlib"] = None  # importing it fails
import lernmi
net = lernmi.Network([2, 3, 1], seed=0)
history = net.train([[0, 0], [1, 1]], [0, 1], epochs=2, progress=False)
shown = [net, lernmi.Network([30, 2], seed=0), net.neuron_layers[1], net.link_layers[0],
         net.trace([1.0, 0.0], [1.0]), lernmi.check_gradients(net, [1.0, 0.0], [1.0]),
         history]
print(all(len(thing._repr_html_()) > 500 for thing in shown))
print(sys.modules["matplotlib"] is None)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]
    code = ("import sys, lernmi; net = lernmi.Network([2, 3, 1], seed=0); net._repr_html_(); "
            "net.train([[0, 0]], [0], progress=False)._repr_html_(); "
            "print(sorted(m for m in sys.modules if m.startswith('matplotlib')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
