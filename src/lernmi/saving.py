"""Saving a Network to a file and loading it back, and the state pickle and copy use.

The file format, "lernmi.Network" version 2 (3 for a float32 network), is a numpy ``.npz``
archive (an uncompressed zip file of ``.npy`` arrays) holding exactly these arrays:

- ``header``: one JSON text (a 0-d unicode array) with the fields
  ``format`` ("lernmi.Network"), ``format_version`` (2 or 3), ``lernmi_version`` (the lernmi
  that wrote it), ``layer_sizes`` (learning neurons per layer, input first),
  ``activations`` (each layer's after the input layer's, which is always "identity"),
  ``cost``, ``training_rates`` (one per link layer) and ``rng_state`` (the state of the
  numpy random generator that shuffles the samples in `Network.train`, as
  ``rng.bit_generator.state`` gives it);
  and, new in version 2, ``optimizer`` (the network's, `Network.optimizer`: an object
  with ``name``, "SGD" or "Adam", and the optimiser's arguments by name, betas as a list),
  ``layer_optimizers`` (each link layer's, the same without its training rate, which
  ``training_rates`` gives), ``steps`` (the steps each link layer has taken, Adam's k) and
  ``dropout`` (p); and, in version 3, ``dtype`` (`Network.dtype`'s name: "float32", or
  "float64");
- ``weights_0``, ``weights_1``, ...: link layer l's weights, float64 (or the version 3
  dtype) of shape (layer_sizes[l + 1], layer_sizes[l] + 1), column 0 holding the biases;
- and what link layer l's optimiser keeps for each weight, the same shape:
  ``velocity_<l>`` for SGD with momentum, ``m_<l>`` and ``v_<l>`` for Adam.

Version 1 files (lernmi before the optimisers: no optimizer, steps or kept arrays) still
load, as plain gradient descent. A float64 network is written in version 2, which lernmi
before float32 networks reads too.

Loading reads arrays and JSON only, never pickled objects, so a file cannot run code, and
it checks everything against the header before it makes the network: a damaged or altered
file raises ValueError saying what is wrong. The input sums, outputs and sensitivities of
the neurons are not kept: they belong to one sample and every step starts by zeroing them.
"""

import dataclasses
import json
import zipfile
import zlib

import numpy as np

from ._dtypes import DTYPES
from ._files import checked_path, new_file
from ._version import __version__
from .layers import layer_kinds
from .optimizers import OPTIMIZERS, STEPS, keeps, with_rate

FORMAT = "lernmi.Network"
FORMAT_VERSION = 2
#: The header's fields in each version this lernmi reads.
VERSION_1 = ("format", "format_version", "lernmi_version", "layer_sizes", "activations",
             "cost", "training_rates", "rng_state")
FIELDS = {1: VERSION_1,
          2: VERSION_1 + ("optimizer", "layer_optimizers", "steps", "dropout"),
          3: VERSION_1 + ("optimizer", "layer_optimizers", "steps", "dropout", "dtype")}
#: DTYPES: the types of number a version 3 file may name (version 1 and 2: float64).

#: No step count above this is read: a float64 holds every integer up to it exactly.
MOST_STEPS = 2 ** 53

#: The arrays each optimiser keeps per link layer, beside weights_<l>, by what it keeps.
KEPT = {None: (), "velocity": ("velocity",), "moments": ("m", "v")}

#: The header is a few hundred characters; a larger one is refused unread.
HEADER_LIMIT = 1 << 20

#: Room for an .npy member's own header, beyond its numbers.
NPY_HEADER_LIMIT = 1 << 16

#: What reading a damaged archive can raise, besides ValueError. (A damaged byte can make
#: any member look like one zipfile does not read: NotImplementedError for an unknown
#: compression method or zip version, RuntimeError for one marked encrypted.)
DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, MemoryError,
          NotImplementedError, RuntimeError)


