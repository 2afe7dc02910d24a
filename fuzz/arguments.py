"""Fuzz the argument checks behind the public methods: random shapes, dtypes, NaN, huge and
negative numbers, handed to Network, its methods, the layers, Neuron, Link and the
optimisers. Each call works or raises the documented ValueError or TypeError (or
MemoryError, when a size of HUGE or more was asked for); anything else (another
exception, a crash, a sanitizer report) is a finding."""

import numpy as np

from common import fuzz

#: What a call may raise: the documented errors for bad arguments. (A valid size larger
#: than the machine may also raise MemoryError, but only where one was drawn: see HUGE.)
DOCUMENTED = (ValueError, TypeError)

#: A size from which asking for memory may fail: 10**8 neurons want 0.8 GB a number.
HUGE = 10**8
NUMBERS = [0.0, -0.0, 1.0, -1.0, 0.5, 1e-300, 1e300, -1e300, np.nan, np.inf, -np.inf, 2.0**63,
           3, -3, 0, 10**9, -(10**9), 2**64]
DTYPES = [np.float64, np.float32, np.int64, np.int8, np.uint8, np.bool_, np.complex128, object]
NAMES = ["sigmoid", "relu", "softmax", "identity", "tanh", "bias", "gelu", "quadratic",
         "cross_entropy", "", "x"]


class Arguments:
    """Values drawn from the fuzzer's bytes: numbers, names, arrays of any shape and type."""

    def __init__(self, data):
        import atheris

        self.fdp = atheris.FuzzedDataProvider(data)
        self.huge = False  # whether a size of HUGE or more was drawn

    def pick(self, choices):
        return choices[self.fdp.ConsumeIntInRange(0, len(choices) - 1)]

    def number(self):
        number = self._number()
        if isinstance(number, int) and abs(number) >= HUGE:
            self.huge = True
        return number

    def _number(self):
        kind = self.fdp.ConsumeIntInRange(0, 3)
        if kind == 0:
            return self.pick(NUMBERS)
        if kind == 1:
            return self.fdp.ConsumeRegularFloat()
        if kind == 2:
            return self.fdp.ConsumeIntInRange(-5, 800)
        return self.fdp.ConsumeFloat()

    def array(self):
        shape = tuple(self.fdp.ConsumeIntInRange(0, 5)
                      for _ in range(self.fdp.ConsumeIntInRange(0, 3)))
        values = [self.number() for _ in range(int(np.prod(shape)))]
        dtype = self.pick(DTYPES)
        try:
            array = np.array(values, dtype=dtype).reshape(shape)
        except (OverflowError, ValueError):
            array = np.array(values, dtype=object).reshape(shape)
        if self.fdp.ConsumeBool() and array.ndim >= 1 and array.shape[-1] > 1:
            array = array[..., ::2]  # not contiguous
        return array

    def value(self):
        kind = self.fdp.ConsumeIntInRange(0, 5)
        if kind == 0:
            return self.number()
        if kind == 1:
            return self.pick(NAMES)
        if kind == 2:
            return None
        if kind == 3:
            return [self.number() for _ in range(self.fdp.ConsumeIntInRange(0, 4))]
        return self.array()

    def sizes(self):
        return [self.fdp.ConsumeIntInRange(-1, 6) for _ in range(self.fdp.ConsumeIntInRange(0, 4))]


def calls(lernmi, a):
    """The public calls, each a function of an Arguments; one is drawn per input."""
    def network():
        return lernmi.Network(a.sizes() if a.fdp.ConsumeBool() else [3, 4, 2],
                              activation=a.pick(NAMES[:7]), output_activation=a.pick(NAMES[:7]),
                              cost=a.pick(["quadratic", "cross_entropy"]),
                              training_rate=a.number(), dropout=a.number(),
                              seed=a.fdp.ConsumeIntInRange(-2, 2**40))

    def small():
        return lernmi.Network([3, 4, 2], activation=a.pick(["relu", "tanh", "sigmoid"]),
                              output_activation=a.pick(["softmax", "sigmoid", "identity"]),
                              dropout=0.25 if a.fdp.ConsumeBool() else 0.0, seed=0)

    return [
        network,
        lambda: small().run(a.value()),
        lambda: small().learn(a.value(), a.value()),
        lambda: small().predict(a.value()),
        lambda: small().evaluate(a.value(), a.value()),
        lambda: small().trace(a.value(), a.value(), learn=a.pick([True, False, 1, None])),
        lambda: small().train(a.value(), a.value(), epochs=a.pick([1, 2, 0, -1, 1.5, None]),
                              batch_size=a.pick([1, 3, 0, 10**9, None]),
                              shuffle=a.pick([True, False, 0]), progress=False),
        lambda: setattr(small(), "training_rate", a.value()),
        lambda: setattr(small(), "dropout", a.value()),
        lambda: small().link_layers[0].weights.__setitem__(Ellipsis, a.value()),
        lambda: small().neuron_layers[0].input(a.value()),
        lambda: small().neuron_layers[-1].expected_output(a.value(), a.pick(NAMES)),
        lambda: lernmi.NeuronLayer(a.value(), a.pick(NAMES)),
        lambda: lernmi.LinkLayer(lernmi.NeuronLayer(2), lernmi.NeuronLayer(3),
                                 training_rate=a.value()),
        lambda: lernmi.Neuron(a.pick(NAMES)).input(a.value()),
        lambda: lernmi.Link(a.value(), a.value(), lernmi.Neuron(), lernmi.Neuron()).propagate(),
        lambda: lernmi.SGD(a.value(), momentum=a.value(), nesterov=a.value(),
                           weight_decay=a.value()),
        lambda: lernmi.Adam(a.value(), betas=a.value(), epsilon=a.value(),
                            weight_decay=a.value()),
        lambda: lernmi.check_gradients(small(), a.value(), a.value()),
    ]


def test_one_input(data):
    import lernmi

    a = Arguments(data)
    ways = calls(lernmi, a)
    try:
        a.pick(ways)()
    except DOCUMENTED:
        pass
    except MemoryError:
        if not a.huge:
            raise


if __name__ == "__main__":
    import warnings

    warnings.simplefilter("ignore")  # train's advice on the inputs' scale, say
    fuzz(test_one_input, "lernmi")
