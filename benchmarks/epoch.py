"""Seconds per 60,000-sample MNIST epoch: lernmi against numpy and PyTorch, one core each.

    python benchmarks/epoch.py [--sizes 784-30-10,784-100-10,784-300-100-10] [--repeat 3]
                               [--samples N] [--object-samples 20] [--skip-torch]
                               [--random-data] [--yardstick ../shared/yardstick]
                               [--optimizer-sizes 784-100-10] [--batch 32]

Every contender does the same maths from the same starting weights: sigmoid after the
input layer, cost 0.5 * sum((a - t)**2), one step of gradient descent per sample with
eta = 0.5, samples in order. lernmi's `Network.train` runs the epoch as one C loop; the
numpy reference takes one matrix-vector product per layer and sample; PyTorch runs its
autograd on a batch of one in float64. Then the object path: the same network stepped
through its Link objects one `propagate()` at a time, to show what compiling the loops buys.

Then lernmi alone with each optimiser (plain SGD, SGD with momentum 0.9, Adam) at batch
sizes 1 and --batch, on --optimizer-sizes (empty: skipped), to show what a mini-batch and
what each optimiser costs.

With --yardstick FOLDER (a folder holding run.sh, which builds and times FANN and a
hand-written C loop at gcc -O2 on the same MNIST epoch of a 784-H-10 network; they are not
part of lernmi), those two C programs take their turns too, for every 784-H-10 network.

Prints markdown tables (paste them into the README). Times are wall-clock medians of
--repeat runs, the contenders taking turns in each run so that a noisy machine slows them
alike. This is a benchmark, not a test: nothing here checks a time.
"""

import argparse
import re
import subprocess
from pathlib import Path

import common  # first: it pins BLAS to one thread before numpy loads
import numpy as np

import lernmi

ETA = 0.5
BIG_NETWORK = 50_000   # weights; bigger networks are timed on --big-samples by default
CHECKED = 1_000        # samples on which the contenders' weights are compared


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="784-30-10,784-100-10,784-300-100-10",
                        help="comma-separated networks, layer sizes joined by '-'")
    parser.add_argument("--repeat", type=int, default=3, help="runs to take the median of")
    parser.add_argument("--samples", type=int, default=None,
                        help="samples to time for every network, scaled to 60,000 "
                             "(default: 60,000 for small networks, --big-samples for big)")
    parser.add_argument("--big-samples", type=int, default=10_000,
                        help=f"default samples for networks over {BIG_NETWORK:,} weights")
    parser.add_argument("--object-samples", type=int, default=20,
                        help="samples to step through Link objects (0 skips the object path)")
    parser.add_argument("--skip-torch", action="store_true", help="leave PyTorch out")
    parser.add_argument("--optimizer-sizes", default="784-100-10",
                        help="networks to time each optimiser and batch size on ('' skips)")
    parser.add_argument("--batch", type=int, default=32, help="the mini-batch size timed")
    parser.add_argument("--yardstick", type=Path, default=None, metavar="FOLDER",
                        help="also time FANN and the -O2 C loop with FOLDER/run.sh")
    common.add_data_flag(parser)
    args = parser.parse_args()

    images, labels, _, _, where = common.load_mnist(args.random_data)
    targets = common.one_hot(labels)
    torch = None if args.skip_torch else import_torch()
    torch_absent = "left out" if args.skip_torch else "not installed" if torch is None else None

    print("# Seconds per MNIST epoch\n")
    print(f"Data: {where}. An epoch is {common.EPOCH:,} samples, eta = {ETA}, in order "
          f"(shuffle=False). Median of {args.repeat} run(s), wall clock.")
    print(common.one_thread_note())
    print(f"PyTorch: {torch_note(torch, args.skip_torch)}\n")

    rows, train_epochs = [], {}
    for sizes in common.parse_sizes(args.sizes):
        n = samples_for(sizes, args)
        x, t = images[:n], targets[:n]
        times, gaps = time_contenders(sizes, x, t, torch, args.repeat, args.yardstick)
        scale = common.EPOCH / n
        epoch = {name: common.median(runs) * (1 if name in C_PROGRAMS else scale)
                 for name, runs in times.items()}
        train_epochs[common.name(sizes)] = epoch["lernmi"], n
        rows += table_rows(sizes, n, epoch, gaps, torch_absent)

    print(common.markdown_table(["network", "implementation", "samples timed", "s/epoch",
                                 "x lernmi's time", "GFLOP/s", "weights vs lernmi's"], rows))
    print()
    print("- s/epoch marked * was timed on fewer samples and scaled to 60,000.")
    print("- GFLOP/s counts the flops each sample needs: per weight (biases included) a "
          "multiply-add forward and one updating the weight, and one sending the sensitivity "
          "back, except into the input layer, where nothing uses it.")
    if args.yardstick:
        print("- FANN and the C loop always run a whole 60,000-sample epoch (run.sh), "
              "whatever --samples says.")
    print(f"- Weights vs lernmi's: the largest difference between that contender's weights "
          f"and lernmi's after the first {CHECKED:,} samples, both having started from the "
          "same weights: they do the same sums, up to rounding. (Over a whole epoch the "
          "rounding differences grow until the weights differ visibly, as they do between "
          "two numpy runs whose starting weights differ in the 15th digit.)")
    print(f"- {peak_note()}")

    if args.optimizer_sizes:
        print()
        print_optimizers(images, targets, args)
    if args.object_samples > 0:
        print()
        print_object_path(images, targets, args, train_epochs.get("784-30-10"))


