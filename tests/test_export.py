"""to_torch, from_torch and to_onnx: PyTorch and onnxruntime compute what the Network does.

PyTorch is the oracle here: a Network and the torch module it becomes must give the same
outputs to 1e-12, for every activation, large input sums included; onnxruntime must give
them to 1e-9 (what export.py promises). Tests that need torch, onnx or onnxruntime skip,
saying so, when it is not installed.
"""

import os
import subprocess
import sys

import numpy as np
import pytest

from lernmi import Network, export
from lernmi.activations import usable

HIDDEN = usable("hidden")
OUTPUT = usable("output")
TORCH_TOLERANCE = dict(rtol=1e-12, atol=1e-12)
ONNX_TOLERANCE = dict(rtol=1e-9, atol=1e-9)

#: The networks every export is checked on: each hidden activation (behind an identity
#: output, so that nothing hides it), each output activation, a deeper one, one with dropout
#: and one with no hidden layer.
NETWORKS = {
    **{f"hidden {name}": ([3, 5, 2], dict(activation=name, output_activation="identity"))
       for name in HIDDEN},
    **{f"output {name}": ([3, 5, 2], dict(activation="tanh", output_activation=name))
       for name in OUTPUT},
    "deeper 3-5-4-2": ([3, 5, 4, 2], dict(activation="gelu", output_activation="softmax")),
    "dropout": ([3, 5, 4, 2], dict(activation="relu", dropout=0.3)),
    "no hidden layer": ([3, 2], dict(activation="elu")),
}


@pytest.fixture(params=list(NETWORKS), scope="module")
def net(request):
    sizes, options = NETWORKS[request.param]
    return Network(sizes, seed=11, **options)


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch", reason="to_torch and from_torch need PyTorch")


@pytest.fixture(scope="module")
def onnxruntime():
    pytest.importorskip("onnx", reason="to_onnx needs the onnx package")
    return pytest.importorskip("onnxruntime", reason="onnxruntime runs the ONNX file")


def inputs(net, seed=0):
    """Random rows, then the same rows times 30 and 300, so that the input sums reach
    hundreds: the tails of sigmoid and softplus, and past torch's Softplus threshold."""
    x = np.random.default_rng(seed).normal(size=(40, net.layer_sizes[0]))
    return np.vstack([x, 30 * x, 300 * x])


def tails_net(activation):
    """A network whose two outputs are f(x) and f(0.5 - 0.5 x): for x from -800 to 800
    (`TAILS`) it shows f over both tails and everything between."""
    net = Network([1, 2], activation="identity", output_activation=activation)
    net.link_layers[0].weights[...] = [[0.0, 1.0], [0.5, -0.5]]
    return net


TAILS = np.linspace(-800.0, 800.0, 8001)[:, None]


def torch_outputs(torch, module, x):
    with torch.no_grad():
        return module(torch.from_numpy(x)).numpy()


def onnx_outputs(onnxruntime, path, x):
    session = onnxruntime.InferenceSession(os.fspath(path), providers=["CPUExecutionProvider"])
    return session.run(["outputs"], {"inputs": x})[0]


def test_every_activation_has_one_way_out():
    assert set(export.WAYS) == set(HIDDEN) | set(OUTPUT)


def test_importing_lernmi_imports_no_optional_package():
    optional = {"torch", "onnx", "onnxruntime", "sklearn", "joblib", "dask", "distributed"}
    code = ("import lernmi, sys; lernmi.Network([2, 3, 1]).predict([[0.0, 1.0]]); "
            f"assert not {optional!r} & set(sys.modules), sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("name, extra, call", [
    ("torch", "torch", lambda: Network([2, 1]).to_torch()),
    ("torch", "torch", lambda: Network.from_torch(None)),
    ("onnx", "onnx", lambda: Network([2, 1]).to_onnx("never.onnx")),
])
def test_a_missing_package_says_how_to_install_it(monkeypatch, tmp_path, name, extra, call):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, name, None)  # what Python does for a missing package
    with pytest.raises(ImportError, match=rf'pip install "lernmi\[{extra}\]"'):
        call()
    assert os.listdir(tmp_path) == []


