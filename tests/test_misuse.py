"""Misusing the compiled objects raises a Python exception; it never crashes the interpreter.

Each case is a snippet and what it must end with: an exception's name, or "ok" where the
misuse is harmless. All run in one child process, so a crash fails the test.
"""

import subprocess
import sys
import textwrap

CASES = [
    # Objects made with __new__ and never __init__.
    ("lernmi.Neuron.__new__(lernmi.Neuron).output()", "AttributeError"),
    ("lernmi.Neuron.__new__(lernmi.Neuron).input(1.0)", "AttributeError"),
    ("lernmi.Link.__new__(lernmi.Link).weight", "AttributeError"),
    ("l = lernmi.Link.__new__(lernmi.Link); l.input_neuron = l.output_neuron = lernmi.Neuron();"
     " l.backpropagate()", "AttributeError"),
    ("lernmi.Link.__new__(lernmi.Link).propagate()", "ValueError"),
    ("lernmi.NeuronLayer.__new__(lernmi.NeuronLayer).reset()", "AttributeError"),
    ("lernmi.NeuronLayer.__new__(lernmi.NeuronLayer).all_neurons", "AttributeError"),
    ("lernmi.NeuronLayer.__new__(lernmi.NeuronLayer).input([1.0])", "AttributeError"),
    ("lernmi.LinkLayer.__new__(lernmi.LinkLayer).propagate()", "AttributeError"),
    ("lernmi.LinkLayer.__new__(lernmi.LinkLayer).backpropagate()", "AttributeError"),
    ("lernmi.LinkLayer.__new__(lernmi.LinkLayer).links", "AttributeError"),
    ("lernmi.LinkLayer.__new__(lernmi.LinkLayer).weights", "AttributeError"),
    ("lernmi.Network.__new__(lernmi.Network).train([[1.0]], [[1.0]])", "AttributeError"),
    ("lernmi.link.LinkStore.__new__(lernmi.link.LinkStore).eta", "AttributeError"),
    # Stores whose arrays disagree.
    ("lernmi.link.LinkStore(np.zeros(3), np.zeros(1), 2, 2)", "ValueError"),
    ("lernmi.neuron.NeuronStore(np.zeros(2, np.intc), *[np.zeros(3)] * 4)", "ValueError"),
    ("lernmi.neuron.NeuronStore(np.full(2, 99, np.intc), *[np.zeros(2)] * 4)", "ValueError"),
    # Every object is made once: a second __init__ would detach it from the storage it
    # shares, or put a layer's weights and neurons out of step.
    ("lernmi.Neuron().__init__()", "RuntimeError"),
    ("lernmi.Link(1.0).__init__(2.0)", "RuntimeError"),
    ("lernmi.NeuronLayer(2).__init__(100000)", "RuntimeError"),
    ("a, b = lernmi.NeuronLayer(1), lernmi.NeuronLayer(1); lernmi.LinkLayer(a, b).__init__("
     "lernmi.NeuronLayer(9), lernmi.NeuronLayer(9))", "RuntimeError"),
    ("lernmi.Network([2, 1]).__init__([9, 9])", "RuntimeError"),
    ("lernmi.Network([2, 1])._arrays.__init__([np.zeros(2, np.intc)] * 2,"
     " [np.array([['x', 'y']])], 0.1, 0)", "RuntimeError"),
    ("links = lernmi.LinkLayer(lernmi.NeuronLayer(300), lernmi.NeuronLayer(300));"
     " links.store.__init__(np.zeros(1), np.zeros(1), 1, 1)", "RuntimeError"),
    ("lernmi.Neuron().store.__init__(np.zeros(9, np.intc), *[np.zeros(9, np.float32)] * 4)",
     "RuntimeError"),
    # The sizes the loops trust come from C fields, not from anything a subclass overrides.
    ("class Wide(lernmi.NeuronLayer): count = 100000\nWide(2).input(np.ones(100000))",
     "ValueError"),
    ("class Wide(lernmi.NeuronLayer): count = 100000\nWide(2).reset()", "ok"),
    ("class Wide(lernmi.Network): layer_sizes = (2, 100000)\n"
     "Wide([2, 1]).train(np.ones((3, 2)), np.ones((3, 100000)))", "ValueError"),
    ("class Wide(lernmi.Network): layer_sizes = (100000, 1)\n"
     "Wide([2, 1]).train(np.ones((3, 100000)), np.ones((3, 1)))", "ValueError"),
    ("class Arrays(lernmi.maths.NetworkArrays): pass", "TypeError"),
    # The index tables are not handed out, and layer numbers are checked.
    ("np.asarray(lernmi.Network([2, 1])._arrays.w0)[1] = 10**10", "AttributeError"),
    ("lernmi.Network([2, 1])._arrays.neuron_views(5)", "IndexError"),
    ("lernmi.Network([2, 1])._arrays.link_views(1)", "IndexError"),
    # A store takes its size from its arrays, not from what len() says.
    ("class Liar(np.ndarray):\n    def __len__(self): return 3 * 1001\n"
     "store = lernmi.link.LinkStore(np.zeros(1).view(Liar), np.array([0.1]), 3, 1001)",
     "ValueError"),
    ("class Liar(np.ndarray):\n    def __len__(self): return 3\n"
     "lernmi.neuron.NeuronStore(np.zeros(3, np.intc), *[np.zeros(3)] * 3, np.zeros(1).view(Liar))",
     "ValueError"),
    ("lernmi.link.LinkStore(np.zeros(3), np.array([0.1]), -1, -3)", "ValueError"),
]

PROGRAM = """
import numpy as np
import lernmi, lernmi.link, lernmi.maths, lernmi.neuron
for snippet in {snippets!r}:
    try:
        exec(snippet)
    except Exception as error:
        print(type(error).__name__)
    else:
        print("ok")
"""


def test_misuse_raises_instead_of_crashing():
    snippets = [snippet for snippet, _ in CASES]
    program = textwrap.dedent(PROGRAM.format(snippets=snippets))
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, f"crashed ({result.returncode}): {result.stderr}"
    outcomes = result.stdout.splitlines()
    assert list(zip(snippets, outcomes)) == CASES

