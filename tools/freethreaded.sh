#!/usr/bin/env bash
# lernmi on free-threaded Python, for real: builds CPython 3.13 with `./configure
# --disable-gil` from the source Debian serves (its hash pinned below, as Debian's signed
# Sources index gives it), then, in a fresh virtual environment of it, installs lernmi with
# its test extra, checks that importing lernmi leaves the GIL off, and runs the whole test
# suite and the many-thread stress test (tools/stress.py). .ci/run runs it.
#
# The interpreter is built once into $LERNMI_FREETHREADED_HOME (by default
# ~/.cache/lernmi/python3.13t) and reused while it is there: about 6 minutes on two cores
# the first time. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=3.13.5
SOURCE="http://deb.debian.org/debian/pool/main/p/python3.13/python3.13_${VERSION}.orig.tar.xz"
SHA256=93e583f243454e6e9e4588ca2c2662206ad961659863277afcdb96801647d640
home="${LERNMI_FREETHREADED_HOME:-$HOME/.cache/lernmi/python3.13t}"
python="$home/bin/python3.13t"
# What the tests and pip need of the interpreter; a build without one of them is not kept.
needed="import sys, ssl, zlib, lzma, bz2, ctypes; sys.exit(sys._is_gil_enabled())"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# Reused only if a build finished (the marker is written last) and works.
if [ ! -f "$home/.complete" ] || ! "$python" -c "$needed" 2>/dev/null; then
    rm -rf "$home"
    echo "freethreaded.sh: building free-threaded CPython $VERSION into $home"
    curl --fail --silent --show-error --location "$SOURCE" -o "$scratch/source.tar.xz"
    echo "$SHA256  $scratch/source.tar.xz" | sha256sum --check --quiet -
    tar -xJf "$scratch/source.tar.xz" -C "$scratch"
    (
        cd "$scratch/Python-$VERSION"
        ./configure --disable-gil --prefix="$home" --with-ensurepip=install \
            --disable-test-modules > "$scratch/configure.log" 2>&1 \
            || { tail -40 "$scratch/configure.log"; exit 1; }
        make -j"$(nproc)" > "$scratch/make.log" 2>&1 || { tail -40 "$scratch/make.log"; exit 1; }
        make altinstall > "$scratch/install.log" 2>&1 || { tail -40 "$scratch/install.log"; exit 1; }
    )
    "$python" -c "$needed" || { echo "freethreaded.sh: the build lacks a module"; exit 1; }
    touch "$home/.complete"
fi

"$python" -m venv "$scratch/venv"
# shellcheck disable=SC1091
. "$scratch/venv/bin/activate"
# Binary wheels even where a newer release has only its source (numpy, say, which would take
# many minutes to build for 3.13t): the tests need working packages, not the newest.
pip install --quiet --prefer-binary ".[test-core]"
python - <<'EOF'
import sys
import lernmi  # a module that did not declare itself free-threading safe would turn the GIL on
assert not sys._is_gil_enabled(), "importing lernmi turned the GIL on"
print(f"lernmi {lernmi.__version__} on {sys.version.split()[0]}, free-threaded, GIL off")
EOF
python -m pytest -p no:cacheprovider -q -n auto "$@"
python tools/stress.py --seconds 30