OPTIMIZERS = {"SGD": lambda: lernmi.SGD(ETA),
              "SGD, momentum 0.9": lambda: lernmi.SGD(ETA / 10, momentum=0.9),
              "Adam": lambda: lernmi.Adam(0.001)}


def print_optimizers(images, targets, args):
    """Seconds per epoch of each optimiser at batch sizes 1 and args.batch, taking turns."""
    print("# Optimisers and mini-batches\n")
    print(f"lernmi's Network.train, one epoch, samples in order; median of {args.repeat} "
          f"run(s). Ratios are to plain SGD at the same batch size, and to the same "
          f"optimiser at batch size 1.\n")
    rows = []
    for sizes in common.parse_sizes(args.optimizer_sizes):
        n = samples_for(sizes, args)
        x, t = images[:n], targets[:n]
        cases = [(name, batch) for name in OPTIMIZERS for batch in (1, args.batch)]
        times = {case: [] for case in cases}
        for _ in range(args.repeat):
            for name, batch in cases:
                net = lernmi.Network(sizes, optimizer=OPTIMIZERS[name](), seed=1)
                times[name, batch].append(common.seconds(
                    lambda: net.train(x, t, batch_size=batch, shuffle=False, threads=1)))
        epoch = {case: common.median(runs) * common.EPOCH / n for case, runs in times.items()}
        for name, batch in cases:
            gflops = flops_per_sample(sizes) * common.EPOCH / epoch[name, batch] / 1e9
            rows.append([common.name(sizes), name, str(batch),
                         f"{n:,}" + ("" if n == common.EPOCH else "*"),
                         f"{epoch[name, batch]:.2f}",
                         f"{epoch[name, batch] / epoch['SGD', batch]:.2f}",
                         f"{epoch[name, batch] / epoch[name, 1]:.2f}", f"{gflops:.2f}"])
    print(common.markdown_table(["network", "optimizer", "batch", "samples timed", "s/epoch",
                                 "x SGD's", "x batch 1's", "GFLOP/s"], rows))
    print()
    print("- GFLOP/s counts the same flops per sample as the table above, whatever the "
          "batch (a batch's one step per weight is not counted).")


def samples_for(sizes, args):
    if args.samples is not None:
        return min(args.samples, common.EPOCH)
    return common.EPOCH if common.weight_count(sizes) <= BIG_NETWORK else args.big_samples


def time_contenders(sizes, x, t, torch, repeat, yardstick=None):
    """{name: [seconds per run]}, and how far each one's weights are from lernmi's after
    the first CHECKED samples, all having started from the same weights.

    Only the first samples: over a whole epoch, per-sample steps with eta = 0.5 amplify
    rounding differences until the weights differ in the first digit (nudging numpy's own
    starting weights by one part in 1e15 moves its final weights as far), though every
    contender ends up classifying as well, to within a few tenths of a percent.
    """
    start = [layer.weights.copy() for layer in new_network(sizes).link_layers]
    contenders = {"lernmi": lernmi_run, "numpy": numpy_run}
    if torch is not None:
        contenders["torch"] = lambda w, x, t: torch_run(torch, w, x, t)
    times = {name: [] for name in contenders}
    hidden = sizes[1] if len(sizes) == 3 and (sizes[0], sizes[2]) == (784, 10) else None
    if yardstick is not None and hidden is not None:
        times.update({name: [] for name in C_PROGRAMS})
    for _ in range(repeat):
        for name, prepare in contenders.items():  # taking turns, so noise slows them alike
            run, _ = prepare(start, x, t)
            times[name].append(common.seconds(run))
        if yardstick is not None and hidden is not None:
            for name, seconds in c_programs(yardstick, hidden).items():
                times[name].append(seconds)
    final = {}
    for name, prepare in contenders.items():
        run, weights = prepare(start, x[:CHECKED], t[:CHECKED])
        run()
        final[name] = weights()
    gaps = {name: max(np.abs(a - b).max() for a, b in zip(w, final["lernmi"]))
            for name, w in final.items() if name != "lernmi"}
    return times, gaps


