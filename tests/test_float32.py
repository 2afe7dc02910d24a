"""The float32 copy of the loops (lernmi._f32), compiled and run from source.

setup.py compiles a copy of every compiled module, written from its source by
lernmi/_floats.py, whose reals are C floats. Here the copy's compiled loops are checked
against the same copy run from source on float32 arrays (numpy 2 rounds each operation of
float32 numbers to float32, as C does for floats), to the last bit, for every activation,
cost and optimiser, per sample and in batches (with the tiles and the input layer held
transposed, compiled), on one thread and two; and against float32 arithmetic written out
here with numpy, so that neither could be working in double.
"""

import importlib
import re

import numpy as np
import pytest

import lernmi
from lernmi import _floats
from lernmi.activations import ACTIVATION_NAMES, ACTIVATIONS, activation_code
from lernmi.costs import cost_code
from lernmi.optimizers import SGD, Adam, settings_of

needs_numpy_2 = pytest.mark.skipif(
    int(np.__version__.split(".")[0]) < 2,
    reason="run from source, a float32 network needs numpy 2's float32 arithmetic")


def copies(package):
    return {name: importlib.import_module(f"{package.__name__}._f32.{name}")
            for name in ("learning_loops", "network_loops", "reals")}


@pytest.fixture(scope="module")
def both(compiled, source):
    return copies(compiled), copies(source)


def test_every_compiled_module_has_a_compiled_float_copy(compiled):
    directory = compiled.__file__.rsplit("/", 1)[0]
    names = _floats.compiled_modules(directory)
    assert len(names) >= 15
    for name in names:
        copy = importlib.import_module(f"lernmi._f32.{name}")
        if compiled.COMPILED:
            assert not copy.__file__.endswith(".py"), copy.__file__
    assert importlib.import_module("lernmi._f32.reals").DTYPE is np.float32
    assert lernmi.reals.DTYPE is np.float64


def test_the_source_copy_runs_the_rewritten_source(source):
    reals = importlib.import_module(f"{source.__name__}._f32.reals")
    assert reals.DTYPE is np.float32 and reals.__file__.endswith("reals.py")
    assert type(reals.rounded(0.1)) is np.float32 and reals.rounded(0.1) == np.float32(0.1)
    assert reals.SMALLEST == np.finfo(np.float32).tiny == reals.TINY


# --- the rewrite --------------------------------------------------------------------------------

def test_the_rewrite_points_imports_at_the_copies(tmp_path):
    (tmp_path / "a.pxd").write_text("from lernmi.b cimport f\nfrom lernmi.c cimport g\n")
    (tmp_path / "a.py").write_text("from .b import f\nfrom ._checks import h\n"
                                   "    from .b import x\nfrom lernmi.b import y\n")
    (tmp_path / "b.pxd").write_text("")
    assert _floats.float_copy(tmp_path, "a.pxd") == \
        "from lernmi._f32.b cimport f\nfrom lernmi.c cimport g\n"
    assert _floats.float_copy(tmp_path, "a.py") == \
        "from .b import f\nfrom .._checks import h\n    from .b import x\n" \
        "from lernmi._f32.b import y\n"


def test_the_rewrite_declares_the_float_twins_of_c_names(tmp_path):
    (tmp_path / "v.h").write_text("#define LV_NAME(name) LV_NAMED(lernmi_##name)\n"
                                  "static double LV_NAME(dot)(void);\n"
                                  "#define LERNMI_TILE 8\n#define LERNMI_TILE_F32 16\n")
    (tmp_path / "a.pxd").write_text(
        'cdef extern from "v.h":\n    double lernmi_dot(const double *x) nogil\n'
        '    double lernmi_sum(const double *x) nogil\n    const int TILE "LERNMI_TILE"\n'
        '    const int GROUP "LERNMI_GROUP"\n\ncdef double lernmi_dot_of(double x)\n')
    assert _floats.twins(tmp_path) == {"lernmi_dot", "LERNMI_TILE"}
    assert _floats.float_copy(tmp_path, "a.pxd") == (
        'cdef extern from "v.h":\n    double lernmi_dot "lernmi_dot_f32"(const double *x) nogil\n'
        '    double lernmi_sum(const double *x) nogil\n    const int TILE "LERNMI_TILE_F32"\n'
        '    const int GROUP "LERNMI_GROUP"\n\ncdef double lernmi_dot_of(double x)\n')