# --- to_torch ------------------------------------------------------------------------------

def test_to_torch_computes_what_predict_and_run_do(torch, net):
    module = net.to_torch()
    x = inputs(net)
    np.testing.assert_allclose(torch_outputs(torch, module, x), net.predict(x),
                               **TORCH_TOLERANCE)
    np.testing.assert_allclose(torch_outputs(torch, module, x[0]), net.run(x[0]),
                               **TORCH_TOLERANCE)
    assert not module.training
    assert all(p.dtype == torch.float64 for p in module.parameters())


@pytest.mark.parametrize("activation", OUTPUT)
def test_to_torch_holds_in_the_tails(torch, activation):
    net = tails_net(activation)
    np.testing.assert_allclose(torch_outputs(torch, net.to_torch(), TAILS), net.predict(TAILS),
                               **TORCH_TOLERANCE)


def test_to_torch_is_a_linear_and_an_activation_per_layer_with_dropout_between(torch):
    nn = torch.nn
    net = Network([2, 3, 4, 1], activation="leaky_relu", output_activation="sigmoid",
                  dropout=0.25, seed=0)
    module = net.to_torch()
    assert [type(part) for part in module] == [nn.Linear, nn.LeakyReLU, nn.Dropout,
                                               nn.Linear, nn.LeakyReLU, nn.Dropout,
                                               nn.Linear, nn.Sigmoid]
    assert module[1].negative_slope == 0.01 and module[2].p == 0.25
    np.testing.assert_array_equal(module[3].weight.detach().numpy(),
                                  net.link_layers[1].weights[:, 1:])
    np.testing.assert_array_equal(module[3].bias.detach().numpy(),
                                  net.link_layers[1].weights[:, 0])
    assert [type(part) for part in Network([2, 1]).to_torch()] == [nn.Linear, nn.Sigmoid]


def test_to_torch_leaves_torchs_random_numbers_alone(torch, net):
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    net.to_torch()
    assert torch.equal(torch.rand(3), expected)


# --- from_torch ----------------------------------------------------------------------------

def test_from_torch_of_to_torch_is_the_same_network(torch, net):
    back = Network.from_torch(net.to_torch())
    assert repr(back) == repr(net) and back.dropout == net.dropout
    for ours, theirs in zip(net.link_layers, back.link_layers):
        np.testing.assert_array_equal(theirs.weights, ours.weights)
    x = inputs(net)
    np.testing.assert_array_equal(back.predict(x), net.predict(x))


def trained(torch, module, steps=5):
    """`module` after a few steps of SGD in float64, in eval mode."""
    module = module.double()
    x = torch.from_numpy(np.random.default_rng(2).normal(size=(16, 4)))
    target = torch.from_numpy(np.random.default_rng(3).integers(0, 3, 16))
    optimizer = torch.optim.SGD(module.parameters(), lr=0.5)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = -torch.log(module(x)[torch.arange(16), target]).mean()
        loss.backward()
        optimizer.step()
    return module.eval()


#: Every hidden activation as a torch user would write it (Softplus with a threshold past
#: which lernmi's softplus is z too: see the test of torch's default one below).
TORCH_HIDDEN = {"sigmoid": lambda nn: nn.Sigmoid(), "tanh": lambda nn: nn.Tanh(),
                "relu": lambda nn: nn.ReLU(), "leaky_relu": lambda nn: nn.LeakyReLU(),
                "elu": lambda nn: nn.ELU(), "softplus": lambda nn: nn.Softplus(threshold=40),
                "gelu": lambda nn: nn.GELU(), "identity": lambda nn: nn.Identity()}


