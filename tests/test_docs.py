"""The examples in the docstrings, the README and the site's pages run and show what they
claim."""

import doctest
import pathlib
import re
import subprocess
import sys

import pytest

import lernmi

ROOT = pathlib.Path(__file__).parent.parent
#: The README and the site's pages but the notebooks (their cells run when the site is built).
PAGES = [ROOT / "README.md"] + sorted(
    path for path in (ROOT / "docs").rglob("*.md")
    if not path.read_text(encoding="utf-8").startswith("---\njupytext:"))


def page(name):
    return (ROOT / "docs" / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("module", ["neuron", "link", "layers", "network"])
def test_docstring_examples(lernmi, module):
    results = doctest.testmod(sys.modules[f"{lernmi.__name__}.{module}"],
                              extraglobs=vars(lernmi))
    assert results.attempted > 0 and results.failed == 0


def test_python_blocks_of_the_pages_run():
    ran = 0
    for path in PAGES:
        for block in re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S):
            exec(compile(block, str(path.relative_to(ROOT)), "exec"), {})
            ran += 1
    assert ran > 0


def test_install_page_shows_what_the_xor_example_prints():
    shown = re.search(r"prints the network .*?```\n(.*?)```", page("install.md"), re.S)[1]
    printed = subprocess.run([sys.executable, str(ROOT / "examples" / "xor_network.py")],
                             capture_output=True, text=True, check=True).stdout
    assert printed == shown


def test_classes_page_lists_every_activation_with_its_formulas():
    listed = re.findall(r'^\| `"(\w+)"`[^|]*\|([^|]+)\|([^|]+)\|', page("classes.md"), re.M)
    assert sorted(name for name, _, _ in listed) == sorted(lernmi.activations.ACTIVATIONS)
    assert all(f.strip() and slope.strip() for _, f, slope in listed)


def test_readme_is_the_front_page():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    # The two commands for a fresh machine, as .ci/run runs the second.
    assert '```\npip install ".[mnist]" && python examples/mnist.py\n```' in readme
    assert '```\npip install ".[test]" && pytest -n auto\n```' in readme
    # Every page and picture it links to is there, and the picture stays small.
    linked = re.findall(r"\]\(([^)#]+)\)", readme)
    local = [ROOT / target for target in linked if "://" not in target]
    assert any(path.suffix == ".png" for path in local)
    assert [path for path in local if not path.is_file()] == []
    assert all(path.stat().st_size < 100_000 for path in local if path.suffix == ".png")
