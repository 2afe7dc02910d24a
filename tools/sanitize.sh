#!/usr/bin/env bash
# lernmi built with AddressSanitizer and UndefinedBehaviorSanitizer (LERNMI_SANITIZE=1, see
# setup.py), in a fresh virtual environment, and the whole test suite run under them: any
# out-of-bounds access, use after free or undefined operation stops it with a report.
# Then the many-thread stress test (tools/stress.py) and every fuzz target (tools/fuzz.sh,
# LERNMI_FUZZ_SECONDS each, 30 by default) run under them too. Run it from anywhere; .ci/run
# runs it. Extra arguments go to pytest (for example -x or a test file). With
# LERNMI_SANITIZE_VENV=FOLDER the sanitizer build is made there and kept.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
venv="${LERNMI_SANITIZE_VENV:-$scratch/venv}"
python3 -m venv "$venv"
# shellcheck disable=SC1091
. "$venv/bin/activate"
# GCC's sanitizers, whose runtimes are preloaded below, whatever compiler CC names.
CC=gcc LERNMI_SANITIZE=1 pip install --quiet ".[test-core]" atheris

# CPython is not built with the sanitizers, so their runtimes (GCC's, as the extension was
# compiled with) go in first. Python keeps memory to the end on purpose, so leak reports
# would be noise: detect_leaks=0. An allocation over 2 GiB fails as it would on a small
# machine (numpy raises MemoryError), instead of ASan stopping the process. PYTHONMALLOC:
# Python's objects (Neurons, Links, memoryviews) from malloc, where ASan sees each one, so
# that one used after it is freed is caught too.
asan="$(gcc -print-file-name=libasan.so)"
ubsan="$(gcc -print-file-name=libubsan.so)"
for runtime in "$asan" "$ubsan"; do
    [ -f "$runtime" ] || { echo "sanitize.sh: no $runtime (install GCC's sanitizer runtimes)"; exit 1; }
done
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:strict_string_checks=1:allocator_may_return_null=1:max_allocation_size_mb=2048"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export PYTHONMALLOC=malloc
# Not the real MNIST: its tests check the example's numbers over six epochs, which the
# ordinary run does; here, five times slower, they would take longer than their timeout.
unset LERNMI_DATA_DIR
# Nor the tests' second run of lernmi from its Python source (tests/conftest.py), which calls
# none of lernmi's C: the ordinary run has them. Half the suite's time here.
export LERNMI_TEST_COMPILED_ONLY=1

# The tests run the installed, sanitized lernmi (tests/test_install.py checks which one);
# the programs they start (python, gcc) inherit the preloaded runtimes, which is harmless.
run() { LD_PRELOAD="$asan $ubsan" "$@"; }
run python -c "import lernmi, sys; sys.exit(0 if 'site-packages' in lernmi.__file__ else 1)"
# ... and the sanitized build, not a release build's modules left in build/.
module="$(run python -c 'import lernmi.link as m; print(m.__file__)')"
nm -D "$module" | grep __asan_init > /dev/null \
    || { echo "sanitize.sh: $module is not built with AddressSanitizer"; exit 1; }
# An exception a C function could only print ("Exception ignored") fails the run too.
run python -m pytest -p no:cacheprovider -q -n auto \
    -W error::pytest.PytestUnraisableExceptionWarning "$@"
run python tools/stress.py --seconds 20
run bash tools/fuzz.sh "${LERNMI_FUZZ_SECONDS:-30}"
echo "sanitize.sh: no sanitizer report"
