"""The MNIST example: runs from the checkout and from the installed package, reaches 98% on
MNIST, and with --dataset trains on Fashion-MNIST or Kuzushiji-MNIST instead."""

import importlib.util
import os
import pathlib
import re
import subprocess
import sys

import pytest

import lernmi
from lernmi.datasets import DATASETS
from test_datasets import write_fake_mnist

ROOT = pathlib.Path(__file__).parent.parent
ACCURACY = re.compile(r"^test accuracy: (\d\.\d{4})$", re.M)
REAL_DATA = os.environ.get("LERNMI_DATA_DIR")
README = (ROOT / "README.md").read_text()


def run(args, cwd, **kwargs):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300, **kwargs)


def test_python_m_lernmi_mnist_runs_the_example(tmp_path):
    write_fake_mnist(tmp_path / "data")
    result = run(["-m", "lernmi", "mnist", "--data-dir", str(tmp_path / "data"),
                  "--epochs", "2", "--hidden", "8", "--show", "2"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Network(784 -> 8 relu -> 10 softmax, cross_entropy, float32, 6,370 links)" in out
    # Two steps in all, one an epoch: at 0 and halfway through the run.
    assert "epoch 1: training rate from 0.0000" in out
    assert f"epoch 2: training rate from {0.3 * 0.5 / 0.9:.4f}" in out
    # --show 2 draws training digits 0, 2 and 4 of the five, 28 rows each, with a guess.
    assert len(re.findall(r"digit \d, guess \d \(\d+% sure\)", out)) == 3
    assert 0.0 <= float(ACCURACY.search(out)[1]) <= 1.0


def test_dtype_float64_makes_the_network_of_doubles(tmp_path):
    write_fake_mnist(tmp_path / "data")
    result = run(["-m", "lernmi", "mnist", "--data-dir", str(tmp_path / "data"),
                  "--epochs", "1", "--hidden", "8", "--dtype", "float64"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Network(784 -> 8 relu -> 10 softmax, cross_entropy, 6,370 links)" in result.stdout


def test_adam_gets_a_rate_and_no_momentum_of_its_own():
    spec = importlib.util.spec_from_file_location("mnist_example", ROOT / "examples" / "mnist.py")
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    adam = example.options(["--optimizer", "adam"])
    assert (adam.rate, adam.momentum, adam.nesterov) == (0.002, 0.0, False)
    assert isinstance(example.optimizer(adam), lernmi.Adam)
    sgd = example.options([])
    assert (sgd.rate, sgd.momentum, sgd.nesterov, sgd.batch_size, sgd.epochs, sgd.warmup) \
        == (0.3, 0.9, True, 128, 3, 0.1)
    assert example.optimizer(sgd) == lernmi.SGD(0.3, momentum=0.9, nesterov=True)
    assert str(example.network(sgd)).startswith("Network(784 -> 224 relu -> 10 softmax")
    given = example.options(["--rate", "0.01", "--momentum", "0"])
    assert (given.rate, given.momentum, given.nesterov) == (0.01, 0.0, False)
    plain = example.options(["--no-nesterov"])
    assert example.optimizer(plain) == lernmi.SGD(0.3, momentum=0.9)


def test_the_example_trains_with_adam_in_batches_and_stops_early(tmp_path):
    write_fake_mnist(tmp_path / "data")
    result = run(["-m", "lernmi", "mnist", "--data-dir", str(tmp_path / "data"),
                  "--epochs", "3", "--hidden", "8", "--optimizer", "adam", "--rate", "0.01",
                  "--batch-size", "2", "--patience", "1", "--dropout", "0.25"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    # Three steps an epoch: epoch 2 starts a third of the way through.
    assert f"epoch 2: training rate from {0.01 * (2 / 3) / 0.9:.4f}" in result.stdout
    assert 0.0 <= float(ACCURACY.search(result.stdout)[1]) <= 1.0


def test_the_lernmi_command_lists_and_checks_the_examples(tmp_path):
    script = pathlib.Path(sys.executable).parent / "lernmi"
    if not script.exists():
        pytest.skip("the lernmi console script is not installed beside this Python")
    listed = subprocess.run([str(script)], capture_output=True, text=True, cwd=tmp_path)
    assert listed.returncode == 2 and "mnist" in listed.stdout and "xor_network" in listed.stdout
    wrong = subprocess.run([str(script), "mnsit"], capture_output=True, text=True, cwd=tmp_path)
    assert wrong.returncode == 2 and "no example 'mnsit'" in wrong.stderr


@pytest.mark.parametrize("name", ["fashion_mnist", "kmnist"])
def test_dataset_trains_on_another_dataset_and_names_it(tmp_path, name):
    write_fake_mnist(tmp_path / "data", seed=8)
    result = run(["-m", "lernmi", "mnist", "--dataset", name, "--data-dir",
                  str(tmp_path / "data"), "--epochs", "1", "--hidden", "8", "--show", "2"],
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    entry = DATASETS[name]
    out = result.stdout
    assert out.startswith(f"5 training and 3 test {entry.title} ")  # "... articles"
    assert "Network(784 -> 8 relu -> 10 softmax" in out and "digit" not in out
    # The drawings name the class of each picture and of the guess.
    classes = "|".join(re.escape(c) for c in entry.classes)
    shown = re.findall(rf"{entry.item} ({classes}), guess ({classes}) \(\d+% sure\)", out)
    assert len(shown) == 3
    assert 0.0 <= float(ACCURACY.search(out)[1]) <= 1.0


def test_dataset_comes_from_its_own_variable(tmp_path):
    write_fake_mnist(tmp_path / "kmnist", seed=9)
    env = {k: v for k, v in os.environ.items() if k != "LERNMI_DATA_DIR"}
    result = run([str(ROOT / "examples" / "mnist.py"), "--dataset", "kmnist", "--epochs", "1",
                  "--hidden", "8"], cwd=tmp_path,
                 env={**env, "LERNMI_KMNIST_DIR": str(tmp_path / "kmnist"),
                      "XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("5 training and 3 test Kuzushiji-MNIST characters\n")


def test_without_data_the_example_names_the_dataset(tmp_path):
    result = run(["-m", "lernmi", "mnist", "--dataset", "fashion_mnist", "--data-dir",
                  str(tmp_path / "nowhere")], cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "The Fashion-MNIST folder" in result.stderr and "--data-dir FOLDER" in result.stderr


@pytest.mark.skipif(not REAL_DATA, reason="set LERNMI_DATA_DIR to a folder with MNIST's files")
def test_the_example_reaches_98_percent_on_the_mnist_test_set(tmp_path):
    # Results are the same on every CPU (see vector.h), so this is a check of the numbers,
    # not of speed: how long it takes is for benchmarks, not tests.
    result = run([str(ROOT / "examples" / "mnist.py")], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert float(ACCURACY.search(result.stdout)[1]) >= 0.98, result.stdout
    # The README shows this very run; only the time it took may differ.
    shown = re.search(r"trains a 784-224-10 .*?```\n(.*?)```", README, re.S)[1]
    assert untimed(result.stdout) == untimed(shown)


def untimed(output):
    return re.sub(r"done in [\d.]+ s", "done in ? s", output)


def test_without_data_the_example_says_where_to_point_it(tmp_path):
    result = run(["-m", "lernmi", "mnist", "--data-dir", str(tmp_path / "nowhere")], cwd=tmp_path)
    assert result.returncode == 1
    assert "--data-dir FOLDER" in result.stderr and "Traceback" not in result.stderr


def test_help_names_the_command_and_shows_the_defaults(tmp_path):
    shown = run(["-m", "lernmi", "mnist", "--help"], cwd=tmp_path)
    assert shown.returncode == 0 and shown.stdout.startswith("usage: python -m lernmi mnist")
    words = " ".join(shown.stdout.split())  # as argparse wraps them
    assert "(default: 3)" in words and "(default: 0.3, or 0.002 with --optimizer adam)" in words
    assert "(default: 0.1)" in words and "(default: 128)" in words
    assert "(default: yes, where there is momentum)" in words
    assert "--dtype {float32,float64}" in shown.stdout and "(default: float32)" in words
    assert "--dataset {mnist,fashion_mnist,kmnist}" in shown.stdout
    script = pathlib.Path(sys.executable).parent / "lernmi"
    if script.exists():
        shown = subprocess.run([str(script), "mnist", "--help"], capture_output=True, text=True,
                               cwd=tmp_path)
        assert shown.stdout.startswith("usage: lernmi mnist")


@pytest.mark.parametrize("option, message", [
    (["--epochs", "0"], "--epochs must be at least 1"), (["--hidden", "-3"], "--hidden"),
    (["--rate", "nan"], "--rate must be a positive number"), (["--show", "-1"], "--show"),
    (["--batch-size", "0"], "--batch-size must be at least 1"),
    (["--patience", "0"], "--patience must be at least 1"),
    (["--momentum", "1"], "--momentum must be in [0, 1)"),
    (["--dropout", "1"], "--dropout must be in [0, 1)"), (["--dropout", "nan"], "--dropout"),
    (["--warmup", "1"], "--warmup must be in [0, 1)"), (["--warmup", "nan"], "--warmup"),
    (["--optimizer", "adam", "--momentum", "0.5"], "only with --optimizer sgd"),
    (["--nesterov", "--momentum", "0"], "--nesterov needs SGD with a momentum above 0"),
    (["--optimizer", "adam", "--nesterov"], "--nesterov needs SGD with a momentum above 0"),
    (["--optimizer", "lion"], "invalid choice"),
    (["--dataset", "emnist"], "argument --dataset: invalid choice: 'emnist'"),
    (["--dataset"], "argument --dataset: expected one argument")])
def test_bad_options_are_refused_without_a_traceback(tmp_path, option, message):
    result = run(["-m", "lernmi", "mnist", *option], cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_without_pooch_the_example_says_how_to_get_the_data(tmp_path):
    # No data folder, and pooch missing: the download cannot start.
    code = ("import runpy, sys; sys.modules['pooch'] = None; sys.argv = ['mnist.py'];"
            f"runpy.run_path({str(ROOT / 'examples' / 'mnist.py')!r}, run_name='__main__')")
    env = {k: v for k, v in os.environ.items() if k != "LERNMI_DATA_DIR"}
    result = run(["-c", code], cwd=tmp_path, env={**env, "XDG_CACHE_HOME": str(tmp_path)})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert 'pip install "lernmi[mnist]"' in result.stderr and "--data-dir" in result.stderr
