"""What a big network costs to build, in time and memory, and what inference costs.

    python benchmarks/startup.py [--repeat 5] [--random-data]

Builds Network([784, 800, 10]) (636,010 weights): the median time to build it, and the
memory the build allocates, measured with tracemalloc (numpy reports its array buffers to
tracemalloc, and every array of a Network is a numpy array) and compared with the 8 bytes
per weight that the weights themselves need. Then, for a 784-100-10 network and the 10,000
MNIST test images, the time of `run` called image by image, and of `predict` and `evaluate`
where lernmi has them. This is a benchmark, not a test: nothing here checks a time.
"""

import argparse
import tracemalloc

import common  # first: it pins BLAS to one thread before numpy loads

import lernmi

BIG = [784, 800, 10]
INFERENCE = [784, 100, 10]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs to take the median of")
    common.add_data_flag(parser)
    args = parser.parse_args()

    weight_bytes = 8 * common.weight_count(BIG)
    build = common.median([common.seconds(lambda: lernmi.Network(BIG, seed=1))
                           for _ in range(args.repeat)])
    held, peak = traced_bytes(lambda: lernmi.Network(BIG, seed=1))

    _, _, images, labels, where = common.load_mnist(args.random_data)
    net = lernmi.Network(INFERENCE, seed=1)
    inference = [("run(x), one image at a time", lambda: [net.run(x) for x in images])]
    for method, call in (("predict", lambda: net.predict(images)),
                         ("evaluate", lambda: net.evaluate(images, labels))):
        inference.append((f"{method}(...)", call if hasattr(net, method) else None))

    print(f"# Building Network({BIG}), and inference\n")
    print(f"Median of {args.repeat} run(s), wall clock. Memory from tracemalloc: bytes still "
          "allocated once the network is built (held) and the most allocated at any moment "
          "while building it (peak).\n")
    rows = [
        [f"build Network({BIG})", f"{1000 * build:.1f} ms"],
        ["weights, 8 bytes each", f"{common.weight_count(BIG):,} = {mb(weight_bytes)}"],
        ["memory held once built", f"{mb(held)} = {held / weight_bytes:.2f}x the weights"],
        ["peak memory while building", f"{mb(peak)} = {peak / weight_bytes:.2f}x the weights"],
    ]
    for name, call in inference:
        if call is None:
            rows.append([f"{name}, {common.name(INFERENCE)}, 10,000 test images",
                         "not available yet"])
        else:
            seconds = common.median([common.seconds(call) for _ in range(args.repeat)])
            rows.append([f"{name}, {common.name(INFERENCE)}, 10,000 test images",
                         f"{1000 * seconds:.1f} ms"])
    print(common.markdown_table(["measure", "value"], rows))
    print(f"\nTest images: {where}. The network is untrained: the time is the same.")


def traced_bytes(build):
    """(bytes still allocated after build(), the most allocated while it ran), beyond what
    was allocated before; what build() returns is kept alive until both are read."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        built = build()  # noqa: F841  (alive while the memory is read)
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return held - before, peak - before


def mb(count):
    return f"{count / 1e6:.2f} MB"


if __name__ == "__main__":
    main()
