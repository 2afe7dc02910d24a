"""Network.save and Network.load: the same network back, to the last bit, or a clear error."""

import copy
import gc
import json
import os
import pathlib
import pickle
import threading
import zipfile

import numpy as np
import pytest

RNG = np.random.default_rng(5)
X = RNG.uniform(size=(12, 4))
LABELS = RNG.integers(0, 3, size=12)

KINDS = [("sigmoid", None, "quadratic"), ("relu", "softmax", "cross_entropy"),
         ("tanh", "identity", "quadratic"), ("identity", "sigmoid", "cross_entropy")]


def weights(net):
    return [links.weights.copy() for links in net.link_layers]


def trained(lernmi, sizes=(4, 5, 3), hidden="sigmoid", output=None, cost="quadratic"):
    """A network that has learned a little, with a different training rate per layer."""
    net = lernmi.Network(list(sizes), activation=hidden, output_activation=output, cost=cost,
                         seed=3)
    net.train(X[:, :sizes[0]], LABELS % sizes[-1], epochs=2)
    for l, links in enumerate(net.link_layers):
        links.training_rate = 0.05 * (l + 1)
    return net


def assert_same_network(a, b):
    assert repr(a) == repr(b)
    assert [layer.activation for layer in a.neuron_layers] == \
        [layer.activation for layer in b.neuron_layers]
    assert a.cost == b.cost
    assert [links.training_rate for links in a.link_layers] == \
        [links.training_rate for links in b.link_layers]
    for wa, wb in zip(weights(a), weights(b)):
        np.testing.assert_array_equal(wa, wb)
    assert a.rng.bit_generator.state == b.rng.bit_generator.state


@pytest.mark.parametrize("hidden, output, cost", KINDS)
def test_a_loaded_network_answers_and_trains_exactly_like_the_saved_one(lernmi, tmp_path,
                                                                       hidden, output, cost):
    net = trained(lernmi, hidden=hidden, output=output, cost=cost)
    net.save(tmp_path / "net.npz")
    loaded = lernmi.Network.load(tmp_path / "net.npz")
    assert_same_network(net, loaded)
    np.testing.assert_array_equal(loaded.predict(X), net.predict(X))
    # The shuffling goes on from the same state, so more training stays identical.
    for n in (net, loaded):
        n.train(X, LABELS, epochs=2)
        n.learn(X[0], np.eye(3)[LABELS[0]])
    assert_same_network(net, loaded)


def test_a_network_without_hidden_layers(lernmi, tmp_path):
    net = lernmi.Network([4, 3], output_activation="softmax", cost="cross_entropy", seed=1)
    net.save(str(tmp_path / "net.npz"))
    assert_same_network(net, lernmi.Network.load(str(tmp_path / "net.npz")))


def test_compiled_and_source_read_each_others_files(compiled, source, tmp_path):
    net = trained(compiled, sizes=(4, 6, 5, 3), hidden="tanh")
    net.save(tmp_path / "a.npz")
    again = source.Network.load(tmp_path / "a.npz")
    assert_same_network(net, again)
    again.save(tmp_path / "b.npz")
    assert_same_network(net, compiled.Network.load(tmp_path / "b.npz"))


def test_the_file_is_the_documented_format(lernmi, tmp_path):
    net = trained(lernmi)
    net.save(tmp_path / "net.npz")
    with np.load(tmp_path / "net.npz", allow_pickle=False) as archive:
        assert sorted(archive.files) == ["header", "weights_0", "weights_1"]
        header = json.loads(str(archive["header"]))
        for l, links in enumerate(net.link_layers):
            assert archive[f"weights_{l}"].dtype == np.float64
            np.testing.assert_array_equal(archive[f"weights_{l}"], links.weights)
    assert header == {"format": "lernmi.Network", "format_version": 2,
                      "lernmi_version": lernmi.__version__, "layer_sizes": [4, 5, 3],
                      "activations": ["sigmoid", "sigmoid"], "cost": "quadratic",
                      "training_rates": [0.05, 0.1],
                      "rng_state": net.rng.bit_generator.state,
                      "optimizer": {"name": "SGD", "training_rate": 0.1, "momentum": 0.0,
                                    "nesterov": False, "weight_decay": 0.0},
                      "layer_optimizers": [{"name": "SGD", "momentum": 0.0, "nesterov": False,
                                            "weight_decay": 0.0}] * 2,
                      "steps": [net.steps] * 2, "dropout": 0.0}


