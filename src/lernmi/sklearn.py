"""lernmi Networks as scikit-learn estimators: for pipelines, grid searches and what comes after.

`NetworkClassifier` and `NetworkRegressor` build a `lernmi.Network` in `fit` and train it
with `Network.train`; the fitted network is `network_`, Neurons and Links and all, so a
model found by a grid search can still be looked at link by link. Their hyperparameters
have the names they have on `Network` and `train`, except `hidden_layer_sizes` (scikit-learn
MLP's name: the hidden layers only; the input and output layers come from the data).

Needs scikit-learn: ``pip install "lernmi[sklearn]"``.

Because `train` runs without the GIL, a search over several networks runs on several cores
in threads (joblib's threading backend), and on several machines through joblib's Dask
backend; see docs/onward.md, "More cores, more machines".

>>> from lernmi.sklearn import NetworkClassifier
>>> from sklearn.model_selection import GridSearchCV
>>> search = GridSearchCV(NetworkClassifier(epochs=50),
...                       {"hidden_layer_sizes": [(16,), (64,)]})      # doctest: +SKIP
>>> search.fit(inputs, labels).best_params_                            # doctest: +SKIP
{'hidden_layer_sizes': (64,)}
"""

import numbers

import numpy as np

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import check_is_fitted, validate_data
except ImportError:
    raise ImportError('lernmi.sklearn needs scikit-learn: pip install "lernmi[sklearn]"') \
        from None

from ._checks import positive_int, random_generator
from .network import Network
from .optimizers import Adam, optimizer_or_default
from .training import checked_dropout

__all__ = ["NetworkClassifier", "NetworkRegressor"]

#: A hidden layer narrower than this is a bottleneck that may not learn scikit-learn's test
#: data (three clusters) at all, so an estimator with one says so: the poor_score tag.
NARROW = 3

#: The classifier's output activations: softmax gives each row's probabilities, and sigmoid
#: outputs become them divided by their row's sum.
CLASSIFIER_OUTPUTS = ("softmax", "sigmoid")


