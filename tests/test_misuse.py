"""Misusing the compiled objects raises a Python exception; it never crashes the interpreter.

Each case is a snippet and what it must end with: an exception's name, or "ok" where the
misuse is harmless. All run in one child process, so a crash fails the test.
"""

import pathlib
import subprocess
import sys
import textwrap

# An array whose own shape says it is a million entries long.
TALL = ("class Tall(np.ndarray):\n    @property\n    def shape(self):\n"
        "        return (10**6,) + np.ndarray.shape.__get__(self)[1:]\n")

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
    ("lernmi.stores.LinkStore.__new__(lernmi.stores.LinkStore).eta", "AttributeError"),
    ("lernmi.network_loops.NetworkArrays.__new__(lernmi.network_loops.NetworkArrays)"
     ".scratch()", "AttributeError"),
    ("lernmi.stores.LinkStore.__new__(lernmi.stores.LinkStore).moments_views()",
     "AttributeError"),
    ("lernmi.stores.Moments.__new__(lernmi.stores.Moments).views()", "AttributeError"),
    # Stores whose arrays disagree.
    ("lernmi.stores.LinkStore(np.zeros(3), np.zeros(1), 2, 2)", "ValueError"),
    ("lernmi.stores.NeuronStore(np.zeros(2, np.intc), *[np.zeros(3) for _ in range(5)])",
     "ValueError"),
    ("lernmi.stores.NeuronStore(np.full(2, 99, np.intc), *[np.zeros(2) for _ in range(5)])",
     "ValueError"),
    ("lernmi.stores.NeuronStore(np.zeros(2, np.intc), *[np.zeros(2)] * 5)", "ValueError"),
    # Every object is made once: a second __init__ would detach it from the storage it
    # shares, or put a layer's weights and neurons out of step.
    ("lernmi.Neuron().__init__()", "RuntimeError"),
    ("lernmi.Link(1.0).__init__(2.0)", "RuntimeError"),
    ("lernmi.NeuronLayer(2).__init__(100000)", "RuntimeError"),
    ("a, b = lernmi.NeuronLayer(1), lernmi.NeuronLayer(1); lernmi.LinkLayer(a, b).__init__("
     "lernmi.NeuronLayer(9), lernmi.NeuronLayer(9))", "RuntimeError"),
    ("lernmi.Network([2, 1]).__init__([9, 9])", "RuntimeError"),
    ("lernmi.Network([2, 1]).arrays.__init__([np.zeros(2, np.intc)] * 2,"
     " [np.array([['x', 'y']])], 0.1, 0)", "RuntimeError"),
    ("links = lernmi.LinkLayer(lernmi.NeuronLayer(300), lernmi.NeuronLayer(300));"
     " links.store.__init__(np.zeros(1), np.zeros(1), 1, 1)", "RuntimeError"),
    ("lernmi.Neuron().store.__init__(np.zeros(9, np.intc), *[np.zeros(9, np.float32)] * 5)",
     "RuntimeError"),
    # (Found by review: the moments' guard read a field Python cannot see, so it never
    # refused, and the next step wrote past the one-number arrays given.)
    ("links = lernmi.LinkLayer(lernmi.NeuronLayer(200), lernmi.NeuronLayer(200),"
     " optimizer=lernmi.Adam()); links.store.__reduce__()[1][5].__init__(*[np.zeros(1)] * 3)",
     "RuntimeError"),
    # The sizes the loops trust come from C fields, not from anything a subclass overrides.
    ("class Wide(lernmi.NeuronLayer): count = 100000\nWide(2).input(np.ones(100000))",
     "ValueError"),
    ("class Wide(lernmi.NeuronLayer): count = 100000\nWide(2).reset()", "ok"),
    ("class Wide(lernmi.Network): layer_sizes = (2, 100000)\n"
     "Wide([2, 1]).train(np.ones((3, 2)), np.ones((3, 100000)))", "ValueError"),
    ("class Wide(lernmi.Network): layer_sizes = (100000, 1)\n"
     "Wide([2, 1]).train(np.ones((3, 100000)), np.ones((3, 1)))", "ValueError"),
    ("class Arrays(lernmi.network_loops.NetworkArrays): pass", "TypeError"),
    ("class Room(lernmi.network_loops.Room): pass", "TypeError"),
    # Inference's room is made for one network, once, for one sample or more.
    ("lernmi.network_loops.Room(None, 1)", "TypeError"),
    ("lernmi.network_loops.Room(lernmi.Network([2, 1]).arrays, 0)", "ValueError"),
    ("lernmi.network_loops.Room(lernmi.Network([2, 1]).arrays, 1).__init__("
     "lernmi.Network([9, 9]).arrays, 1)", "RuntimeError"),
    # The index tables are not handed out, and layer numbers are checked.
    ("np.asarray(lernmi.Network([2, 1]).arrays.w0)[1] = 10**10", "AttributeError"),
    ("lernmi.Network([2, 1]).arrays.neurons", "AttributeError"),
    ("lernmi.Network([2, 1]).arrays.layer_store(5)", "IndexError"),
    ("lernmi.Network([2, 1]).arrays.layer_store(-1)", "IndexError"),
    ("lernmi.Network([2, 1]).arrays.link_store(1)", "IndexError"),
    ("lernmi.Network([2, 1]).arrays.link_store(10**30)", "IndexError"),
    # The loops are C functions Python cannot call; what it can call checks every index.
    ("lernmi.costs.sample_cost(0, lernmi.NeuronLayer(1).store, 10**9, np.zeros(1))",
     "AttributeError"),
    ("lernmi.learning_loops.learn_samples", "AttributeError"),
    ("lernmi.learning_loops.learn_rows(lernmi.Network([2, 1]).arrays, np.zeros((3, 2)),"
     " np.zeros((3, 1)), np.array([0, 3]), np.zeros(2))", "ValueError"),
    ("lernmi.learning_loops.learn_rows(lernmi.Network([2, 1]).arrays, np.zeros((3, 2)),"
     " np.zeros((3, 1)), np.array([-1]), np.zeros(2))", "ValueError"),
    ("lernmi.learning_loops.learn_rows(lernmi.Network([2, 1]).arrays, np.zeros((3, 2)),"
     " np.zeros((2, 1)), np.array([2]), np.zeros(2))", "ValueError"),
    ("lernmi.learning_loops.learn_rows(lernmi.Network([2, 1]).arrays, np.zeros((3, 2)),"
     " np.zeros((3, 1)), np.array([0]), np.zeros(1))", "ValueError"),
    ("lernmi.learning_loops.learn_rows(lernmi.Network([2, 1]).arrays, np.zeros((3, 2)),"
     " np.zeros((3, 1)), np.array([0]), np.zeros(2, np.float32))", "TypeError"),
    # A training rate for each step: as many as there are steps, finite, 0 or more.
    ("lernmi.learning_loops.learn_rows(lernmi.Network([2, 1]).arrays, np.zeros((3, 2)),"
     " np.zeros((3, 1)), np.array([0, 1, 2]), np.zeros(2), 2, None, 1, np.ones(1))",
     "ValueError"),
    ("lernmi.learning_loops.learn_rows(lernmi.Network([2, 1]).arrays, np.zeros((3, 2)),"
     " np.zeros((3, 1)), np.array([0, 1, 2]), np.zeros(2), 2, None, 1, np.ones(2) * np.nan)",
     "ValueError"),
    ("lernmi.learning_loops.learn_rows(lernmi.Network([2, 1]).arrays, np.zeros((3, 2)),"
     " np.zeros((3, 1)), np.array([0, 1, 2]), np.zeros(2), 1, None, 1, -np.ones(3))",
     "ValueError"),
    ("lernmi.learning_loops.learn_rows(lernmi.Network([2, 1]).arrays, np.zeros((3, 2)),"
     " np.zeros((3, 1)), np.array([0, 1, 2]), np.zeros(2), 1, None, 1, np.ones(3, np.float32))",
     "TypeError"),
    ("lernmi.network_loops.infer_rows(lernmi.Network([2, 1]).arrays, np.zeros((9, 2)),"
     " np.zeros((9, 1)), np.zeros((0, 1)), np.zeros((0, 2)))", "ValueError"),
    ("lernmi.network_loops.infer_rows(lernmi.Network([2, 1]).arrays, np.zeros((9, 2)),"
     " np.zeros((0, 1)), np.zeros((8, 1)), np.zeros((0, 2)))", "ValueError"),
    ("lernmi.network_loops.infer_rows(lernmi.Network([2, 1]).arrays, np.zeros((9, 3)),"
     " np.zeros((0, 1)), np.zeros((9, 1)), np.zeros((0, 2)))", "ValueError"),
    # A store takes its size from its arrays, not from what len() says.
    ("class Liar(np.ndarray):\n    def __len__(self): return 3 * 1001\n"
     "store = lernmi.stores.LinkStore(np.zeros(1).view(Liar), np.array([0.1]), 3, 1001)",
     "ValueError"),
    ("class Liar(np.ndarray):\n    def __len__(self): return 3\n"
     "lernmi.stores.NeuronStore(np.zeros(3, np.intc), *[np.zeros(3) for _ in range(4)],"
     " np.zeros(1).view(Liar))",
     "ValueError"),
    ("lernmi.stores.LinkStore(np.zeros(3), np.array([0.1]), -1, -3)", "ValueError"),
    # Nor from what an array's subclass says its shape is, or its smallest or largest value.
    (TALL + "lernmi.layers.neuron_layer_over(lernmi.stores.NeuronStore("
     "np.array([2, 1], np.intc).view(Tall), *[np.zeros(2).view(Tall) for _ in range(5)]),"
     " 'sigmoid').outputs()", "ok"),
    (TALL + "lernmi.stores.LinkStore(np.zeros(2).view(Tall), np.ones(1), 10**6, 1)",
     "ValueError"),
    (TALL + "lernmi.network_loops.NetworkArrays([np.zeros(2, np.intc).view(Tall)] * 2,"
     " [np.zeros((1, 2)).view(Tall)], 0.1, 0)", "ok"),
    (TALL + "net = lernmi.Network([2, 1]); lernmi.learning_loops.learn_rows(net.arrays,"
     " np.zeros((1, 2)).view(Tall), np.zeros((1, 1)).view(Tall),"
     " np.array([10**6 - 1] * 50).view(Tall), np.zeros(2))", "ValueError"),
    ("class Low(np.ndarray):\n    def max(self, *args, **kwargs): return 0\n"
     "net = lernmi.Network([2, 1]); lernmi.learning_loops.learn_rows(net.arrays,"
     " np.zeros((1, 2)), np.zeros((1, 1)), np.array([10**6] * 50).view(Low), np.zeros(2))",
     "ValueError"),
    (TALL + "net = lernmi.Network([2, 1]); lernmi.network_loops.infer_rows(net.arrays,"
     " np.zeros((1, 2)).view(Tall), np.zeros((0, 1)), np.zeros((1, 1)), np.zeros((0, 2)))",
     "ok"),
    # The loops are told (restrict) that the runs they work on never overlap.
    ("w = np.zeros(4); lernmi.stores.LinkStore(w, w[:1], 2, 2)", "ValueError"),
    ("layer = lernmi.NeuronLayer(1); w = layer.store.views().z;"
     " lernmi.layers.link_layer_over(lernmi.stores.LinkStore(w[:2], np.ones(1), 1, 2),"
     " layer, lernmi.NeuronLayer(1))", "ValueError"),
]

