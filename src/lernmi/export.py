"""A Network out to PyTorch or ONNX, and back in from PyTorch.

What this is for: checking lernmi against PyTorch (the same weights must give the same
outputs), handing a network trained here to code that runs torch or onnxruntime, and
bringing a small torch model in to look at it neuron by neuron. What it is not: a general
converter. It knows only what a Network is: ``Linear`` layers, each followed by one of
lernmi's activations, and ``Dropout`` after the hidden ones.

A link layer's weights W have shape (next layer's size, previous layer's size + 1), and
column 0 holds the links from the bias neuron. In torch and ONNX that column is a Linear's
bias and the rest its weight: z = x @ W[:, 1:].T + W[:, 0].

Each activation is one entry of `WAYS`: the torch.nn class with the settings that make it
compute lernmi's formula, and the ONNX nodes that compute it. onnxruntime's CPU kernels
for Elu, Softplus, Gelu and Erf are float32 only, and LeakyRelu's slope is a float32
attribute (0.01 becomes 0.0099999998), so elu, softplus, leaky_relu and gelu are built
from operators that run in float64 (gelu's erf from its power series). Everything stays
float64. Measured for each activation over input sums from -800 to 800, torch and
onnxruntime give lernmi's outputs to 1 unit in their last place, or 1e-14 where gelu's
output is near 0; whole networks add the rounding of sums taken in another order. The
tests hold torch to 1e-12 and onnxruntime to 1e-9 (relative and absolute).

torch and onnx are imported only when a function here needs them: lernmi runs without.
"""

import importlib
import math
from collections import namedtuple

import numpy as np

from . import saving
from ._version import __version__
from .activations import output_of

#: leaky_relu's slope below 0, read from lernmi's own formula.
LEAK = -output_of("leaky_relu", -1.0)

#: Past this, torch's Softplus returns z itself. lernmi's z + ln(1 + e^-z) is z too, in
#: float64, once e^-z is under half of z's last digit: from z = 33.3 on. torch's default,
#: 20, would be off by up to e^-20 = 2e-9.
SOFTPLUS_THRESHOLD = 40.0

#: The ONNX operator set: 17 is well supported by onnxruntime, and 8 is its IR version, so
#: that older onnxruntimes read the file too.
OPSET, IR_VERSION = 17, 8

#: erf(x) = 2 / sqrt(pi) * e^(-x^2) * sum over n of c_n * x^(2n + 1), c_n = 2^n / (1 * 3 *
#: ... * (2n + 1)) (Abramowitz and Stegun 7.1.6). Every term is positive, so nothing
#: cancels. Past |x| = 6, erf(x) is +-1 to within 2e-17; up to there ERF_TERMS terms reach
#: float64's precision.
ERF_REACH = 6.0
ERF_TERMS = 100


class OnnxGraph:
    """An ONNX graph as it is built: `add` appends a node and gives its output's name.

    Numbers and arrays given as inputs become float64 initialisers (integer arrays keep
    their type), so a formula reads as it is written: ``g.add("Add", z, 1.0)`` is z + 1.
    """

    def __init__(self, onnx):
        self.onnx = onnx
        self.nodes = []
        self.initializers = []
        self.prefix = ""  # "layer1/", ...: where a name comes from, for a model viewer

    def constant(self, value, name="constant"):
        """The name of a new initialiser holding `value`."""
        value = np.asarray(value)
        if value.dtype.kind != "i":
            value = value.astype(np.float64)
        name = f"{self.prefix}{name}{len(self.initializers)}"
        self.initializers.append(self.onnx.numpy_helper.from_array(value, name))
        return name

    def add(self, op, *inputs, out=None, **attributes):
        """The name of the output of a new `op` node on `inputs` (names or numbers)."""
        names = [x if isinstance(x, str) else self.constant(x) for x in inputs]
        out = out or f"{self.prefix}{op.lower()}{len(self.nodes)}"
        self.nodes.append(self.onnx.helper.make_node(op, names, [out], **attributes))
        return out

    def __repr__(self):
        return f"OnnxGraph({len(self.nodes)} nodes, {len(self.initializers)} initialisers)"


def onnx_op(op, **attributes):
    """The ONNX maker of an activation that is one operator."""
    return lambda g, z: g.add(op, z, **attributes)


def leaky_relu_onnx(g, z):
    # max(0.01 z, z): for z > 0 that is z, otherwise 0.01 z, in float64 (LeakyRelu's
    # alpha would be float32).
    return g.add("Max", z, g.add("Mul", z, LEAK))


def elu_onnx(g, z):
    # z if z > 0 else e^z - 1, as max(z, 0) + (e^min(z, 0) - 1): one formula for both
    # sides, exact z above 0, and e^ never sees a positive power, so it cannot overflow.
    below = g.add("Sub", g.add("Exp", g.add("Min", z, 0.0)), 1.0)
    return g.add("Add", g.add("Max", z, 0.0), below)


