"""vector.h's batch tiles, and transposed.h's kernels, add every sum in the same order as
vector.h's plain loops; and those loops work out each number as the plain arithmetic does,
one operation at a time, in doubles and in floats.

tests/c/tiles.c compares the tiles sum by sum, bit for bit, over 300 shapes of random
numbers, tests/c/transposed.c the kernels over 2,103, and tests/c/loops.c the plain loops
(the sums, the axpys, the neurons' runs, the optimisers' steps) over 2,000, each in doubles
and (its floats' build) in floats; here each is compiled as each CPU and compiler would
build it: without optimisation, for SSE2, AVX2 and this CPU, without GCC's vector types
(the plain C that MSVC compiles), under the address and undefined-behaviour sanitizers,
and by Clang and against musl where they are installed; a warning fails the build (in
floats, vector.h warns of any float promoted to double). Each build checks the tiles in
every width of vector it has that this CPU can run. The compiled-against-uncompiled tests check the same through whole networks, but only for
the one build this machine made.
"""

import os
import pathlib
import platform
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).parent.parent
HEADER = ROOT / "src" / "lernmi" / "vector.h"
COMPILER = shutil.which("gcc") or shutil.which("cc")
X86 = platform.machine().lower() in ("x86_64", "amd64", "i686", "i386")
CPUINFO = pathlib.Path("/proc/cpuinfo")
AVX2 = platform.machine() == "x86_64" and CPUINFO.exists() and " avx2" in CPUINFO.read_text()
LINUX_X86 = platform.machine() == "x86_64" and platform.system() == "Linux"
BUILDS = [["-O0"], ["-O2"], ["-O3", "-march=native"], ["-O2", "-DLERNMI_NO_VECTORS"],
          *([["-O3", "-mavx2"]] if X86 else [])]
# Clang too where there is one (vector.h gives it no target_clones, which it refuses there),
# and GCC with musl's C library (Alpine's; musllinux wheels), which has no ifunc
BUILDS += [["clang", "-O2"], ["clang", "-O3", "-march=native"], ["musl-gcc", "-O2"]]
# and under AddressSanitizer and UndefinedBehaviorSanitizer: every read and write in bounds
SANITIZED = ["-O1", "-fsanitize=address,undefined", "-fno-sanitize-recover=all"]
BUILDS += [SANITIZED, SANITIZED + ["-DLERNMI_NO_VECTORS"]]
# each test in doubles, and in floats: vector.h's and transposed.h's loops for float32
FLOATS = {"doubles": [], "floats": ["-DLERNMI_TEST_FLOATS"]}

# Every test here compiles a program of tests/c, in each build and each type of number.
pytestmark = [pytest.mark.skipif(COMPILER is None, reason="needs a C compiler (gcc or cc)"),
              pytest.mark.skipif(not HEADER.exists(),
                                 reason="needs the source tree's src/lernmi/vector.h")]
EVERY_BUILD = pytest.mark.parametrize("flags", BUILDS, ids=" ".join)
BOTH_TYPES = pytest.mark.parametrize("numbers", list(FLOATS))


def built(tmp_path, flags, test, defines=()):
    """tests/c/<test>.c compiled with `flags` (first, perhaps, the compiler: clang or
    musl-gcc) and `defines` (-D...), or a skip if this machine has no such compiler or it
    takes no such flags."""
    program = tmp_path / test
    compiler = COMPILER
    if flags[0] in ("clang", "musl-gcc"):
        name, flags = flags[0], flags[1:]
        compiler = shutil.which(name)
        if compiler is None:
            pytest.skip(f"no {name} here")
    made = subprocess.run([compiler, *flags, *defines, "-ffp-contract=off", "-Wall", "-Werror",
                           f"-I{HEADER.parent}", "-o", str(program),
                           str(ROOT / "tests" / "c" / f"{test}.c"), "-lm"],
                          capture_output=True, text=True)
    if made.returncode != 0 and ("-march=native" in flags or flags == SANITIZED) and any(
            word in made.stderr for word in ("unrecognized", "unsupported", "unknown",
                                             "cannot find")):
        pytest.skip(f"this compiler does not take {flags}")
    assert made.returncode == 0, made.stderr
    # nor any warning -Werror leaves one (vector.h's pragmas: a float promoted to double)
    assert "warning" not in made.stderr, made.stderr
    # (not under a sanitizer runtime preloaded for Python, which a musl program cannot load)
    env = {key: value for key, value in os.environ.items() if key != "LD_PRELOAD"}
    return subprocess.run([str(program)], capture_output=True, text=True,
                          env={**env, "ASAN_OPTIONS": "detect_leaks=0"})


@EVERY_BUILD
@BOTH_TYPES
def test_the_tiles_give_the_plain_loops_sums_bit_for_bit(tmp_path, flags, numbers):
    ran = built(tmp_path, flags, "tiles", FLOATS[numbers])
    assert ran.stdout.startswith("0 mismatches in "), ran.stdout + ran.stderr
    widths = ran.stdout.split("tile widths:")[1].split(";")[0].split()
    assert int(ran.stdout.split("left out in ")[1].split()[0]) > 500  # leaving out was tried
    # every build checks the narrowest width (16 bytes: two doubles, four floats), and any
    # wider one this CPU can run
    per = 2 if numbers == "doubles" else 4
    assert widths[-1] == ("1" if "-DLERNMI_NO_VECTORS" in flags else str(per)), ran.stdout
    if AVX2 and "-DLERNMI_NO_VECTORS" not in flags:  # x86-64 Linux picks it, musl or glibc
        assert str(2 * per) in widths, ran.stdout
    assert int(ran.stdout.split()[3]) > 90_000 * len(widths)  # every shape was checked
    assert ran.returncode == 0


@EVERY_BUILD
@BOTH_TYPES
def test_the_transposed_kernels_give_the_plain_loops_numbers_bit_for_bit(tmp_path, flags,
                                                                         numbers):
    # transposed.h's kernels exist only where vector.h picks the tiles' widths as they run
    # (x86-64 Linux with GCC's vector types), and run only on CPUs with AVX-512; the
    # floats' against the same plain loops in floats (tests/c/transposed.c).
    ran = built(tmp_path, flags, "transposed", FLOATS[numbers])
    if LINUX_X86 and "-DLERNMI_NO_VECTORS" not in flags:
        if ran.stdout.startswith("this CPU has no AVX-512"):
            pytest.skip("this CPU has no AVX-512")
        assert ran.stdout.startswith("0 mismatches in "), ran.stdout + ran.stderr
        assert int(ran.stdout.split()[3]) > 20_000_000  # every trial ran
    else:
        assert ran.stdout == "not built\n", ran.stdout + ran.stderr
    assert ran.returncode == 0


@EVERY_BUILD
@BOTH_TYPES
def test_the_plain_loops_give_each_operations_numbers_bit_for_bit(tmp_path, flags, numbers):
    ran = built(tmp_path, flags, "loops", FLOATS[numbers])
    assert ran.stdout.startswith("0 mismatches in "), ran.stdout + ran.stderr
    assert int(ran.stdout.split()[3]) > 5_000_000  # every trial ran
    assert ran.returncode == 0
