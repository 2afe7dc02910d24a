"""Fixtures: lernmi compiled and lernmi run from its Python source, side by side.

Tests that take the `lernmi` fixture run twice: once against the installed package as
imported normally (compiled), once against a second copy of it, `lernmi_source`, whose core
modules are loaded from their .py files, which is what LERNMI_PURE_PYTHON=1 does for a user.

LERNMI_TEST_COMPILED_ONLY=1 skips the second run: tools/sanitize.sh sets it, because code run
from source calls none of lernmi's C, which is what the sanitizers are there to watch. (Tests
that compare the two, taking `compiled` and `source`, still run.)
"""

import importlib.util
import os
import sys

import pytest

import lernmi as installed
from lernmi._source import SourceFinder

SOURCE_NAME = "lernmi_source"


def load_source_copy():
    """The installed lernmi package again, as `lernmi_source`, its core run from source."""
    if SOURCE_NAME not in sys.modules:
        directory = os.path.dirname(installed.__file__)
        sys.meta_path.insert(0, SourceFinder(SOURCE_NAME, directory))
        spec = importlib.util.spec_from_file_location(
            SOURCE_NAME, os.path.join(directory, "__init__.py"),
            submodule_search_locations=[directory])
        module = importlib.util.module_from_spec(spec)
        sys.modules[SOURCE_NAME] = module
        spec.loader.exec_module(module)
    return sys.modules[SOURCE_NAME]


@pytest.fixture(scope="session")
def compiled():
    return installed


@pytest.fixture(scope="session")
def source():
    return load_source_copy()


@pytest.fixture(params=["compiled", "source"], scope="session")
def lernmi(request):
    """The lernmi package, compiled and then run from source."""
    if request.param == "source" and os.environ.get("LERNMI_TEST_COMPILED_ONLY") == "1":
        pytest.skip("LERNMI_TEST_COMPILED_ONLY=1: run from source, it calls none of lernmi's C")
    return installed if request.param == "compiled" else load_source_copy()
