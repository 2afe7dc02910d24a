"""tools/stress.py, the many-thread stress test, still runs and checks what it says: a few
seconds of it here (CI runs it for a minute, and on free-threaded Python too)."""

import pathlib
import subprocess
import sys

import pytest

STRESS = pathlib.Path(__file__).parent.parent / "tools" / "stress.py"


@pytest.mark.skipif(not STRESS.exists(), reason="tools/ is not beside these tests")
def test_many_threads_on_one_network_for_a_few_seconds():
    result = subprocess.run([sys.executable, str(STRESS), "--seconds", "3", "--threads", "4"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "ok" and any(line.startswith("mixed use: ") for line in lines)
    assert int(lines[1].split()[2].replace(",", "")) > 0  # calls made in the mixed part
