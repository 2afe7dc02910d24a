"""Builds lernmi's compiled core: every src/lernmi/X.py that has an X.pxd beside it.

The compiler directives are set here and nowhere else. The loops (LOOP_MODULES: the
activations, the costs, propagation along a layer of links, its deferred step, the steps,
and a whole network's loops) run with Cython's safety checks off: they trust their callers,
which check every shape and index first. The modules of the objects a learner holds
(stores, neuron, link, layers) keep Cython's default checks and add `nonecheck`, so misuse
such as a Neuron made with Neuron.__new__ and never __init__ raises an exception instead of
crashing.

For debugging, build with LERNMI_DEBUG_BUILD=1 (for example ``LERNMI_DEBUG_BUILD=1 pip
install .``) to turn the checks back on in the loops too, so an out-of-range index is
reported as an IndexError instead of reading the wrong memory (the runs of numbers handed
to vector.h's kernels are checked only where they start). No build uses CPU-specific
compiler flags, so a wheel runs on any machine of its platform.

Modules compiled with the loops' directives must keep Python-level code out of them, or
mark it ``@cython.boundscheck(True)`` as activations.py, costs.py and network_loops.py do:
without bounds checks even a list's index goes unchecked.

For hardening, build with LERNMI_SANITIZE=1: the release build's directives, its C also
compiled with AddressSanitizer and UndefinedBehaviorSanitizer, which stop the process at
the first out-of-bounds access, use after free or undefined operation. (Not Cython's
bounds checks in the loops: in a function that cannot raise, an index error would only be
printed as "Exception ignored", and the wrong access the sanitizers exist to catch would
never happen.)
Python itself is not built with them, so their runtimes must be loaded first:
tools/sanitize.sh builds such a lernmi in a fresh virtual environment and runs the tests
with them.

To see the C each line became, build with LERNMI_ANNOTATE=1: Cython writes
build/cython-release/src/lernmi/X.html for each compiled module (white lines are pure C;
the yellower a line, the more it calls into Python). The C itself is written there too,
and a debug build's to build/cython-debug/, so that neither reuses the other's.
"""

import importlib.util
import os
from pathlib import Path

from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

def switch(name):
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


DEBUG = switch("LERNMI_DEBUG_BUILD")
SANITIZE = switch("LERNMI_SANITIZE")
KIND = "sanitize" if SANITIZE else "debug" if DEBUG else "release"
ANNOTATE = switch("LERNMI_ANNOTATE")

EVERY_MODULE = {
    "language_level": 3,
    "embedsignature": True,            # help() shows each signature
    "freethreading_compatible": True,  # importing lernmi leaves the GIL off on 3.13t and later
}
OBJECT_MODULES = {"nonecheck": True}
LOOP_MODULES = {"activations", "costs", "propagation", "deferred", "steps", "network_loops",
                "learning_loops", "rooms", "team", "transposed"}
LOOPS = {"boundscheck": DEBUG, "wraparound": DEBUG, "initializedcheck": DEBUG, "cdivision": True}


# The loops' C: optimised so that the compiler vectorises vector.h's loops, and with no
# multiply-add fused into one rounding, so that every CPU gives the same numbers (vector.h).
# sqrt need not set errno, so that Adam's step vectorises (sqrt is exactly rounded either
# way: only errno, which nothing reads, is left alone).
LOOP_FLAGS = {"unix": ["-O3", "-ffp-contract=off", "-fno-math-errno"],
              "msvc": ["/O2", "/fp:precise"]}

# With GCC, each loop also starts on a 64-byte boundary, so that a short hot loop (a weight
# update is four instructions) never straddles two of the lines the CPU fetches code in.
# Where it landed used to be luck: measured on AMD EPYC, the same 784-30-10 epoch took up
# to 15% longer when vector.h's update loop crossed a line.
GCC_LOOP_FLAGS = ["-falign-loops=64"]

# Every module: no debugging information, which Python's own flags (-g) would add and which
# made each compiled module 1 to 2 MB (function names stay, for profilers). A debug build
# keeps it.
SMALL_FLAGS = {"unix": ["-g0"]}