def test_the_name_is_exactly_the_one_given(lernmi, tmp_path):
    net = lernmi.Network([2, 1], seed=0)
    net.save(tmp_path / "xor.weights")
    assert os.listdir(tmp_path) == ["xor.weights"]  # no ".npz" added, no file left behind
    assert_same_network(net, lernmi.Network.load(tmp_path / "xor.weights"))


def test_saving_again_replaces_the_file(lernmi, tmp_path):
    path = tmp_path / "net.npz"
    lernmi.Network([2, 1], seed=0).save(path)
    net = lernmi.Network([3, 2, 1], seed=1)
    net.save(path)
    assert_same_network(net, lernmi.Network.load(path))


def test_a_failed_save_leaves_the_old_file_and_nothing_else(lernmi, tmp_path, monkeypatch):
    path = tmp_path / "net.npz"
    lernmi.Network([2, 1], seed=0).save(path)
    before = path.read_bytes()

    def disk_full(file, **arrays):
        file.write(b"PK\x03\x04 half an archive")
        raise OSError("no space left on device")

    monkeypatch.setattr(np, "savez", disk_full)
    with pytest.raises(OSError, match="no space"):
        lernmi.Network([3, 1], seed=1).save(path)
    assert os.listdir(tmp_path) == ["net.npz"]
    assert path.read_bytes() == before


def test_bad_paths(lernmi, tmp_path):
    net = lernmi.Network([2, 1], seed=0)
    for bad in (3, None, b"net.npz"):
        with pytest.raises(TypeError, match="path must be a str or os.PathLike"):
            net.save(bad)
        with pytest.raises(TypeError, match="path must be a str or os.PathLike"):
            lernmi.Network.load(bad)
    with pytest.raises(FileNotFoundError):
        lernmi.Network.load(tmp_path / "nothing.npz")
    with pytest.raises(FileNotFoundError, match="cannot write .*net.npz: there is no folder"):
        net.save(tmp_path / "no folder" / "net.npz")
    assert os.listdir(tmp_path) == []


def test_a_folder_a_device_or_no_name_is_refused_and_nothing_is_written(lernmi, tmp_path):
    """Every error names the path given, never the temporary file written first."""
    net = lernmi.Network([2, 1], seed=0)
    (tmp_path / "folder").mkdir()
    with pytest.raises(IsADirectoryError, match="cannot write .*folder: it names a folder"):
        net.save(tmp_path / "folder")
    with pytest.raises(ValueError, match="path is empty"):
        net.save("")
    with pytest.raises(IsADirectoryError, match="cannot write .*net.npz/: it names a folder"):
        net.save(str(tmp_path / "net.npz") + "/")  # as open() refuses it
    if os.name == "posix":  # a device, which the rename would replace
        with pytest.raises(ValueError, match="cannot write /dev/null: it is not a regular file"):
            net.save("/dev/null")
        assert pathlib.Path("/dev/null").is_char_device()
    assert os.listdir(tmp_path) == ["folder"] and os.listdir(tmp_path / "folder") == []


@pytest.mark.skipif(os.name != "posix", reason="Windows keeps only a read-only flag")
def test_a_file_saved_over_keeps_its_permissions(lernmi, tmp_path):
    path = tmp_path / "net.npz"
    lernmi.Network([2, 1], seed=0).save(path)
    path.chmod(0o600)  # a private file stays private
    lernmi.Network([2, 1], seed=1).save(path)
    assert path.stat().st_mode & 0o777 == 0o600


def test_saving_through_a_link_replaces_the_file_it_names(lernmi, tmp_path):
    lernmi.Network([2, 1], seed=0).save(tmp_path / "net.npz")
    try:
        os.symlink("net.npz", tmp_path / "link.npz")
    except (OSError, NotImplementedError):  # Windows, without the right to make links
        pytest.skip("cannot make a symbolic link here")
    net = lernmi.Network([3, 2], seed=1)
    net.save(tmp_path / "link.npz")
    assert os.path.islink(tmp_path / "link.npz")  # as open(path, "wb") writes through it
    assert_same_network(net, lernmi.Network.load(tmp_path / "net.npz"))
    assert sorted(os.listdir(tmp_path)) == ["link.npz", "net.npz"]


