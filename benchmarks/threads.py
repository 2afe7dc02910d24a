"""Two networks training at once in two Python threads; one network on two threads.

    python benchmarks/threads.py [--samples 20000] [--repeat 5] [--random-data]
                                 [--shared-sizes 784-300-100-10,784-800-10]
                                 [--shared-samples 10000]

`Network.train` releases the GIL for its whole C loop, so two threads that each train their
own 784-30-10 network should run on two cores at once and finish in little more than the
time of one. The speedup printed is the median time one after the other divided by the
median time in two threads: 2.0 would be perfect on two free cores, and 1.6 is the target
on a shared two-core machine.

The same two networks are also trained in two processes at once. Processes share nothing,
so their speedup is what the machine can give right now: if other work holds a core, the
processes slow down as much as the threads, and the threads are not to blame.

Then one network shared by two threads (`train(threads=2)`, each sample's steps split
between them), for each of --shared-sizes: its per-sample epoch on one thread, on two,
and two such networks on one thread each in two Python threads, taking turns in each run.
The speedup of two independent networks is what the machine's two cores give right now;
the target is that one network on two threads gets at least SHARED_TARGET of it. The
weights trained on two threads are checked to equal those trained on one, bit for bit.

This is a benchmark, not a test: nothing here checks a time.
"""

import argparse
import multiprocessing
import threading
import time

import common  # first: it pins BLAS to one thread before numpy loads

import numpy as np

import lernmi

SIZES = [784, 30, 10]
TARGET = 1.6
SHARED_TARGET = 0.85


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=20_000, help="samples per network")
    parser.add_argument("--repeat", type=int, default=5, help="runs to take the median of")
    parser.add_argument("--shared-sizes", default="784-300-100-10,784-800-10",
                        help="networks to share between two threads ('' skips)")
    parser.add_argument("--shared-samples", type=int, default=10_000,
                        help="samples per epoch of a shared network")
    common.add_data_flag(parser)
    args = parser.parse_args()
    for name in ("samples", "repeat", "shared_samples"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")

    images, labels, _, _, where = common.load_mnist(args.random_data)
    x, t = images[:args.samples], common.one_hot(labels[:args.samples])

    def train(net):
        net.train(x, t, epochs=1, shuffle=False)

    def one_after_the_other(nets):
        return common.seconds(lambda: [train(net) for net in nets])

    def in_two_threads(nets):
        return in_parallel(threading.Thread, train, nets)

    def in_two_processes(nets):
        # fork: the children start with the networks and data already in memory
        return in_parallel(multiprocessing.get_context("fork").Process, train, nets)

    ways = {"one after the other": one_after_the_other,
            "in two threads (threading.Thread)": in_two_threads}
    if "fork" in multiprocessing.get_all_start_methods():
        ways["in two processes (multiprocessing, for comparison)"] = in_two_processes
    times = {name: [] for name in ways}
    for _ in range(args.repeat):
        for name, way in ways.items():  # taking turns, so noise slows them alike
            nets = [lernmi.Network(SIZES, training_rate=0.5, seed=seed) for seed in (1, 2)]
            times[name].append(way(nets))
    median = {name: common.median(runs) for name, runs in times.items()}
    serial = median["one after the other"]

    print("# Two networks, one after the other and in two threads\n")
    print(f"Data: {where}. Each network is {common.name(SIZES)} and trains one pass over "
          f"{len(x):,} samples. Median of {args.repeat} run(s), wall clock, on "
          f"{common.cpus()} CPU(s).\n")
    print(common.markdown_table(["training", "seconds", "speedup"], [
        [name, f"{seconds:.2f}", f"{serial / seconds:.2f}x"] for name, seconds in median.items()
    ]))
    threads = serial / median["in two threads (threading.Thread)"]
    print(f"\nSpeedup in two threads: {threads:.2f}x (target: at least {TARGET}x on two "
          "cores; 2.0x is the most two cores can give). Two processes show what the machine "
          "gave in the same run: when they fall short of 2.0x too, other work held a core.")

    shared = common.parse_sizes(args.shared_sizes)
    if shared:
        one_network_on_two_threads(images, labels, shared, args)


def one_network_on_two_threads(images, labels, networks, args):
    """The table of one network's epoch on one and two threads, against two networks."""
    x = images[:args.shared_samples]
    t = common.one_hot(labels[:args.shared_samples])

    def train(net, threads):
        net.train(x, t, epochs=1, shuffle=False, threads=threads, progress=False)

    rows = []
    for sizes in networks:
        times = {"one": [], "shared": [], "two": []}
        for _ in range(args.repeat):
            one, shared = (lernmi.Network(sizes, training_rate=0.5, seed=1) for _ in range(2))
            times["one"].append(common.seconds(lambda: train(one, 1)))
            times["shared"].append(common.seconds(lambda: train(shared, 2)))
            pair = [lernmi.Network(sizes, training_rate=0.5, seed=seed) for seed in (1, 2)]
            times["two"].append(in_parallel(threading.Thread, lambda net: train(net, 1), pair))
            if not all(np.array_equal(a.weights, b.weights)
                       for a, b in zip(one.link_layers, shared.link_layers)):
                raise SystemExit(f"{common.name(sizes)}: two threads learnt other weights")
        one, shared, two = (common.median(times[k]) for k in ("one", "shared", "two"))
        machine = 2 * one / two  # two epochs' work in the time `two` took
        rows.append([common.name(sizes), f"{one:.2f}", f"{shared:.2f}", f"{two:.2f}",
                     f"{one / shared:.2f}x", f"{machine:.2f}x",
                     f"{one / shared / machine:.2f}"])
    print("\n# One network on two threads\n")
    print(f"Each epoch: {len(x):,} samples, plain gradient descent, one sample a step, in "
          f"file order. Median of {args.repeat} run(s), wall clock, on {common.cpus()} "
          "CPU(s). Two threads learnt the same weights as one, bit for bit, in every run.\n")
    print(common.markdown_table(
        ["network", "1 thread (s)", "2 threads (s)", "two networks, 2 threads (s)",
         "speedup, one network", "speedup, two networks", "share of it"], rows))
    print(f"\nTarget: one network on two threads gets at least {SHARED_TARGET} of the speedup "
          "that two independent networks get in the same run.")


def in_parallel(kind, train, nets):
    """Seconds to train each network in its own thread or process, all at once."""
    workers = [kind(target=train, args=(net,)) for net in nets]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