# LERNMI_SANITIZE=1: every module compiled and linked with the sanitizers, the frame
# pointers kept and line numbers added so that a report names the line, and any undefined
# operation fatal (not only reported).
SANITIZE_FLAGS = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all",
                  "-fno-omit-frame-pointer", "-g"]
# And a team's threads sleep at once wherever they wait for each other (team.h's
# LERNMI_SPINS): on a machine with a core for every thread, their waits are mostly over
# before a sleep, so that the sleeping and waking is checked too.
SANITIZE_DEFINES = ["-DLERNMI_SPINS=1"]


def cores():
    """The cores this process may run on (fewer than the machine's, in a container or
    under taskset)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


class BuildExt(build_ext):
    """Adds LOOP_FLAGS (and GCC_LOOP_FLAGS) and SMALL_FLAGS for the compiler in use, and
    compiles the modules side by side, one a core, with GCC or Clang."""

    def build_extensions(self):
        # Unless build_ext -j N asked for N. Not with MSVC (or MinGW): distutils' MSVC
        # compiler sets itself up on its first use, and two threads may both do it at once.
        if self.parallel is None and self.compiler.compiler_type == "unix":
            self.parallel = cores()
        super().build_extensions()

    def build_extension(self, ext):
        compiler = self.compiler.compiler_type
        flags = []
        if ext.name.split(".")[-1] in LOOP_MODULES:
            flags += LOOP_FLAGS.get(compiler, [])
            if compiler == "unix" and "gcc" in os.path.basename(self.compiler.compiler_so[0]):
                flags += GCC_LOOP_FLAGS
        ext.extra_compile_args = flags + ([] if DEBUG or SANITIZE
                                          else SMALL_FLAGS.get(compiler, []))
        if SANITIZE:
            if compiler != "unix":
                raise RuntimeError("LERNMI_SANITIZE=1 needs GCC or Clang")
            ext.extra_compile_args += SANITIZE_FLAGS + SANITIZE_DEFINES
            ext.extra_link_args = SANITIZE_FLAGS
        super().build_extension(ext)


# The float32 copies of the compiled modules (lernmi._f32), written from their source by
# src/lernmi/_floats.py into a folder of the build's (they are never in the source tree).
FLOAT_SOURCE = "build/float-source"


def float_copies():
    """Writes lernmi._f32's sources (only those that changed) and returns their .py files."""
    spec = importlib.util.spec_from_file_location("lernmi_floats", "src/lernmi/_floats.py")
    floats = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(floats)
    return floats.write_copies("src/lernmi", FLOAT_SOURCE)


def extension(source, package="lernmi"):
    name = source.stem
    directives = {**EVERY_MODULE, **(LOOPS if name in LOOP_MODULES else OBJECT_MODULES)}
    headers = sorted(str(h) for h in Path("src/lernmi").glob("*.h"))  # vector.h, team.h
    module = Extension(f"{package}.{name}", [str(source.with_suffix(".py"))],
                       include_dirs=["src/lernmi"], depends=headers)
    # Each kind of build writes its C to a folder of its own, so that a debug build never
    # reuses the C of a release build (Cython regenerates C only when the source is newer:
    # annotating, every module's, for its page).
    return cythonize([module], compiler_directives=directives,
                     include_path=["src", FLOAT_SOURCE], annotate=ANNOTATE, force=ANNOTATE,
                     build_dir=f"build/cython-{KIND}")[0]


# ... and compiles into a folder of its own: setuptools skips a module whose compiled file
# is newer than its C, which would otherwise hand one kind's modules to another.
# transposed.py and its float copy come first: with the sanitizers its AVX-512 kernels took
# the longest to compile (62 s of 360 s), and started last they would compile alone at the
# end. On 2 cores, side by side, a release build took 45 s instead of 69 s, and pip's
# sanitizer build 162 s instead of 290 s (before the float copies, which double the work).
MODULES = [(pxd, "lernmi") for pxd in Path("src/lernmi").glob("*.pxd")] \
    + [(copy, "lernmi._f32") for copy in float_copies()]
SLOWEST_FIRST = sorted(MODULES, key=lambda m: (m[0].stem != "transposed", m[0].stem, m[1]))
setup(ext_modules=[extension(source, package) for source, package in SLOWEST_FIRST],
      cmdclass={"build_ext": BuildExt},
      options={"build": {"build_base": f"build/{KIND}"}})
