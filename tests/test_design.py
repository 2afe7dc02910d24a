"""The seams stay where they are: small modules, short loop signatures, no reaching inside.

These read lernmi's source, which a checkout has and the installed wheel carries too.
"""

import ast
import pathlib
import re

import pytest

import lernmi

SOURCE = pathlib.Path(lernmi.__file__).parent
MODULES = sorted(SOURCE.glob("*.py"))


def tree(path):
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def test_no_module_is_over_400_lines():
    lines = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in MODULES}
    assert max(lines.values()) <= 400, sorted(lines.items(), key=lambda item: -item[1])[:3]


def c_functions():
    """(module, name, parameters) of every C function the .pxd files declare."""
    for path in sorted(SOURCE.glob("*.pxd")):
        text = re.sub(r"#.*", "", path.read_text(encoding="utf-8"))
        for match in re.finditer(r"^\s*c(?:p?def) [\w\s\[\]:,*]*?\b(\w+)\(([^)]*)\)", text, re.M):
            outside_brackets = re.sub(r"\[[^\]]*\]", "", match[2])  # double[:, ::1]
            parameters = [p for p in outside_brackets.split(",") if p.strip()]
            yield path.stem, match[1], len(parameters)


def test_no_loop_takes_more_than_six_parameters():
    found = list(c_functions())
    assert len(found) > 40  # the declarations are read
    assert {("propagation", "learn_links", 6), ("learning_loops", "learn_samples", 6)} \
        <= set(found)
    assert [f for f in found if f[2] > 6] == []


def underscored(node):
    """The underscore names `node` (a module's tree) gives attributes of `self`."""
    names = set()
    for item in ast.walk(node):
        if (isinstance(item, ast.Attribute) and isinstance(item.value, ast.Name)
                and item.value.id == "self" and item.attr.startswith("_")
                and not item.attr.startswith("__")):
            names.add(item.attr)
    return names


def test_no_module_but_network_reads_a_networks_underscore_attributes():
    private = underscored(tree(SOURCE / "network.py"))
    assert {"_arrays", "_rng", "_lock", "_propagate"} <= private
    reached = {(path.name, item.attr) for path in MODULES if path.name != "network.py"
               for item in ast.walk(tree(path))
               if isinstance(item, ast.Attribute) and item.attr in private}
    assert reached == set()


#: What the loops keep in float64 whatever a network's numbers are (reals.py), by module: an
#: optimiser's settings and step count k, and what rule_at works out from them in double
#: before a Rule rounds it (Adam's size and root; the batch's size, rule_of's), the training
#: rates, the sums of costs and right answers over samples, and transposed.py's 64-bit masks.
FLOAT64 = {("stores", "eta"), ("stores", "settings"), ("network_loops", "eta"),
           ("network_loops", "settings"), ("network_loops", "k"), ("network_loops", "rates"),
           ("network_loops", "scores"), ("steps", "settings"), ("steps", "eta"),
           ("steps", "batch"), ("steps", "k"), ("steps", "size"), ("steps", "root"),
           ("learning_loops", "score"), ("rooms", "rates"), ("rooms", "scored"),
           ("transposed", "masks")}

#: The arrays kept in float64, by the module whose Python makes or checks them.
FLOAT64_ARRAYS = {"stores": ("eta", "settings"), "layers": ("eta",), "link": ("eta",),
                  "network_loops": ("eta", "settings", "scores"),
                  "learning_loops": ("score", "rates"), "rooms": ("scored",),
                  "transposed": ("masks",)}