@pytest.mark.parametrize("activation", HIDDEN)
def test_from_torch_of_a_trained_torch_model_computes_what_it_does(torch, activation):
    nn = torch.nn
    torch.manual_seed(1)
    hidden = [TORCH_HIDDEN[activation](nn) for _ in range(2)]
    module = trained(torch, nn.Sequential(nn.Linear(4, 6), hidden[0], nn.Dropout(0.2),
                                          nn.Linear(6, 5), hidden[1], nn.Dropout(0.2),
                                          nn.Linear(5, 3), nn.Softmax(dim=1)))
    net = Network.from_torch(module, cost="cross_entropy")
    assert net.layer_sizes == (4, 6, 5, 3) and net.dropout == 0.2 and net.steps == 0
    assert [layer.activation for layer in net.neuron_layers] == [
        "identity", activation, activation, "softmax"]
    x = inputs(net)
    np.testing.assert_allclose(net.predict(x), torch_outputs(torch, module, x),
                               **TORCH_TOLERANCE)


def test_from_torch_softplus_threshold_is_taken_but_costs_up_to_e_to_the_minus_it(torch):
    nn = torch.nn
    module = nn.Sequential(nn.Linear(1, 1), nn.Softplus()).double()  # threshold 20
    with torch.no_grad():
        module[0].weight.fill_(1.0)
        module[0].bias.fill_(0.0)
    net = Network.from_torch(module)
    difference = np.abs(net.predict(TAILS) - torch_outputs(torch, module, TAILS)).max()
    assert 1e-12 < difference <= np.exp(-20.0)


def test_from_torch_takes_a_linear_without_bias_or_activation(torch):
    nn = torch.nn
    module = nn.Sequential(nn.Linear(3, 4, bias=False), nn.Dropout(0.25),
                           nn.Linear(4, 2)).double().eval()
    net = Network.from_torch(module)
    assert repr(net) == "Network(3 -> 4 identity -> 2 identity, 26 links)"
    assert net.dropout == 0.25
    np.testing.assert_array_equal(net.link_layers[0].weights[:, 0], 0.0)
    x = inputs(net)
    np.testing.assert_allclose(net.predict(x), torch_outputs(torch, module, x),
                               **TORCH_TOLERANCE)


def test_from_torch_takes_float32_weights_as_they_are(torch):
    nn = torch.nn
    module = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 2), nn.Softmax(dim=-1))
    net = Network.from_torch(module)
    np.testing.assert_array_equal(net.link_layers[0].weights[:, 1:],
                                  module[0].weight.detach().numpy().astype(np.float64))


def test_from_torch_passes_the_networks_own_options_on(torch):
    nn = torch.nn
    module = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Dropout(0.1), nn.Linear(3, 2),
                           nn.Sigmoid())
    net = Network.from_torch(module, cost="cross_entropy", training_rate=0.5, seed=3,
                             dropout=0.4)
    assert (net.cost, net.training_rate, net.dropout) == ("cross_entropy", 0.5, 0.4)
    for option in ("activation", "output_activation", "layer_sizes"):
        with pytest.raises(TypeError, match=f"reads {option} from the module"):
            Network.from_torch(module, **{option: "relu"})
    with pytest.raises(TypeError, match="torch.nn.Sequential, not Linear"):
        Network.from_torch(nn.Linear(2, 3))
    with pytest.raises(ValueError, match="seed must be None or an integer >= 0, not -1"):
        Network.from_torch(module, seed=-1)


