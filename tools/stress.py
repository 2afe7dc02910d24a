"""Many threads, one network: a stress test of lernmi's promise that a Network used from
several threads stays correct (and, on free-threaded Python, that nothing crashes).

    python tools/stress.py [--seconds 60] [--threads 8]

Three parts, each ending in a check that raises AssertionError if the promise broke:

1. Mixed use. `--threads` threads call the documented methods on one Network at random
   for most of the time: train, learn, run, predict, evaluate, trace, save and load,
   reading and writing weights, taking Neuron and Link handles, deepcopy and pickle. Any
   exception fails the run. Afterwards every weight is finite, and a saved copy answers and
   trains exactly as the network does.
2. Serialised steps. Each thread calls `train` on the same network the same number of
   times. `train` holds the network's lock, so the calls take turns, and because they are
   the same call, any order of turns ends in the same network as one thread making them
   all: checked bit for bit against a copy trained that way.
3. Rewiring. Threads rewire a hand-made Link's neurons while others propagate and
   backpropagate through it (on free-threaded Python this once used a freed Neuron).

It prints what it did and "ok" at the end; tests/test_stress.py runs it for a few seconds.
"""

import argparse
import copy
import os
import pickle
import sys
import tempfile
import threading
import time

import numpy as np

import lernmi

SIZES = [12, 10, 3]


def data(seed=0, rows=64):
    rng = np.random.default_rng(seed)
    return rng.random((rows, SIZES[0])), rng.integers(0, SIZES[-1], rows)


def new_network(seed=0):
    return lernmi.Network(SIZES, activation="tanh", output_activation="softmax",
                          cost="cross_entropy", optimizer=lernmi.SGD(0.05, momentum=0.5),
                          seed=seed)


def operations(net, x, labels, folder):
    """The documented ways of using a network, each a function of a random generator."""
    one_hot = np.eye(SIZES[-1])[labels]

    def train(rng):
        net.train(x, labels, epochs=1, batch_size=int(rng.choice([1, 8])), progress=False)

    def learn(rng):
        i = rng.integers(len(x))
        net.learn(x[i], one_hot[i])

    def run(rng):
        assert np.all(np.isfinite(net.run(x[rng.integers(len(x))])))

    def predict(rng):
        assert net.predict(x).shape == (len(x), SIZES[-1])

    def evaluate(rng):
        assert 0.0 <= net.evaluate(x, labels) <= 1.0

    def trace(rng):
        i = rng.integers(len(x))
        str(net.trace(x[i], one_hot[i], learn=bool(rng.integers(2))))

    def save_and_load(rng):
        path = os.path.join(folder, f"net-{threading.get_ident()}.npz")
        net.save(path)
        lernmi.Network.load(path).predict(x[:4])

    def read_weights(rng):
        for links in net.link_layers:
            assert np.all(np.isfinite(np.array(links.weights)))

    def write_weights(rng):
        links = net.link_layers[rng.integers(len(net.link_layers))]
        with net.lock:  # a read and a write no other thread may come between
            links.weights[...] = np.clip(links.weights, -5.0, 5.0)

    def handles(rng):
        layer = net.neuron_layers[rng.integers(len(net.neuron_layers))]
        for neuron in layer.all_neurons:
            neuron.output()
        link = net.link_layers[-1].links[rng.integers(SIZES[-2] * SIZES[-1])]
        link.weight
        repr(link.input_neuron), repr(link.output_neuron)

    def copies(rng):
        if rng.integers(2):
            copy.deepcopy(net).run(x[0])
        else:
            pickle.loads(pickle.dumps(net)).run(x[0])

    return [train, learn, run, predict, evaluate, trace, save_and_load, read_weights,
            write_weights, handles, copies]


def in_threads(count, work):
    """Run work(k) in `count` threads at once; re-raise the first exception any raised."""
    errors = []

    def body(k):
        try:
            work(k)
        except BaseException as error:  # re-raised below, in the main thread
            errors.append(error)

    threads = [threading.Thread(target=body, args=(k,)) for k in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def mixed_use(seconds, threads, folder):
    net = new_network()
    x, labels = data()
    ways = operations(net, x, labels, folder)
    done = [0] * threads
    stop = time.monotonic() + seconds

    def work(k):
        rng = np.random.default_rng(100 + k)
        while time.monotonic() < stop:
            ways[rng.integers(len(ways))](rng)
            done[k] += 1

    in_threads(threads, work)
    for links in net.link_layers:
        assert np.all(np.isfinite(links.weights)), "a weight is not finite"
    path = os.path.join(folder, "after.npz")
    net.save(path)
    again = lernmi.Network.load(path)
    np.testing.assert_array_equal(again.predict(x), net.predict(x))
    net.train(x, labels, progress=False)
    again.train(x, labels, progress=False)
    np.testing.assert_array_equal(again.predict(x), net.predict(x))
    return sum(done)


def serialised_steps(threads, calls):
    net, alone = new_network(1), new_network(1)
    x, labels = data(1)

    def train(_):
        for _ in range(calls):
            net.train(x, labels, epochs=1, batch_size=4, progress=False)

    in_threads(threads, train)
    for _ in range(threads * calls):
        alone.train(x, labels, epochs=1, batch_size=4, progress=False)
    for shared, serial in zip(net.link_layers, alone.link_layers):
        np.testing.assert_array_equal(shared.weights, serial.weights)
    assert net.steps == alone.steps


def rewiring(seconds, threads):
    link = lernmi.Link(0.5, input_neuron=lernmi.Neuron("identity"), output_neuron=lernmi.Neuron())
    stop = time.monotonic() + seconds
    rounds = [0] * threads  # each thread counts its own: no shared counter to race on

    def work(k):
        while time.monotonic() < stop:
            for _ in range(1000):
                if k % 2:
                    link.output_neuron = lernmi.Neuron()  # drops the old neuron
                    link.input_neuron = lernmi.Neuron("identity")
                else:
                    link.propagate()
                    link.backpropagate()
            rounds[k] += 1

    in_threads(threads, work)
    assert np.isfinite(link.weight)
    return sum(rounds) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long it runs in all")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    unraisable = []  # exceptions C code could only print ("Exception ignored"): failures
    sys.unraisablehook = lambda info: (unraisable.append(info), sys.__unraisablehook__(info))
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    print(f"lernmi {lernmi.__version__} on Python {sys.version.split()[0]}, GIL "
          f"{'on' if gil else 'off'}, {args.threads} threads, {args.seconds:g} s")
    with tempfile.TemporaryDirectory() as folder:
        calls = mixed_use(0.8 * args.seconds, args.threads, folder)
    print(f"mixed use: {calls:,} calls, weights finite, a saved copy answers and trains alike")
    serialised_steps(args.threads, calls=5)
    print(f"serialised steps: {args.threads} threads x 5 trains = the same trains in one thread")
    steps = rewiring(0.2 * args.seconds, args.threads)
    print(f"rewiring: {steps:,} rewirings and steps through one Link")
    assert not unraisable, f"{len(unraisable)} exception(s) ignored in C code"
    print("ok")


if __name__ == "__main__":
    main()
