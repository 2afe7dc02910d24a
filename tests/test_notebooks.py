"""The notebooks in docs/ run from the first cell to the last: the guided tour and the
playground, as Jupyter's "Run All" runs them.

They are kept as text, MyST Markdown notebooks (the format jupytext and myst-nb read), so
that they diff like any other file. Each is read with jupytext and run by nbclient in a
fresh Python kernel (ipykernel's), from an empty folder, so that no picture lands in the
checkout; a cell that raises fails the test. The numbers the text tells of are checked by
the notebooks themselves: cells tagged remove-cell, which the web pages leave out, assert
them.

The tour's chapters from MNIST on need MNIST's files. Everything above the marker comment
runs always; the whole tour runs when LERNMI_DATA_DIR names a folder holding them.
"""

import os
import pathlib
import sys

import pytest

DOCS = pathlib.Path(__file__).parent.parent / "docs"
NOTEBOOKS = ["tour.md", "playground.md"]
MNIST_MARKER = "<!-- needs MNIST"
#: Seconds one cell may take: the tour's slowest trains six MNIST networks.
CELL_TIMEOUT = 600
NEEDS = "running the notebooks needs jupytext, nbclient and ipykernel: pip install \".[test]\""


def read(name):
    jupytext = pytest.importorskip("jupytext", reason=NEEDS)
    return jupytext.read(DOCS / name)


def run(notebook, folder, monkeypatch):
    """Run every cell of `notebook` in a new kernel, in `folder`; raise at a failing cell."""
    nbclient = pytest.importorskip("nbclient", reason=NEEDS)
    pytest.importorskip("ipykernel", reason=NEEDS)
    # Pictures are drawn without a window (the notebooks' %matplotlib inline still shows
    # them in their outputs).
    monkeypatch.setenv("MPLBACKEND", "Agg")
    client = nbclient.NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(folder)}})
    client.execute()
    return notebook


def up_to_mnist(notebook):
    """The tour without its last chapters: the cells before the one holding the marker."""
    marked = [i for i, cell in enumerate(notebook.cells) if MNIST_MARKER in cell.source]
    assert len(marked) == 1 and notebook.cells[marked[0]].cell_type == "markdown"
    notebook.cells = notebook.cells[:marked[0]]
    return notebook


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_a_notebook_is_a_text_notebook_jupytext_reads(name):
    jupytext = pytest.importorskip("jupytext", reason=NEEDS)
    text = (DOCS / name).read_text(encoding="utf-8")
    # Read as any tool reads it, without being told the format: its header says MyST.
    assert jupytext.formats.guess_format(text, ".md")[0] == "myst"
    notebook = jupytext.reads(text, fmt="md")
    assert notebook.metadata["kernelspec"] == {"name": "python3", "display_name": "Python 3",
                                               "language": "python"}
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert len(code) > 10
    # A check cell's only tag is remove-cell: the site leaves it out, nothing else.
    assert {tuple(cell.metadata.get("tags", ())) for cell in code} == {(), ("remove-cell",)}
    # As jupytext writes it back (its version in the header aside): saving the notebook from
    # Jupyter changes nothing else, so the file's history shows only real changes.
    body = text.split("\n---\n", 1)[1]
    assert jupytext.writes(notebook, fmt="md:myst").split("\n---\n", 1)[1] == body


def test_the_tour_marks_where_mnist_is_needed():
    tour = up_to_mnist(read("tour.md"))
    assert any(cell.cell_type == "code" for cell in tour.cells)
    assert all("mnist" not in cell.source for cell in tour.cells if cell.cell_type == "code")


@pytest.mark.skipif(bool(os.environ.get("LERNMI_DATA_DIR")),
                    reason="LERNMI_DATA_DIR is set: test_the_whole_tour runs these cells")
def test_the_tour_up_to_mnist(tmp_path, monkeypatch):
    run(up_to_mnist(read("tour.md")), tmp_path, monkeypatch)


@pytest.mark.skipif(not os.environ.get("LERNMI_DATA_DIR"),
                    reason="set LERNMI_DATA_DIR to a folder with MNIST's files")
def test_the_whole_tour(tmp_path, monkeypatch):
    run(read("tour.md"), tmp_path, monkeypatch)


def test_the_playground(tmp_path, monkeypatch):
    notebook = run(read("playground.md"), tmp_path, monkeypatch)
    pictures = [output for cell in notebook.cells for output in cell.get("outputs", ())
                if "image/png" in output.get("data", {})]
    assert len(pictures) >= 8  # each decision boundary, curve and map is shown
    assert list(tmp_path.iterdir()) == []


def test_the_kernel_runs_this_python(tmp_path, monkeypatch):
    # The notebooks must test the lernmi these tests test: the kernel's Python is this one.
    nbformat = pytest.importorskip("nbformat", reason=NEEDS)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import sys\nprint(sys.executable)")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    printed = run(notebook, tmp_path, monkeypatch).cells[0].outputs[0]["text"]
    assert os.path.realpath(printed.strip()) == os.path.realpath(sys.executable)