def softplus_onnx(g, z):
    # ln(1 + e^z) = max(z, 0) + ln(1 + e^-|z|), lernmi's two forms in one: e^ never sees a
    # positive power. (ONNX has no log1p; ln(1 + e) is off from it by about 1e-16.)
    e = g.add("Exp", g.add("Neg", g.add("Abs", z)))
    return g.add("Add", g.add("Max", z, 0.0), g.add("Log", g.add("Add", e, 1.0)))


def gelu_onnx(g, z):
    # z * Phi(z), Phi(z) = (1 + erf(z / sqrt 2)) / 2, erf by its series in u = x^2 nested
    # as 1 + (2u/3)(1 + (2u/5)(1 + (2u/7)(...))): three elementwise nodes a term and no
    # array larger than z. (The terms' own coefficients fall below 1e-45 and would become
    # float32 zeros, which onnxruntime's optimiser drops as adding nothing; these ratios
    # never do.)
    x = g.add("Clip", g.add("Mul", z, math.sqrt(0.5)), -ERF_REACH, ERF_REACH)
    u = g.add("Mul", x, x)
    series = 1.0
    for n in range(ERF_TERMS - 1, 0, -1):
        series = g.add("Add", g.add("Mul", g.add("Mul", u, 2.0 / (2 * n + 1)), series), 1.0)
    scale = g.add("Mul", g.add("Exp", g.add("Neg", u)), 2.0 / math.sqrt(math.pi))
    erf = g.add("Mul", x, g.add("Mul", series, scale))
    return g.add("Mul", g.add("Mul", z, 0.5), g.add("Add", erf, 1.0))


#: How each activation leaves lernmi. `torch` is the torch.nn class, made with `settings`;
#: `from_torch` takes back a module of that class whose attributes named in `checked` have
#: one of the values listed. `onnx(g, z)` adds to the OnnxGraph g the nodes that compute
#: a = f(z) from z and gives a's name.
Way = namedtuple("Way", "torch settings checked onnx")

WAYS = {
    "sigmoid": Way("Sigmoid", {}, {}, onnx_op("Sigmoid")),
    "tanh": Way("Tanh", {}, {}, onnx_op("Tanh")),
    "relu": Way("ReLU", {}, {}, onnx_op("Relu")),
    "leaky_relu": Way("LeakyReLU", {"negative_slope": LEAK}, {"negative_slope": (LEAK,)},
                      leaky_relu_onnx),
    "elu": Way("ELU", {"alpha": 1.0}, {"alpha": (1.0,)}, elu_onnx),
    "softplus": Way("Softplus", {"beta": 1.0, "threshold": SOFTPLUS_THRESHOLD},
                    {"beta": (1.0,)}, softplus_onnx),
    "gelu": Way("GELU", {"approximate": "none"}, {"approximate": ("none",)}, gelu_onnx),
    "identity": Way("Identity", {}, {}, onnx_op("Identity")),
    # Over the last dimension: a row's outputs. dim=1 is the last for a batch of rows.
    "softmax": Way("Softmax", {"dim": -1}, {"dim": (-1, 1)}, onnx_op("Softmax", axis=-1)),
}


def imported(name, needed_by):
    """The package `name`, or ImportError saying how to install it (lernmi's extra of
    the same name)."""
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise ImportError(f"{needed_by} needs the {name} package: "
                          f'pip install "lernmi[{name}]"') from error


def layers_of(net):
    """(weights, activation) of each of the network's link layers, the weights copied.

    They are read as `save` reads them (saving.state_of), with its checks: ValueError if a
    weight is NaN or infinite, so that no export hands on what no file would keep.
    """
    with net.lock:
        try:
            header, arrays = saving.state_of(net)
        except ValueError as error:
            raise ValueError(f"cannot export the network: {error}") from None
    return [(arrays[f"weights_{l}"], activation)
            for l, activation in enumerate(header["activations"])]


# --- to PyTorch ----------------------------------------------------------------------------

def to_torch(net):
    """`net` as a float64 ``torch.nn.Sequential`` in eval mode: Linear, activation and,
    after hidden layers when `net.dropout` > 0, Dropout (see `Network.to_torch`)."""
    torch = imported("torch", "to_torch")
    layers, p = layers_of(net), net.dropout
    modules = []
    for l, (w, activation) in enumerate(layers):
        # skip_init: no random initial weights, so torch's random numbers are left alone.
        linear = torch.nn.utils.skip_init(torch.nn.Linear, w.shape[1] - 1, w.shape[0],
                                          dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.as_tensor(w[:, 1:]))
            linear.bias.copy_(torch.as_tensor(w[:, 0]))
        way = WAYS[activation]
        modules += [linear, getattr(torch.nn, way.torch)(**way.settings)]
        if p > 0 and l < len(layers) - 1:  # lernmi drops hidden layers' outputs only
            modules.append(torch.nn.Dropout(p))
    return torch.nn.Sequential(*modules).eval()


