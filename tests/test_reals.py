"""The seam where a float32 network's loops will differ: `reals`.

A network's numbers are reals (reals.py): C doubles in the .pxd files' `real`, numpy's
`reals.DTYPE` in the arrays the loops are given. Only the arrays kept in float64 whatever a
network is made of (settings, rates, scores, masks) name float64 (tests/test_design.py
checks the source for both). Here the core is run from its source with `reals.DTYPE` made
float32 before anything imports it: every array of a network's numbers must then be
float32, made so where it is made, and the loops must run on them. (Not yet a float32
network: its numbers are worked out by the source's Python arithmetic on float32 arrays,
and Network itself still hands the loops float64 inputs; docs/speed.md, "What float32 would
take".)
"""

import importlib.util
import os
import sys

import numpy as np
import pytest

import lernmi

pytest.importorskip("cython", reason="running the core from source needs Cython")

NAME = "lernmi_reals32"  # the source copy with float32 reals


@pytest.fixture(scope="module")
def lernmi32():
    from lernmi._source import SourceFinder

    directory = os.path.dirname(lernmi.__file__)
    finder = SourceFinder(NAME, directory)
    sys.meta_path.insert(0, finder)
    spec = importlib.util.spec_from_file_location(f"{NAME}.reals",
                                                  os.path.join(directory, "reals.py"))
    reals = importlib.util.module_from_spec(spec)
    sys.modules[f"{NAME}.reals"] = reals
    spec.loader.exec_module(reals)
    reals.DTYPE = np.float32
    spec = importlib.util.spec_from_file_location(
        NAME, os.path.join(directory, "__init__.py"), submodule_search_locations=[directory])
    package = importlib.util.module_from_spec(spec)
    sys.modules[NAME] = package
    spec.loader.exec_module(package)
    yield package
    sys.meta_path.remove(finder)
    for name in [name for name in sys.modules if name.split(".")[0] == NAME]:
        del sys.modules[name]


def spied(monkeypatch, module, name, seen):
    """module.name, called as before, and each array handed to it noted in `seen` (the
    source's loops take arrays of any type; compiled, a float32 copy's would refuse)."""
    function = getattr(module, name)

    def spy(*args):
        seen.extend(arg.dtype for arg in args if isinstance(arg, np.ndarray))
        return function(*args)

    monkeypatch.setattr(module, name, spy)


def test_a_float32_source_keeps_a_layers_numbers_in_float32(lernmi32, monkeypatch):
    assert not lernmi32.COMPILED
    inputs = lernmi32.NeuronLayer(3)
    outputs = lernmi32.NeuronLayer(2, activation="sigmoid")
    links = lernmi32.LinkLayer(inputs, outputs, seed=1, optimizer=lernmi32.Adam(0.01))
    before = links.weights.copy()
    seen = []
    for name in ("load_inputs", "submit_expected"):
        spied(monkeypatch, sys.modules[f"{NAME}.layers"], name, seen)
    inputs.input([0.5, -1.0, 2.0])
    links.propagate()
    outputs.expected_output([1.0, 0.0])
    links.backpropagate()
    assert seen == [np.float32] * 2  # the input and the expected output, as reals
    for layer in (inputs, outputs):
        assert {np.asarray(view).dtype for view in layer.store.views()[1:]} \
            == {np.dtype(np.float32)}
    m, v, g = links.store.moments.views()
    assert {links.weights.dtype, m.dtype, v.dtype, g.dtype} == {np.dtype(np.float32)}
    assert np.asarray(links.store.eta).dtype == np.asarray(links.store.settings).dtype \
        == np.float64  # kept in float64 whatever the reals
    assert not np.array_equal(links.weights, before) and np.isfinite(links.weights).all()
    assert type(outputs.outputs()[0]) is np.float32


def test_a_float32_source_learns_rows_in_float32_arrays(lernmi32):
    from lernmi_reals32.learning_loops import learn_rows
    from lernmi_reals32.network_loops import NetworkArrays

    rng = np.random.default_rng(2)
    kinds = [np.array(k, np.intc) for k in ([2, 0, 0, 0], [2, 4, 4, 4, 4, 4], [2, 1, 1])]
    weights = [rng.uniform(-1, 1, (5, 4)), rng.uniform(-1, 1, (2, 6))]  # rounded to reals
    net = NetworkArrays(kinds, weights, 0.1, 0)
    assert {np.asarray(net.w).dtype, np.asarray(net.pack).dtype} == {np.dtype(np.float32)}
    assert np.asarray(net.eta).dtype == np.asarray(net.settings).dtype == np.float64
    x, t = rng.uniform(size=(12, 3)).astype(np.float32), np.eye(2, dtype=np.float32)[[0, 1] * 6]
    w = np.array(net.w)
    score = np.zeros(2)
    learn_rows(net, x, t, np.arange(12), score, batch=4)
    assert score[1] > 0 and np.isfinite(net.w).all() and not np.array_equal(net.w, w)
    with pytest.raises(TypeError, match="float32"):  # the loops take reals only
        learn_rows(net, x.astype(np.float64), t, np.arange(12), score)
