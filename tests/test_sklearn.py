"""lernmi.sklearn: the estimators pass scikit-learn's own checks, fit exactly what a Network
trained by hand would, and work in pipelines, grid searches and sweeps on a Dask cluster."""

import copy
import doctest
import pickle

import numpy as np
import pytest

pytest.importorskip("sklearn", reason="lernmi.sklearn needs scikit-learn (the sklearn extra)")

from sklearn.datasets import make_blobs, make_regression  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

import lernmi  # noqa: E402
from lernmi.sklearn import NetworkClassifier, NetworkRegressor  # noqa: E402


@parametrize_with_checks([
    NetworkClassifier(), NetworkRegressor(),
    NetworkClassifier((), seed=1), NetworkRegressor((), seed=1),
    NetworkClassifier((3,), seed=2), NetworkRegressor((5,), seed=3),
    NetworkClassifier((16, 8), activation="tanh", seed=4), NetworkRegressor((16, 8), seed=5),
    NetworkClassifier((8,), optimizer=lernmi.SGD(0.05, momentum=0.9), dropout=0.1,
                      batch_size=8, patience=5, seed=6),
    NetworkClassifier((8,), output_activation="sigmoid", seed=7),
    NetworkRegressor((8,), output_activation="tanh", seed=8),
    # A bottleneck of one neuron may not learn the checks' data: it says so (poor_score).
    NetworkClassifier((1,), seed=9), NetworkRegressor((16, 1), seed=9),
])
# Some checks fit on inputs near 100, on which lernmi warns that sigmoids saturate.
@pytest.mark.filterwarnings("ignore:the inputs' root mean square:UserWarning")
def test_scikit_learn_checks(estimator, check):
    check(estimator)


def test_docstring_examples():
    import lernmi.sklearn

    results = doctest.testmod(lernmi.sklearn)
    assert results.attempted > 0 and results.failed == 0


def blobs(samples=120, classes=3, seed=0):
    x, y = make_blobs(samples, n_features=4, centers=classes, random_state=seed)
    return StandardScaler().fit_transform(x), y


def test_fit_trains_the_network_a_network_trains_by_hand():
    x, y = blobs()
    model = NetworkClassifier((6,), activation="tanh", batch_size=8, epochs=5, seed=3)
    model.fit(x, y)
    net = lernmi.Network([4, 6, 3], activation="tanh", output_activation="softmax",
                         cost="cross_entropy", optimizer=lernmi.Adam(), seed=3)
    history = net.train(x, y, epochs=5, batch_size=8, progress=False)
    for fitted, by_hand in zip(model.network_.link_layers, net.link_layers):
        np.testing.assert_array_equal(fitted.weights, by_hand.weights)
    assert model.history_ == history
    np.testing.assert_array_equal(model.predict_proba(x), net.predict(x))


def test_a_seed_gives_the_same_model_and_another_seed_another():
    x, y = blobs()
    first, again, other = (NetworkClassifier((5,), epochs=3, seed=seed).fit(x, y)
                           for seed in (9, 9, 10))
    np.testing.assert_array_equal(first.network_.link_layers[0].weights,
                                  again.network_.link_layers[0].weights)
    assert not np.array_equal(first.network_.link_layers[0].weights,
                              other.network_.link_layers[0].weights)


def test_labels_of_any_kind_and_probabilities():
    x, y = blobs()
    names = np.array(["cat", "dog", "emu"])[y]
    for output in ("softmax", "sigmoid"):
        model = NetworkClassifier((8,), output_activation=output, epochs=100).fit(x, names)
        np.testing.assert_array_equal(model.classes_, ["cat", "dog", "emu"])
        proba = model.predict_proba(x)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
        np.testing.assert_array_equal(model.predict(x), model.classes_[proba.argmax(axis=1)])
        assert model.score(x, names) > 0.9


