"""The pictures a notebook shows by itself: SVG written here, with no matplotlib.

A small Network drawn neuron by neuron (`network_svg`), a LinkLayer's weights as a grid
(`weights_svg`) and a training history's learning curves (`curves_svg`); _display.py puts
them in the HTML that the objects' `_repr_html_` methods give IPython. As in every lernmi
picture, red is a positive number and blue a negative one (plots.POSITIVE_COLOUR and
NEGATIVE_COLOUR), the deeper the larger. Hovering over a neuron, a link or a point shows
its numbers in full (each shape's SVG <title>).
"""

import html
import math

import numpy as np

from ._figures import curve, symmetric_limit
from ._trace_text import DIGITS, SHOWN, Formulas
from .activations import ACTIVATIONS
from .plots import MAX_LINE_WIDTH, NEGATIVE_COLOUR, POSITIVE_COLOUR

#: A network is drawn when none of its layers has more learning neurons than this and it
#: has at most MAX_DRAWN_LINKS links; a bigger one shows as a table of its layers, and a
#: LinkLayer bigger than that as a summary of its weights.
MAX_DRAWN_NEURONS = 12
MAX_DRAWN_LINKS = 200

COLUMN, ROW, RADIUS, TOP = 150, 46, 16, 60  # a network's layout, in pixels
CELL = 40                                   # a weight's square in a LinkLayer's grid
PANEL, HEIGHT = 320, 220                    # a learning curve's panel
#: The curves of the training samples and of the validation data: neither red nor blue,
#: which mean a sign.
CURVES = {"": ("training", "#333333", ""), "val_": ("validation", "#e08214", "6 3")}


def text(value):
    """`value` written so that HTML and SVG show it as it is."""
    return html.escape(str(value))


#: A number as a printed Trace writes it, to six significant digits.
number = Formulas(DIGITS, SHOWN).number


def short(value):
    """A number in three or four characters, to fit inside a circle or a cell."""
    return f"{value + 0.0:.2f}" if abs(value) < 10 else f"{value:.3g}"


def tag(name, content="", **attributes):
    """<name a="...">content</name>. `content` is markup (write text with `text`); an
    attribute's name loses a trailing _ and has - for _ (class_, stroke_width)."""
    pairs = "".join(f' {key.rstrip("_").replace("_", "-")}="{text(value)}"'
                    for key, value in attributes.items() if value is not None)
    return f"<{name}{pairs}>{content}</{name}>"


def svg(width, height, content):
    return tag("svg", content, xmlns="http://www.w3.org/2000/svg", width=width,
               height=height, viewBox=f"0 0 {width} {height}", font_family="sans-serif")


def titled(content, title):
    """`content` (markup) with `title` as its tooltip."""
    return tag("g", tag("title", text(title)) + content)


def shade(value, limit):
    """The colour of `value` on a scale from -limit (deep blue) through 0 (white) to limit
    (deep red)."""
    deep = POSITIVE_COLOUR if value >= 0 else NEGATIVE_COLOUR
    share = min(abs(value) / limit, 1.0) if limit > 0 and math.isfinite(value) else 0.0
    return "#" + "".join(f"{round(255 - (255 - int(deep[k:k + 2], 16)) * share):02x}"
                         for k in (1, 3, 5))


def ink(value, limit):
    """Black or white, whichever reads on `shade(value, limit)`."""
    return "white" if limit > 0 and abs(value) > 0.6 * limit else "black"


def drawable(sizes, links):
    """Whether a network of these layer sizes (learning neurons) and links is drawn."""
    return max(sizes) <= MAX_DRAWN_NEURONS and links <= MAX_DRAWN_LINKS