def test_the_rewrite_casts_the_literals_in_functions_only(tmp_path):
    (tmp_path / "a.pxd").write_text("")
    (tmp_path / "a.py").write_text(
        "import cython\nHALF = 0.5\n\n\ndef f(x, y=0.1,\n      z=(1e-3, 2)):\n"
        "    return 0.25 * x + 1 + 0x1e + 2.5e3  # 0.5\n\n\nclass C:\n"
        "    k = 3.0\n\n    def g(self, a: float = 1.5) -> float:\n"
        "        return a * .5 if a else 'x 1.0'\n")
    cast = "cython.cast(cython.float, {})".format
    assert _floats.float_copy(tmp_path, "a.py") == (
        "import cython\nHALF = 0.5\n\n\ndef f(x, y=0.1,\n      z=(1e-3, 2)):\n"
        f"    return {cast('0.25')} * x + 1 + 0x1e + {cast('2.5e3')}  # 0.5\n\n\nclass C:\n"
        "    k = 3.0\n\n    def g(self, a: float = 1.5) -> float:\n"
        f"        return a * {cast('.5')} if a else 'x 1.0'\n")


def test_the_rewrite_refuses_what_it_cannot_copy(tmp_path):
    (tmp_path / "a.pxd").write_text("")
    (tmp_path / "a.py").write_text("def f(x):\n    return 0.5 * x\n")
    with pytest.raises(ValueError, match="does not import cython: line 2"):
        _floats.float_copy(tmp_path, "a.py")
    (tmp_path / "reals.pxd").write_text("ctypedef double number\n")
    with pytest.raises(ValueError, match=re.escape("expects 'ctypedef double real ' once")):
        _floats.float_copy(tmp_path, "reals.pxd")


def test_every_line_of_a_copy_is_where_it_was_in_the_source(compiled):
    directory = compiled.__file__.rsplit("/", 1)[0]
    for name in _floats.compiled_modules(directory):
        for filename in (name + ".py", name + ".pxd"):
            with open(f"{directory}/{filename}") as f:
                lines = f.read().splitlines()
            copy = _floats.float_copy(directory, filename).splitlines()
            assert len(copy) == len(lines)
            changed = [b for a, b in zip(lines, copy) if a != b]
            assert all(re.search(r"float|_f32|_F32|FLT_MIN|from \.\.|1.1754943508222875e-38", b)
                       for b in changed)
            if name == "activations" and filename.endswith(".py"):
                assert len(changed) > 20  # its formulas' literals, cast


# --- compiled and from source, to the last bit ----------------------------------------------------

KINDS = [(f, f, "quadratic") for f in ACTIVATIONS if f not in ("softmax", "bias")] + [
    ("relu", "softmax", "cross_entropy"), ("gelu", "sigmoid", "cross_entropy")]
OPTIMIZERS = [SGD(0.05), SGD(0.05, momentum=0.9), SGD(0.05, momentum=0.9, nesterov=True),
              SGD(0.05, weight_decay=1e-3), Adam(0.01)]
SIZES = [37, 21, 18, 3]
BIAS = {name: code for code, name in ACTIVATION_NAMES.items()}["bias"]


def network(modules, hidden, output, cost, optimizer, seed=12):
    rng = np.random.default_rng(seed)
    kinds = [np.array([BIAS] + [activation_code(kind)] * size, np.intc)
             for kind, size in zip(["identity", hidden, hidden, output], SIZES)]
    weights = [rng.uniform(-0.5, 0.5, (SIZES[l + 1], SIZES[l] + 1)) for l in range(3)]
    return modules["network_loops"].NetworkArrays(kinds, weights, optimizer.training_rate,
                                                  cost_code(cost), settings_of(optimizer))


