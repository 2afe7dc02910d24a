"""The examples in the docstrings and the README run and show what they claim."""

import doctest
import pathlib
import re
import subprocess
import sys

import pytest

import lernmi

ROOT = pathlib.Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize("module", ["neuron", "link", "layers", "network"])
def test_docstring_examples(lernmi, module):
    results = doctest.testmod(sys.modules[f"{lernmi.__name__}.{module}"],
                              extraglobs=vars(lernmi))
    assert results.attempted > 0 and results.failed == 0


def test_readme_python_runs():
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})


def test_readme_shows_what_the_quick_start_prints():
    shown = re.search(r"prints the network .*?```\n(.*?)```", README, re.S)[1]
    printed = subprocess.run([sys.executable, str(ROOT / "examples" / "xor_network.py")],
                             capture_output=True, text=True, check=True).stdout
    assert printed == shown


def test_readme_lists_every_activation_with_its_formulas():
    listed = re.findall(r'^  \| `"(\w+)"`[^|]*\|([^|]+)\|([^|]+)\|', README, re.M)
    assert sorted(name for name, _, _ in listed) == sorted(lernmi.activations.ACTIVATIONS)
    assert all(f.strip() and slope.strip() for _, f, slope in listed)