class _NetworkEstimator(BaseEstimator):
    """What the classifier and the regressor share: the hyperparameters and fitting.

    A subclass checks X and y and says what the network learns from them and how many
    output neurons it needs (`_checked`), and gives its default output activation and cost.
    """

    def __init__(self, hidden_layer_sizes=(100,), *, activation="relu",
                 output_activation=None, cost=None, optimizer=None, batch_size=32,
                 epochs=200, dropout=0.0, patience=None, validation_fraction=0.1, seed=0,
                 warm_start=False):
        # scikit-learn's rule: __init__ keeps the arguments as given; fit checks them.
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output_activation = output_activation
        self.cost = cost
        self.optimizer = optimizer
        self.batch_size = batch_size
        self.epochs = epochs
        self.dropout = dropout
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.seed = seed
        self.warm_start = warm_start

    def fit(self, X, y):
        """Train a network on the rows of X against y for `epochs` epochs; return self.

        With ``warm_start=True`` and a network already fitted, training goes on from it;
        otherwise a new network is made from `seed`.
        """
        going_on = self.warm_start and hasattr(self, "network_")
        return self._fit(X, y, going_on, epochs=self.epochs, patience=self.patience)

    def _fit(self, X, y, going_on, *, epochs, patience, **options):
        # A fit that fails leaves the model as it was: validate_data sets n_features_in_
        # (and feature_names_in_) as it checks, so everything is put back on the way out.
        before = dict(self.__dict__)
        try:
            X, t, fitted = self._checked(X, y, going_on, **options)
            settings = self._settings(X.shape[1], fitted["n_outputs_"])
            # What train would refuse, refused before _going_on changes the fitted network.
            positive_int(epochs, "epochs")
            positive_int(self.batch_size, "batch_size")
            validation = None
            if patience is not None:
                positive_int(patience, "patience")
                X, t, validation = self._held_out(X, t)
            network = self._going_on(settings) if going_on else Network(**settings,
                                                                        seed=self.seed)
            history = network.train(X, t, epochs=epochs, batch_size=self.batch_size,
                                    validation_data=validation, patience=patience,
                                    progress=False)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(before)
            raise
        self.__dict__.update(fitted, network_=network, history_=history)
        return self

    def _held_out(self, X, t):
        """X and t split into what is learned from and the validation data `patience`
        watches: a random `validation_fraction` of the rows, drawn from `seed`."""
        fraction = self.validation_fraction
        if not isinstance(fraction, numbers.Real) or not 0.0 < fraction < 1.0:
            raise ValueError(f"validation_fraction must be a number between 0 and 1, not "
                             f"{fraction!r}")
        held = int(round(fraction * X.shape[0]))
        if not 0 < held < X.shape[0]:
            raise ValueError(f"patience needs a validation set: validation_fraction="
                             f"{fraction} of {X.shape[0]} samples leaves none to validate "
                             f"on or none to learn from")
        order = random_generator(self.seed).permutation(X.shape[0])
        keep, hold = order[held:], order[:held]
        return X[keep], t[keep], (X[hold], t[hold])

    def _settings(self, inputs, outputs):
        """The Network's arguments (but its seed) that the hyperparameters ask for."""
        hidden = self.hidden_layer_sizes
        if isinstance(hidden, numbers.Integral):
            hidden = (hidden,)
        if isinstance(hidden, str) or not hasattr(hidden, "__iter__"):
            raise TypeError(f"hidden_layer_sizes must be a list of layer sizes, not "
                            f"{hidden!r}")
        output = self._output_activation()
        return {"layer_sizes": [inputs, *hidden, outputs], "activation": self.activation,
                "output_activation": output,
                "cost": self._default_cost() if self.cost is None else self.cost,
                "optimizer": Adam() if self.optimizer is None else self.optimizer,
                "dropout": self.dropout}

    def _going_on(self, settings):
        """The fitted network, to train on (warm_start, partial_fit): ValueError if the
        hyperparameters now ask for another shape, activation or cost; a new optimizer or
        dropout it takes on (a new optimizer starts afresh, as `Network.optimizer` says)."""
        net = self.network_
        now = {"hidden_layer_sizes": list(net.layer_sizes[1:-1]),
               "activation": net.neuron_layers[1].activation if len(net.layer_sizes) > 2
               else settings["activation"],
               "output_activation": net.neuron_layers[-1].activation, "cost": net.cost}
        asked = {"hidden_layer_sizes": settings["layer_sizes"][1:-1],
                 "activation": settings["activation"],
                 "output_activation": settings["output_activation"], "cost": settings["cost"]}
        for name, value in asked.items():
            if value != now[name]:
                raise ValueError(f"{name} is {value!r}, but the fitted network that "
                                 f"warm_start and partial_fit train on has {now[name]!r}; "
                                 f"fit with warm_start=False to start a new network")
        # Both checked before either is set: a new optimizer cannot be taken back.
        dropout = checked_dropout(settings["dropout"])
        optimizer = optimizer_or_default(settings["optimizer"], net.training_rate)
        if net.optimizer != optimizer:
            net.optimizer = optimizer
        net.dropout = dropout
        return net

    def _narrow(self):
        """Whether a hidden layer is under NARROW neurons wide (checked in fit, not here)."""
        hidden = self.hidden_layer_sizes
        hidden = (hidden,) if isinstance(hidden, numbers.Integral) else hidden
        try:
            return any(int(size) < NARROW for size in hidden)
        except (TypeError, ValueError):
            return False

    def _run(self, X):
        """The network's outputs for the rows of X (checked against what it was fitted on)."""
        check_is_fitted(self, "network_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return self.network_.predict(X)


class NetworkClassifier(ClassifierMixin, _NetworkEstimator):
    """A lernmi Network as a scikit-learn classifier: one output neuron per class.

    Parameters
    ----------
    hidden_layer_sizes : int or sequence of int
        The hidden layers' sizes, first to last (default ``(100,)``; ``()`` for none).
    activation : str
        The hidden layers' activation (default ``"relu"``), as in `lernmi.Network`.
    output_activation : {"softmax", "sigmoid"} or None
        None (default) means softmax: the outputs are the classes' probabilities. With
        sigmoid, each output is scored on its own and `predict_proba` divides each row by
        its sum.
    cost : str or None
        None (default): cross-entropy, which suits both output activations.
    optimizer : lernmi.SGD, lernmi.Adam or None
        None (default) means ``lernmi.Adam()`` (training rate 0.001, as scikit-learn's MLP).
    batch_size, epochs, patience : int, int, int or None
        As in `Network.train` (defaults 32, 200 and None).
    dropout : float
        As in `lernmi.Network` (default 0).
    validation_fraction : float
        With `patience`: the share of the training rows held out as validation data.
    seed : int or None
        Seed (0 or more) of the network's initial weights, its shuffling, dropout and the
        validation rows; the same seed and data give the same fitted model (default 0).
        None draws a new one each fit. (scikit-learn's tools that reseed estimators, such as
        ``BaggingClassifier``, set ``random_state``: give each copy a seed yourself.)
    warm_start : bool
        Whether `fit` goes on training the network it fitted last (default False). That
        network's shape, activations and cost stay: changing ``hidden_layer_sizes``,
        ``activation``, ``output_activation`` or ``cost`` and fitting warm is a ValueError.
        A changed ``dropout`` applies, and a changed ``optimizer`` starts afresh.

    Attributes
    ----------
    network_ : lernmi.Network
        The fitted network, Neurons, Links and all.
    classes_ : ndarray
        The class labels, in the order of the output neurons.
    history_ : dict
        What the last `fit` or `partial_fit` returned from `Network.train`.
    n_features_in_ : int

    Examples
    --------
    >>> from lernmi import Adam
    >>> from lernmi.sklearn import NetworkClassifier
    >>> xor = NetworkClassifier((4,), activation="tanh", optimizer=Adam(0.05), epochs=300)
    >>> xor.fit([[0, 0], [0, 1], [1, 0], [1, 1]], ["no", "yes", "yes", "no"]).predict(
    ...     [[1, 0], [1, 1]])
    array(['yes', 'no'], dtype='<U3')
    >>> xor.network_
    Network(2 -> 4 tanh -> 2 softmax, cross_entropy, 22 links)
    """

    def predict(self, X):
        """The class of each row of X: the label of the output neuron with the largest
        output."""
        outputs = self._run(X)  # first: it says when the model is not fitted yet
        return self.classes_[np.argmax(outputs, axis=1)]

    def predict_proba(self, X):
        """Each row's probability of each class (columns in the order of `classes_`)."""
        outputs = self._run(X)
        if self.network_.neuron_layers[-1].activation == "softmax":
            return outputs
        total = outputs.sum(axis=1, keepdims=True)
        # Sigmoids that all went to 0 say nothing for any class: each gets the same share.
        return np.where(total > 0.0, outputs / np.where(total > 0.0, total, 1.0),
                        1.0 / outputs.shape[1])

    def partial_fit(self, X, y, classes=None):
        """One epoch on the rows of X against y, going on from the network fitted so far.

        `classes` (every label that any call will see) is needed on the first call, which
        makes the network; later calls may leave it out.
        """
        going_on = hasattr(self, "network_")
        if classes is None and not going_on:
            raise ValueError("the first partial_fit needs classes: every class label that "
                             "any call will see")
        return self._fit(X, y, going_on, epochs=1, patience=None, classes=classes)

    def _checked(self, X, y, going_on, classes=None):
        """X and the class numbers of y, checked, and the attributes a fit on them sets."""
        X, y = validate_data(self, X, y, reset=not going_on, dtype=np.float64)
        check_classification_targets(y)
        if going_on:
            known = self.classes_
            if classes is not None and not np.array_equal(np.unique(classes), known):
                raise ValueError(f"classes {np.unique(classes)} differ from those the "
                                 f"network was made for, {known}")
        else:
            known = np.unique(y if classes is None else classes)
            if len(known) < 2:
                raise ValueError(f"a classifier needs at least two classes to tell apart, "
                                 f"but {'y' if classes is None else 'classes'} holds only "
                                 f"one class, {known[0]}")
        unknown = np.setdiff1d(y, known)
        if unknown.size:
            raise ValueError(f"y holds labels {unknown} that are not among the classes "
                             f"{known} the network was made for")
        return X, np.searchsorted(known, y), {"classes_": known, "n_outputs_": len(known)}

    def _default_cost(self):
        return "cross_entropy"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = self._narrow()
        return tags

    def _output_activation(self):
        output = "softmax" if self.output_activation is None else self.output_activation
        if output not in CLASSIFIER_OUTPUTS:
            raise ValueError(f"a classifier's output_activation must be one of "
                             f"{CLASSIFIER_OUTPUTS} (or None), not {output!r}")
        return output


class NetworkRegressor(RegressorMixin, _NetworkEstimator):
    """A lernmi Network as a scikit-learn regressor: one output neuron per target.

    The parameters are `NetworkClassifier`'s, but for the defaults: output_activation None
    means ``"identity"`` and cost None ``"quadratic"``. y may be one target per row (shape
    (samples,)) or several (shape (samples, targets)); `predict` answers in the same shape.
    lernmi does not scale y: targets far from size 1 learn slowly (a
    ``sklearn.compose.TransformedTargetRegressor`` with a ``StandardScaler`` scales them).

    Attributes
    ----------
    network_ : lernmi.Network
    history_ : dict
    n_features_in_ : int

    Examples
    --------
    >>> from lernmi import SGD
    >>> from lernmi.sklearn import NetworkRegressor
    >>> line = NetworkRegressor((), epochs=200, optimizer=SGD(0.1), batch_size=1)
    >>> line.fit([[0.0], [0.5], [1.0]], [1.0, 2.0, 3.0]).predict([[0.25]]).round(3)
    array([1.5])
    """

    def predict(self, X):
        """The network's answer for each row of X."""
        outputs = self._run(X)
        return outputs[:, 0] if self._one_target else outputs

    def partial_fit(self, X, y):
        """One epoch on the rows of X against y, going on from the network fitted so far
        (the first call makes it); return self."""
        return self._fit(X, y, hasattr(self, "network_"), epochs=1, patience=None)

    def _checked(self, X, y, going_on):
        """X and y as rows of targets, checked, and the attributes a fit on them sets."""
        X, y = validate_data(self, X, y, reset=not going_on, dtype=np.float64,
                             multi_output=True, y_numeric=True)
        t = y.reshape(-1, 1) if y.ndim == 1 else y
        if going_on and t.shape[1] != self.network_.layer_sizes[-1]:
            raise ValueError(f"y has {t.shape[1]} targets per row, but the network was "
                             f"fitted to {self.network_.layer_sizes[-1]}")
        return X, t, {"n_outputs_": t.shape[1], "_one_target": y.ndim == 1}

    def _default_cost(self):
        return "quadratic"

    def _output_activation(self):
        return "identity" if self.output_activation is None else self.output_activation

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        tags.regressor_tags.poor_score = self._narrow()
        return tags