def samples(count=40, seed=3):
    """Inputs mostly +0.0 (so that, compiled, batches hold the input layer transposed, on a
    machine with AVX-512), and expected outputs that add up to 1, not all 0 or 1 (so that
    cross-entropy takes both its logs of each output)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 2, (count, SIZES[0])) * (rng.uniform(size=(count, SIZES[0])) < 0.3)
    t = 0.7 * np.eye(SIZES[-1])[rng.integers(0, SIZES[-1], count)] \
        + 0.3 * rng.dirichlet(np.ones(SIZES[-1]), count)
    return x.astype(np.float32), (t / t.sum(axis=1, keepdims=True)).astype(np.float32)


def learned(modules, net, batch, threads, epochs=2, keep=None):
    x, t = samples()
    score = np.zeros(2)
    for epoch in range(epochs):
        order = np.random.default_rng(epoch).permutation(x.shape[0]).astype(np.intp)
        modules["learning_loops"].learn_rows(net, x, t, order, score, batch=batch,
                                             threads=threads, keep=keep)
    outputs, scores = np.zeros((x.shape[0], SIZES[-1]), np.float32), np.zeros((x.shape[0], 2))
    modules["network_loops"].infer_rows(net, x, t, outputs, scores)
    return weights(net), score, outputs, scores


def weights(net):
    return np.concatenate([net.link_store(l).views()[0] for l in range(net.layers - 1)])


def assert_same_bits(got, expected):
    for a, b in zip(got, expected):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()


@needs_numpy_2
@pytest.mark.parametrize("hidden, output, cost", KINDS)
@pytest.mark.parametrize("batch", [1, 32])
def test_every_activation_and_cost_gives_the_same_bits_both_ways(both, hidden, output, cost,
                                                                  batch):
    rate = 0.01 if hidden == "identity" else 0.05  # (unbounded: at 0.05 its weights blow up)
    results = [learned(m, network(m, hidden, output, cost, SGD(rate)), batch, 1) for m in both]
    assert results[0][0].dtype == np.float32 and np.isfinite(results[0][0]).all()
    assert_same_bits(results[0], results[1])


@needs_numpy_2
@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=repr)
@pytest.mark.parametrize("batch, threads", [(1, 1), (4, 1), (32, 1), (32, 2), (1, 2)])
def test_every_optimizer_gives_the_same_bits_both_ways(both, optimizer, batch, threads):
    results = [learned(m, network(m, "relu", "softmax", "cross_entropy", optimizer), batch,
                       threads) for m in both]
    assert_same_bits(results[0], results[1])


@needs_numpy_2
def test_dropout_gives_the_same_bits_both_ways(both):
    keep = (np.random.default_rng(5).uniform(size=(40, 39)) < 0.8) / np.float32(0.8)
    results = [learned(m, network(m, "relu", "softmax", "cross_entropy", SGD(0.05)), 8, 1,
                       epochs=1, keep=keep.astype(np.float32)) for m in both]
    assert_same_bits(results[0], results[1])


@needs_numpy_2
@pytest.mark.parametrize("optimizer", [
    "SGD(0.05)", "SGD(0.05, momentum=0.9)", "SGD(0.05, momentum=0.9, nesterov=True)",
    "SGD(0.05, weight_decay=0.01)", "Adam(0.01)"])
def test_the_objects_give_the_same_bits_both_ways(compiled, source, optimizer):
    x, t = samples(40)
    results = []
    for package in (compiled, source):
        layers, neuron, link = [importlib.import_module(f"{package.__name__}._f32.{name}")
                                for name in ("layers", "neuron", "link")]
        chosen = eval(optimizer, vars(package))  # each package's own optimiser classes
        inputs = layers.NeuronLayer(SIZES[0], activation="identity")
        hidden = layers.NeuronLayer(6, activation="tanh")
        outputs = layers.NeuronLayer(SIZES[-1], activation="softmax")
        first = layers.LinkLayer(inputs, hidden, seed=4, optimizer=chosen)
        second = layers.LinkLayer(hidden, outputs, seed=5, optimizer=chosen)
        a, b = neuron.Neuron("identity"), neuron.Neuron("sigmoid")
        by_hand = link.Link(0.3, 0.1, a, b, optimizer=chosen)
        by_hand.training_rate = 0.37  # (not a float32 number: the step must round it)
        softmax = []
        for k in range(x.shape[0]):
            for layer in (inputs, hidden, outputs, a, b):
                layer.reset()
            inputs.input(x[k])
            first.propagate()
            second.propagate()
            outputs.expected_output(t[k])
            second.backpropagate()
            first.backpropagate()
            a.input(float(x[k, 0]) + 0.1)
            by_hand.propagate()
            b.submit_sensitivity(b.output() - 0.25)
            by_hand.backpropagate()
            softmax += [(n.output(), n.sensitivity()) for n in outputs.learning_neurons]
        results.append([first.weights, second.weights, outputs.outputs(),
                        np.array([by_hand.weight, b.sensitivity()], np.float32),
                        np.array(softmax)])
    assert results[0][0].dtype == np.float32
    assert_same_bits(results[0], results[1])


@needs_numpy_2
@pytest.mark.parametrize("name", [f for f in ACTIVATIONS if f != "softmax"])
def test_each_formula_gives_the_same_bits_both_ways(both, compiled, source, name):
    z = np.concatenate([[0.0, -0.0, 1e-40, 1.0, 17.0, 88.0, 89.0, 104.0, 1e30, np.inf, np.nan],
                        np.random.default_rng(3).normal(scale=8.0, size=300)])
    formulas = [importlib.import_module(f"{m.__name__}._f32.activations")
                for m in (compiled, source)]
    for value in np.concatenate([z, -z]):
        for call in ("output_of", "slope_of"):  # (from source, numpy warns of inf * 0: fine)
            args = (name, value) if call == "output_of" else (name, value, 0.3)
            with np.errstate(all="ignore"):
                got = [getattr(f, call)(*args) for f in formulas]
            assert all(type(g) is float for g in got)
            assert np.float32(got[0]).tobytes() == np.float32(got[1]).tobytes(), (call, value)


@needs_numpy_2
def test_an_output_of_exactly_0_or_1_costs_the_same_finite_amount_both_ways(compiled, source):
    # The floor under cross-entropy's logs is FLT_MIN in float32: -log(FLT_MIN), 87.3
    costs = [importlib.import_module(f"{m.__name__}._f32.costs") for m in (compiled, source)]
    for activation, a, t in (("sigmoid", [0.0, 1.0], [1.0, 0.0]),
                             ("sigmoid", [1.0, 0.5], [0.25, 0.5]),
                             ("softmax", [0.0, 1.0, 0.0], [0.5, 0.25, 0.25])):
        got = [c.cost_of("cross_entropy", activation, a, t) for c in costs]
        assert np.isfinite(got[0]) and got[0] == got[1], (activation, a, t, got)
    assert costs[0].cost_of("cross_entropy", "sigmoid", [0.0], [1.0]) \
        == np.float32(-np.log(np.float32(np.finfo(np.float32).tiny)))


# --- float32 arithmetic, and not double's ------------------------------------------------------------

def sigmoid32(z):
    """The float copy's sigmoid: exp taken in double and rounded, then float32."""
    e = np.float32(np.exp(-abs(np.float64(z))))
    return (np.float32(1) if z >= 0 else e) / (np.float32(1) + e)