def network_svg(net):
    """The network drawn as a learner would draw it: a column of neurons per layer, inputs
    on the left; above each column but the output layer's its bias neuron (grey, 1: no link
    leaves the output layer). A line per link, red for a positive weight and blue for a
    negative one, as wide as the weight is large. Each learning neuron is shaded by its
    output a (red positive, blue negative) and has a written in it."""
    sizes = net.layer_sizes
    width = max(COLUMN * (len(sizes) - 1) + 120, 420)
    left = (width - COLUMN * (len(sizes) - 1)) / 2
    bottom = TOP + ROW * max(sizes)

    def position(l, i):
        """Where neuron i (0 = the bias neuron) of neuron layer l is drawn."""
        middle = (max(sizes) - sizes[l]) / 2
        return left + COLUMN * l, TOP if i == 0 else TOP + ROW * (i + middle)

    layers = [layer.all_neurons for layer in net.neuron_layers]
    outputs = [[n.output() for n in neurons[1:]] for neurons in layers]
    limit = symmetric_limit([a for layer in outputs for a in layer])
    biggest = max(symmetric_limit(links.weights) for links in net.link_layers)
    parts = [tag("text", text(repr(net)), x=10, y=20, font_size=13)]
    for l, links in enumerate(net.link_layers):
        for (j, i), w in np.ndenumerate(links.weights):
            (x1, y1), (x2, y2) = position(l, i), position(l + 1, j + 1)
            source = "the bias neuron" if i == 0 else f"neuron {i - 1}"
            parts.append(titled(tag(
                "line", x1=x1, y1=y1, x2=x2, y2=y2, stroke_opacity=0.8,
                stroke=POSITIVE_COLOUR if w >= 0 else NEGATIVE_COLOUR,
                stroke_width=f"{0.5 + MAX_LINE_WIDTH * min(abs(w) / biggest, 1.0):.2f}"),
                f"link_layers[{l}].weights[{j}, {i}] = {number(w)}\nfrom {source} of layer "
                f"{l} to neuron {j} of layer {l + 1}"))
    for l, neurons in enumerate(layers):
        activation = net.neuron_layers[l].activation
        if l + 1 < len(layers):
            x, y = position(l, 0)
            parts.append(titled(
                tag("circle", cx=x, cy=y, r=RADIUS, fill="#d9d9d9", stroke="#666666") +
                tag("text", "1", x=x, y=y + 4, text_anchor="middle", font_size=11),
                f"the bias neuron of layer {l}: a = 1 always, so the weights of its links "
                f"are the biases of the next layer's neurons"))
        for j, (neuron, a) in enumerate(zip(neurons[1:], outputs[l])):
            x, y = position(l, j + 1)
            parts.append(titled(
                tag("circle", cx=x, cy=y, r=RADIUS, fill=shade(a, limit), stroke="black") +
                tag("text", text(short(a)), x=x, y=y + 4, text_anchor="middle", font_size=10,
                    fill=ink(a, limit)),
                f"neuron {j} of layer {l} ({activation})\nz = {number(neuron.input_sum)}"
                f" (input sum)\na = {number(a)} (output)\ndelta = "
                f"{number(neuron.previous_layer_sensitivity_sum)} (sensitivity sum)"))
        name = "inputs" if l == 0 else f"{sizes[l]} {activation}" + " (output)" * (
            l + 1 == len(layers))
        parts.append(titled(tag("text", text(name), x=left + COLUMN * l, y=bottom + 36,
                                text_anchor="middle", font_size=12),
                            ACTIVATIONS[activation].formula))
    parts.append(legend(bottom + 62, [("positive weight", POSITIVE_COLOUR, ""),
                                      ("negative weight", NEGATIVE_COLOUR, "")]))
    parts.append(tag("text", "neurons: shaded by their output a, written in them; hover "
                     "for the numbers", x=10, y=bottom + 82, font_size=12, fill="#555555"))
    return svg(width, bottom + 92, "".join(parts))


def legend(y, lines):
    """A short line in each colour of `lines` ((label, colour, dashes)), side by side."""
    parts, x = [], 10
    for label, colour, dashes in lines:
        parts.append(tag("line", x1=x, y1=y - 4, x2=x + 24, y2=y - 4, stroke=colour,
                         stroke_width=3, stroke_dasharray=dashes or None))
        parts.append(tag("text", text(label), x=x + 30, y=y, font_size=12))
        x += 40 + 7 * len(label)
    return "".join(parts)