# --- back from PyTorch ---------------------------------------------------------------------

#: One layer read from a Sequential: its weights W (bias in column 0), its activation's
#: name, where that was set (index and module: the activation's, or the Linear's when
#: none follows it) for error messages, and whether a Dropout follows it.
Read = namedtuple("Read", "weights activation where dropped")


def refusal(where, why, error=ValueError):
    index, module = where
    return error(f"cannot take layer {index} of the Sequential, {module!r}: {why}")


def from_torch(cls, module, **options):
    """A `cls` (a Network) with the layers and weights of `module` (see
    `Network.from_torch`). Everything is checked before the network is made.

    A Softplus's threshold is not checked: past it torch gives z itself, off from lernmi's
    softplus by at most e^-threshold (2e-9 for torch's default, 20).

    Examples
    --------
    >>> module = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(),
    ...                              torch.nn.Linear(3, 2), torch.nn.Softmax(dim=1))
    >>> from_torch(Network, module, cost="cross_entropy")  # doctest: +SKIP
    Network(2 -> 3 relu -> 2 softmax, cross_entropy, 17 links)
    """
    torch = imported("torch", "from_torch")
    if not isinstance(module, torch.nn.Sequential):
        raise TypeError(f"from_torch takes a torch.nn.Sequential, not {type(module).__name__}")
    given = sorted(set(options) & {"layer_sizes", "activation", "output_activation"})
    if given:
        raise TypeError(f"from_torch reads {given[0]} from the module; do not give it")
    layers, p = read_sequential(torch, module)
    settings = {"output_activation": layers[-1].activation, "dropout": p}
    if len(layers) > 1:
        settings["activation"] = layers[0].activation
    sizes = [layers[0].weights.shape[1] - 1] + [layer.weights.shape[0] for layer in layers]
    net = cls(sizes, **{**settings, **options})
    with net.lock, np.errstate(over="ignore"):
        for l, (links, layer) in enumerate(zip(net.link_layers, layers)):
            links.weights[...] = layer.weights
            if not np.isfinite(links.weights).all():  # (a float32 network's: too large)
                raise ValueError(f"the weights of layer {l} are too large for a "
                                 f"{np.dtype(net.dtype).name} network")
    return net


def read_sequential(torch, module):
    """The layers of `module` (a list of Read) and its Dropout's p (0.0 if none).

    ValueError for the first module that breaks the pattern a Network has: Linear, its
    activation (none: identity), Dropout (after hidden layers only), Linear, ...
    """
    activations = {getattr(torch.nn, way.torch): name for name, way in WAYS.items()}
    if len(module) == 0:
        raise ValueError("the Sequential is empty: a network needs at least one Linear")
    layers, p, last = [], None, None  # last: None (at the start), "linear", "activation", ...
    for index, part in enumerate(module):
        where = (index, part)
        if type(part) is torch.nn.Linear:
            layers.append(read_linear(torch, part, where, layers))
            last = "linear"
        elif type(part) in activations:
            name = activations[type(part)]
            check_activation(name, part, where, last, index == len(module) - 1)
            layers[-1] = layers[-1]._replace(activation=name, where=where)
            last = "activation"
        elif type(part) is torch.nn.Dropout:
            check_dropout(part, where, last, index == len(module) - 1, p)
            p = part.p
            layers[-1] = layers[-1]._replace(dropped=True)
            last = "dropout"
        else:
            known = ", ".join(way.torch for way in WAYS.values())
            raise refusal(where, f"lernmi takes Linear, Dropout and {known}")
    check_hidden_layers(layers, p or 0.0)
    return layers, p or 0.0


def read_linear(torch, linear, where, layers):
    """The Read of a Linear: its weights, and for now the identity activation."""
    if linear.weight.is_meta:
        raise refusal(where, "its weights are on the meta device, which holds no numbers")
    for name, tensor in (("weight", linear.weight), ("bias", linear.bias)):
        if tensor is not None and tensor.is_complex():  # float64 would drop the imaginary part
            raise refusal(where, f"its {name} is {tensor.dtype}, and a network's weights are "
                          "real numbers", TypeError)
    if layers and linear.in_features != layers[-1].weights.shape[0]:
        raise refusal(where, f"it takes {linear.in_features} inputs, but the Linear before "
                      f"it gives {layers[-1].weights.shape[0]}")
    w = np.zeros((linear.out_features, linear.in_features + 1))
    w[:, 1:] = linear.weight.detach().to("cpu", torch.float64).numpy()
    if linear.bias is not None:  # without one, the links from the bias neuron are 0
        w[:, 0] = linear.bias.detach().to("cpu", torch.float64).numpy()
    if not np.isfinite(w).all():
        raise refusal(where, "its weight or bias contains NaN or infinity")
    return Read(w, "identity", where, False)


