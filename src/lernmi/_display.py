"""What a notebook shows of lernmi's objects: the HTML their `_repr_html_` methods give.

IPython shows a cell's result as the HTML its `_repr_html_` returns. A Network, a
NeuronLayer, a LinkLayer, a Trace, a GradientCheck and the History `Network.train` returns
each have that method, a line that calls a function here; their plain repr stays as it is.
The pictures are SVG that _drawings.py writes, without matplotlib. Every number is read
from the object (a neuron's a is its `Neuron.output`, the compiled formula); none is worked
out again here. The HTML is well-formed XML, so that anything can parse it.
"""

import numpy as np

from ._drawings import (MAX_DRAWN_LINKS, MAX_DRAWN_NEURONS, curves_svg, drawable, number,
                        network_svg, tag, text, weights_svg)
from ._trace_text import DIGITS, DROPPED, FORWARD, SHOWN, Formulas
from .activations import ACTIVATIONS

#: A NeuronLayer's table shows at most this many learning neurons.
ROWS = 10

LEFT = "text-align:left"
FORMULA = "text-align:left;vertical-align:top;font-family:monospace"


def neuron(j):
    """'neuron j', never broken across two lines."""
    return f"neuron\u00a0{j}"


def block(*parts):
    return tag("div", "".join(parts), class_="lernmi")


def paragraph(*lines, bold=False):
    """A paragraph of the lines of text given, the first in bold if `bold`."""
    shown = [text(line) for line in lines]
    if bold:
        shown[0] = tag("b", shown[0])
    return tag("p", "<br/>".join(shown), style=LEFT)


class Markup(str):
    """A table's cell that is HTML already, not text."""


def table(head, rows, caption=None):
    """A table: `head` the columns' titles, `rows` each a list of cells (text, or Markup)
    or, for a line across the whole table, a string."""
    lines = [tag("tr", "".join(tag("th", text(title), style=LEFT) for title in head))]
    for row in rows:
        if isinstance(row, str):
            row = [tag("td", text(row), colspan=len(head), style=LEFT)]
        else:
            row = [tag("td", cell if isinstance(cell, Markup) else text(cell), style=FORMULA)
                   for cell in row]
        lines.append(tag("tr", "".join(row)))
    return tag("table", (tag("caption", text(caption), style=LEFT) if caption else "") +
               "".join(lines), style="margin-bottom:1em")


def network_html(net):
    """A small network drawn; a big one as a table of its layers."""
    with net.lock:
        links = sum(layer.weights.size for layer in net.link_layers)
        if drawable(net.layer_sizes, links):
            return block(network_svg(net))
        rows = []
        for l, layer in enumerate(net.neuron_layers):
            last = l + 1 == len(net.neuron_layers)
            neurons = f"{layer.count:,}" + " + bias" * (not last)
            if l == 0:
                rows.append([neurons, "inputs", "", ""])
                continue
            w = net.link_layers[l - 1].weights
            rows.append([neurons, layer.activation + " (output)" * last,
                         f"{w.size:,} from layer {l - 1}",
                         f"{number(w.min())} to {number(w.max())}"])
        return block(table(["layer", "neurons", "activation", "links in", "weights"],
                           [[str(l)] + row for l, row in enumerate(rows)], repr(net)),
                     paragraph(f"Too big to draw (more than {MAX_DRAWN_NEURONS} neurons in a "
                               f"layer or {MAX_DRAWN_LINKS} links): show net.link_layers[l] "
                               f"for a layer's weights, net.neuron_layers[l] for its "
                               f"neurons."))


def neuron_layer_html(layer):
    """A NeuronLayer's neurons: the bias neuron, then the first ROWS learning neurons."""
    neurons = layer.all_neurons
    rows = [["bias", "bias", "", "1", ""]]
    for j, neuron in enumerate(neurons[1:ROWS + 1]):
        rows.append([str(j), layer.activation, number(neuron.input_sum),
                     number(neuron.output()), number(neuron.previous_layer_sensitivity_sum)])
    more = Formulas(DIGITS, ROWS).more(layer.count, "neuron")
    return block(table(["neuron", "activation", "z (input sum)", "a (output)",
                        "delta (sensitivity sum)"], rows + [more] * bool(more),
                       f"{layer!r}: {ACTIVATIONS[layer.activation].formula}"))


def link_layer_html(links):
    """A LinkLayer's weights: a grid of them when it is small, a summary always."""
    w = links.weights
    rows, cols = w.shape
    summary = [["weights", f"{rows} x {cols}: weights[j, i] joins neuron i of the layer "
                           f"before (i = 0: its bias neuron) to learning neuron j"],
               ["smallest, largest", f"{number(w.min())}, {number(w.max())}"],
               ["mean |weight|", number(np.abs(w).mean())],
               ["positive", f"{int((w > 0).sum()):,} of {w.size:,}"],
               ["optimizer", repr(links.optimizer)]]
    parts = [table(["", ""], summary, repr(links))]
    if drawable([cols - 1, rows], w.size):
        parts.append(weights_svg(links))
    return block(*parts)


