"""The ways a Network leaves lernmi and comes back: files, pickles, PyTorch and ONNX.

`Portable` is the part of `Network` (network.py) that carries it across: `save` and `load`
(a file, see saving.py), pickling and copying, and `to_torch`, `from_torch` and `to_onnx`
(see export.py, which imports torch or onnx only when one of them is called).
"""

from . import saving


class Portable:
    """Saving, loading, pickling and exporting, for `Network`, which inherits them."""

    def save(self, path):
        """Save the network to the file `path` (a str or os.PathLike), replacing any there.

        The file keeps the layer sizes, activations, cost, each link layer's training rate,
        every weight, the optimiser with its numbers and steps, the dropout and the state of
        the shuffling, so that `Network.load` gives a network that answers and trains
        exactly as this one would. It is a numpy ``.npz`` archive (see `lernmi.saving` for
        the format), written under exactly the name given: no ".npz" is added, though it is
        the usual ending. The file is written to a temporary file first and then moved into
        place, so a failure leaves no half-written file.
        """
        with self.lock:
            state = saving.state_of(self)
        saving.write(path, *state)

    @classmethod
    def load(cls, path):
        """The network saved at `path` by `save`.

        Loading runs no code from the file (it reads arrays and JSON, never pickles).
        FileNotFoundError if there is no such file; ValueError, saying what is wrong, if it
        is damaged, altered, or in a format version this lernmi does not read.
        """
        return saving.read(path, cls)

    def __reduce__(self):
        # Pickle, copy and deepcopy make a new network from the saved state: its own arrays,
        # layers that are views into them, its own lock, the same random generator state.
        with self.lock:
            header, arrays = saving.state_of(self)
        return (saving.restore, (type(self), header, arrays))

    def to_torch(self):
        """The network as a ``torch.nn.Sequential`` in float64 that computes what `run` and
        `predict` do: a ``Linear`` per link layer (its bias the bias neuron's links), each
        followed by the layer's activation, and ``Dropout`` after hidden layers when
        `dropout` is set. The module comes in eval mode; in train mode its dropout is
        lernmi's while learning. Needs PyTorch (``pip install "lernmi[torch]"``).
        ValueError, as from `save`, if a weight is NaN or infinite.

        Examples
        --------
        >>> Network([2, 3, 1], seed=0).to_torch()  # doctest: +SKIP
        Sequential(
          (0): Linear(in_features=2, out_features=3, bias=True)
          (1): Sigmoid()
          (2): Linear(in_features=3, out_features=1, bias=True)
          (3): Sigmoid()
        )
        """
        from . import export
        return export.to_torch(self)

    @classmethod
    def from_torch(cls, module, **options):
        """A Network with the layers and weights of a ``torch.nn.Sequential``.

        The module must be ``Linear`` layers, each followed by at most one activation that
        lernmi has (``ReLU``, ``Sigmoid``, ``Tanh``, ``LeakyReLU`` with slope 0.01, ``ELU``
        with alpha 1, ``Softplus`` with beta 1, exact ``GELU``, ``Identity``, and
        ``Softmax`` over the last dimension at the end) and ``Dropout`` with one p after
        every hidden layer or none; the hidden layers must share one activation. `options`
        are the Network's own (``cost``, ``optimizer``, ``training_rate``, ``seed``;
        ``dropout`` is the module's unless given). ValueError names the first layer lernmi
        cannot take (one whose weights hold NaN or infinity, say); TypeError, one whose
        weights are complex numbers.
        """
        from . import export
        return export.from_torch(cls, module, **options)

    def to_onnx(self, path):
        """Write the network to `path` as an ONNX model, float64 in and out, that computes
        what `predict` does for a batch of rows: input ``"inputs"`` of shape
        (batch, inputs), output ``"outputs"``. Needs the onnx package
        (``pip install "lernmi[onnx]"``); onnxruntime runs the file. ValueError, as from
        `save`, if a weight is NaN or infinite: then no file is written.
        """
        from . import export
        export.to_onnx(self, path)
