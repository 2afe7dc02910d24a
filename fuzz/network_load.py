"""Fuzz Network.load: any file gives a Network that runs, or a ValueError."""

import atexit
import os
import shutil
import tempfile

import numpy as np

from common import fuzz

FOLDER = tempfile.mkdtemp(prefix="lernmi-fuzz-")
atexit.register(shutil.rmtree, FOLDER, ignore_errors=True)
PATH = os.path.join(FOLDER, "net.npz")


def test_one_input(data):
    import lernmi

    with open(PATH, "wb") as file:
        file.write(data)
    try:
        net = lernmi.Network.load(PATH)
    except ValueError:
        return
    # What loaded must work as a network: answer, and learn one sample.
    x = np.linspace(-1.0, 1.0, net.layer_sizes[0])
    net.run(x)
    if net.cost == "quadratic":
        net.learn(x, np.zeros(net.layer_sizes[-1]))


if __name__ == "__main__":
    fuzz(test_one_input, "lernmi.saving", "lernmi.optimizers")
