"""Misusing the compiled objects raises a Python exception; it never crashes the interpreter."""

import subprocess
import sys
import textwrap

# Each snippet misuses lernmi; all run in one child process, so a crash fails the test.
SNIPPETS = [
    "lernmi.Neuron.__new__(lernmi.Neuron).output()",
    "lernmi.Neuron.__new__(lernmi.Neuron).input(1.0)",
    "lernmi.Link.__new__(lernmi.Link).weight",
    "l = lernmi.Link.__new__(lernmi.Link); l.input_neuron = l.output_neuron = lernmi.Neuron();"
    " l.backpropagate()",
    "lernmi.NeuronLayer.__new__(lernmi.NeuronLayer).reset()",
    "lernmi.NeuronLayer.__new__(lernmi.NeuronLayer).all_neurons",
    "lernmi.NeuronLayer.__new__(lernmi.NeuronLayer).input([1.0])",
    "lernmi.LinkLayer.__new__(lernmi.LinkLayer).propagate()",
    "lernmi.LinkLayer.__new__(lernmi.LinkLayer).backpropagate()",
    "lernmi.LinkLayer.__new__(lernmi.LinkLayer).links",
    "lernmi.LinkLayer.__new__(lernmi.LinkLayer).weights",
    "lernmi.Network.__new__(lernmi.Network).train([[1.0]], [[1.0]])",
    "lernmi.link.LinkStore.__new__(lernmi.link.LinkStore).eta",
    "lernmi.link.LinkStore(np.zeros(3), np.zeros(1), 2, 2)",
    "lernmi.neuron.NeuronStore(np.zeros(2, np.intc), *[np.zeros(3)] * 4)",
    "lernmi.neuron.NeuronStore(np.full(2, 99, np.intc), *[np.zeros(2)] * 4)",
    # Re-running __init__ must not leave a layer's weights and neurons out of step.
    "a, b = lernmi.NeuronLayer(2), lernmi.NeuronLayer(2); links = lernmi.LinkLayer(a, b);"
    " b.__init__(100000); links.propagate()",
    "a, b = lernmi.NeuronLayer(2), lernmi.NeuronLayer(2); links = lernmi.LinkLayer(a, b);"
    " a.__init__(100000); links.backpropagate()",
    "net = lernmi.Network([2, 3, 1]); net.neuron_layers[1].__init__(200000); net.run([1, 2])",
    "links = lernmi.LinkLayer(lernmi.NeuronLayer(300), lernmi.NeuronLayer(300));"
    " links.store.__init__(np.zeros(1), np.zeros(1), 1, 1)",
    "lernmi.Neuron().store.__init__(np.zeros(9, np.intc), *[np.zeros(9, np.float32)] * 4)",
]

PROGRAM = """
import numpy as np
import lernmi, lernmi.link, lernmi.neuron
for snippet in {snippets!r}:
    try:
        exec(snippet)
    except Exception as error:
        print(type(error).__name__)
    else:
        print("no error:", snippet)
"""


def test_misuse_raises_instead_of_crashing():
    program = textwrap.dedent(PROGRAM.format(snippets=SNIPPETS))
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, f"crashed ({result.returncode}): {result.stderr}"
    lines = result.stdout.splitlines()
    assert len(lines) == len(SNIPPETS)
    assert all(line in ("AttributeError", "ValueError", "TypeError", "RuntimeError")
               for line in lines), lines