PROGRAM = """
import numpy as np
import lernmi, lernmi.costs, lernmi.network_loops, lernmi.stores
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



# Every function, class and method Python can reach in the compiled modules, called with
# numbers far out of range, wrong types and wrong shapes: each must raise or work, never
# crash. The address space is capped, so that a huge size asked for raises MemoryError.
# (AddressSanitizer needs far more address space than that for its shadow memory, so under
# it, tools/sanitize.sh caps each allocation instead.)
PROBE = """
import importlib, inspect, os, random, resource, sys
import numpy as np
import lernmi

if "libasan" not in os.environ.get("LD_PRELOAD", ""):
    resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30))
BAD = [10**9, -10**9, -1, 0, 1, 3, 2**63, -2**63, 1e300, -1e300, float("nan"),
       float("inf"), None, "sigmoid", "x", b"x", [1.0, 2.0], np.zeros(0), np.zeros(3),
       np.ones((2, 3)), np.zeros(3, np.intc), np.zeros(4, np.float32), np.arange(6.0)[::2],
       np.full(3, 10**9, np.intp), np.full(2, -1, np.intp)]
rng = random.Random(4)
calls = 0

def probe(function, tries=60):
    global calls
    try:
        parameters = inspect.signature(function).parameters.values()
        counts = [len([p for p in parameters if p.kind <= p.POSITIONAL_OR_KEYWORD])]
    except (TypeError, ValueError):
        counts = range(5)
    for count in counts:
        for _ in range(tries):
            calls += 1
            try:
                function(*(rng.choice(BAD) for _ in range(count)))
            except Exception:
                pass

