"""NeuronStore and LinkStore: the arrays the compiled loops trust, checked alike both ways."""

import copy

import numpy as np
import pytest

N = 3


def neuron_arrays(**changed):
    arrays = {"kind": np.zeros(N, np.intc), "z": np.zeros(N), "delta": np.zeros(N),
              "direct": np.zeros(N), "a": np.zeros(N), "s": np.zeros(N)}
    arrays.update(changed)
    return arrays


def read_only(array):
    array.flags.writeable = False
    return array


BAD_NEURON_ARRAYS = [
    (neuron_arrays(kind=np.zeros(N, np.int64)), TypeError, "kind must hold numpy.intc"),
    (neuron_arrays(kind=[0, 0, 0]), TypeError, "kind must be a numpy array"),
    (neuron_arrays(z=np.zeros(N, np.float32)), TypeError, "z must hold float64"),
    (neuron_arrays(a=np.zeros(2 * N)[::2]), ValueError, "a must be a one-dimensional contig"),
    (neuron_arrays(s=np.zeros((N, 1))), ValueError, "s must be a one-dimensional contig"),
    (neuron_arrays(delta=read_only(np.zeros(N))), ValueError, "delta must be writable"),
    (neuron_arrays(z=np.zeros(N + 1)), ValueError, "one entry per neuron"),
    (neuron_arrays(kind=np.full(N, 99, np.intc)), ValueError, "activation codes must be"),
    (neuron_arrays(z=np.zeros(N, ">f8")), TypeError, "byte order, not >f8"),
    (neuron_arrays(delta=np.zeros(2 * N)[:N], a=np.zeros(2 * N)[N:]), None, None),
    (neuron_arrays(keep=np.ones(N + 1)), ValueError, "one entry per neuron"),
    (neuron_arrays(keep=np.ones(N, np.float32)), TypeError, "keep must hold float64"),
]


@pytest.mark.parametrize("arrays, error, message", BAD_NEURON_ARRAYS)
def test_a_neuron_store_refuses_the_same_arrays_compiled_or_not(lernmi, arrays, error,
                                                                 message):
    if error is None:  # two halves of one buffer are two arrays of their own
        assert lernmi.stores.NeuronStore(**arrays).size == N
        return
    with pytest.raises(error, match=message):
        lernmi.stores.NeuronStore(**arrays)


def test_a_neuron_store_refuses_arrays_that_overlap(lernmi):
    shared = np.zeros(N + 1)
    with pytest.raises(ValueError, match="delta and a must be arrays of their own"):
        lernmi.stores.NeuronStore(**neuron_arrays(delta=shared[:N], a=shared[1:]))


BAD_LINK_STORES = [
    ((np.zeros(4, np.float32), np.ones(1), 2, 2), TypeError, "w must hold float64"),
    ((np.zeros(8)[::2], np.ones(1), 2, 2), ValueError, "w must be a one-dimensional contig"),
    ((np.zeros(4), np.ones(1, np.int64), 2, 2), TypeError, "eta must hold float64"),
    ((read_only(np.zeros(4)), np.ones(1), 2, 2), ValueError, "w must be writable"),
    ((np.zeros(4), np.ones(1), 2.0, 2), TypeError, "rows must be an integer"),
    ((np.zeros(4), np.ones(1), 4, 1), None, None),
    ((np.zeros(4), np.ones(1), 0, 4), ValueError, "rows, cols >= 1"),
    ((np.zeros(4), np.ones(1), 10**30, 1), ValueError, "rows \\* cols weights"),
    ((np.zeros(4), np.ones(2), 2, 2), ValueError, "one training rate"),
]


@pytest.mark.parametrize("arguments, error, message", BAD_LINK_STORES)
def test_a_link_store_refuses_the_same_arrays_compiled_or_not(lernmi, arguments, error,
                                                               message):
    if error is None:
        assert repr(lernmi.stores.LinkStore(*arguments)) == \
            "LinkStore(4 x 1 weights, training_rate=1)"
        return
    with pytest.raises(error, match=message):
        lernmi.stores.LinkStore(*arguments)


def test_a_store_keeps_its_arrays_and_shows_them(lernmi):
    arrays = neuron_arrays()
    store = lernmi.stores.NeuronStore(**arrays)
    views = store.views()
    views.z[1] = 2.5
    assert arrays["z"][1] == 2.5
    assert views._fields == ("kind", "z", "delta", "direct", "a", "s", "keep")
    assert (views.keep == 1.0).all()  # given no keep factors: every output kept whole


@pytest.mark.parametrize("size", [1, 7, 785, 100_000])
def test_zeros_start_on_a_line(lernmi, size):
    # Many arrays, as malloc hands out memory 16 bytes into a line now and then.
    for array in [lernmi.stores.zeros(size) for _ in range(20)]:
        assert array.shape == (size,) and array.dtype == np.float64
        assert array.ctypes.data % lernmi.stores.LINE_BYTES == 0
        assert not array.any() and array.flags.c_contiguous and array.flags.writeable


def test_a_network_s_arrays_start_on_lines(lernmi):
    # vector.h's loops read a layer's rows with vectors: its weights, velocity and moments,
    # and its neurons' numbers; so in a copy of the network.
    net = lernmi.Network([784, 100, 10], optimizer=lernmi.Adam(), seed=1)
    for network in (net, copy.deepcopy(net)):
        first = network.link_layers[0]
        for array in (first.weights, first.moments[0], first.moments[1]):
            assert array.ctypes.data % lernmi.stores.LINE_BYTES == 0
    for array in lernmi.stores.new_store([0] * 9).views()[1:]:  # (not the kinds: ints)
        assert array.ctypes.data % lernmi.stores.LINE_BYTES == 0