@pytest.mark.skipif(not hasattr(os, "pathconf"), reason="Windows limits the whole path")
def test_a_name_as_long_as_the_folder_allows_is_saved(lernmi, tmp_path):
    path = tmp_path / ("n" * (min(os.pathconf(tmp_path, "PC_NAME_MAX"), 255) - 4) + ".npz")
    net = lernmi.Network([2, 1], seed=0)
    net.save(path)
    assert_same_network(net, lernmi.Network.load(path))
    assert os.listdir(tmp_path) == [path.name]


def test_a_hand_made_bias_neuron_cannot_be_saved(lernmi, tmp_path):
    net = lernmi.Network([2, 2, 1], seed=0)
    net.neuron_layers[1].learning_neurons[0].bias()
    with pytest.raises(ValueError, match=r"neuron_layers\[1\] was made a bias neuron"):
        net.save(tmp_path / "net.npz")
    assert os.listdir(tmp_path) == []


def test_save_waits_for_the_network(lernmi, tmp_path):
    # Saving reads the weights under the network's lock, so never halfway through a step.
    net = lernmi.Network([2, 1], seed=0)
    with net.lock:
        saver = threading.Thread(target=net.save, args=(tmp_path / "net.npz",))
        saver.start()
        saver.join(0.2)
        assert saver.is_alive() and os.listdir(tmp_path) == []
    saver.join()
    assert_same_network(net, lernmi.Network.load(tmp_path / "net.npz"))


# Damaged and altered files: each raises ValueError saying what is wrong.

def good_state(lernmi):
    """The header and weights of a small network, to alter."""
    net = lernmi.Network([2, 3, 1], seed=0)
    return lernmi.saving.state_of(net)


def altered(path, lernmi, header_changes=None, arrays=None, text=None):
    """Save a small network's file with some of its header or arrays changed (None: gone)."""
    header, arrays_saved = good_state(lernmi)
    header.update(header_changes or {})
    named = {"header": np.array(json.dumps(header) if text is None else text)}
    named.update(arrays_saved)
    named.update(arrays or {})
    np.savez(path, **{name: array for name, array in named.items() if array is not None})