#: Modules from_torch must refuse: (what makes one from torch.nn, what the error says).
REFUSED = {
    "empty": (lambda nn: [], "the Sequential is empty"),
    "unsupported module": (lambda nn: [nn.Linear(2, 3), nn.Hardtanh()],
                           r"layer 1 of the Sequential, Hardtanh\(.*\): lernmi takes Linear"),
    "leaky slope": (lambda nn: [nn.Linear(2, 3), nn.LeakyReLU(0.2)],
                    r"layer 1 .*LeakyReLU\(negative_slope=0.2\).*needs negative_slope=0.01"),
    "elu alpha": (lambda nn: [nn.Linear(2, 3), nn.ELU(alpha=0.5)], r"ELU.*needs alpha=1.0"),
    "softplus beta": (lambda nn: [nn.Linear(2, 3), nn.Softplus(beta=2)],
                      r"Softplus.*needs beta=1.0"),
    "tanh gelu": (lambda nn: [nn.Linear(2, 3), nn.GELU(approximate="tanh")],
                  r"GELU\(approximate='tanh'\).*needs approximate='none'"),
    "softmax dim": (lambda nn: [nn.Linear(2, 3), nn.Softmax(dim=0)],
                    r"layer 1 .*Softmax\(dim=0\).*needs dim=-1 or 1"),
    "softmax inside": (lambda nn: [nn.Linear(2, 3), nn.Softmax(dim=-1), nn.Linear(3, 2)],
                       r"layer 1 .*Softmax can only be the last layer"),
    "features": (lambda nn: [nn.Linear(2, 3), nn.ReLU(), nn.Linear(4, 2)],
                 r"layer 2 .*Linear\(in_features=4.*takes 4 inputs.*gives 3"),
    "two activations": (lambda nn: [nn.Linear(2, 3), nn.ReLU(), nn.ReLU(), nn.Linear(3, 2)],
                        r"layer 2 of the Sequential, ReLU\(\): two activations in a row"),
    "activation first": (lambda nn: [nn.ReLU(), nn.Linear(2, 3)],
                         r"layer 0 .*an activation must follow a Linear"),
    "activation after dropout": (lambda nn: [nn.Linear(2, 3), nn.Dropout(0.1), nn.ReLU(),
                                             nn.Linear(3, 1)],
                                 r"layer 2 .*an activation after a Dropout"),
    "dropout p": (lambda nn: [nn.Linear(2, 3), nn.ReLU(), nn.Dropout(0.1), nn.Linear(3, 3),
                              nn.ReLU(), nn.Dropout(0.2), nn.Linear(3, 1)],
                  r"layer 5 .*Dropout\(p=0.2.*earlier Dropout has p=0.1"),
    "dropout on inputs": (lambda nn: [nn.Dropout(0.1), nn.Linear(2, 3)],
                          r"layer 0 .*not its inputs or outputs"),
    "dropout on outputs": (lambda nn: [nn.Linear(2, 3), nn.ReLU(), nn.Dropout(0.1)],
                           r"layer 2 .*not its inputs or outputs"),
    "two dropouts": (lambda nn: [nn.Linear(2, 3), nn.Dropout(0.1), nn.Dropout(0.1),
                                 nn.Linear(3, 1)], r"layer 2 .*two Dropouts in a row"),
    "dropout missing": (lambda nn: [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 3), nn.ReLU(),
                                    nn.Dropout(0.1), nn.Linear(3, 1)],
                        r"layer 1 .*ReLU.*no Dropout follows this hidden layer"),
    "hidden activations differ": (lambda nn: [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 3),
                                              nn.Tanh(), nn.Linear(3, 1)],
                                  r"layer 3 .*Tanh.*activation is tanh but the first hidden "
                                  r"layer's is relu"),
    "hidden identity differs": (lambda nn: [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 3),
                                            nn.Linear(3, 1)],
                                r"layer 2 .*Linear.*activation is identity"),
}


class Counted(Network):
    """A Network that counts the networks made: a refusal must come before any is."""
    made = 0

    def __init__(self, *args, **options):
        Counted.made += 1
        super().__init__(*args, **options)


@pytest.mark.parametrize("case", list(REFUSED))
def test_from_torch_refuses_what_a_network_cannot_be_and_makes_nothing(torch, case):
    parts, message = REFUSED[case]
    made = Counted.made
    with pytest.raises(ValueError, match=message):
        Counted.from_torch(torch.nn.Sequential(*parts(torch.nn)))
    assert Counted.made == made


@pytest.mark.parametrize("part, value", [("weight", np.nan), ("bias", np.inf),
                                         ("weight", -np.inf)])
def test_from_torch_refuses_weights_that_are_not_finite_and_makes_nothing(torch, part, value):
    # As loading a file whose weights hold NaN is refused: the network would answer NaN.
    nn = torch.nn
    module = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    with torch.no_grad():
        getattr(module[2], part)[0] = value
    made = Counted.made
    with pytest.raises(ValueError, match=r"layer 2 .*Linear.*contains NaN or infinity"):
        Counted.from_torch(module)
    assert Counted.made == made