def check_activation(name, part, where, last, at_end):
    """ValueError unless the activation module `part` (lernmi's `name`) may come after
    `last` ("linear", "activation", "dropout" or None) and computes lernmi's formula."""
    if last != "linear":
        raise refusal(where, {
            "activation": "two activations in a row, and a lernmi layer has one",
            "dropout": "an activation after a Dropout; lernmi drops a layer's outputs after "
                       "its activation"}.get(last, "an activation must follow a Linear"))
    for attribute, allowed in WAYS[name].checked.items():
        if getattr(part, attribute) not in allowed:
            raise refusal(where, f"lernmi's {name} needs {attribute}="
                          f"{' or '.join(map(repr, allowed))}")
    if name == "softmax" and not at_end:
        raise refusal(where, "Softmax can only be the last layer (the output layer)")


def check_dropout(part, where, last, at_end, p):
    """ValueError unless the Dropout `part` may come after `last` and has the p of any
    Dropout before it (`p`, None if none): lernmi drops hidden layers' outputs, with one p."""
    if last in (None, "dropout") or at_end:
        raise refusal(where, "two Dropouts in a row" if last == "dropout" else
                      "lernmi drops only the outputs of hidden layers, not its inputs or "
                      "outputs")
    if p is not None and part.p != p:
        raise refusal(where, f"an earlier Dropout has p={p}, and lernmi drops every hidden "
                      "layer with one p")


def check_hidden_layers(layers, p):
    """ValueError unless the hidden layers share one activation and, if p > 0, each is
    followed by a Dropout: a Network has one hidden activation and one dropout."""
    for layer in layers[1:-1]:
        if layer.activation != layers[0].activation:
            raise refusal(layer.where, f"its activation is {layer.activation} but the first "
                          f"hidden layer's is {layers[0].activation}, and a Network's "
                          "hidden layers share one")
    for layer in layers[:-1]:
        if p > 0 and not layer.dropped:
            raise refusal(layer.where, "no Dropout follows this hidden layer, but lernmi "
                          "drops every hidden layer or none")


# --- out to ONNX ---------------------------------------------------------------------------

def to_onnx(net, path):
    """Write `net` to `path` as an ONNX model (see `Network.to_onnx`).

    Each link layer is a ``Gemm`` (z = x @ W[:, 1:].T + W[:, 0]) and then its activation's
    nodes (`WAYS`); dropout, which only learning uses, leaves no node. Everything is
    float64, and onnxruntime's outputs agree with `predict` to 1e-9 or better for every
    activation (see the module's docstring). The model is checked with
    ``onnx.checker.check_model`` and written to a temporary file that then replaces
    `path`, so a failure leaves no file behind.

    Examples
    --------
    >>> to_onnx(Network([2, 3, 1], activation="gelu"), "net.onnx")     # doctest: +SKIP
    >>> session = onnxruntime.InferenceSession("net.onnx")              # doctest: +SKIP
    >>> session.run(["outputs"], {"inputs": np.zeros((5, 2))})[0].shape  # doctest: +SKIP
    (5, 1)
    """
    path = saving.checked_path(path)
    layers = layers_of(net)
    onnx = imported("onnx", "to_onnx")
    g = OnnxGraph(onnx)
    a = "inputs"
    for l, (w, activation) in enumerate(layers, start=1):
        g.prefix = f"layer{l}/"
        z = g.add("Gemm", a, g.constant(w[:, 1:], "weight"), g.constant(w[:, 0], "bias"),
                  transB=1)
        a = WAYS[activation].onnx(g, z)
    g.prefix = ""
    g.add("Identity", a, out="outputs")
    sizes, info = net.layer_sizes, onnx.helper.make_tensor_value_info
    graph = onnx.helper.make_graph(
        g.nodes, repr(net), [info("inputs", onnx.TensorProto.DOUBLE, ["batch", sizes[0]])],
        [info("outputs", onnx.TensorProto.DOUBLE, ["batch", sizes[-1]])],
        initializer=g.initializers)
    model = onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", OPSET)],
                                   ir_version=IR_VERSION, producer_name="lernmi",
                                   producer_version=__version__)
    onnx.checker.check_model(model, full_check=True)
    with saving.new_file(path) as file:
        file.write(model.SerializeToString())
