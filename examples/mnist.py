"""Handwritten digits: the XOR examples' Neurons and Links, with many more of them.

MNIST is 70,000 small pictures of handwritten digits, 28 x 28 grey pixels each, with the
digit each one shows. The network sees a picture as 784 numbers between 0 and 1 (one input
neuron per pixel), passes them through one hidden layer of ReLU neurons, and ends in 10
softmax neurons, one per digit, whose outputs are its confidence in each digit. It learns
from the 60,000 training pictures in batches of 128, one step of SGD with Nesterov's
momentum per batch on the batch's mean gradient, and is then scored on the 10,000 test
pictures it has never seen. (`--batch-size 1 --momentum 0 --hidden 200 --rate 0.03`
learns from one picture at a time, exactly as `learn` does: 98% too, but more slowly.)

    python examples/mnist.py                  # under a minute: 98% of the test digits right
    python examples/mnist.py --show 5000      # also draw every 5,000th training digit
    python examples/mnist.py --plots pictures # and save pictures of it (needs matplotlib)
    python -m lernmi mnist --epochs 2         # the same program, from an installed lernmi

The same network can learn two harder datasets of the same form, with the same settings:

    python examples/mnist.py --dataset fashion_mnist  # clothes, shoes and bags
    python examples/mnist.py --dataset kmnist         # hiragana in old cursive script

Expect fewer of those right: the 98% above is for MNIST's digits only.

The data comes from lernmi.datasets.load: from --data-dir or the folder the dataset's
environment variable names (LERNMI_DATA_DIR for MNIST), or else downloaded once into your
cache folder.
"""

import argparse
import pathlib
import sys
import time

import numpy as np

import lernmi
from lernmi import plots
from lernmi.datasets import DATASETS, load


def options(argv=None):
    parser = argparse.ArgumentParser(description="Train a lernmi Network on MNIST, or on "
                                     "another dataset of the same form.")
    parser.add_argument("--dataset", choices=tuple(DATASETS), default="mnist",
                        help="which pictures: " + ", ".join(
                            f"{name} ({entry.title})" for name, entry in DATASETS.items())
                        + " (default: %(default)s)")
    parser.add_argument("--data-dir", help="folder with the dataset's four files (default: "
                        "the folder its environment variable names, " + ", ".join(
                            f"${entry.variable} for {entry.title}" for entry in
                            DATASETS.values()) + "; or else download them once)")
    parser.add_argument("--epochs", type=int, default=3,
                        help="passes over the training set (default: %(default)s)")
    parser.add_argument("--hidden", type=int, default=224,
                        help="neurons in the hidden layer (default: %(default)s)")
    parser.add_argument("--rate", type=float, default=None, help="the highest training rate, "
                        "reached at the end of the warm-up (default: 0.3, or 0.002 with "
                        "--optimizer adam)")
    parser.add_argument("--warmup", type=float, default=0.1, help="the share of the steps "
                        "over which the rate rises from 0 to --rate; it then falls in a "
                        "straight line to 0 at the end of the run (default: %(default)s)")
    parser.add_argument("--optimizer", choices=("sgd", "adam"), default="sgd",
                        help="how the weights step (default: %(default)s)")
    parser.add_argument("--momentum", type=float, default=None,
                        help="SGD's momentum, in [0, 1) (default: 0.9; Adam has none)")
    parser.add_argument("--nesterov", action=argparse.BooleanOptionalAction, default=None,
                        help="SGD's momentum with Nesterov's look-ahead (default: yes, "
                        "where there is momentum)")
    parser.add_argument("--batch-size", type=int, default=128,
                        help="samples per step, on their mean gradient (default: %(default)s)")
    parser.add_argument("--dropout", type=float, default=0.0,
                        help="chance that a hidden neuron sits out a training picture, in "
                        "[0, 1) (default: %(default)s)")
    parser.add_argument("--patience", type=int, default=None,
                        help="stop after this many epochs without a better test loss, and "
                        "keep the best epoch's weights (default: train every epoch)")
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32",
                        help="the network's numbers: float32 moves half the bytes of "
                        "float64 and rounds to 24 bits, not 53 (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=1,
                        help="seed for the weights and shuffles (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads that share each picture's step; the weights learnt "
                        "are the same on any number (default: every core this process may "
                        "use, for a network this big)")
    parser.add_argument("--show", type=int, default=0, metavar="N",
                        help="draw every Nth training picture with the network's guess "
                        "(default: 0, none)")
    parser.add_argument("--plots", metavar="DIR", help="save pictures of what it learned "
                        "into DIR (needs matplotlib)")
    args = parser.parse_args(argv)
    for name in ("epochs", "hidden", "batch_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, not "
                         f"{getattr(args, name)}")
    if args.patience is not None and args.patience < 1:
        parser.error(f"--patience must be at least 1, not {args.patience}")
    if args.momentum is None:
        args.momentum = 0.9 if args.optimizer == "sgd" else 0.0
    elif not 0.0 <= args.momentum < 1.0 or (args.momentum and args.optimizer == "adam"):
        parser.error(f"--momentum must be in [0, 1), and only with --optimizer sgd, not "
                     f"{args.momentum}")
    if args.nesterov is None:
        args.nesterov = args.momentum > 0.0
    elif args.nesterov and not args.momentum:
        parser.error("--nesterov needs SGD with a momentum above 0")
    if not 0.0 <= args.dropout < 1.0:
        parser.error(f"--dropout must be in [0, 1), not {args.dropout}")
    if args.rate is None:
        args.rate = 0.3 if args.optimizer == "sgd" else 0.002
    if not 0.0 < args.rate < float("inf"):
        parser.error(f"--rate must be a positive number, not {args.rate}")
    if not 0.0 <= args.warmup < 1.0:
        parser.error(f"--warmup must be in [0, 1), not {args.warmup}")
    if args.threads is not None and not 1 <= args.threads <= 256:
        parser.error(f"--threads must be from 1 to 256, not {args.threads}")
    if args.show < 0:
        parser.error(f"--show must be 0 or more, not {args.show}")
    if args.plots:
        try:
            import matplotlib  # noqa: F401  (checked now rather than after training)
        except ImportError:
            parser.error('--plots needs matplotlib: pip install "lernmi[plot]"')
    return args