def table_rows(sizes, n, epoch, gaps, torch_absent):
    """The table's rows for one network; torch_absent says why PyTorch has no times, if so."""
    network, weights = common.name(sizes), common.weight_count(sizes)
    timed = f"{n:,}" + ("" if n == common.EPOCH else "*")
    gflops = flops_per_sample(sizes) * common.EPOCH / epoch["lernmi"] / 1e9
    rows = [[network, "lernmi", timed, f"{epoch['lernmi']:.2f}", "1.00", f"{gflops:.2f}", ""]]
    for name in ("numpy", "torch", *C_PROGRAMS):
        if name in epoch:
            ratio = epoch[name] / epoch["lernmi"]
            gap = f"{gaps[name]:.0e}" if name in gaps else ""
            rows.append([network, name, f"{common.EPOCH:,}" if name in C_PROGRAMS else timed,
                         f"{epoch[name]:.2f}", f"{ratio:.2f}", "", gap])
    if torch_absent:
        rows.append([network, "torch", torch_absent, "", "", "", ""])
    return rows


def flops_per_sample(sizes):
    """2 flops (a multiply-add) per weight forward, 2 in its update, 2 sending back, except
    for the first link layer, whose sensitivities nothing reads."""
    weights = [(sizes[l] + 1) * sizes[l + 1] for l in range(len(sizes) - 1)]
    return 4 * weights[0] + 6 * sum(weights[1:])


# The C yardstick: run.sh prints one line per program, with its epoch time.

C_PROGRAMS = {"FANN 2.2 (C)": "fann", "C loop, gcc -O2": "dense_c"}


def c_programs(folder, hidden):
    """{name: seconds per epoch} for FANN and the C loop, from one run of run.sh."""
    result = subprocess.run(["bash", str(folder / "run.sh"), str(hidden)], capture_output=True,
                            text=True, check=True)
    found = {}
    for name, prefix in C_PROGRAMS.items():
        line = re.search(rf"^{prefix}\b.*epoch60k_s=([\d.]+)", result.stdout, re.M)
        if line is None:
            raise RuntimeError(f"run.sh printed no {prefix} time:\n{result.stdout}")
        found[name] = float(line[1])
    return found


# The contenders. Each takes the starting weights (rows = output neurons, column 0 the
# bias) and the samples, and returns a function that trains one epoch and one that returns
# the weights it ended with, in that same layout.

def new_network(sizes):
    return lernmi.Network(sizes, training_rate=ETA, seed=1)


def lernmi_run(start, x, t):
    sizes = [start[0].shape[1] - 1] + [w.shape[0] for w in start]
    net = new_network(sizes)  # seed=1 again: the very weights in `start`
    return (lambda: net.train(x, t, epochs=1, shuffle=False, threads=1),
            lambda: [layer.weights.copy() for layer in net.link_layers])


def numpy_run(start, x, t):
    weights = [w.copy() for w in start]
    return lambda: numpy_epoch(weights, x, t, ETA), lambda: weights


def numpy_epoch(weights, inputs, targets, eta):
    """Per-sample gradient descent written plainly in numpy: a = [1, outputs] per layer."""
    for x, t in zip(inputs, targets):
        a = [np.concatenate(([1.0], x))]
        for w in weights:
            a.append(np.concatenate(([1.0], sigmoid(w @ a[-1]))))
        out = a[-1][1:]
        s = (out - t) * out * (1.0 - out)           # dC/dz at the output layer
        for layer in reversed(range(len(weights))):
            w = weights[layer]
            if layer > 0:                            # sent back with the weights before the step
                hidden = a[layer][1:]
                s_back = (w[:, 1:].T @ s) * hidden * (1.0 - hidden)
            w -= eta * np.outer(s, a[layer])
            if layer > 0:
                s = s_back


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def import_torch():
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    return torch


def torch_note(torch, skipped):
    if skipped:
        return "left out (--skip-torch)."
    if torch is None:
        return "not installed, so not timed (pip install torch to compare)."
    return (f"{torch.__version__}, float64, batch of 1, autograd and torch.optim.SGD, "
            f"torch.set_num_threads(1).")


def torch_run(torch, start, x, t):
    layers = []
    for w in start:
        layer = torch.nn.Linear(w.shape[1] - 1, w.shape[0], dtype=torch.float64)
        with torch.no_grad():
            layer.bias.copy_(torch.from_numpy(w[:, 0]))
            layer.weight.copy_(torch.from_numpy(w[:, 1:]))
        layers += [layer, torch.nn.Sigmoid()]
    model = torch.nn.Sequential(*layers)
    optimiser = torch.optim.SGD(model.parameters(), lr=ETA)
    inputs, targets = torch.from_numpy(x), torch.from_numpy(t)

    def epoch():
        for sample, target in zip(inputs, targets):
            optimiser.zero_grad()
            loss = 0.5 * ((model(sample) - target) ** 2).sum()
            loss.backward()
            optimiser.step()

    def weights():
        return [np.column_stack([layer.bias.detach().numpy(), layer.weight.detach().numpy()])
                for layer in layers[0::2]]

    return epoch, weights


