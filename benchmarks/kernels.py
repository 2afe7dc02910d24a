"""The two kernels of the input layer held transposed, timed alone in C, on MNIST batches.

    python benchmarks/kernels.py [--rows 112] [--batch 128] [--batches 64] [--runs 8]
                                 [--repeat 5] [--random-data]

Compiles kernels.c (beside this file) against the checkout's src/lernmi/transposed.h with
the C compiler that builds lernmi's extensions on Linux (gcc or cc, -O3 -march=native
-ffp-contract=off), writes --batches random batches of --batch MNIST training images for
it, and runs it --runs times: each run times lernmi_t_forward and lernmi_t_gradient on
every batch for a layer of --rows x 784 weights (112: the half of the example's 784-224-10
that each of two threads takes), --repeat passes, the first left out, and gives the
medians of the rest. Each run is a process of its own; on this project's machine now and
then a run came out a quarter to a half slower in both kernels at once, for no reason
found, so compare the medians over runs.

Printed: per run, and the median and range over runs, the microseconds a batch takes in
each kernel and the milliseconds that makes for a 60,000-sample epoch. A way to time a
change to transposed.h without Python around it; the numbers only hold for the machine
and compiler they were measured with. This is a benchmark, not a test: nothing here
checks a time. Needs a C compiler and, to time anything, an x86-64 Linux CPU with AVX-512.
"""

import argparse
import math
import pathlib
import shutil
import subprocess
import tempfile

import common  # first: it pins BLAS to one thread before numpy loads

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
HEADERS = common.ROOT / "src" / "lernmi"
FLAGS = ["-O3", "-march=native", "-ffp-contract=off"]


def compiled(folder):
    """kernels.c built in folder: its path, or None and the reason."""
    compiler = shutil.which("gcc") or shutil.which("cc")
    if compiler is None:
        return None, "no C compiler (gcc or cc) here"
    if not (HEADERS / "transposed.h").exists():
        return None, f"no {HEADERS / 'transposed.h'}: run this from a checkout"
    program = folder / "kernels"
    made = subprocess.run([compiler, *FLAGS, f"-I{HEADERS}", "-o", str(program),
                           str(HERE / "kernels.c")], capture_output=True, text=True)
    if made.returncode != 0:
        return None, f"{compiler} could not build kernels.c:\n{made.stderr}"
    return program, None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=112, help="rows of the layer of links")
    parser.add_argument("--batch", type=int, default=128, help="samples a batch")
    parser.add_argument("--batches", type=int, default=64, help="batches a pass")
    parser.add_argument("--runs", type=int, default=8, help="runs, each a process")
    parser.add_argument("--repeat", type=int, default=5,
                        help="passes over the batches a run (the first is left out)")
    common.add_data_flag(parser)
    args = parser.parse_args()
    for name in ("rows", "batch", "batches", "runs"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.repeat < 2:
        parser.error("--repeat must be at least 2")

    images, _, _, _, where = common.load_mnist(args.random_data)
    samples = args.batch * args.batches
    picked = np.random.default_rng(0).choice(len(images), samples, replace=samples > len(images))
    with tempfile.TemporaryDirectory() as folder:
        folder = pathlib.Path(folder)
        program, why = compiled(folder)
        if program is None:
            print(f"Not timed: {why}")
            return
        data = folder / "inputs.bin"
        np.ascontiguousarray(images[picked], dtype=np.float64).tofile(data)
        times = []
        for _ in range(args.runs):
            ran = subprocess.run([str(program), str(data), str(args.rows), str(args.batch),
                                  str(args.batches), str(args.repeat)],
                                 capture_output=True, text=True, check=True)
            words = ran.stdout.split()
            if words[0] != "forward":
                print(f"Not timed: {ran.stdout.strip()}")
                return
            times.append((float(words[1]), float(words[4])))

    batches_an_epoch = math.ceil(common.EPOCH / args.batch)
    print(f"# transposed.h's kernels alone, {args.rows} x 784 weights, batches of {args.batch}"
          f"\n\n{where}; {args.batches} batches; each run's time the median of its passes "
          f"after the first ({args.repeat - 1}); built with {' '.join(FLAGS)}. Microseconds a "
          f"batch, and milliseconds for the {batches_an_epoch} batches of an epoch.\n")
    rows = [[f"run {run + 1}",
             *(f"{us:.1f} us ({us * batches_an_epoch / 1000:.1f} ms)" for us in pair)]
            for run, pair in enumerate(times)]
    for name, pick in (("median", np.median), ("fastest", np.min), ("slowest", np.max)):
        rows.append([f"**{name}** of {args.runs} runs",
                     *(f"{us:.1f} us ({us * batches_an_epoch / 1000:.1f} ms)"
                       for us in pick(np.array(times), axis=0))])
    print(common.markdown_table(["run", "lernmi_t_forward", "lernmi_t_gradient"], rows))


if __name__ == "__main__":
    main()
