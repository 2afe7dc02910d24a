"""Seconds of training until MNIST's test accuracy first reaches 98%: lernmi's example
against PyTorch, side by side.

    python benchmarks/time_to_accuracy.py [--repeat 3] [--target 0.98] [--skip-torch]
                                          [--torch-threads 2] [--torch-epochs 3]
                                          [--torch-dtype float32] [--samples N]
                                          [--random-data]

lernmi trains exactly as `python examples/mnist.py` does with its default settings (read
from the example's own options and schedule, so the two cannot drift apart), for the
example's epochs. PyTorch trains the best configuration found for it on this kind of
machine (TORCH below; docs/speed.md lists the others tried): 784-224-10 ReLU, softmax
cross-entropy, SGD with momentum 0.9, batches of 128, float32 (its usual arithmetic, and
its fastest; --torch-dtype float64 for double), the samples shuffled each epoch,
on --torch-threads threads (all cores by default), at a rate set for every step as the
example's is: up from 0 to 0.3 over the first 15% of --torch-epochs epochs, then down in a
straight line to 0 at their end.

After every epoch each one's accuracy on the 10,000 test digits is measured with the clock
stopped, so the seconds are training only. Reported: the seconds until the accuracy first
reached --target (the medians of --repeat runs, lernmi and PyTorch taking turns so a noisy
machine slows both alike), their ratio, and lernmi's whole run (all the example's epochs)
with the accuracy it ends at. The example is done only when its last epoch is, so the
ratio that counts for it is that whole run's seconds to PyTorch's seconds to the target,
printed last. This is a benchmark, not a test: nothing here checks a time.
"""

import argparse
import math
import os
import sys
import time

import common  # first: it pins BLAS to one thread before numpy loads
import numpy as np

sys.path.insert(0, str(common.ROOT))
from examples import mnist as example  # noqa: E402  (the example's defaults)

import lernmi  # noqa: E402


class Clock:
    """Training seconds, with the clock stopped while the test digits are scored. `epochs`
    lists (seconds so far, test accuracy) after each epoch."""

    def __init__(self):
        self.started = time.perf_counter()
        self.paused = 0.0
        self.epochs = []

    def epoch_done(self, accuracy_of):
        stopped = time.perf_counter()
        self.epochs.append((stopped - self.started - self.paused, accuracy_of()))
        self.paused += time.perf_counter() - stopped
        return self.epochs[-1][1]

    def seconds_to(self, target):
        return next((seconds for seconds, accuracy in self.epochs if accuracy >= target),
                    math.inf)


def run_lernmi(data, target):
    """examples/mnist.py with its defaults; every epoch runs (the example runs them all).
    The pictures are made numbers of the network's type first, as the example makes them
    (and run_torch PyTorch's), before the clock starts."""
    args = example.options([])
    net = example.network(args)
    x, labels, test_x, test_labels = data
    x, test_x = x.astype(net.dtype, copy=False), test_x.astype(net.dtype, copy=False)
    clock = Clock()

    def scored(net, epoch, history):  # returns None: train on
        clock.epoch_done(lambda: net.evaluate(test_x, test_labels))

    net.train(x, labels, epochs=args.epochs, batch_size=args.batch_size,
              schedule=example.schedule(args), schedule_every="step", callbacks=[scored],
              threads=args.threads)
    return clock


# PyTorch's best settings found on a 2-core machine (docs/speed.md): the example's layers,
# batch size and kind of schedule, with plain momentum (Nesterov's did no better for it).
TORCH = {"hidden": 224, "rate": 0.3, "warmup": 0.15, "epochs": 3, "momentum": 0.9,
         "batch": 128}


