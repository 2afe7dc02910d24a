"""One network trained on several threads: the same weights, bit for bit, as on one.

`Network.train(threads=N)` shares each step among N threads (learning_loops.learn_samples
and learn_batches): rows forward; sending back, rows taking turns at each chunk of columns
(one sample a step) or columns (by the batch); rows stepping; a barrier between the
steps. Every number is worked out by the same operations in the same order whatever N
is, so these tests compare whole trained networks for exact equality, compiled and from
source, against one thread and against `learn` one sample at a time.
"""

import queue
import threading
import time
import types

import numpy as np
import pytest

# (layer sizes, network options): one hidden layer and several (whose middle layers send
# back by rows in turn, then step in the next sample's forward pass), every kind of
# output, wide layers whose shares start on 64-byte lines (team.split_layers), and layers
# narrower than the threads (some threads then have no neurons of a layer).
ONE_HIDDEN = ([5, 7, 3], {})
RELU = ([6, 40, 4], {"activation": "relu"})
SOFTMAX = ([5, 9, 6, 3], {"activation": "tanh", "output_activation": "softmax",
                          "cost": "cross_entropy"})
DEEP = ([4, 17, 3, 11, 2], {"activation": "gelu"})
WIDE = ([10, 80, 60, 3], {})
NARROW = ([3, 2, 2], {})
NETWORKS = [ONE_HIDDEN, RELU, SOFTMAX, DEEP, WIDE, NARROW]

# How each optimiser and batch size is shared: optimiser, batch size (over 32: packed and
# summed a GROUP of samples at a time, every tile of rows at once).
STEPS = [(None, 4), (None, 60), ("momentum", 1), ("momentum", 45), ("adam", 1), ("adam", 7)]


def samples(sizes, count=60, seed=0):
    """Inputs and expected outputs, rows that add up to 1 (which softmax outputs need)."""
    rng = np.random.default_rng(seed)
    t = rng.random((count, sizes[-1]))
    return rng.random((count, sizes[0])), t / t.sum(axis=1, keepdims=True)


def trained(lernmi, sizes, options, threads, epochs=2, **train):
    x, t = samples(sizes)
    net = lernmi.Network(sizes, seed=5, training_rate=0.3, **options)
    history = net.train(x, t, epochs=epochs, threads=threads, progress=False, **train)
    return net, history


def weights(net):
    return [layer.weights.copy() for layer in net.link_layers]


def same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(weights(a), weights(b)))


@pytest.mark.parametrize("sizes, options", NETWORKS)
def test_any_number_of_threads_learns_the_same_weights_to_the_last_bit(lernmi, sizes, options):
    one, history = trained(lernmi, sizes, options, threads=1)
    for threads in (2, 3, 5):
        net, other = trained(lernmi, sizes, options, threads=threads)
        assert same(net, one), threads
        assert other == history, threads  # the costs and rights each sample was scored by


def test_threads_learn_what_learn_does_sample_by_sample(compiled):
    sizes = [6, 20, 12, 3]
    x, t = samples(sizes, count=25)
    by_hand = compiled.Network(sizes, seed=2, training_rate=0.4)
    for row, expected in zip(x, t):
        by_hand.learn(row, expected)
    net = compiled.Network(sizes, seed=2, training_rate=0.4)
    net.train(x, t, shuffle=False, threads=2, progress=False)
    assert same(net, by_hand)


@pytest.mark.parametrize("sizes, options", [ONE_HIDDEN, DEEP])
@pytest.mark.parametrize("count", [1, 2, 7])
def test_threads_leave_every_neuron_as_one_thread_does(lernmi, sizes, options, count):
    # After train, each neuron holds the numbers of the last sample learnt from, whichever
    # thread worked them out or readied it; and a call of one sample takes its steps too.
    x, t = samples(sizes, count=count)
    nets = [lernmi.Network(sizes, seed=3, training_rate=0.3, **options) for _ in range(2)]
    for net, threads in zip(nets, (1, 3)):
        net.train(x, t, shuffle=False, threads=threads, progress=False)
    assert same(*nets)
    for one, many in zip(*(net.neuron_layers for net in nets)):
        for a, b in zip(one.store.views(), many.store.views()):
            assert np.array_equal(a, b)