def test_the_loops_say_real_for_a_networks_numbers_and_double_only_for_float64_ones():
    # (the seam where a float32 network's copy of the loops will make every real a float)
    doubles = set()
    for path in sorted(SOURCE.glob("*.pxd")):
        text = re.sub(r"#.*", "", path.read_text(encoding="utf-8"))
        if path.name == "reals.pxd":
            assert re.search(r"^ctypedef double real\s*$", text, re.M)
            continue
        named = re.findall(r"\bdouble(?:\[[^\]]*\])?\s*\*?\s*(\w+)|(\w+)=double\b", text)
        assert len(named) == len(re.findall(r"\bdouble\b", text)), path.name  # each is read
        # (one name a declaration: `cdef double a, b`, or a struct's `double a, b`, hides b)
        assert not re.search(r"^\s*cdef\s+(const\s+)?double(\[[^\]]*\])?\s+\w+\s*,"
                             r"|^\s+double\s+\w+\s*,\s*\w+\s*$", text, re.M), path.name
        doubles |= {(path.stem, declared or local) for declared, local in named}
    assert {("stores", "settings"), ("steps", "size"), ("learning_loops", "score")} <= doubles
    assert doubles <= FLOAT64, sorted(doubles - FLOAT64)
    stores = (SOURCE / "stores.pxd").read_text(encoding="utf-8")
    assert re.search(r"cdef real\[::1\] w ", stores) and "from lernmi.reals cimport" in stores
    # and in the .py files only reals.py names the types, C's (but for the step count's
    # cast) and numpy's (but for the arrays kept in float64, each on the line that makes
    # or checks it)
    for path in MODULES:
        if path.with_suffix(".pxd").exists() and path.name != "reals.py":
            for line in path.read_text(encoding="utf-8").splitlines():
                assert "cython.double" not in line or line.lstrip().startswith("k = "), line
                assert "np.float64" not in line or any(
                    re.search(rf"\b{name}\b", line) for name in FLOAT64_ARRAYS.get(
                        path.stem, ())), line


#: The C library's functions of a real, and where a result of one is worked on in double on
#: purpose: rule_at's bias corrections, from the float64 settings (the Rule rounds them).
LIBM = {"exp", "log", "log1p", "expm1", "tanh", "erf", "sqrt", "pow"}
IN_DOUBLE = {("steps", "rule_at")}


def test_every_c_library_result_is_rounded_to_a_real_where_it_is_taken():
    # (compiled, C works out exp(z) in double; a float32 network's copy rounds it, as its
    # run from source must too: docs/speed.md, "The eighteenth day")
    unrounded, calls = [], 0
    for path in MODULES:
        if not path.with_suffix(".pxd").exists():
            continue
        parents = {child: node for node in ast.walk(tree(path))
                   for child in ast.iter_child_nodes(node)}
        for node in parents:
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in LIBM):
                continue
            calls += 1
            above, function, rounded = parents.get(node), None, False
            while above is not None:
                if isinstance(above, ast.Call) and getattr(above.func, "id", "") == "rounded":
                    rounded = True
                if isinstance(above, ast.FunctionDef) and function is None:
                    function = above.name
                above = parents.get(above)
            if not rounded and (path.stem, function) not in IN_DOUBLE:
                unrounded.append(f"{path.name}:{node.lineno} {ast.unparse(node)}")
    assert calls >= 15  # the calls are found
    assert not unrounded, unrounded


def module_imports(path):
    """The lernmi modules that `path` imports when it is imported (not inside functions);
    a name taken from the package itself (``from . import __version__``) imports
    __init__, which imports the rest."""
    modules = {other.stem for other in MODULES}
    found = set()
    for item in tree(path).body:
        nodes = [item] if not isinstance(item, ast.If) else item.body + item.orelse
        for node in nodes:
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    found.add(node.module.split(".")[0])
                else:
                    found |= {alias.name if alias.name in modules else "__init__"
                              for alias in node.names}
    return found


def test_the_modules_import_each_other_without_a_cycle():
    graph = {path.stem: module_imports(path) for path in MODULES}
    assert {"network", "plots", "tracing"} <= graph["__init__"] and "portable" in graph["network"]
    assert "saving" in graph["portable"] and "saving" in graph["export"]
    done, visiting = set(), []

    def visit(module):
        if module in visiting:
            pytest.fail(f"import cycle: {' -> '.join(visiting + [module])}")
        if module in done or module not in graph:
            return
        visiting.append(module)
        for other in sorted(graph[module]):
            visit(other)
        visiting.pop()
        done.add(module)

    for module in graph:
        visit(module)


def test_publishing_uploads_signed_provenance_for_every_file():
    workflow = pathlib.Path(__file__).parent.parent / ".github" / "workflows" / "wheels.yml"
    if not workflow.exists():
        pytest.skip("the workflows are not beside these tests (an sdist holds none)")
    publish = workflow.read_text(encoding="utf-8").split("\n  publish:\n")[1]
    assert "id-token: write" in publish  # trusted publishing, which signs the provenance
    assert re.search(r"pypa/gh-action-pypi-publish@\w+ # v1\.(1[1-9]|[2-9]\d)", publish)
    assert "attestations: true" in publish