ALTERATIONS = {
    "not JSON": (dict(text="{layer_sizes: [2, 3, 1]"), "header is not JSON"),
    "NaN in JSON": (dict(text='{"format": NaN}'), "NaN is not a number JSON allows"),
    "a list": (dict(text="[1, 2]"), "header is not a JSON object"),
    # (past Python's recursion limit, RecursionError in json, whose depth differs by version)
    "lists in lists": (dict(text="[" * 100000 + "]" * 100000),
                       "header is not (JSON|a JSON object)"),
    "a number": (dict(arrays={"header": np.zeros(3)}), "header is not a text"),
    "another format": (dict(header_changes={"format": "keras"}), "format is 'keras'"),
    "version 4": (dict(header_changes={"format_version": 4}),
                  r"format version 4; lernmi .* reads versions \[1, 2, 3\]"),
    "unknown optimizer": (dict(header_changes={"optimizer": {"name": "Lion"}}),
                          "optimizer's name must be one of"),
    "bad optimizer setting": (dict(header_changes={"optimizer": {"name": "SGD",
                                                                 "momentum": 1.5}}),
                              "momentum must be in"),
    "missing velocity": (dict(header_changes={"layer_optimizers": [
        {"name": "SGD", "momentum": 0.5}, {"name": "SGD"}]}), "velocity_0"),
    "negative steps": (dict(header_changes={"steps": [-1, 0]}), "steps must be a list of 2"),
    "too many steps": (dict(header_changes={"steps": [10 ** 400, 0]}), "steps must be"),
    "optimizer name not text": (dict(header_changes={"optimizer": {"name": ["Adam"]}}),
                                "optimizer's name must be one of"),
    "layer optimizers not a list": (dict(header_changes={"layer_optimizers": {}}),
                                    "layer_optimizers must be a list of 2"),
    "negative v": (dict(header_changes={"layer_optimizers": [{"name": "Adam"}] * 2},
                        arrays={"m_0": np.zeros((3, 3)), "v_0": -np.ones((3, 3)),
                                "m_1": np.zeros((1, 4)), "v_1": np.zeros((1, 4))}),
                   "v_0, Adam's mean of squares, has negative numbers"),
    "version true": (dict(header_changes={"format_version": True}), "format version True"),
    "a missing field": (dict(text='{"format": "lernmi.Network", "format_version": 1}'),
                        r"lacks the fields \['lernmi_version', 'layer_sizes', "),
    "an unknown field": (dict(header_changes={"momentum": 0.5}), r"unknown fields \['momentum'\]"),
    "dropout out of range": (dict(header_changes={"dropout": 1.0}), "dropout must be in"),
    "sizes not integers": (dict(header_changes={"layer_sizes": [2, 3.0, 1]}),
                           "layer_sizes must be a list of at least two positive integers"),
    "sizes of the wrong network": (
        dict(header_changes={"layer_sizes": [2, 4, 1]}),
        r"weights_0 has shape \(3, 3\), but layers of 2 and 4 learning neurons need \(4, 3\)"),
    "unknown activation": (dict(header_changes={"activations": ["sigmoid", "swish"]}),
                           "unknown output_activation 'swish'"),
    "softmax hidden": (dict(header_changes={"activations": ["softmax", "softmax"]}),
                       "softmax is for the output layer"),
    "unknown cost": (dict(header_changes={"cost": "hinge"}), "unknown cost 'hinge'"),
    "cost and activation clash": (dict(header_changes={"activations": ["tanh", "tanh"],
                                                       "cost": "cross_entropy"}),
                                  "cross_entropy cost needs sigmoid or softmax"),
    "too few rates": (dict(header_changes={"training_rates": [0.1]}),
                      "training_rates must be a list of 2 numbers"),
    "negative rate": (dict(header_changes={"training_rates": [0.1, -1.0]}),
                      "training_rate must be >= 0"),
    "rng state of another generator": (dict(header_changes={"rng_state": {
        "bit_generator": "MT19937", "state": {"key": [], "pos": 0}}}),
        "rng_state is not a state of numpy's PCG64"),
    "rng state out of range": (dict(header_changes={"rng_state": {
        "bit_generator": "PCG64", "state": {"state": -1, "inc": 1}, "has_uint32": 0,
        "uinteger": 0}}), "rng_state is not a state of numpy's PCG64 generator .*-1"),
    "a missing array": (dict(arrays={"weights_1": None}), "holds the arrays"),
    "an extra array": (dict(arrays={"notes": np.zeros(2)}), "holds the arrays"),
    "wrong shape": (dict(arrays={"weights_1": np.zeros((1, 3))}),
                    r"weights_1 has shape \(1, 3\)"),
    "a larger array": (dict(arrays={"weights_1": np.zeros((1, 10000))}),
                       "weights_1 is larger than the header allows"),
    "NaN weight": (dict(arrays={"weights_1": np.array([[0.0, np.nan, 0.0, 0.0]])}),
                   "weights_1 contains NaN or infinity"),
    "infinite weight": (dict(arrays={"weights_0": np.full((3, 3), np.inf)}),
                        "weights_0 contains NaN or infinity"),
    "integer weights": (dict(arrays={"weights_1": np.zeros((1, 4), dtype=int)}),
                        "weights_1 must be an array of float64 numbers"),
}


@pytest.mark.parametrize("alteration", ALTERATIONS)
def test_altered_files_are_refused(lernmi, tmp_path, alteration):
    changes, message = ALTERATIONS[alteration]
    altered(tmp_path / "net.npz", lernmi, **changes)
    with pytest.raises(ValueError, match=f"cannot load a network from .*net.npz: .*{message}"):
        lernmi.Network.load(tmp_path / "net.npz")


