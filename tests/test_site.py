"""The site's API reference (docs/api/) names every public name of lernmi.

A public name is one a module lists in its `__all__`; a module without an `__all__` offers
every function and class it defines whose name does not start with an underscore. The
reference must document each one, by autodoc (``.. autofunction:: lernmi.idx.load``) or by
hand (``.. function:: load`` below ``.. automodule:: lernmi.idx``). This reads the pages'
source; building the site (tools/docs.sh) checks that the docstrings render.
"""

import ast
import importlib
import pathlib
import re

import lernmi

ROOT = pathlib.Path(__file__).parent.parent
API = ROOT / "docs" / "api"

#: The modules a user imports by name; the others are reached through these.
PUBLIC_MODULES = ["activations", "costs", "datasets", "idx", "plots", "tracing", "gradcheck",
                  "sklearn"]

DIRECTIVE = re.compile(r"^\.\. (?:auto)?(module|function|class|data|exception|attribute)::"
                       r"\s+([\w.]+)", re.M)


def documented():
    """Every dotted name a directive of the API pages documents."""
    names = set()
    for page in sorted(API.glob("*.md")):
        module = None
        for kind, name in DIRECTIVE.findall(page.read_text(encoding="utf-8")):
            if kind == "module":
                module = name
            elif "." not in name and module is not None:
                name = f"{module}.{name}"
            names.add(name)
    return names


def declared_all(module):
    """The module's `__all__`, read from its source (so lernmi.sklearn needs no
    scikit-learn here), or None."""
    path = pathlib.Path(lernmi.__file__).parent / f"{module}.py"
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == "__all__"
                                                 for target in node.targets):
            return ast.literal_eval(node.value)
    return None


def public_names(module):
    listed = declared_all(module)
    if listed is not None:
        return listed
    imported = importlib.import_module(f"lernmi.{module}")
    return [name for name, value in vars(imported).items()
            if not name.startswith("_") and callable(value)
            and getattr(value, "__module__", None) == imported.__name__]


def test_the_reference_documents_every_public_module():
    assert {f"lernmi.{module}" for module in PUBLIC_MODULES} <= documented()


def test_the_reference_documents_every_name_of_lernmi():
    missing = sorted(set(lernmi.__all__) - {name.removeprefix("lernmi.")
                                            for name in documented()})
    assert missing == []


def test_the_reference_documents_every_public_name_of_each_module():
    names = documented()
    wanted = {f"lernmi.{module}.{name}" for module in PUBLIC_MODULES
              for name in public_names(module)}
    assert len(wanted) > 40  # the modules are read
    assert sorted(wanted - names) == []