def test_regression_with_one_target_and_with_several():
    x, y = make_regression(150, n_features=3, n_targets=2, noise=0.1, random_state=0)
    x, y = StandardScaler().fit_transform(x), y / y.std(axis=0)
    two = NetworkRegressor((16,), epochs=100).fit(x, y)
    assert list(two.network_.layer_sizes) == [3, 16, 2] and two.predict(x).shape == (150, 2)
    one = NetworkRegressor((16,), epochs=100).fit(x, y[:, 0])
    assert one.predict(x).shape == (150,)
    assert one.score(x, y[:, 0]) > 0.9 and two.score(x, y) > 0.9
    assert one.network_.neuron_layers[-1].activation == "identity"
    assert one.network_.cost == "quadratic"
    squashed = NetworkRegressor((4,), output_activation="sigmoid", epochs=2).fit(x, y * 9)
    assert squashed.network_.cost == "quadratic"  # whatever the output activation


def test_sigmoid_outputs_that_all_vanish_give_each_class_the_same_share():
    x, y = blobs()
    model = NetworkClassifier((4,), output_activation="sigmoid", epochs=1).fit(x, y)
    model.network_.link_layers[-1].weights[...] = -1000.0  # every sigmoid output 0
    np.testing.assert_array_equal(model.predict_proba(x[:3]), np.full((3, 3), 1 / 3))


def test_warm_start_goes_on_and_a_cold_fit_starts_again():
    x, y = blobs()
    warm = NetworkClassifier((5,), epochs=2, warm_start=True).fit(x, y)
    network = warm.network_
    warm.fit(x, y)
    assert warm.network_ is network and network.steps == 2 * 2 * 4  # 2 epochs of 4 batches
    cold = NetworkClassifier((5,), epochs=2).fit(x, y)
    first = cold.network_.link_layers[0].weights.copy()
    cold.fit(x, y)
    np.testing.assert_array_equal(cold.network_.link_layers[0].weights, first)
    with pytest.raises(ValueError, match="not among the classes"):
        warm.fit(x, y + 1)
    warm.set_params(dropout=0.25, optimizer=lernmi.SGD(0.01)).fit(x, y)
    assert network.dropout == 0.25 and network.optimizer == lernmi.SGD(0.01)
    for change in ({"hidden_layer_sizes": (6,)}, {"activation": "tanh"}, {"cost": "quadratic"},
                   {"output_activation": "sigmoid"}):
        before = copy.deepcopy(warm.__dict__)
        with pytest.raises(ValueError, match=f"{next(iter(change))} is .*warm_start=False"):
            warm.set_params(**change).fit(x, y)
        warm.set_params(**{name: before[name] for name in change})
        assert warm.network_ is network and network.steps == before["network_"].steps


@pytest.mark.parametrize("options, error", [
    ({"batch_size": 0}, ValueError), ({"epochs": 0}, ValueError), ({"patience": 0}, ValueError),
    ({"dropout": 1.0}, ValueError), ({"optimizer": "adam"}, TypeError),
    ({"patience": 2, "validation_fraction": 2.0}, ValueError)])
def test_a_warm_start_that_fails_leaves_the_fitted_network_as_it_was(options, error):
    x, y = blobs()
    model = NetworkClassifier((5,), epochs=1, warm_start=True).fit(x, y)
    network = model.network_
    before = copy.deepcopy(network)  # its weights, optimizer and moments, steps and rng
    with pytest.raises(error):
        model.set_params(**{"optimizer": lernmi.SGD(0.1, momentum=0.5), "dropout": 0.5,
                            **options}).fit(x, y)
    assert model.network_ is network
    assert network.optimizer == before.optimizer and network.dropout == before.dropout
    assert network.steps == before.steps
    state, kept = lernmi.saving.state_of(network), lernmi.saving.state_of(before)
    assert state[0] == kept[0] and state[1].keys() == kept[1].keys()
    assert all(np.array_equal(state[1][name], kept[1][name]) for name in state[1])


def test_partial_fit_is_one_epoch_at_a_time():
    x, y = blobs()
    model = NetworkClassifier((5,), batch_size=10, seed=2)
    with pytest.raises(ValueError, match="first partial_fit needs classes"):
        model.partial_fit(x, y)
    model.partial_fit(x[:60], y[:60], classes=[0, 1, 2])
    model.partial_fit(x[60:], y[60:])
    assert model.network_.steps == 12
    with pytest.raises(ValueError, match="differ"):
        model.partial_fit(x, y, classes=[0, 1, 2, 3])
    regressor = NetworkRegressor((4,)).partial_fit(x, y.astype(float))
    assert regressor.network_.steps == 4