def state_of(net):
    """The header (a dict) and copies of the arrays (a dict by name): all a network is.

    ValueError if a neuron of the network was made a bias neuron by hand (`Neuron.bias`):
    the format keeps one activation per layer; or if a weight is NaN or infinite (training
    diverged), which `restore` would refuse. The caller holds the network's lock.
    """
    for l, links in enumerate(net.link_layers):
        if not np.isfinite(links.weights).all():
            raise ValueError(f"link_layers[{l}] has weights that are NaN or infinite (did "
                             f"training diverge? try a smaller training_rate); such a network "
                             f"cannot be saved or copied")
    for l, layer in enumerate(net.neuron_layers):
        # Read from the codes themselves: no Neuron handle is made for this.
        if not np.array_equal(layer.store.views().kind,
                              layer_kinds(layer.count, layer.activation)):
            raise ValueError(f"a neuron of neuron_layers[{l}] was made a bias neuron by hand; "
                             f"a network is saved and copied with one activation per layer")
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "lernmi_version": __version__,
        "layer_sizes": list(net.layer_sizes),
        "activations": [layer.activation for layer in net.neuron_layers[1:]],
        "cost": net.cost,
        "training_rates": [links.training_rate for links in net.link_layers],
        "rng_state": net.rng.bit_generator.state,
        "optimizer": described(net.optimizer),
        "layer_optimizers": [described(links.optimizer, rate=False)
                             for links in net.link_layers],
        "steps": [links.steps for links in net.link_layers],
        "dropout": net.dropout,
    }
    if net.dtype is not np.float64:
        header.update(format_version=3, dtype=np.dtype(net.dtype).name)
    arrays = {}
    for l, links in enumerate(net.link_layers):
        arrays[f"weights_{l}"] = links.weights.copy()
        for name, array in zip(KEPT[keeps(links.optimizer)], kept_arrays(links)):
            arrays[f"{name}_{l}"] = array.copy()
    return header, arrays


def described(optimizer, rate=True):
    """An optimiser as the header keeps it: its name and arguments (without the training
    rate unless `rate`)."""
    fields = {"name": type(optimizer).__name__, **dataclasses.asdict(optimizer)}
    if not rate:
        del fields["training_rate"]
    return fields


def kept_arrays(links):
    """What a link layer's optimiser keeps for each weight, as KEPT names them: views."""
    if links.velocity is not None:
        return (links.velocity,)
    return links.moments or ()


def restore(cls, header, arrays):
    """A new `cls` (Network) from a header and arrays as `state_of` gives them, checked.

    Pickle and copy call this; ValueError names anything wrong.
    """
    header = _checked_header(header)
    sizes, rates = header["layer_sizes"], header["training_rates"]
    optimizer, layer_optimizers = optimizers_of(header)
    if not isinstance(arrays, dict) or sorted(arrays) != sorted(array_names(header)):
        raise ValueError(f"the arrays must be {sorted(array_names(header))}")
    weights = [arrays[f"weights_{l}"] for l in range(len(sizes) - 1)]
    dtype = DTYPES[header.get("dtype", "float64")]
    _check_weights(weights, sizes, dtype)
    *hidden, output = header["activations"]
    if len(set(hidden)) > 1:
        raise ValueError(f"the hidden layers' activations {hidden} differ; a Network's "
                         f"hidden layers share one")
    try:
        net = cls(sizes, activation=hidden[0] if hidden else "sigmoid",
                  output_activation=output, cost=header["cost"], optimizer=optimizer,
                  dropout=header.get("dropout", 0.0), seed=0, dtype=dtype)
        steps = header.get("steps", [0] * len(weights))
        for l, (links, w, eta) in enumerate(zip(net.link_layers, weights, rates)):
            if layer_optimizers[l] != with_rate(optimizer, layer_optimizers[l].training_rate):
                links.optimizer = layer_optimizers[l]  # this layer's own, set apart
            links.weights[...] = w
            links.training_rate = eta
            for name, view in zip(KEPT[keeps(links.optimizer)], kept_arrays(links)):
                kept = arrays[f"{name}_{l}"]
                _check_weights([kept], sizes[l:l + 2], dtype, f"{name}_{l}")
                if name == "v" and (kept < 0).any():
                    raise ValueError(f"v_{l}, Adam's mean of squares, has negative numbers")
                view[...] = kept
            links.store.views()[1][STEPS] = steps[l]
    except (TypeError, ValueError) as error:
        raise ValueError(f"the header does not describe a network: {error}") from error
    try:
        net.rng.bit_generator.state = header["rng_state"]
    except (TypeError, ValueError, KeyError, OverflowError) as error:
        kind = type(net.rng.bit_generator).__name__
        raise ValueError(f"rng_state is not a state of numpy's {kind} generator "
                         f"({error!r})") from error
    return net