def samples():
    net = lernmi.Network([3, 4, 2], activation="tanh", output_activation="softmax",
                         cost="cross_entropy", seed=0)
    layer = net.neuron_layers[1]
    links = lernmi.LinkLayer(lernmi.NeuronLayer(2), lernmi.NeuronLayer(3, "softmax"))
    return [net.arrays, layer, layer.store, layer.learning_neurons[0], net.link_layers[0],
            net.link_layers[0].store, net.link_layers[0].links[0], links,
            lernmi.Link(0.5, input_neuron=lernmi.Neuron(), output_neuron=lernmi.Neuron()),
            lernmi.Neuron("relu")]

for name in sys.argv[1:]:
    module = importlib.import_module(f"lernmi.{name}")
    for attribute, value in sorted(vars(module).items()):
        if attribute.startswith("_") or not callable(value):
            continue
        if getattr(value, "__module__", None) != module.__name__:
            continue  # imported from elsewhere: probed there
        probe(value)
for obj in samples():
    for attribute in dir(type(obj)):
        if attribute.startswith("_"):
            continue
        member = getattr(type(obj), attribute)
        if isinstance(member, property) or inspect.isgetsetdescriptor(member):
            for value in BAD:
                calls += 1
                try:
                    setattr(obj, attribute, value)
                except Exception:
                    pass
        elif callable(member):
            probe(getattr(obj, attribute), tries=30)
print(calls, "calls")
"""


def compiled_modules(lernmi):
    folder = pathlib.Path(lernmi.__file__).parent
    return sorted(path.stem for path in folder.glob("*.pxd"))


def test_out_of_range_numbers_raise_instead_of_crashing(compiled):
    names = compiled_modules(compiled)
    assert {"activations", "costs", "network_loops", "propagation", "stores"} <= set(names)
    result = subprocess.run([sys.executable, "-c", PROBE, *names], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, f"crashed ({result.returncode}): {result.stderr[-2000:]}"
    assert int(result.stdout.split()[0]) > 5000