def test_from_torch_refuses_complex_weights_and_makes_nothing(torch):
    # Taken as float64 their imaginary parts would quietly go.
    module = torch.nn.Sequential(torch.nn.Linear(2, 1, dtype=torch.complex128))
    made = Counted.made
    with pytest.raises(TypeError, match=r"layer 0 .*weight is torch.complex128.*real numbers"):
        Counted.from_torch(module)
    assert Counted.made == made


# --- to_onnx -------------------------------------------------------------------------------

def test_to_onnx_computes_what_predict_does(onnxruntime, net, tmp_path):
    net.to_onnx(tmp_path / "net.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "net.onnx"),
                                           providers=["CPUExecutionProvider"])
    (given,), (answer,) = session.get_inputs(), session.get_outputs()
    assert (given.name, given.type, given.shape) == ("inputs", "tensor(double)",
                                                     ["batch", net.layer_sizes[0]])
    assert (answer.name, answer.type) == ("outputs", "tensor(double)")
    x = inputs(net)
    np.testing.assert_allclose(onnx_outputs(onnxruntime, tmp_path / "net.onnx", x),
                               net.predict(x), **ONNX_TOLERANCE)


@pytest.mark.parametrize("activation", OUTPUT)
def test_to_onnx_holds_in_the_tails(onnxruntime, activation, tmp_path):
    net = tails_net(activation)
    net.to_onnx(str(tmp_path / "tails.onnx"))  # a str path too
    np.testing.assert_allclose(onnx_outputs(onnxruntime, tmp_path / "tails.onnx", TAILS),
                               net.predict(TAILS), **ONNX_TOLERANCE)


def test_to_onnx_refuses_a_path_that_is_not_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for path in (3, b"net.onnx", None):
        with pytest.raises(TypeError, match="path must be a str or os.PathLike"):
            Network([2, 1]).to_onnx(path)
    assert os.listdir(tmp_path) == []


def test_to_onnx_leaves_no_file_when_it_fails(onnxruntime, tmp_path, monkeypatch):
    import onnx

    def broken(model, **options):
        raise onnx.checker.ValidationError("broken on purpose")

    net = Network([2, 3, 1], seed=0)
    monkeypatch.setattr(onnx.checker, "check_model", broken)
    with pytest.raises(onnx.checker.ValidationError):
        net.to_onnx(tmp_path / "new.onnx")
    assert os.listdir(tmp_path) == []
    (tmp_path / "old.onnx").write_bytes(b"as it was")
    with pytest.raises(onnx.checker.ValidationError):
        net.to_onnx(tmp_path / "old.onnx")
    assert os.listdir(tmp_path) == ["old.onnx"]
    assert (tmp_path / "old.onnx").read_bytes() == b"as it was"


def test_to_onnx_into_a_missing_folder_names_the_path(onnxruntime, tmp_path):
    with pytest.raises(FileNotFoundError, match="cannot write .*net.onnx: there is no folder"):
        Network([2, 1]).to_onnx(tmp_path / "missing" / "net.onnx")


def test_from_torch_refuses_weights_without_numbers(torch):
    module = torch.nn.Sequential(torch.nn.Linear(2, 1, device="meta"))
    with pytest.raises(ValueError, match="layer 0 .*meta device"):
        Network.from_torch(module)


def diverged():
    """A network whose training diverged: a weight of NaN, one of infinity."""
    net = Network([2, 3, 1], seed=0)
    net.link_layers[0].weights[0, 1] = np.nan
    net.link_layers[1].weights[0, 2] = np.inf
    return net


def test_to_torch_refuses_weights_that_save_refuses(torch, tmp_path):
    message = r"link_layers\[0\] has weights that are NaN or infinite"
    with pytest.raises(ValueError, match=message):
        diverged().save(tmp_path / "net.npz")
    with pytest.raises(ValueError, match=f"cannot export the network: {message}"):
        diverged().to_torch()


def test_to_onnx_refuses_weights_that_save_refuses_and_writes_nothing(tmp_path):
    with pytest.raises(ValueError, match=r"cannot export .*link_layers\[0\] has weights "
                                         r"that are NaN or infinite"):
        diverged().to_onnx(tmp_path / "net.onnx")
    assert os.listdir(tmp_path) == []