def main(argv=None):
    args = options(argv)
    started = time.perf_counter()

    # 1. The data: images as rows of 784 numbers in [0, 1], labels 0 to 9 naming the class
    #    (for MNIST, the digit itself).
    dataset = DATASETS[args.dataset]
    try:
        data = load(args.dataset, args.data_dir)
    except (OSError, ValueError, ImportError) as error:  # no files, damaged files, no pooch
        sys.exit(f"{error}\n(With this program: --data-dir FOLDER.)")
    print(f"{len(data.train_images):,} training and {len(data.test_images):,} test "
          f"{dataset.item}s")

    # 2. The network: 784 inputs, one hidden layer, 10 outputs (`network`, below), and the
    #    pictures as numbers of its type.
    net = network(args)
    print(net)
    images, test_images = (data.train_images.astype(net.dtype, copy=False),
                           data.test_images.astype(net.dtype, copy=False))

    # 3. Learning, a batch of pictures a step (the labels stand for one-hot expected
    #    outputs), at a rate set afresh for every step: small steps while the weights are
    #    still random, the biggest soon after, then ever smaller ones (`schedule`). The
    #    defaults are the fastest to 98% found (docs/speed.md).
    history = net.train(images, data.train_labels, epochs=args.epochs,
                        batch_size=args.batch_size, patience=args.patience,
                        validation_data=(test_images, data.test_labels),
                        schedule=schedule(args), schedule_every="step", threads=args.threads)
    for epoch in range(len(history["loss"])):
        print(f"epoch {epoch + 1}: training rate from {history['training_rate'][epoch]:.4f}, "
              f"training accuracy {history['accuracy'][epoch]:.4f}, "
              f"test accuracy {history['val_accuracy'][epoch]:.4f}")

    # 4. What it learned, picture by picture.
    if args.show > 0:
        shown = images[::args.show]
        for image, label, outputs in zip(shown, data.train_labels[::args.show],
                                         net.predict(shown)):
            print(drawing(image, label, outputs, dataset))

    accuracy = net.evaluate(test_images, data.test_labels)
    print(f"done in {time.perf_counter() - started:.1f} s")
    print(f"test accuracy: {accuracy:.4f}")

    # 5. Pictures of it: how it learned, which classes it mixes up, what 25 hidden neurons
    #    look for, and which pixels moved its answer for the first test picture.
    if args.plots:
        folder = pathlib.Path(args.plots)
        folder.mkdir(parents=True, exist_ok=True)
        plots.learning_curves(history, path=folder / "learning_curves.png")
        plots.confusion_matrix(data.test_labels, net.predict(test_images),
                               classes=len(dataset.classes),
                               path=folder / "confusion_matrix.png")
        plots.hidden_weights(net, count=25, path=folder / "hidden_weights.png")
        plots.input_sensitivity(net, test_images[0], path=folder / "input_sensitivity.png")
        for name in ("learning_curves", "confusion_matrix", "hidden_weights", "input_sensitivity"):
            print(f"saved {folder / name}.png")


def network(args):
    """784 inputs, a hidden layer of args.hidden ReLU neurons, and 10 softmax outputs, whose
    outputs add up to 1; with the cross-entropy cost each output's error is simply output -
    expected. Its weights step by `optimizer`; its numbers are args.dtype's."""
    return lernmi.Network([784, args.hidden, 10], activation="relu",
                          output_activation="softmax", cost="cross_entropy",
                          optimizer=optimizer(args), dropout=args.dropout, seed=args.seed,
                          dtype=args.dtype)


def optimizer(args):
    """How the weights step, as the options say: Adam, or SGD with momentum (Nesterov's
    or not), at the highest training rate, which `schedule` then sets for every step."""
    if args.optimizer == "adam":
        return lernmi.Adam(args.rate)
    return lernmi.SGD(args.rate, momentum=args.momentum, nesterov=args.nesterov)


def schedule(args):
    """The training rate as a function of the epochs done so far, a fraction (train asks for
    it at every step): up from 0 in a straight line to args.rate over the first
    args.warmup of the run, then down in a straight line to 0 at its end."""
    def rate(epoch):
        done = epoch / args.epochs
        if done < args.warmup:
            return args.rate * done / args.warmup
        return args.rate * (1.0 - done) / (1.0 - args.warmup)
    return rate


def drawing(image, label, outputs, dataset):
    """A 28 x 28 picture as text, two characters per pixel, with the guess beside it, both
    named by the dataset's classes: "digit 7, guess 7 (99% sure)"."""
    shades = " .:-=+*#%@"
    rows = ["".join(shades[int(p * 9.999)] * 2 for p in line) for line in image.reshape(28, 28)]
    guess = int(np.argmax(outputs))
    rows[13] += (f"   {dataset.item} {dataset.classes[label]}, guess {dataset.classes[guess]} "
                 f"({outputs[guess]:.0%} sure)")
    return "\n".join(rows)


if __name__ == "__main__":
    main()
