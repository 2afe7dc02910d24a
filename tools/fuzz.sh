#!/usr/bin/env bash
# Run every fuzz target in fuzz/ (atheris, coverage-guided: see fuzz/common.py) for SECONDS
# each (default 30), with the Python on PATH, from the checked-in seed corpus. What libFuzzer
# finds goes to a scratch folder; a crash, a sanitizer report or an exception that lernmi does
# not document fails the run, and the input that caused it is kept in fuzz-findings/.
# tools/sanitize.sh runs it in its sanitizer build (LD_PRELOAD set), which is where it
# belongs; `pip install atheris` first to run it by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p fuzz-findings
for target in fuzz/*.py; do
    name="$(basename "$target" .py)"
    [ "$name" = common ] && continue
    mkdir -p "$scratch/$name"
    seeds=()
    [ -d "fuzz/corpus/$name" ] && seeds=("fuzz/corpus/$name")
    echo "fuzz.sh: $name for $seconds s"
    # libFuzzer calls any single allocation over 2 GB a crash; a size a user may ask for
    # (10**9 neurons) should instead fail as Python does, with MemoryError, which the
    # sanitizer build's allocator gives past 2 GB (tools/sanitize.sh). Hence the limits;
    # and an input that runs for a minute is a finding (a hang).
    if ! python "$target" -max_total_time="$seconds" -max_len=16384 -timeout=60 \
            -malloc_limit_mb=4096 -rss_limit_mb=6144 \
            -artifact_prefix="fuzz-findings/$name-" "$scratch/$name" "${seeds[@]}" \
            > "$scratch/$name.log" 2>&1; then
        tail -60 "$scratch/$name.log"
        echo "fuzz.sh: $name found a problem; the input is in fuzz-findings/"
        exit 1
    fi
    grep -E "^Done [0-9]+ runs" "$scratch/$name.log" || true
done
rmdir fuzz-findings 2>/dev/null || true
