"""The two kernels of the input layer held transposed, timed alone in C, on MNIST batches.

    python benchmarks/kernels.py [--rows 112] [--batch 128] [--batches 64] [--runs 8]
                                 [--repeat 5] [--float32] [--random-data]

Compiles kernels.c (beside this file) against the checkout's src/lernmi/transposed.h as
setup.py compiles the extensions' loops (gcc or cc, with Python's -fwrapv and setup.py's
LOOP_FLAGS and, for GCC, GCC_LOOP_FLAGS: no CPU-specific flags), writes --batches random
batches of --batch MNIST training images for it, and runs it --runs times: each run
sends every batch through lernmi_t_forward and lernmi_t_gradient as learn_batches does
(the kernels read each image where it lies, the batches' samples in a shuffled order, so
the times include fetching them from memory), for a thread's --rows rows of the links out
of the 784 inputs and their bias (112: the half of the example's 784-224-10 that each of
two threads takes), --repeat passes, the first left out, and gives the medians of the
rest. Each run is a process of its own; on
this project's machine now and then a run came out a quarter to a half slower in both
kernels at once, for no reason found, so compare the medians over runs. With --float32, the
same for the floats' kernels (lernmi_t_forward_f32, ...: transposed.h, 16 rows a vector) on
the images as float32: what a float32 network's input layer would take, which lernmi does
not have yet (docs/speed.md, "What float32 would take").

Printed: per run, and the median and range over runs, the microseconds a batch takes in
each kernel and the milliseconds that makes for a 60,000-sample epoch. A way to time a
change to transposed.h without Python around it; the numbers only hold for the machine
and compiler they were measured with. This is a benchmark, not a test: nothing here
checks a time. Needs a C compiler and, to time anything, an x86-64 Linux CPU with AVX-512.
"""

import argparse
import ast
import math
import pathlib
import shutil
import subprocess
import tempfile

import common  # first: it pins BLAS to one thread before numpy loads

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
HEADERS = common.ROOT / "src" / "lernmi"


def setup_flags(compiler):
    """The flags setup.py gives the loops' modules with this compiler: Python's -fwrapv,
    then setup.py's LOOP_FLAGS["unix"], and GCC_LOOP_FLAGS if the compiler is GCC."""
    names = {}
    for node in ast.parse((common.ROOT / "setup.py").read_text()).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in ("LOOP_FLAGS", "GCC_LOOP_FLAGS"):
                names[node.targets[0].id] = ast.literal_eval(node.value)
    gcc = "gcc" in pathlib.Path(compiler).name
    return ["-fwrapv", *names["LOOP_FLAGS"]["unix"],
            *(names["GCC_LOOP_FLAGS"] if gcc else [])]


def compiled(folder, floats):
    """kernels.c built in folder (for the floats' kernels, if `floats`): its path and flags,
    or None and the reason."""
    compiler = shutil.which("gcc") or shutil.which("cc")
    if compiler is None:
        return None, "no C compiler (gcc or cc) here"
    if not (HEADERS / "transposed.h").exists() or not (common.ROOT / "setup.py").exists():
        return None, f"no {HEADERS / 'transposed.h'} or setup.py: run this from a checkout"
    program = folder / "kernels"
    flags = [*setup_flags(compiler), *(["-DLERNMI_TEST_FLOATS"] if floats else [])]
    made = subprocess.run([compiler, *flags, f"-I{HEADERS}", "-o", str(program),
                           str(HERE / "kernels.c"), "-lm"], capture_output=True, text=True)
    if made.returncode != 0:
        return None, f"{compiler} could not build kernels.c:\n{made.stderr}"
    return (program, flags), None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=112, help="rows of the layer of links")
    parser.add_argument("--batch", type=int, default=128, help="samples a batch")
    parser.add_argument("--batches", type=int, default=64, help="batches a pass")
    parser.add_argument("--runs", type=int, default=8, help="runs, each a process")
    parser.add_argument("--repeat", type=int, default=5,
                        help="passes over the batches a run (the first is left out)")
    parser.add_argument("--float32", action="store_true",
                        help="time the floats' kernels, on the images as float32")
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
        built, why = compiled(folder, args.float32)
        if built is None:
            print(f"Not timed: {why}")
            return
        program, flags = built
        data = folder / "inputs.bin"
        dtype = np.float32 if args.float32 else np.float64
        np.ascontiguousarray(images[picked], dtype=dtype).tofile(data)
        times = []
        for _ in range(args.runs):
            ran = subprocess.run([str(program), str(data), str(images.shape[1]), str(args.rows),
                                  str(args.batch), str(args.batches), str(args.repeat)],
                                 capture_output=True, text=True)
            if ran.returncode != 0:
                raise SystemExit(f"kernels.c failed: {ran.stderr.strip()}")
            words = ran.stdout.split()
            if words[0] != "forward":
                print(f"Not timed: {ran.stdout.strip()}")
                return
            times.append((float(words[1]), float(words[4])))

    batches_an_epoch = math.ceil(common.EPOCH / args.batch)
    print(f"# transposed.h's kernels alone, {args.rows} x {images.shape[1] + 1} weights "
          f"({np.dtype(dtype).name}), batches of {args.batch}\n\n{where}; {args.batches} "
          f"batches; each run's time the median of its passes after the first "
          f"({args.repeat - 1}); built with "
          f"{' '.join(flags)}. Microseconds a batch, and milliseconds for the "
          f"{batches_an_epoch} batches of an epoch.\n")
    def cells(pair):  # microseconds a batch, and milliseconds an epoch
        return [f"{us:.1f} us ({us * batches_an_epoch / 1000:.1f} ms)" for us in pair]

    rows = [[f"run {run + 1}", *cells(pair)] for run, pair in enumerate(times)]
    for name, pick in (("median", np.median), ("fastest", np.min), ("slowest", np.max)):
        rows.append([f"**{name}** of {args.runs} runs", *cells(pick(np.array(times), axis=0))])
    suffix = "_f32" if args.float32 else ""
    print(common.markdown_table(["run", f"lernmi_t_forward{suffix}",
                                 f"lernmi_t_gradient{suffix}"], rows))


if __name__ == "__main__":
    main()