def _check_weights(weights, sizes, dtype, name=None):
    """ValueError unless `weights` are finite matrices of `dtype` that join layers of `sizes`."""
    if len(weights) != len(sizes) - 1:
        raise ValueError(f"{len(sizes)} layers need {len(sizes) - 1} weight arrays, "
                         f"not {len(weights)}")
    for l, w in enumerate(weights):
        what = name or f"weights_{l}"
        shape = (sizes[l + 1], sizes[l] + 1)
        if not isinstance(w, np.ndarray) or w.dtype != dtype:
            raise ValueError(f"{what} must be an array of {np.dtype(dtype).name} numbers")
        if w.shape != shape:
            raise ValueError(f"{what} has shape {w.shape}, but layers of {sizes[l]} and "
                             f"{sizes[l + 1]} learning neurons need {shape}")
        if not np.isfinite(w).all():
            raise ValueError(f"{what} contains NaN or infinity")


def optimizers_of(header):
    """The network's optimiser and each link layer's, as a checked header gives them (version
    1: plain gradient descent); ValueError for anything lernmi would not make."""
    rates = header["training_rates"]
    if "optimizer" not in header:
        plain = with_rate(OPTIMIZERS["SGD"](), rates[0])
        return plain, [with_rate(plain, rate) for rate in rates]
    layers = header["layer_optimizers"]
    if not (isinstance(layers, list) and len(layers) == len(rates)):
        raise ValueError(f"layer_optimizers must be a list of {len(rates)} optimizers")
    network = _optimizer(header["optimizer"], None, "optimizer")
    return network, [_optimizer(fields, rate, f"layer_optimizers[{l}]")
                     for l, (fields, rate) in enumerate(zip(layers, rates))]


def _optimizer(fields, rate, what):
    """The optimiser a header's object describes, at `rate` (None: the object's own)."""
    if not isinstance(fields, dict):
        raise ValueError(f"{what} must be an object, not {fields!r}")
    fields = dict(fields)
    name = fields.pop("name", None)
    if not isinstance(name, str) or name not in OPTIMIZERS:
        raise ValueError(f"{what}'s name must be one of {sorted(OPTIMIZERS)}, not {name!r}")
    if isinstance(fields.get("betas"), list):
        fields["betas"] = tuple(fields["betas"])
    if rate is None:
        rate = fields.pop("training_rate", None)
    try:
        # Made at its default rate, then given this one: a rate of 0, a network held
        # still, is a network's, not a new optimiser's.
        return with_rate(OPTIMIZERS[name](**fields), rate)
    except (TypeError, ValueError, OverflowError) as error:
        raise ValueError(f"{what} is not one lernmi makes: {error}") from error


def array_names(header):
    """The names of the arrays a checked header's network is saved with."""
    layers = optimizers_of(header)[1]
    return [f"{name}_{l}" for l, optimizer in enumerate(layers)
            for name in ("weights", *KEPT[keeps(optimizer)])]


