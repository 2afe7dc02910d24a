#!/usr/bin/env bash
# The documentation site built (tools/docs.sh) and opened in headless Chromium: the front
# page, an API page and the Playground notebook's page must load without a console error or
# a missing image (tests/test_browser.py). Screenshots go to build/screenshots. Run it in an
# environment with lernmi and its docs extra installed (pip install ".[docs]"); Chromium and
# its driver come from Debian's packages, installed here when missing and run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium > /dev/null || ! command -v chromedriver > /dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq chromium chromium-driver > /dev/null
    else
        echo "browser.sh: needs chromium and chromedriver (Debian: apt-get install chromium chromium-driver)"
        exit 1
    fi
fi

bash tools/docs.sh
LERNMI_SITE_DIR=build/site LERNMI_SCREENSHOT_DIR=build/screenshots \
    python -m pytest -p no:cacheprovider -q tests/test_browser.py
