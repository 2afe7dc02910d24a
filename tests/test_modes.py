"""One source, two ways to run: compiled C by default, the same .py files on request."""

import importlib.machinery
import os
import subprocess
import sys

import numpy as np

CORE = ("Neuron", "Link", "NeuronLayer", "LinkLayer")


def test_the_installed_core_is_compiled_extension_types(compiled):
    assert compiled.COMPILED
    for name in CORE:
        cls = getattr(compiled, name)
        module = sys.modules[cls.__module__]
        assert module.__file__.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)), name
    # Extension-type instances carry typed C fields, not a __dict__.
    assert not hasattr(compiled.Neuron(), "__dict__")
    assert not hasattr(compiled.Link(1.0), "__dict__")


def test_the_source_copy_runs_the_py_files(source):
    assert not source.COMPILED
    for name in CORE:
        assert sys.modules[getattr(source, name).__module__].__file__.endswith(".py")


def test_both_ways_agree_to_1e12(compiled, source):
    rng = np.random.default_rng(11)
    x, t = rng.uniform(size=(20, 5)), rng.uniform(size=(20, 3))
    nets = [m.Network([5, 6, 4, 3], training_rate=0.6, seed=12) for m in (compiled, source)]
    for net in nets:
        net.train(x, t, epochs=3)
        net.learn(x[0], t[0])
    for a, b in zip(*[[links.weights for links in net.link_layers] for net in nets]):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    np.testing.assert_allclose(nets[0].run(x[1]), nets[1].run(x[1]), rtol=0, atol=1e-12)


def test_both_ways_use_the_same_activation_codes(compiled, source):
    # maths.py repeats the C enum of maths.pxd for the uncompiled run; they must agree.
    assert compiled.maths.ACTIVATION_NAMES == source.maths.ACTIVATION_NAMES


def run_python(code, **env):
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, **env}, check=True)
    return result.stdout.strip()


def test_the_environment_switch_picks_the_source():
    code = "import lernmi; print(lernmi.COMPILED, lernmi.Neuron.__module__, lernmi.maths.__file__)"
    compiled, _, path = run_python(code, LERNMI_PURE_PYTHON="1").split()
    assert (compiled, path[-3:]) == ("False", ".py")
    for off in ("0", "false", ""):
        assert run_python(code, LERNMI_PURE_PYTHON=off).split()[0] == "True"
