"""The benchmark scripts still run and print their tables: a smoke test that keeps them from
rotting. It runs each on a few random samples and checks no time: benchmarks are not tests."""

import importlib.util
import pathlib
import platform
import shutil
import subprocess
import sys

import pytest

BENCHMARKS = pathlib.Path(__file__).parent.parent / "benchmarks"


@pytest.mark.parametrize("script, arguments, header, lernmi_row", [
    ("epoch.py", ["--samples", "200", "--repeat", "1", "--sizes", "784-30-10",
                  "--object-samples", "1", "--skip-torch", "--optimizer-sizes", "784-30-10"],
     "| network ", "| 784-30-10 | lernmi "),
    ("epoch.py", ["--samples", "200", "--repeat", "1", "--sizes", "784-30-10",
                  "--object-samples", "0", "--skip-torch", "--optimizer-sizes", "784-30-10",
                  "--batch", "8"],
     "| network | optimizer ", "| 784-30-10 | Adam | 8 "),
    ("threads.py", ["--samples", "200", "--repeat", "1", "--shared-sizes", ""],
     "| training ", "| in two threads (threading.Thread) "),
    ("threads.py", ["--samples", "200", "--repeat", "1", "--shared-sizes", "784-40-20-10",
                    "--shared-samples", "300"],
     "| network | 1 thread ", "| 784-40-20-10 | "),
    ("startup.py", ["--repeat", "1"],
     "| measure ", "| build Network([784, 800, 10]) "),
    ("time_to_accuracy.py", ["--samples", "200", "--repeat", "1", "--skip-torch"],
     "| | seconds to 98% ", "| lernmi (examples/mnist.py: "),
    pytest.param("time_to_accuracy.py", ["--samples", "200", "--repeat", "1",
                                         "--torch-epochs", "1"],
                 "| | seconds to 98% ", "lernmi's whole example run / PyTorch's seconds to 98%: ",
                 marks=pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                                          reason="needs PyTorch")),
    pytest.param("sweep.py", ["--samples", "300", "--epochs", "1", "--repeat", "1"],
                 "| search ", "| two jobs in threads (threading) ",
                 marks=pytest.mark.skipif(importlib.util.find_spec("sklearn") is None,
                                          reason="sweep.py needs scikit-learn")),
])
def test_benchmark_prints_its_table(script, arguments, header, lernmi_row):
    result = subprocess.run([sys.executable, str(BENCHMARKS / script), "--random-data",
                             *arguments], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]  # unpadded
    assert any(line.startswith(header) for line in lines), result.stdout
    assert any(line.startswith(lernmi_row) for line in lines), result.stdout


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="needs PyTorch")
def test_time_to_accuracy_can_give_pytorch_lernmis_float64():
    result = subprocess.run([sys.executable, str(BENCHMARKS / "time_to_accuracy.py"),
                             "--random-data", "--samples", "200", "--repeat", "1",
                             "--torch-epochs", "1", "--torch-dtype", "float64"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| PyTorch ")]
    assert len(rows) == 1 and ", batch 128, float64, " in rows[0], result.stdout


@pytest.mark.parametrize("numbers", ["float64", "float32"])
def test_kernels_benchmark_times_both_kernels_or_says_why_not(numbers):
    # Where transposed.h's kernels run (x86-64 Linux, a C compiler, AVX-512), a table of
    # both, for doubles or (--float32) floats; elsewhere one line saying why nothing was timed.
    floats = numbers == "float32"
    result = subprocess.run([sys.executable, str(BENCHMARKS / "kernels.py"), "--random-data",
                             "--batch", "40", "--batches", "2", "--runs", "2", "--repeat", "2",
                             *(["--float32"] if floats else [])],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    if any(line.startswith("Not timed: ") for line in lines):
        if "could not build kernels.c" in result.stdout:  # (as test_vector_h's builds)
            pytest.skip(f"this machine's compiler does not build kernels.c: {result.stdout}")
        assert platform.system() != "Linux" or platform.machine() != "x86_64" \
            or not (shutil.which("gcc") or shutil.which("cc")) \
            or " avx512f" not in pathlib.Path("/proc/cpuinfo").read_text(), result.stdout
        return
    suffix = "_f32" if floats else ""
    assert any(line.startswith(f"| run | lernmi_t_forward{suffix} | lernmi_t_gradient{suffix} |")
               for line in lines), result.stdout
    assert f"weights ({numbers})" in result.stdout, result.stdout
    median = next(line for line in lines if line.startswith("| **median** of 2 runs |"))
    assert median.count(" us (") == 2, result.stdout  # a time for each kernel
