"""The float32 copy of lernmi's compiled modules, written from their source.

Every compiled module X of lernmi (X.py beside X.pxd) has a copy, `lernmi._f32.X`, in
which a real (reals.py) is a C float and its arrays numpy's float32. setup.py writes each
copy with `float_copy` and compiles it; run from source (LERNMI_PURE_PYTHON=1, or the
tests' source copy), `_source.SourceFinder` runs the same text. The rules, each of which
keeps every line where it was, so that an error in a copy names the source's line:

- reals.pxd and reals.py say float where they say double (`REALS`);
- every cimport and import of a compiled module names the copy's, and every other relative
  import the package's own modules (`..X`);
- a C function, struct or constant of vector.h and transposed.h that has a twin for floats
  (`lernmi_dot` and `lernmi_dot_f32`, `LERNMI_TILE` and `LERNMI_TILE_F32`) is declared
  with the twin's name as its C name (Cython's `name "cname"`);
- every floating-point literal inside a function is cast to a C float, so that the C
  compiler works out `x * 0.5` in float, as numpy 2 does for a float32 x (a double literal
  would make the whole expression double, rounded only where it is stored).

What the copies cannot be told by a rewrite is in the source itself: each result of the C
library (exp, log, sqrt, ...) is `reals.rounded` where it is taken, and the constants that
depend on the type are reals'. docs/speed.md, "What float32 would take", has the why.

This module imports nothing of lernmi's, so that setup.py can load it before any of lernmi
is built.
"""

import io
import re
import tokenize
from pathlib import Path

PACKAGE = "_f32"  # the copies' package, in lernmi's

#: reals' lines that differ in the copy: each must be found in the source exactly once.
REALS = {
    "reals.pxd": [
        ("ctypedef double real ", "ctypedef float real  "),
        ('SMALLEST "DBL_MIN"', 'SMALLEST "FLT_MIN"'),
        ('TINY "1e-300"', 'TINY "FLT_MIN"'),
    ],
    "reals.py": [
        ("DTYPE = np.float64", "DTYPE = np.float32"),
        ("real = cython.double", "real = cython.float"),
        ("SMALLEST = 2.2250738585072014e-308", "SMALLEST = 1.1754943508222875e-38"),
        ("TINY = 1e-300", "TINY = 1.1754943508222875e-38"),
    ],
}

FLOAT_LITERAL = "cython.cast(cython.float, {})"


def compiled_modules(directory):
    """The names of the modules setup.py compiles: each X.py with an X.pxd beside it."""
    return sorted(p.stem for p in Path(directory).glob("*.pxd"))


def twins(directory):
    """The C names of vector.h and transposed.h that have a float twin: `lernmi_x` made
    by LV_NAME(x) or LT_NAME(x) (twin `lernmi_x_f32`), and each LERNMI_X defined beside a
    LERNMI_X_F32."""
    names = set()
    for header in sorted(Path(directory).glob("*.h")):
        text = re.sub(r"#\s*define\s+L[VT]_NAME.*", "", header.read_text())
        names.update("lernmi_" + n for n in re.findall(r"\bLV_NAME\((\w+)\)", text))
        names.update("lernmi_t_" + n for n in re.findall(r"\bLT_NAME\((\w+)\)", text))
        names.update(re.findall(r"#\s*define\s+(LERNMI_\w+)_F32\b", text))
    return names


def twin(name):
    return name + ("_F32" if name.isupper() else "_f32")


def _replaced(text, name, rules):
    for old, new in rules:
        if text.count(old) != 1:
            raise ValueError(f"the float copy's rule for {name} expects {old!r} once in it, "
                             f"and finds it {text.count(old)} times: _floats.REALS is out "
                             "of date")
        text = text.replace(old, new)
    return text


def _imports(line, modules):
    """A line of Python with its imports pointed at the copies: `from .X import` stays for
    a compiled X (the copy's own package holds it) and becomes `from ..X import` for any
    other; `from lernmi.X cimport` becomes `from lernmi._f32.X cimport`."""
    def relative(match):
        return match.group(0) if match.group(2) in modules else \
            f"{match.group(1)}from ..{match.group(2)}"

    def absolute(match):
        return match.group(0) if match.group(2) not in modules else \
            f"{match.group(1)}from lernmi.{PACKAGE}.{match.group(2)}"

    if re.match(r"\s*(c?import\s+lernmi\b|from\s+(lernmi|cython\.cimports\.lernmi|\.)\s+c?import"
                r"|from\s+cython\.cimports\.lernmi\b)", line):
        raise ValueError(f"a float copy points only `from .X import` and `from lernmi.X "
                         f"cimport` at the copies, not {line.strip()!r}")
    line = re.sub(r"^(\s*)from \.(\w+)", relative, line)
    return re.sub(r"^(\s*)from lernmi\.(\w+)", absolute, line)


