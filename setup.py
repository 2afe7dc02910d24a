"""Builds lernmi's compiled core: every src/lernmi/X.py that has an X.pxd beside it.

The compiler directives are set here and nowhere else. For debugging, build with
LERNMI_DEBUG_BUILD=1 (for example ``LERNMI_DEBUG_BUILD=1 pip install -e .``) to turn bounds,
negative-index and initialisation checks back on, so an out-of-range index raises
IndexError instead of reading the wrong memory. Release builds leave them off, and use no
CPU-specific compiler flags, so the wheels run on any machine of their platform.
"""

import os
from pathlib import Path

from Cython.Build import cythonize
from setuptools import Extension, setup

DEBUG = os.environ.get("LERNMI_DEBUG_BUILD", "") not in ("", "0")

DIRECTIVES = {
    "language_level": 3,
    "embedsignature": True,           # help() shows each signature
    "freethreading_compatible": True,  # importing lernmi leaves the GIL off on 3.13t and later
    "cdivision": True,
    "boundscheck": DEBUG,
    "wraparound": DEBUG,
    "initializedcheck": DEBUG,
}

compiled = sorted(pxd.with_suffix(".py") for pxd in Path("src/lernmi").glob("*.pxd"))
extensions = [Extension(f"lernmi.{source.stem}", [str(source)]) for source in compiled]

setup(ext_modules=cythonize(extensions, compiler_directives=DIRECTIVES,
                            include_path=["src"]))