def _checked_header(header):
    """The header, if it has every field and no other, each of the right type."""
    if not isinstance(header, dict):
        raise ValueError("the header is not a JSON object")
    if header.get("format") != FORMAT:
        raise ValueError(f"the header's format is {header.get('format')!r}, not {FORMAT!r}")
    version = header.get("format_version")
    if version not in FIELDS or isinstance(version, bool):
        raise ValueError(f"the file is in format version {version!r}; lernmi {__version__} "
                         f"reads versions {sorted(FIELDS)}")
    missing = [field for field in FIELDS[version] if field not in header]
    if missing:
        raise ValueError(f"the header lacks the fields {missing}")
    extra = sorted(set(header) - set(FIELDS[version]))
    if extra:
        raise ValueError(f"the header has unknown fields {extra}")
    sizes = header["layer_sizes"]
    if not (isinstance(sizes, list) and len(sizes) >= 2
            and all(type(n) is int and n >= 1 for n in sizes)):
        raise ValueError(f"layer_sizes must be a list of at least two positive integers, "
                         f"not {sizes!r}")
    for field, kinds in (("activations", (str,)), ("training_rates", (int, float))):
        values = header[field]
        if not (isinstance(values, list) and len(values) == len(sizes) - 1
                and all(type(v) in kinds for v in values)):
            raise ValueError(f"{field} must be a list of {len(sizes) - 1} "
                             f"{'names' if kinds == (str,) else 'numbers'}, not {values!r}")
    for field, kind in (("lernmi_version", str), ("cost", str), ("rng_state", dict),
                        ("optimizer", dict), ("dropout", (int, float)), ("dtype", str)):
        if field in header and (not isinstance(header[field], kind)
                                or isinstance(header[field], bool)):
            raise ValueError(f"{field} must be a {getattr(kind, '__name__', 'number')}, not "
                             f"{header[field]!r}")
    if header.get("dtype", "float64") not in DTYPES:
        raise ValueError(f"dtype must be one of {sorted(DTYPES)}, not {header['dtype']!r}")
    steps = header.get("steps", [0] * (len(sizes) - 1))
    if not (isinstance(steps, list) and len(steps) == len(sizes) - 1
            and all(type(k) is int and 0 <= k <= MOST_STEPS for k in steps)):
        raise ValueError(f"steps must be a list of {len(sizes) - 1} whole numbers from 0 to "
                         f"2**53, not {steps!r}")
    return header


def write(path, header, arrays):
    """Write the file, atomically: a failure leaves any file already at `path` as it was."""
    path = checked_path(path)
    text = json.dumps(header, allow_nan=False)
    with new_file(path) as file:
        # Through a file object, numpy writes to exactly this name, adding no ".npz".
        np.savez(file, header=np.array(text), **arrays)


def read(path, cls):
    """The network saved at `path`, made as a `cls`; ValueError if the file is not one."""
    path = checked_path(path)
    with open(path, "rb") as file:  # a missing file stays FileNotFoundError
        try:
            header, arrays = _read_archive(file)
            return restore(cls, header, arrays)
        except ValueError as error:
            raise ValueError(f"cannot load a network from {path}: {error}") from error


def _read_archive(file):
    start = file.read(6)
    file.seek(0)
    if start == b"\x93NUMPY":
        raise ValueError("it holds a single array, not a .npz archive")
    if not start.startswith(b"PK\x03\x04"):
        raise ValueError("it is not a .npz (zip) archive")
    try:
        archive = np.load(file, allow_pickle=False)
    except (ValueError, *DAMAGE) as error:
        raise ValueError(f"it is not a whole .npz archive ({error})") from error
    with archive:
        text = _member(archive, "header", HEADER_LIMIT)
        if text.ndim != 0 or text.dtype.kind != "U":
            raise ValueError("its header is not a text")
        try:
            header = json.loads(str(text[()]), parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as error:  # (lists in lists past the stack)
            raise ValueError(f"its header is not JSON ({error})") from error
        sizes = _checked_header(header)["layer_sizes"]
        names = ["header"] + array_names(header)
        found = archive.zip.namelist()
        if sorted(found) != sorted(name + ".npy" for name in names):
            raise ValueError(f"it holds the arrays {found}, but a network of {sizes} is saved "
                             f"as {[name + '.npy' for name in names]}")
        # No array may be larger than the header says it is, so nothing large is read
        # from a small file.
        return header, {name: _member(archive, name, 8 * sizes[int(name.rsplit("_", 1)[1]) + 1]
                                      * (sizes[int(name.rsplit("_", 1)[1])] + 1))
                        for name in names[1:]}


def _member(archive, name, size):
    """The array `name` of the archive, refused unread if it is over `size` bytes."""
    try:
        info = archive.zip.getinfo(name + ".npy")
    except KeyError:
        raise ValueError(f"it has no array {name}") from None
    if info.file_size > size + NPY_HEADER_LIMIT:
        raise ValueError(f"its array {name} is larger than the header allows")
    try:
        array = archive[name]
    except (ValueError, *DAMAGE) as error:
        raise ValueError(f"its array {name} cannot be read ({error})") from error
    if not isinstance(array, np.ndarray):
        raise ValueError(f"its {name} is not a numpy array")
    return array


def _refuse_constant(name):
    raise ValueError(f"{name} is not a number JSON allows")