def test_truncated_and_corrupted_files_are_refused(lernmi, tmp_path):
    good = tmp_path / "good.npz"
    trained(lernmi).save(good)
    data = good.read_bytes()
    # A flipped byte in the weights fails the zip's checksum.
    flipped = bytearray(data)
    flipped[data.index(b"weights_1.npy") + 200] ^= 0xFF
    damaged = {"empty": (b"", r"not a .npz \(zip\) archive"),
               "text": (b"hello", r"not a .npz \(zip\) archive"),
               "cut short": (data[:len(data) // 2], "not a whole .npz archive"),
               "cut by one byte": (data[:-1], "not a whole .npz archive"),
               "flipped byte": (bytes(flipped), "weights_1 cannot be read .*CRC"),
               # zipfile raises NotImplementedError for these, which must not get through.
               "unknown compression": (with_zip_field(data, "weights_1.npy", 10, 99),
                                       "weights_1 cannot be read .*compression method"),
               "encrypted": (with_zip_field(data, "weights_1.npy", 8, 0x1),
                             "weights_1 cannot be read .*encrypted"),
               "future zip version": (with_zip_field(data, "weights_1.npy", 6, 0xFF),
                                      "not a whole .npz archive .zip file version")}
    for name, (content, message) in damaged.items():
        path = tmp_path / f"{name}.npz"
        path.write_bytes(content)
        with pytest.raises(ValueError, match=f"cannot load a network from .*: it.* {message}"):
            lernmi.Network.load(path)


def with_zip_field(data, member, offset, value):
    """`data`, a zip archive, with the 2-byte field at `offset` in the central directory's
    record of `member` set to `value` (6: the version needed to extract; 8: the flags, whose
    bit 0 says encrypted; 10: the compression method)."""
    data = bytearray(data)
    start = data.index(b"PK\x01\x02")
    while True:
        name_length = int.from_bytes(data[start + 28:start + 30], "little")
        if data[start + 46:start + 46 + name_length] == member.encode():
            data[start + offset:start + offset + 2] = value.to_bytes(2, "little")
            return bytes(data)
        start = data.index(b"PK\x01\x02", start + 1)


def test_a_single_array_file_is_refused(lernmi, tmp_path):
    np.save(tmp_path / "one.npy", np.zeros(3))
    with pytest.raises(ValueError, match="holds a single array, not a .npz archive"):
        lernmi.Network.load(tmp_path / "one.npy")


class Trap:
    """Unpickling one of these would record that code ran."""
    sprung = []

    def __reduce__(self):
        return (Trap.sprung.append, ("code ran",))


def test_loading_never_unpickles(lernmi, tmp_path):
    header, arrays = good_state(lernmi)
    weights = [arrays["weights_0"], arrays["weights_1"]]
    objects = np.empty(1, dtype=object)
    objects[0] = Trap()
    np.savez(tmp_path / "trap.npz", header=np.array(json.dumps(header)), weights_0=weights[0],
             weights_1=objects)
    with pytest.raises(ValueError, match="weights_1 cannot be read"):
        lernmi.Network.load(tmp_path / "trap.npz")
    # A whole pickled network under a .npz name is refused too.
    (tmp_path / "pickled.npz").write_bytes(pickle.dumps(Trap()))
    with pytest.raises(ValueError, match=r"not a .npz \(zip\) archive"):
        lernmi.Network.load(tmp_path / "pickled.npz")
    assert Trap.sprung == []


def test_a_compressed_archive_loads_too(lernmi, tmp_path):
    header, arrays = good_state(lernmi)
    weights = [arrays["weights_0"], arrays["weights_1"]]
    np.savez_compressed(tmp_path / "small.npz", header=np.array(json.dumps(header)),
                        weights_0=weights[0], weights_1=weights[1])
    loaded = lernmi.Network.load(tmp_path / "small.npz")
    for w, links in zip(weights, loaded.link_layers):
        np.testing.assert_array_equal(links.weights, w)
    with zipfile.ZipFile(tmp_path / "small.npz") as archive:
        assert archive.getinfo("weights_0.npy").compress_type == zipfile.ZIP_DEFLATED


def test_load_accepts_a_path_object_and_the_file_is_closed(lernmi, tmp_path):
    path = pathlib.Path(tmp_path) / "net.npz"
    lernmi.Network([2, 1], seed=0).save(path)
    lernmi.Network.load(path)
    path.unlink()  # (Windows refuses to delete an open file)
    assert not path.exists()


def test_a_diverged_network_is_refused_before_anything_is_written(lernmi, tmp_path):
    net = lernmi.Network([2, 3, 1], seed=0)
    net.link_layers[0].weights[1, 1] = np.nan  # as a too-large training rate would leave it
    with pytest.raises(ValueError, match="NaN or infinite"):
        net.save(tmp_path / "net.npz")
    assert list(tmp_path.iterdir()) == []


def test_saving_and_copying_make_no_neuron_handles(lernmi, tmp_path):
    # A network's neurons are numbers in its arrays; a Neuron object is made only when a
    # learner asks for one. Saving reads the activation codes straight from the arrays.
    # By type(o): isinstance would read o.__class__, which some of torch's objects warn on.
    def neurons():
        return sum(issubclass(type(o), lernmi.Neuron) for o in gc.get_objects())

    net = lernmi.Network([50, 30, 10], seed=0)
    gc.collect()
    before = neurons()
    net.save(tmp_path / "net.npz")
    twins = [pickle.loads(pickle.dumps(net)), copy.deepcopy(net)]
    assert neurons() == before
    assert all(np.array_equal(t.link_layers[0].weights, net.link_layers[0].weights) for t in twins)


def test_version_1_files_still_load(lernmi, tmp_path):
    net = trained(lernmi)
    header, arrays = lernmi.saving.state_of(net)
    for field in ("optimizer", "layer_optimizers", "steps", "dropout"):
        del header[field]
    header["format_version"] = 1
    np.savez(tmp_path / "old.npz", header=np.array(json.dumps(header)), **arrays)
    loaded = lernmi.Network.load(tmp_path / "old.npz")
    assert loaded.optimizer == lernmi.SGD(0.05)
    assert_same_network(net, loaded)


@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
def test_a_loaded_network_trains_on_exactly_as_the_saved_one(lernmi, tmp_path, optimizer):
    rule = lernmi.SGD(0.1, momentum=0.9, nesterov=True) if optimizer == "SGD" \
        else lernmi.Adam(0.01, weight_decay=0.001)
    net = lernmi.Network([4, 5, 3], optimizer=rule, seed=3)
    net.train(X[:, :4], LABELS % 3, batch_size=4)
    net.save(tmp_path / "net.npz")
    loaded = lernmi.Network.load(tmp_path / "net.npz")
    assert loaded.optimizer == net.optimizer and loaded.steps == net.steps > 0
    for n in (net, loaded):
        n.train(X[:, :4], LABELS % 3, batch_size=4)
    for a, b in zip(net.link_layers, loaded.link_layers):
        np.testing.assert_array_equal(a.weights, b.weights)
        for x, y in zip(a.store.views()[1:], b.store.views()[1:]):
            np.testing.assert_array_equal(x, y)


def test_each_layers_own_optimiser_and_a_rate_of_zero_are_kept(lernmi, tmp_path):
    net = lernmi.Network([4, 5, 3], optimizer=lernmi.Adam(0.01), seed=3)
    net.train(X[:, :4], LABELS % 3, batch_size=4)
    net.link_layers[1].optimizer = lernmi.SGD(0.1, momentum=0.9, weight_decay=0.5)
    net.link_layers[0].training_rate = 0.0
    net.train(X[:, :4], LABELS % 3, batch_size=4)
    net.save(tmp_path / "net.npz")
    twins = (lernmi.Network.load(tmp_path / "net.npz"), copy.deepcopy(net),
             pickle.loads(pickle.dumps(net)))
    for twin in twins:
        assert [links.optimizer for links in twin.link_layers] == \
            [links.optimizer for links in net.link_layers]
        assert [links.steps for links in twin.link_layers] == \
            [links.steps for links in net.link_layers] == [6, 3]
    for n in (net, *twins):
        n.train(X[:, :4], LABELS % 3, batch_size=4, shuffle=False)
    for twin in twins:
        for a, b in zip(net.link_layers, twin.link_layers):
            np.testing.assert_array_equal(a.weights, b.weights)
    net.training_rate = 0
    assert copy.deepcopy(net).training_rate == 0.0
