"""docs/tour.md runs as it is written: every `>>>` line, with the output it shows.

The tour's last section trains on MNIST, which needs the real files. Everything above the
marker line runs always; the whole tour runs when LERNMI_DATA_DIR names a folder holding
MNIST's files (as for the MNIST example's test).
"""

import code
import doctest
import os
import pathlib
import re
import sys

import pytest

TOUR = pathlib.Path(__file__).parent.parent / "docs" / "tour.md"
MNIST_MARKER = "<!-- needs MNIST"
OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


class MarkdownParser(doctest.DocTestParser):
    """Reads the examples of a Markdown file: a code fence's line is not output to expect."""

    def parse(self, string, name="<string>"):
        return super().parse(re.sub(r"^```.*$", "", string, flags=re.M), name)


def run_tour(path):
    results = doctest.testfile(str(path), module_relative=False, optionflags=OPTIONS,
                               parser=MarkdownParser(), encoding="utf-8")
    assert results.attempted > 0 and results.failed == 0


def test_the_tour_up_to_mnist(tmp_path):
    text = TOUR.read_text(encoding="utf-8")
    assert MNIST_MARKER in text
    part = tmp_path / "tour-without-mnist.md"
    part.write_text(text.split(MNIST_MARKER)[0], encoding="utf-8")
    run_tour(part)


@pytest.mark.skipif(not os.environ.get("LERNMI_DATA_DIR"),
                    reason="set LERNMI_DATA_DIR to a folder with MNIST's files")
def test_the_whole_tour():
    run_tour(TOUR)


class Paste(code.InteractiveConsole):
    """A Python prompt that checks what is typed (pasted) into it without running it."""

    def __init__(self):
        super().__init__()
        self.errors = []

    def runcode(self, compiled):
        pass

    def showsyntaxerror(self, filename=None, **kwargs):
        self.errors.append(sys.exc_info()[1])


def test_the_tour_can_be_pasted_into_a_python_prompt():
    # At a prompt, a block (a def, a for) ends at a blank `...` line: without one, the next
    # `>>>` line is read as part of the block and is a syntax error.
    prompt = Paste()
    for line in TOUR.read_text(encoding="utf-8").splitlines():
        if line.startswith((">>> ", "... ")) or line in (">>>", "..."):
            prompt.push(line[4:])
    prompt.push("")
    assert prompt.errors == []