@pytest.mark.parametrize("batch", [1, 45])
@pytest.mark.parametrize("every", ["epoch", "step"])
def test_compiled_threads_and_source_on_one_thread_agree(compiled, source, batch, every):
    sizes, options = DEEP
    schedule = {"schedule": lambda epoch: 0.3 / (1.0 + epoch), "schedule_every": every}
    assert same(trained(compiled, sizes, options, threads=3, batch_size=batch, **schedule)[0],
                trained(source, sizes, options, threads=1, batch_size=batch, **schedule)[0])


def test_dropout_draws_the_same_neurons_on_any_number_of_threads(lernmi):
    sizes = [5, 16, 8, 3]
    one = trained(lernmi, sizes, {"dropout": 0.3}, threads=1)[0]
    for threads in (2, 3, 5):
        many = trained(lernmi, sizes, {"dropout": 0.3}, threads=threads)[0]
        assert same(one, many), threads
        # Afterwards every neuron is kept whole again, as after training on one thread.
        assert np.array_equal(one.predict(samples(sizes)[0]), many.predict(samples(sizes)[0]))


def optimizer(lernmi, name):
    return {None: None, "momentum": lernmi.SGD(0.1, momentum=0.9, nesterov=True,
                                               weight_decay=0.01),
            "adam": lernmi.Adam(0.01, weight_decay=0.001)}[name]


@pytest.mark.parametrize("step, batch", STEPS)
@pytest.mark.parametrize("sizes, options", NETWORKS)
def test_batches_and_every_optimiser_learn_the_same_on_any_number_of_threads(
        lernmi, sizes, options, step, batch):
    options = {**options, "optimizer": optimizer(lernmi, step)}
    one, history = trained(lernmi, sizes, options, threads=1, batch_size=batch)
    for threads in (2, 3):
        net, other = trained(lernmi, sizes, options, threads=threads, batch_size=batch)
        assert same(net, one), threads
        assert other == history, threads


@pytest.mark.parametrize("step, batch", STEPS)
@pytest.mark.parametrize("sizes, options", [RELU, DEEP])
def test_a_rate_each_step_learns_the_same_on_any_number_of_threads(
        lernmi, sizes, options, step, batch):
    options = {**options, "optimizer": optimizer(lernmi, step)}
    schedule = {"schedule": lambda epoch: 0.02 * (1.0 + epoch), "schedule_every": "step"}
    one, history = trained(lernmi, sizes, options, threads=1, batch_size=batch, **schedule)
    for threads in (2, 3):
        net, other = trained(lernmi, sizes, options, threads=threads, batch_size=batch,
                             **schedule)
        assert same(net, one), threads
        assert other == history and net.training_rate == one.training_rate, threads


@pytest.mark.parametrize("sizes", [[5, 16, 3], [5, 16, 8, 3]])
@pytest.mark.parametrize("batch", [4, 45])
def test_batches_with_dropout_learn_the_same_on_any_number_of_threads(lernmi, sizes, batch):
    options = {"dropout": 0.3, "optimizer": lernmi.SGD(0.1, momentum=0.9)}
    one, history = trained(lernmi, sizes, options, threads=1, batch_size=batch)
    for threads in (2, 3, 5, 9):
        net, other = trained(lernmi, sizes, options, threads=threads, batch_size=batch)
        assert same(net, one), threads
        assert other == history, threads


def test_a_network_without_a_hidden_layer_runs_on_one_thread_with_the_same_numbers(compiled):
    assert same(trained(compiled, [5, 3], {}, threads=1)[0],
                trained(compiled, [5, 3], {}, threads=3)[0])


@pytest.mark.parametrize("bad, error", [(0, ValueError), (-2, ValueError), (1.5, TypeError),
                                        (True, TypeError), ("2", TypeError),
                                        (257, ValueError)])