def test_patience_holds_out_a_validation_set():
    x, y = blobs(200)
    model = NetworkClassifier((8,), epochs=40, patience=3, seed=1).fit(x, y)
    assert "best_epoch" in model.history_ and len(model.history_["val_loss"]) <= 40
    with pytest.raises(ValueError, match="validation_fraction must be"):
        NetworkClassifier(patience=3, validation_fraction=1.5).fit(x, y)


@pytest.mark.parametrize("options, error, match", [
    ({"output_activation": "tanh"}, ValueError, "output_activation must be one of"),
    ({"hidden_layer_sizes": None}, TypeError, "hidden_layer_sizes must be a list"),
    ({"hidden_layer_sizes": (0,)}, ValueError, "layer size must be at least 1"),
    ({"activation": "wiggle"}, ValueError, "wiggle"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"dropout": 1.0}, ValueError, "dropout"),
    ({"seed": -1}, ValueError, "seed must be None or an integer >= 0, not -1"),
    ({"seed": 1.5}, TypeError, "seed must be None or an integer >= 0, not 1.5"),
])
def test_bad_hyperparameters_are_named_and_leave_the_model_as_it_was(options, error, match):
    x, y = blobs()
    model = NetworkClassifier((4,), epochs=1).fit(x, y)
    network, weights = model.network_, model.network_.link_layers[0].weights.copy()
    with pytest.raises(error, match=match):
        model.set_params(**options).fit(x, y)
    assert model.network_ is network
    np.testing.assert_array_equal(network.link_layers[0].weights, weights)
    # Nor does one that fails on data of another width: the model still takes 4 inputs.
    with pytest.raises(error, match=match):
        model.fit(np.hstack([x, x]), y)
    assert model.n_features_in_ == 4 and model.predict(x).shape == (len(x),)


def test_in_a_pipeline_and_a_grid_search():
    x, y = make_blobs(150, n_features=5, centers=3, random_state=1)
    pipeline = make_pipeline(StandardScaler(), NetworkClassifier(epochs=100))
    search = GridSearchCV(pipeline, {"networkclassifier__hidden_layer_sizes": [(2,), (16,)]},
                          cv=3)
    search.fit(x, y)
    assert search.best_score_ > 0.9
    network = search.best_estimator_[-1].network_
    assert isinstance(network, lernmi.Network) and network.layer_sizes[0] == 5
    again = pickle.loads(pickle.dumps(search.best_estimator_))
    np.testing.assert_array_equal(again.predict_proba(x), search.best_estimator_.predict_proba(x))


GRID = {"hidden_layer_sizes": [(4,), (12,)], "batch_size": [4, 16]}


def grid_search(x, y, **options):
    search = GridSearchCV(NetworkClassifier(epochs=10, seed=5), GRID, cv=2, **options)
    return search.fit(x, y).cv_results_


def same_results(first, second):
    for key in ("params", "mean_test_score", "split0_test_score", "split1_test_score"):
        np.testing.assert_array_equal(first[key], second[key])


def test_a_threaded_search_finds_what_a_one_job_search_finds():
    from joblib import parallel_backend

    x, y = blobs()
    with parallel_backend("threading", n_jobs=2):
        threaded = grid_search(x, y, n_jobs=2)
    same_results(threaded, grid_search(x, y))


def test_a_search_on_a_dask_cluster_finds_what_a_one_job_search_finds():
    distributed = pytest.importorskip("distributed", reason="needs dask.distributed")
    from joblib import parallel_backend

    x, y = blobs()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        with parallel_backend("dask"):
            on_cluster = grid_search(x, y, n_jobs=-1)
        # The fits ran in the workers' processes, which had to import lernmi to run them.
        imported = client.run(lambda: "lernmi.sklearn" in __import__("sys").modules)
    assert len(imported) == 2 and any(imported.values())
    same_results(on_cluster, grid_search(x, y))
