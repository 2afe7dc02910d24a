"""Run lernmi's compiled modules from their Python source instead.

Every compiled module of lernmi is a plain .py file beside its .pxd; Cython compiles it,
and Python can run it as it is. Python's import system prefers the compiled module when
both are there, so this finder, put first on sys.meta_path, hands out the .py instead, and
for each float32 copy (lernmi._f32.X) the text setup.py compiles for it (_floats.py).
Running the source needs Cython installed (its `cython` module stands in for the C types).
"""

import importlib.abc
import importlib.util
import os

from . import _floats


class SourceFinder(importlib.abc.MetaPathFinder):
    """Finds `package`.X as the file X.py in `directory` when X is compiled, which is when
    an X.pxd lies beside it (setup.py compiles exactly those modules), and
    `package`._f32.X as the float copy of X.py."""

    def __init__(self, package, directory):
        self.package = package
        self.directory = directory

    def find_spec(self, name, path=None, target=None):
        package, _, module = name.rpartition(".")
        source = os.path.join(self.directory, module)
        if not os.path.exists(source + ".pxd"):
            return None
        if package == self.package:
            return importlib.util.spec_from_file_location(name, source + ".py")
        if package == f"{self.package}.{_floats.PACKAGE}":
            return importlib.util.spec_from_loader(name, FloatCopyLoader(self.directory,
                                                                         module))
        return None


class FloatCopyLoader(importlib.abc.Loader):
    """Runs the float copy of `module`.py, as setup.py writes it for Cython; its lines are
    the source's, so that a traceback shows the line of X.py that failed."""

    def __init__(self, directory, module):
        self.directory = directory
        self.module = module

    def exec_module(self, module):
        path = os.path.join(self.directory, self.module + ".py")
        module.__file__ = path
        text = _floats.float_copy(self.directory, self.module + ".py")
        exec(compile(text, path, "exec"), module.__dict__)
