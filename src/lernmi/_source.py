"""Run lernmi's compiled modules from their Python source instead.

Every compiled module of lernmi is a plain .py file beside its .pxd; Cython compiles it,
and Python can run it as it is. Python's import system prefers the compiled module when
both are there, so this finder, put first on sys.meta_path, hands out the .py instead.
Running the source needs Cython installed (its `cython` module stands in for the C types).
"""

import importlib.abc
import importlib.util
import os


class SourceFinder(importlib.abc.MetaPathFinder):
    """Finds `package`.X as the file X.py in `directory` when X is compiled, which is when
    an X.pxd lies beside it (setup.py compiles exactly those modules)."""

    def __init__(self, package, directory):
        self.package = package
        self.directory = directory

    def find_spec(self, name, path=None, target=None):
        package, _, module = name.rpartition(".")
        source = os.path.join(self.directory, module)
        if package != self.package or not os.path.exists(source + ".pxd"):
            return None
        return importlib.util.spec_from_file_location(name, source + ".py")