def weights_svg(links):
    """A LinkLayer's weights as a grid: row j for learning neuron j of the layer fed,
    column i for neuron i of the layer before (the bias neuron first), each square
    coloured by its weight (red positive, blue negative) with the weight written in it."""
    w = links.weights
    rows, cols = w.shape
    limit = symmetric_limit(w)
    parts = [tag("text", text("from: bias, then neurons 0, 1, ... of the layer before"),
                 x=60, y=14, font_size=11, fill="#555555")]
    for i in range(cols):
        parts.append(tag("text", "bias" if i == 0 else str(i - 1), x=60 + CELL * i + CELL / 2,
                         y=34, text_anchor="middle", font_size=11))
    for j in range(rows):
        y = 40 + CELL * j
        parts.append(tag("text", f"to {j}", x=54, y=y + CELL / 2 + 4, text_anchor="end",
                         font_size=11))
        for i in range(cols):
            x = 60 + CELL * i
            source = "the bias neuron" if i == 0 else f"neuron {i - 1}"
            parts.append(titled(
                tag("rect", x=x, y=y, width=CELL, height=CELL, fill=shade(w[j, i], limit),
                    stroke="white") +
                tag("text", text(short(w[j, i])), x=x + CELL / 2, y=y + CELL / 2 + 4,
                    text_anchor="middle", font_size=10, fill=ink(w[j, i], limit)),
                f"weights[{j}, {i}] = {number(w[j, i])}: the link from {source} to "
                f"neuron {j}"))
    return svg(max(70 + CELL * cols, 330), 50 + CELL * rows, "".join(parts))


def curves_svg(history):
    """A history's learning curves: loss, then accuracy, against the epoch (counted from
    1), the training samples' and, if the history has them, the validation data's; a
    dashed line marks `best_epoch`, when early stopping kept one. None if the history has
    neither "loss" nor "accuracy" as lists of numbers."""
    panels = []
    for name in ("loss", "accuracy"):
        try:
            curves = {prefix: curve(history, prefix + name) for prefix in CURVES
                      if prefix + name in history}
        except TypeError:
            continue
        if "" in curves and curves[""]:
            panels.append(panel(len(panels) * PANEL, name, curves, history.get("best_epoch")))
    if not panels:
        return None
    kinds = [CURVES[prefix] for prefix in CURVES
             if prefix + "loss" in history or prefix + "accuracy" in history]
    return svg(PANEL * len(panels), HEIGHT + 30,
               "".join(panels) + legend(HEIGHT + 20, kinds))


def panel(left, name, curves, best):
    """One panel of `curves_svg`: `curves` maps "" and "val_" to a list per epoch."""
    epochs = max(len(values) for values in curves.values())
    finite = [v for values in curves.values() for v in values if math.isfinite(v)]
    low, high = (0.0, 1.0) if name == "accuracy" else (min(finite + [0.0]),
                                                       max(finite + [1e-12]))
    x0, x1, y0, y1 = left + 55, left + PANEL - 15, HEIGHT - 30, 30

    def x(epoch):  # counted from 1
        return x0 + (x1 - x0) * ((epoch - 1) / (epochs - 1) if epochs > 1 else 0.5)

    def y(value):
        return y0 - (y0 - y1) * (value - low) / (high - low)

    parts = [tag("text", name, x=(x0 + x1) / 2, y=18, text_anchor="middle", font_size=13),
             tag("rect", x=x0, y=y1, width=x1 - x0, height=y0 - y1, fill="none",
                 stroke="#999999")]
    for value, at in ((high, y1), (low, y0)):
        parts.append(tag("text", f"{value:.3g}", x=x0 - 5, y=at + 4, text_anchor="end",
                         font_size=11))
    for epoch in sorted({1, epochs}):
        parts.append(tag("text", str(epoch), x=x(epoch), y=y0 + 15, text_anchor="middle",
                         font_size=11))
    parts.append(tag("text", "epoch", x=(x0 + x1) / 2, y=y0 + 26, text_anchor="middle",
                     font_size=11, fill="#555555"))
    if isinstance(best, int) and 0 <= best < epochs:
        parts.append(titled(tag("line", x1=x(best + 1), y1=y0, x2=x(best + 1), y2=y1,
                                stroke="#999999", stroke_dasharray="3 3"),
                            f"best_epoch = {best}: the weights early stopping kept"))
    for prefix, values in curves.items():
        label, colour, dashes = CURVES[prefix]
        points = [(x(e + 1), y(v), e, v) for e, v in enumerate(values) if math.isfinite(v)]
        parts.append(tag("polyline", points=" ".join(f"{px:.1f},{py:.1f}"
                                                     for px, py, _, _ in points),
                         fill="none", stroke=colour, stroke_width=2,
                         stroke_dasharray=dashes or None))
        for px, py, e, v in points:
            parts.append(titled(tag("circle", cx=f"{px:.1f}", cy=f"{py:.1f}", r=3,
                                    fill=colour),
                                f"epoch {e + 1}: {prefix}{name} = {number(v)}"))
    return "".join(parts)