def _declarations(line, names):
    """A line of a `cdef extern` block with each C name that has a float twin declared as
    the twin: `real lernmi_dot(...)` as `real lernmi_dot "lernmi_dot_f32"(...)`, and a
    name given in quotes ("LERNMI_TILE") as its twin's."""
    line = re.sub(r'"(\w+)"', lambda m: f'"{twin(m.group(1))}"' if m.group(1) in names
                  else m.group(0), line)
    return re.sub(r"\b(lernmi_\w+)(\s*\()", lambda m: f'{m.group(1)} "{twin(m.group(1))}"'
                  f"{m.group(2)}" if m.group(1) in names else m.group(0), line)


def _pxd_copy(text, modules, names):
    lines = []
    extern = False
    for line in text.splitlines(keepends=True):
        if line.strip() and not line[0].isspace() and not line.startswith("#"):
            extern = line.startswith("cdef extern")  # (a block ends at its next statement)
        lines.append(_declarations(line, names) if extern else _imports(line, modules))
    return "".join(lines)


def _literals(text):
    """Where each floating-point literal in the body of a function (def) lies: (row, start,
    end). Not those of a signature (its defaults are Python-level), nor one a source keeps
    double on purpose (``cython.cast(cython.double, 0.1)``, ``cython.declare(...)``)."""
    found = []
    level = 0  # the indentation, in INDENT tokens
    bodies = []  # the levels at which the open defs' bodies end
    signature = None  # the depth of brackets in a def's signature, while in one
    one_line = 0  # defs whose bodies are on their own line ("def f(x): return x"), open
    after_colon = False
    f_string = 0  # inside an f-string (Python 3.12 and later give its parts as tokens)
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        kind, string = token.type, token.string
        if kind == getattr(tokenize, "FSTRING_START", None):
            f_string += 1
        elif kind == getattr(tokenize, "FSTRING_END", None):
            f_string -= 1
        if after_colon:  # the token after a signature's colon: a body on the line, or not
            after_colon = False
            if kind == tokenize.NEWLINE:
                bodies.append(level)
            elif kind != tokenize.COMMENT:
                one_line += 1
        if kind == tokenize.INDENT:
            level += 1
        elif kind == tokenize.DEDENT:
            level -= 1
            while bodies and bodies[-1] >= level:
                bodies.pop()
        elif kind == tokenize.NEWLINE and one_line:
            one_line = 0
        elif kind == tokenize.NAME and string == "def":
            signature = 0
        elif signature is not None and kind == tokenize.OP:
            if string in "([{":
                signature += 1
            elif string in ")]}":
                signature -= 1
            elif string == ":" and signature == 0:
                signature, after_colon = None, True
        number = string.lower()
        if (kind == tokenize.NUMBER and signature is None and (bodies or one_line) and not f_string
                and not number.startswith(("0x", "0o", "0b")) and ("." in number or "e" in number)
                and not re.search(r"cython\.(cast|declare)\(cython\.double,\s*$",
                                  token.line[:token.start[1]])):
            found.append((token.start[0], token.start[1], token.end[1]))
    return found


def _py_copy(text, modules):
    """The Python source of a copy: its imports pointed at the copies, and each
    floating-point literal in a function's body (`_literals`) cast to a C float."""
    lines = [_imports(line, modules) for line in text.splitlines(keepends=True)]
    literals = _literals(text)
    if literals and not re.search(r"^import cython$", text, re.MULTILINE):
        raise ValueError(f"a float copy casts each floating-point literal in a function with "
                         f"cython.cast, but this module does not import cython: line "
                         f"{literals[0][0]}")
    for row, start, end in sorted(literals, reverse=True):  # right to left on each line
        line = lines[row - 1]
        lines[row - 1] = line[:start] + FLOAT_LITERAL.format(line[start:end]) + line[end:]
    return "".join(lines)


def float_copy(directory, filename):
    """The text of the float copy of `filename` (X.py or X.pxd) in lernmi's `directory`."""
    directory = Path(directory)
    text = (directory / filename).read_text()
    modules = set(compiled_modules(directory))
    text = _replaced(text, filename, REALS.get(filename, []))
    if filename.endswith(".pxd"):
        return _pxd_copy(text, modules, twins(directory))
    return _py_copy(text, modules)


def write_copies(directory, destination):
    """Writes the float copy of every compiled module of lernmi's `directory` into
    `destination`/lernmi/_f32 (with the __init__.py files that make it a package for
    Cython), rewriting only the files whose text changed, so that Cython sees what is new.
    Returns the paths of the copies' .py files."""
    package = Path(destination) / "lernmi" / PACKAGE
    package.mkdir(parents=True, exist_ok=True)
    for init in (package.parent / "__init__.py", package / "__init__.py"):
        if not init.exists():
            init.write_text("")
    sources = []
    for name in compiled_modules(directory):
        for filename in (name + ".pxd", name + ".py"):
            path = package / filename
            text = float_copy(directory, filename)
            if not path.exists() or path.read_text() != text:
                path.write_text(text)
        sources.append(package / (name + ".py"))
    return sources