def lernmi_sum32(terms):
    """vector.h's sum of up to 16 float32 terms: one to a lane, the lanes added as a tree."""
    lanes = [np.float32(0)] * 16
    for k, term in enumerate(terms):
        lanes[k] = lanes[k] + term
    width = 8
    while width:
        lanes[:width] = [lanes[k] + lanes[k + width] for k in range(width)]
        width //= 2
    return lanes[0]


def test_one_step_is_float32_arithmetic_to_the_last_bit(compiled):
    # One sigmoid layer, quadratic cost, one sample: written out in float32 with numpy.
    modules = copies(compiled)
    rng = np.random.default_rng(8)
    w = rng.uniform(-1, 1, (3, 6)).astype(np.float32)
    x = rng.uniform(-1, 1, (1, 5)).astype(np.float32)
    t = np.array([[1, 0, 1]], np.float32)
    eta = 0.3
    kinds = [np.array([BIAS] + [activation_code("identity")] * 5, np.intc),
             np.array([BIAS] + [activation_code("sigmoid")] * 3, np.intc)]
    net = modules["network_loops"].NetworkArrays(kinds, [w], eta, cost_code("quadratic"))
    modules["learning_loops"].learn_rows(net, x, t, np.zeros(1, np.intp), np.zeros(2))
    inputs = np.concatenate([[np.float32(1)], x[0]])
    expected, in_double = w.copy(), w.astype(np.float64)
    for j in range(3):
        a = sigmoid32(lernmi_sum32([w[j, i] * inputs[i] for i in range(6)]))
        s = (a - t[0, j]) * (a * (np.float32(1) - a))
        for i in range(6):
            expected[j, i] = w[j, i] - np.float32(eta) * s * inputs[i]
        a64 = 1 / (1 + np.exp(-(w[j].astype(np.float64) @ inputs.astype(np.float64))))
        in_double[j] -= eta * (a64 - t[0, j]) * a64 * (1 - a64) * inputs
    got = weights(net).reshape(3, 6)
    assert got.tobytes() == expected.tobytes()
    assert not np.array_equal(got, in_double.astype(np.float32))  # rounded once: another net
