"""The examples run, finish, and print what they learned: every gate's truth table right."""

import pathlib
import re
import subprocess
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).parent.parent / "examples"
ROW = re.compile(r"-> (\d\.\d+) \(expected ([01])\)$")


@pytest.mark.parametrize("script, rows", [("not_gate.py", 2), ("or_gate.py", 4),
                                          ("xor_links.py", 4), ("xor_layers.py", 4),
                                          ("xor_network.py", 4)])
def test_example_learns_its_gate(script, rows):
    result = subprocess.run([sys.executable, str(EXAMPLES / script)], capture_output=True,
                            text=True, timeout=120, check=True)
    found = [ROW.search(line) for line in result.stdout.splitlines()]
    pairs = [(float(m[1]), int(m[2])) for m in found if m]
    assert len(pairs) == rows, result.stdout
    for output, expected in pairs:
        assert abs(output - expected) < 0.1, result.stdout


@pytest.mark.parametrize("script", ["not_gate.py", "or_gate.py", "xor_links.py",
                                    "xor_layers.py", "xor_network.py"])
def test_a_gate_example_refuses_arguments_it_does_not_take(script):
    result = subprocess.run([sys.executable, str(EXAMPLES / script), "--epochs", "3"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "unrecognized arguments: --epochs 3" in result.stderr
    shown = subprocess.run([sys.executable, str(EXAMPLES / script), "--help"],
                           capture_output=True, text=True, timeout=120, check=True)
    assert shown.stdout.startswith("usage:")
