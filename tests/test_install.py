"""How lernmi is installed: the wheel's tests import the installed package, and on a
free-threaded Python importing it leaves the GIL off.

tools/check_release.sh and cibuildwheel set LERNMI_EXPECT_INSTALLED=1 when they test an
installed wheel, so a test run that picked up src/ by mistake fails instead of passing.
"""

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import lernmi

CHECKOUT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(os.environ.get("LERNMI_EXPECT_INSTALLED") != "1",
                    reason="set LERNMI_EXPECT_INSTALLED=1 when testing an installed wheel")
def test_lernmi_is_imported_from_site_packages():
    package = Path(lernmi.__file__).resolve().parent
    site_packages = {Path(sysconfig.get_path(kind)).resolve() for kind in ("purelib", "platlib")}
    assert package.parent in site_packages, f"lernmi imported from {package}"
    assert CHECKOUT not in package.parents, f"lernmi imported from the checkout: {package}"
    assert lernmi.COMPILED


@pytest.mark.skipif(not sysconfig.get_config_var("Py_GIL_DISABLED"),
                    reason="this Python is not a free-threaded build")
def test_importing_lernmi_leaves_the_gil_disabled():
    # A fresh interpreter: this one has imported pytest and whatever else by now. Any
    # compiled module not declared free-threading safe would turn the GIL back on.
    env = {name: value for name, value in os.environ.items() if name != "PYTHON_GIL"}
    code = "import sys, lernmi; print(sys._is_gil_enabled())"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, check=True)
    assert result.stdout.strip() == "False", result.stderr
