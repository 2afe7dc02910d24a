"""lernmi: learn neural networks while using them.

A network built from objects you can picture: Neurons sum what they are sent and apply an
activation function; Links carry a weighted value forward and a weighted sensitivity back,
and update their own weight. NeuronLayer, LinkLayer and Network group them. The numbers live
in contiguous arrays owned by the layers and the loops over them are compiled C, so the same
graph you can step through one link at a time also trains at native speed.

Set the environment variable ``LERNMI_PURE_PYTHON=1`` before importing lernmi to run the
very same source as plain Python instead of compiled C (slow, but every line can be
stepped through in a debugger; needs Cython installed).
"""

import os
import sys

from ._version import __version__

if os.environ.get("LERNMI_PURE_PYTHON", "").strip().lower() in ("1", "true", "yes", "on"):
    try:
        import cython  # noqa: F401  (the source's C types need Cython's stand-ins)
    except ImportError:
        raise ImportError("LERNMI_PURE_PYTHON=1 runs lernmi from its Python source, which "
                          "needs Cython: pip install cython") from None
    from ._source import SourceFinder

    sys.meta_path.insert(0, SourceFinder(__name__, os.path.dirname(__file__)))

from .layers import LinkLayer, NeuronLayer  # noqa: E402
from .link import Link  # noqa: E402
from .network import Network  # noqa: E402
from .neuron import Neuron  # noqa: E402
from .optimizers import SGD, Adam  # noqa: E402
from .gradcheck import check_gradients  # noqa: E402

# lernmi.activations and lernmi.costs (the tables of what a network may use),
# lernmi.datasets.mnist, lernmi.idx.load, lernmi.tracing, and lernmi.plots (which imports
# matplotlib only when it draws, so that lernmi works without it).
from . import activations, costs, datasets, idx, plots, tracing  # noqa: E402,F401

#: True when the core runs as compiled C, False when it runs from its Python source.
COMPILED = activations.__file__ is not None and not activations.__file__.endswith(".py")

__all__ = ["COMPILED", "SGD", "Adam", "Link", "LinkLayer", "Network", "Neuron", "NeuronLayer",
           "__version__", "check_gradients"]