def trace_html(trace, digits=DIGITS, shown=SHOWN):
    """A Trace's formulas filled in, a table per pass: a row per neuron of each layer (the
    first `shown`), as `Trace.format` writes them."""
    f = Formulas(digits, shown)
    last = len(trace.layers)
    parts = [paragraph(f"Trace of one sample through {trace.network}",
                       f"x = {f.vector(trace.inputs)}", bold=True)]
    rows = []
    for l, step in enumerate(trace.layers):
        rows.append(f.title(l + 1, step, l + 1 == last, ACTIVATIONS[step.activation].formula))
        rows += [[neuron(j), f"z = {f.sum_in(step, j)}", f"a = {f.output(step, j)}"]
                 for j in f.neurons(step)]
        rows += [f.more(len(step.z), "neuron")] * (len(step.z) > shown)
    parts.append(table(["neuron", "z = sum of w * a_in", "a = f(z)"], rows, FORWARD))
    if trace.expected_outputs is None:
        return block(*parts)
    parts.append(paragraph(f"t = {f.vector(trace.expected_outputs)}", f.cost(trace)))
    rows = []
    for l in range(last - 1, -1, -1):
        step = trace.layers[l]
        following = trace.layers[l + 1] if l + 1 < last else None
        rows.append(f.title(l + 1, step, following is None, f.links_in(l + 1, step)))
        rows += list(f.notes(step, following, trace))
        for j in f.neurons(step):
            delta, s = f.sensitivity(step, j, following, trace)
            rows.append([neuron(j),
                         "(the cost gives s)" if delta is None else f"delta = {delta}",
                         DROPPED if s is None else f"s = {s}",
                         "" if s is None else links_into(f, step, j)])
        rows += [f.more(len(step.z), "neuron")] * (len(step.z) > shown)
    head = ["neuron", "delta", "s", "links in: gradient and step"]
    caption = " ".join(f.backward(trace))
    return block(*parts, table(head, rows, caption))


def links_into(f, step, j):
    """The gradients and steps of the links into neuron j (the first `f.shown`), a line
    each, as a printed Trace writes them."""
    lines = []
    for i in range(min(len(step.inputs), f.shown)):
        for k, line in enumerate(f.link_step(step, j, i)):
            lines.append(text(f"weights[{j}, {i}]: {line}") if k == 0
                         else "&#160;" * 4 + text(line))
    if len(step.inputs) > f.shown:
        lines.append(text(f.more(len(step.inputs), "link")))
    return Markup("<br/>".join(lines))


def gradient_check_html(check):
    """A GradientCheck: whether it passed, then a table per link layer of its links that
    disagree most, as many as the check lists in all (`worst`)."""
    verdict = "passed" if check.passed else "FAILED"
    parts = [paragraph(f"Gradient check of {check.network}: {verdict}",
                       f"{check.links:,} links, largest relative error "
                       f"{check.largest_error:.3g} (tolerance {check.tolerance:g}, finite "
                       f"differences with h = {check.h:g})", bold=True)]
    for l, errors in enumerate(check.errors):
        rows = []
        for flat in np.argsort(-errors, axis=None, kind="stable")[:len(check.worst)]:
            j, i = np.unravel_index(flat, errors.shape)
            rows.append([f"weights[{j}, {i}]", f"{check.backprop[l][j, i]:.8g}",
                         f"{check.numeric[l][j, i]:.8g}", f"{errors[j, i]:.3g}",
                         "yes" if errors[j, i] <= check.tolerance else "NO"])
        largest = float(errors.max())
        parts.append(table(["link", "backprop", "numeric", "relative error", "passed"], rows,
                           f"link_layers[{l}]: {errors.size:,} links, largest relative error "
                           f"{largest:.3g}: "
                           f"{'passed' if largest <= check.tolerance else 'FAILED'}"))
    if not check.passed:
        parts.append(paragraph("Backpropagation and the finite differences disagree: a "
                               "derivative is wrong somewhere."))
    return block(*parts)


def history_html(history):
    """A training history's learning curves, and its last epoch's numbers; None (IPython
    then shows the plain repr) if it has no curve to draw."""
    picture = curves_svg(history)
    if picture is None:
        return None
    last = []
    for key, values in history.items():
        if isinstance(values, list) and values and isinstance(values[-1], (int, float)):
            last.append(f"{key} {number(values[-1])}")
    epochs = len(history["loss"]) if "loss" in history else len(history["accuracy"])
    summary = f"{epochs} epoch{'s' * (epochs != 1)}; the last: {', '.join(last)}"
    if "best_epoch" in history:
        summary += f"; best_epoch {history['best_epoch']} (its weights were kept)"
    return block(picture, paragraph(summary))