def run_torch(data, target, threads, epochs, seed, dtype="float32"):
    """PyTorch with TORCH's settings, its schedule `epochs` long, stopping at the epoch
    that reaches target, its numbers of `dtype` (the name of a torch dtype): the Clock,
    with the dtype its weights were trained in."""
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    dtype = getattr(torch, dtype)
    x, labels, test_x, test_labels = (torch.from_numpy(np.asarray(a)) for a in data)
    x, test_x = x.to(dtype), test_x.to(dtype)
    model = torch.nn.Sequential(torch.nn.Linear(784, TORCH["hidden"]), torch.nn.ReLU(),
                                torch.nn.Linear(TORCH["hidden"], 10)).to(dtype)
    optimizer = torch.optim.SGD(model.parameters(), lr=TORCH["rate"],
                                momentum=TORCH["momentum"])
    loss = torch.nn.CrossEntropyLoss()
    order = torch.Generator().manual_seed(seed)

    def accuracy():
        with torch.no_grad():
            return float((model(test_x).argmax(1) == test_labels).double().mean())

    schedule = example.schedule(argparse.Namespace(epochs=epochs, rate=TORCH["rate"],
                                                   warmup=TORCH["warmup"]))
    steps = -(-len(x) // TORCH["batch"])
    clock = Clock()
    for epoch in range(epochs):
        for step, batch in enumerate(torch.randperm(len(x), generator=order)
                                     .split(TORCH["batch"])):
            for group in optimizer.param_groups:
                group["lr"] = schedule(epoch + step / steps)
            optimizer.zero_grad()
            loss(model(x[batch]), labels[batch]).backward()
            optimizer.step()
        if clock.epoch_done(accuracy) >= target:
            break
    clock.dtype = str(next(model.parameters()).dtype).removeprefix("torch.")  # as trained
    return clock


def torch_version():
    import torch
    return torch.__version__


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs to take the median of")
    parser.add_argument("--target", type=float, default=0.98, help="the test accuracy to reach")
    parser.add_argument("--skip-torch", action="store_true", help="leave PyTorch out")
    parser.add_argument("--torch-threads", type=int, default=os.cpu_count(),
                        help="PyTorch's threads (default: every core, %(default)s)")
    parser.add_argument("--torch-epochs", type=int, default=TORCH["epochs"],
                        help="the epochs of PyTorch's schedule, the most it gets to reach "
                        "the target (default: %(default)s)")
    parser.add_argument("--torch-dtype", choices=("float32", "float64"), default="float32",
                        help="PyTorch's numbers (default: %(default)s; lernmi's are the "
                        "example's, --dtype)")
    parser.add_argument("--samples", type=int, default=None,
                        help="train on only the first N training digits (a quick try)")
    common.add_data_flag(parser)
    args = parser.parse_args()
    for name in ("repeat", "torch_threads", "torch_epochs", "samples"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if not 0.0 < args.target <= 1.0:
        parser.error(f"--target must be a test accuracy in (0, 1], not {args.target}")
    x, labels, test_x, test_labels, where = common.load_mnist(args.random_data)
    data = (x[:args.samples], labels[:args.samples], test_x, test_labels)
    print(f"{where}; target test accuracy {args.target}; medians of {args.repeat} runs\n")

    runs = {"lernmi": [], "PyTorch": []}
    for repeat in range(args.repeat):
        runs["lernmi"].append(run_lernmi(data, args.target))
        if not args.skip_torch:
            runs["PyTorch"].append(run_torch(data, args.target, args.torch_threads,
                                             args.torch_epochs, seed=repeat,
                                             dtype=args.torch_dtype))
        for name, clocks in runs.items():
            if clocks:
                print(f"run {repeat + 1}, {name}: " + ", ".join(
                    f"{accuracy:.4f} at {seconds:.1f} s" for seconds, accuracy in
                    clocks[-1].epochs), flush=True)

    settings = example.options([])
    print(f"\n| | seconds to {args.target:.0%} | epochs to {args.target:.0%} | every epoch run |")
    print("| --- | --- | --- | --- |")
    medians = {}
    for name, clocks in runs.items():
        if not clocks:
            continue
        medians[name] = common.median([clock.seconds_to(args.target) for clock in clocks])
        reached = [next((e + 1 for e, (_, a) in enumerate(c.epochs) if a >= args.target), None)
                   for c in clocks]
        whole = (f"{common.median([c.epochs[-1][0] for c in clocks]):.1f} s, "
                 f"{len(clocks[0].epochs)} epochs, ends at "
                 f"{common.median([c.epochs[-1][1] for c in clocks]):.4f}")
        threads = lernmi.training.checked_threads(settings.threads, (784, settings.hidden, 10))
        label = (f"lernmi (examples/mnist.py: 784-{settings.hidden}-10, {settings.optimizer}, "
                 f"momentum {settings.momentum}{' (Nesterov)' if settings.nesterov else ''}, "
                 f"rate up to {settings.rate} at "
                 f"{settings.warmup:.0%} then down to 0 over {settings.epochs} epochs, batch "
                 f"{settings.batch_size}, {settings.dtype}, {threads} thread(s))"
                 if name == "lernmi" else
                 f"PyTorch {torch_version()} (784-{TORCH['hidden']}-10, sgd, momentum "
                 f"{TORCH['momentum']}, rate up to {TORCH['rate']} at {TORCH['warmup']:.0%} "
                 f"then down to 0 over {args.torch_epochs} epochs, batch {TORCH['batch']}, "
                 f"{clocks[0].dtype}, {args.torch_threads} threads)")
        print(f"| {label} | {medians[name]:.1f} | {reached} | {whole} |")
    if len(medians) == 2:
        print(f"\nlernmi / PyTorch, seconds to {args.target:.0%}: "
              f"{medians['lernmi'] / medians['PyTorch']:.2f}")
        whole_run = common.median([clock.epochs[-1][0] for clock in runs["lernmi"]])
        print(f"lernmi's whole example run / PyTorch's seconds to {args.target:.0%}: "
              f"{whole_run / medians['PyTorch']:.2f}")


if __name__ == "__main__":
    main()