def test_a_bad_thread_count_is_refused_before_anything_changes(lernmi, bad, error):
    sizes = [4, 6, 2]
    x, t = samples(sizes)
    net = lernmi.Network(sizes, seed=1)
    before = weights(net)
    with pytest.raises(error, match="threads"):
        net.train(x, t, threads=bad, progress=False)
    assert all(np.array_equal(a, b) for a, b in zip(before, weights(net)))


def test_none_shares_only_a_big_network_among_the_usable_cores(compiled, monkeypatch):
    from lernmi import training
    monkeypatch.setattr(training, "usable_cores", lambda: 6)
    assert training.checked_threads(None, (784, 100, 10)) == 6  # 79,510 weights
    assert training.checked_threads(None, (784, 30, 10)) == 1  # 23,860 weights
    assert training.checked_threads(3, (2, 1)) == 3


def test_the_usable_cores_are_those_this_process_may_run_on(compiled):
    import os

    from lernmi import training
    if hasattr(os, "sched_getaffinity"):
        assert training.usable_cores() == len(os.sched_getaffinity(0))
    else:
        assert training.usable_cores() == (os.cpu_count() or 1)


def test_a_thread_that_cannot_start_leaves_the_others_to_learn_the_same(compiled,
                                                                        monkeypatch):
    sizes, options = RELU
    one = trained(compiled, sizes, options, threads=1)[0]
    started = []
    real_start = threading.Thread.start

    def start(self):
        if self.name.startswith("lernmi-") and self.name != "lernmi-1":
            raise RuntimeError("can't start new thread")
        started.append(self.name)
        real_start(self)

    monkeypatch.setattr(threading.Thread, "start", start)
    net = trained(compiled, sizes, options, threads=4)[0]
    assert started == ["lernmi-1", "lernmi-1"]  # each epoch: one started, the next failed,
    # and this thread learnt alone
    assert same(net, one)
    assert not [t for t in threading.enumerate() if t.name.startswith("lernmi-")]


def test_the_gil_stays_released_while_threads_learn(compiled):
    sizes = [200, 300, 100, 10]
    x, t = samples(sizes, count=10_000)
    net = compiled.Network(sizes, seed=1, training_rate=0.1)
    counted, done = [0], threading.Event()

    def count():
        while not done.is_set():
            counted[0] += 1
            time.sleep(0.001)

    counter = threading.Thread(target=count)
    counter.start()
    start = time.perf_counter()
    try:
        net.train(x, t, shuffle=False, threads=2, progress=False)
    finally:
        done.set()
        counter.join()
    assert time.perf_counter() - start > 0.05  # long enough for the counter to count
    # A Python thread ran alongside: far more than the one count a held GIL would allow.
    assert counted[0] >= 10


def test_more_threads_than_cores_still_agree(compiled):
    sizes = [8, 64, 32, 4]
    one = trained(compiled, sizes, {}, threads=1, epochs=3)[0]
    assert same(trained(compiled, sizes, {}, threads=9, epochs=3)[0], one)


def test_ctrl_c_while_waiting_for_the_threads_is_raised_once_all_have_stopped(lernmi):
    join_all = lernmi.team.join_all

    class Worker:  # a thread whose first look and first join are interrupted by Ctrl-C
        def __init__(self):
            self.joins, self.looks, self.alive = 0, 0, True

        def is_alive(self):
            self.looks += 1
            if self.looks == 1:
                raise KeyboardInterrupt
            return self.alive

        def join(self):
            self.joins += 1
            if self.joins == 1:
                raise KeyboardInterrupt
            self.alive = False

    workers = [Worker(), Worker()]
    with pytest.raises(KeyboardInterrupt):
        join_all(workers)
    assert [worker.joins for worker in workers] == [2, 2]
    assert not any(worker.alive for worker in workers)


def interrupted_training(lernmi, threads=3):
    """Train WIDE on `threads` threads, called from a thread of its own as from the thread
    that Ctrl-C comes to: the network, and what train raised, once it has returned (within a
    minute), no thread of its team left."""
    sizes, options = WIDE
    net = lernmi.Network(sizes, seed=5, training_rate=0.3, **options)  # as `trained`'s
    raised = []

    def train():
        try:
            net.train(*samples(sizes), threads=threads, progress=False)
        except BaseException as caught:
            raised.append(caught)

    trainer = threading.Thread(target=train, daemon=True)
    trainer.start()
    trainer.join(timeout=60)
    assert not trainer.is_alive(), "a thread still waits at the barrier or the gate"
    assert not [t for t in threading.enumerate() if t.name.startswith("lernmi-")]
    return net, raised