# The peak the machine might reach, for scale.

def peak_note():
    ghz, (doubles, flag) = cpu_ghz(), vector_width()
    if ghz is None:
        return "Peak: unknown (no clock speed in /proc/cpuinfo or lscpu)."
    peak = 1 * ghz * doubles * 2 * 2
    return (f"Peak estimate for one core: 1 core x {ghz:.2f} GHz x {doubles} doubles per "
            f"vector ({flag}) x 2 FMA units x 2 flops per FMA = {peak:.0f} GFLOP/s. Only an "
            "estimate: the clock is the nominal one (a virtual machine's, maybe), some CPUs "
            "run their widest vectors at half rate (AMD Zen 4 splits 512-bit ones in two), "
            "and lernmi's loops use AVX-512 (picked at run time) but never FMA, which would "
            "make results depend on the CPU. A matrix-vector product per sample also waits "
            "on memory more than on arithmetic, so a fraction of peak is what to expect.")


def cpu_ghz():
    """The clock in GHz from /proc/cpuinfo's "cpu MHz", else from lscpu, else None."""
    found = re.search(r"^cpu MHz\s*:\s*([\d.]+)", read("/proc/cpuinfo"), re.M)
    if not found:
        try:
            lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        except OSError:
            return None
        found = re.search(r"^CPU (?:max )?MHz:\s*([\d.]+)", lscpu, re.M)
    return float(found[1]) / 1000 if found else None


def vector_width():
    """(doubles per SIMD register, the flag that says so) from the CPU flags."""
    found = re.search(r"^flags\s*:(.*)$", read("/proc/cpuinfo"), re.M)
    flags = set(found[1].split()) if found else set()
    for flag, doubles in (("avx512f", 8), ("avx2", 4)):
        if flag in flags:
            return doubles, flag
    return 2, "SSE2"


def read(path):
    try:
        return Path(path).read_text()
    except OSError:
        return ""


# The object path: the same sums, one Link at a time.

def times(ratio):
    return f"{ratio:.1f}" if ratio < 10 else f"{ratio:,.0f}"


def link_forward(net, links, x):
    """Forward through the Link objects: what LinkLayer.propagate does in one C loop."""
    for layer in net.neuron_layers:
        layer.reset()
    net.neuron_layers[0].input(x)
    for layer_links in links:
        for link in layer_links:
            link.propagate()


def link_learn(net, links, x, t):
    """One learning step through the Link objects: what Network.learn does layer by layer."""
    link_forward(net, links, x)
    net.neuron_layers[-1].expected_output(t)
    for layer_links in reversed(links):
        for link in layer_links:
            link.backpropagate()


def print_object_path(images, targets, args, train):
    """train: (seconds per epoch, samples timed) of net.train on 784-30-10, or None."""
    n_links, n_layers = args.object_samples, 100 * args.object_samples
    net = new_network([784, 30, 10])
    links = [layer.links for layer in net.link_layers]  # made once, outside the timing
    paths = [
        ("Link objects, forward only: link.propagate() per link", n_links,
         lambda x, t: link_forward(net, links, x)),
        ("Link objects, learning: propagate() then backpropagate() per link", n_links,
         lambda x, t: link_learn(net, links, x, t)),
        ("LinkLayers: net.learn(x, t) per sample, a C loop per layer", n_layers,
         net.learn),
    ]
    rows = []
    for name, n, step in paths:
        x, t = images[:n], targets[:n]

        def run():
            for sample, target in zip(x, t):
                step(sample, target)

        epoch = common.median([common.seconds(run) for _ in range(args.repeat)])
        epoch *= common.EPOCH / n
        rows.append([name, f"{n:,}", f"{epoch:,.1f}", times(epoch / train[0]) if train else
                     "(784-30-10 not in --sizes)"])
    if train:
        rows.append(["Network: net.train(X, T), the whole epoch in one C loop",
                     f"{train[1]:,}", f"{train[0]:.2f}", "1"])
    print("# The object path, 784-30-10\n")
    print(common.markdown_table(["path", "samples timed", "s/epoch (scaled to 60,000)",
                                 "x net.train's time"], rows))
    print()
    print("The same network, stepped through its 23,860 Link objects from Python: each "
          "propagate() and backpropagate() is one compiled method call, but the loop over "
          "links runs in Python. Times are scaled from the samples timed to a 60,000-sample "
          "epoch.")


if __name__ == "__main__":
    main()
