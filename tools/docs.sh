#!/usr/bin/env bash
# Build lernmi's site from this checkout into build/site (open build/site/index.html).
#
# Usage: bash tools/docs.sh
#
# Runs in the current environment, which must have lernmi and the docs extra installed:
# CI does `pip install ".[docs]"` in a fresh virtual environment first. Sphinx documents
# the lernmi it imports, and myst-nb runs the tour and the playground, so a failing cell
# fails the build. So does any warning (-W), every one of them reported first
# (--keep-going). The tour's MNIST chapter reads the digits from LERNMI_DATA_DIR when it is
# set, and otherwise downloads them once.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m sphinx -W --keep-going -b html docs build/site