def test_ctrl_c_while_the_threads_start_stands_them_down(lernmi, monkeypatch):
    # Thread.start is Python: Ctrl-C can land in it, here as the second of two starts.
    real_start = threading.Thread.start

    def start(self):
        if self.name == "lernmi-2":
            raise KeyboardInterrupt
        real_start(self)

    monkeypatch.setattr(threading.Thread, "start", start)
    net, raised = interrupted_training(lernmi)
    assert [type(error) for error in raised] == [KeyboardInterrupt]
    untrained = lernmi.Network(WIDE[0], seed=5, training_rate=0.3, **WIDE[1])
    assert same(net, untrained)  # lernmi-1 stood down, and this thread learnt nothing


@pytest.mark.parametrize("before", [True, False])
def test_ctrl_c_as_the_threads_are_let_go_leaves_none_waiting(source, monkeypatch, before):
    # Run as Python, Ctrl-C can land as the threads are let go through the gate: here in
    # the first put, before or after it lets lernmi-1 go. (Compiled, each put is a call
    # into C, and no Python runs between the first put and the joins.)
    class Interrupted(queue.SimpleQueue):
        def put(self, item):
            if before and not interrupts:
                interrupts.append(item)
                raise KeyboardInterrupt
            super().put(item)
            if not interrupts:
                interrupts.append(item)
                raise KeyboardInterrupt

    interrupts = []
    gates = types.ModuleType("queue")
    gates.__dict__.update(vars(queue), SimpleQueue=Interrupted)
    monkeypatch.setattr(source.team, "queue", gates)
    net, raised = interrupted_training(source)
    assert interrupts == [True] and [type(error) for error in raised] == [KeyboardInterrupt]


def test_none_times_one_thread_and_all_each_epoch_then_learns_on_the_faster(compiled,
                                                                           monkeypatch):
    from lernmi import training
    sizes = [200, 260, 10]  # 54,870 weights: shared with threads=None
    x, t = samples(sizes, count=100)
    one = compiled.Network(sizes, seed=4, dropout=0.2)
    one.train(x, t, epochs=2, threads=1, progress=False)
    used, learn_rows = [], training.learn_rows

    def spy(*args):
        used.append((args[3].shape[0], args[7]))  # (rows, threads) of each call
        learn_rows(*args)

    monkeypatch.setattr(training, "usable_cores", lambda: 2)
    monkeypatch.setattr(training, "TRIAL", 10)
    monkeypatch.setattr(training, "learn_rows", spy)
    net = compiled.Network(sizes, seed=4, dropout=0.2)
    net.train(x, t, epochs=2, progress=False)
    assert same(net, one)  # cut into pieces, on one thread or two: the same numbers
    for epoch in (used[:3], used[3:]):
        assert [call[0] for call in epoch] == [10, 10, 80]
        assert [call[1] for call in epoch[:2]] == [1, 2] and epoch[2][1] in (1, 2)


def in_pieces(lernmi, monkeypatch):
    """threads=None then learns each epoch in three calls of learn_rows: TRIAL rows on one
    thread, as many on two, then the rest."""
    monkeypatch.setattr(lernmi.training, "usable_cores", lambda: 2)
    monkeypatch.setattr(lernmi.training, "SHARED_WEIGHTS", 0)
    monkeypatch.setattr(lernmi.training, "TRIAL", 9)


@pytest.mark.parametrize("batch", [1, 3])
def test_each_piece_of_an_epoch_takes_its_own_steps_rates(lernmi, monkeypatch, batch):
    sizes, options = RELU
    schedule = {"schedule": lambda epoch: 0.05 * (1.0 + epoch), "schedule_every": "step"}
    whole = trained(lernmi, sizes, options, threads=1, batch_size=batch, **schedule)[0]
    in_pieces(lernmi, monkeypatch)
    pieces = trained(lernmi, sizes, options, threads=None, batch_size=batch, **schedule)[0]
    assert same(whole, pieces) and whole.training_rate == pieces.training_rate


