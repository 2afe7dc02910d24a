"""Draw the picture on the README's front page: docs/_static/spirals.png.

Usage: python tools/front_picture.py

A network of 2 inputs, two hidden layers of 16 tanh neurons and 2 softmax outputs learns
the two arms of a spiral (300 points from lernmi.datasets.spirals), and
lernmi.plots.decision_boundary colours the plane by its answer. The seeds are fixed, so
the picture only changes when lernmi's numbers do. Needs matplotlib (pip install ".[plot]").
"""

from pathlib import Path

from lernmi import Adam, Network, plots
from lernmi.datasets import spirals

PICTURE = Path(__file__).resolve().parent.parent / "docs" / "_static" / "spirals.png"


def main():
    x, y = spirals(300, noise=0.05, seed=0)
    net = Network([2, 16, 16, 2], activation="tanh", output_activation="softmax",
                  cost="cross_entropy", optimizer=Adam(0.02), seed=0)
    net.train(x, y, epochs=300, batch_size=8, progress=False)
    figure = plots.decision_boundary(net, x, y)
    figure.savefig(PICTURE, dpi=72)
    print(f"{PICTURE}: {PICTURE.stat().st_size:,} bytes, "
          f"training accuracy {net.evaluate(x, y):.3f}")


if __name__ == "__main__":
    main()
