"""Two networks training at once in two Python threads, against one after the other.

    python benchmarks/threads.py [--samples 20000] [--repeat 5] [--random-data]

`Network.train` releases the GIL for its whole C loop, so two threads that each train their
own 784-30-10 network should run on two cores at once and finish in little more than the
time of one. The speedup printed is the median time one after the other divided by the
median time in two threads: 2.0 would be perfect on two free cores, and 1.6 is the target
on a shared two-core machine.

The same two networks are also trained in two processes at once. Processes share nothing,
so their speedup is what the machine can give right now: if other work holds a core, the
processes slow down as much as the threads, and the threads are not to blame. This is a
benchmark, not a test: nothing here checks a time.
"""

import argparse
import multiprocessing
import threading
import time

import common  # first: it pins BLAS to one thread before numpy loads

import lernmi

SIZES = [784, 30, 10]
TARGET = 1.6


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=20_000, help="samples per network")
    parser.add_argument("--repeat", type=int, default=5, help="runs to take the median of")
    common.add_data_flag(parser)
    args = parser.parse_args()

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