def test_an_interrupted_epoch_leaves_its_last_steps_rate_everywhere(lernmi, monkeypatch):
    in_pieces(lernmi, monkeypatch)
    given, learn_rows = [], lernmi.training.learn_rows

    def interrupted(*args):  # the second piece is never learnt
        if given:
            raise KeyboardInterrupt
        given.append(args[-1].copy())  # the first piece's rates
        learn_rows(*args)

    monkeypatch.setattr(lernmi.training, "learn_rows", interrupted)
    sizes, options = RELU
    net = lernmi.Network(sizes, seed=5, **options)
    with pytest.raises(KeyboardInterrupt):
        net.train(*samples(sizes), epochs=2, batch_size=3, progress=False,
                  schedule=lambda epoch: 0.05 * (1.0 + epoch), schedule_every="step")
    assert given[0].shape == (3,) and given[0][-1] > given[0][0]
    assert net.training_rate == net.optimizer.training_rate == given[0][-1]


@pytest.mark.parametrize("threads, failing", [(2, 0), (2, 1), (3, 2), (3, 1)])
@pytest.mark.parametrize("error", [ValueError("a step failed"), KeyboardInterrupt()])
@pytest.mark.parametrize("where", ["readying", "in turn"])
def test_what_one_thread_raises_from_source_stops_the_team_and_is_raised(
        source, monkeypatch, threads, failing, error, where):
    # Run as Python, a step can raise, and Ctrl-C comes to the thread that called train
    # (thread 0). The thread breaks the barrier, so that no other waits for it for ever,
    # at the barrier or for its turn (team.send_back_in_turn).
    ready_rows, send_back_rows = source.learning_loops.ready_rows, source.team.send_back_rows
    calls = [0]

    def failing_at_the_fifth_row(net, n, rows, r, team, t):
        if r == 5 and t == failing:
            raise error
        ready_rows(net, n, rows, r, team, t)

    def failing_in_turn(w, links, src, dst, part):  # thread `failing`'s tenth chunk
        name = threading.current_thread().name
        if name == f"lernmi-{failing}" or failing == 0 and not name.startswith("lernmi-"):
            calls[0] += 1
            if calls[0] == 10:
                raise error
        send_back_rows(w, links, src, dst, part)

    if where == "readying":
        monkeypatch.setattr(source.learning_loops, "ready_rows", failing_at_the_fifth_row)
    else:
        monkeypatch.setattr(source.team, "send_back_rows", failing_in_turn)
    raised = interrupted_training(source, threads)[1]
    assert raised == [error]  # what the failing thread raised, not a broken barrier


def test_a_team_whose_threads_all_finish_raises_nothing(source):
    team = source.team.Team(3)
    met = []

    def work(t, team):
        for _ in range(4):
            source.team.wait(team, t)
        met.append(t)

    source.team.run(team, work, [0, 1, 2])
    assert sorted(met) == [0, 1, 2]


@pytest.mark.parametrize("step", ["momentum", "adam"])
def test_narrow_middle_layers_take_turns_with_threads_that_have_no_rows(lernmi, step):
    # Middle layers of one to three neurons: some threads have no rows of them, yet still
    # take every turn at their chunks (team.send_back_in_turn), one sample a step.
    sizes = [6, 3, 2, 1, 5, 3]
    options = {"activation": "tanh", "dropout": 0.2, "optimizer": optimizer(lernmi, step)}
    one = trained(lernmi, sizes, options, threads=1)[0]
    for threads in (2, 4, 7):
        many = trained(lernmi, sizes, options, threads=threads)[0]
        assert same(one, many), threads
        for a, b in zip(one.neuron_layers, many.neuron_layers):
            for mine, theirs in zip(a.store.views(), b.store.views()):
                assert np.array_equal(mine, theirs), threads
