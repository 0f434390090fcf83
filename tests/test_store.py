"""Resumable results: a store keeps every finished task, a rerun computes
only what is missing, SIGKILL loses at most the tasks in flight, and a store
written with other parameters is refused instead of mixed."""

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time

import natspike
import numpy as np
import pytest
from natspike._sweep import sweep

N = 6
R = np.r_[np.full(3, 10.0), np.full(3, 50.0)]
DRAW = lambda rng: rng.uniform(-0.1, 0.1, (2, N))
OPTS = dict(
    rule="natural",
    weights=lambda rng: DRAW(rng)[0],
    teacher=lambda rng: DRAW(rng)[1],
    rates=R,
    duration=0.2,
    record_every=0.1,
    test_samples=5,
    test_bins=50,
    seed=21,
)
GRID = {"eta": [5e-4, 1e-3, 2e-3]}


def _sweep(store, grid=GRID, **kw):
    return sweep(grid, store=store, **{**OPTS, "n_trials": 3, **kw})


def _shards(store):
    return sorted(f for f in os.listdir(store / "shards") if not f.startswith("."))


def test_rerun_reads_everything_and_extension_computes_only_new_trials(tmp_path):
    store = tmp_path / "s"
    first = _sweep(store)
    assert (first.attrs["computed_trials"], first.attrs["loaded_trials"]) == (9, 0)
    assert len(_shards(store)) == 9  # one shard per finished task
    again = _sweep(store)
    assert (again.attrs["computed_trials"], again.attrs["loaded_trials"]) == (0, 9)
    assert first.drop_attrs().identical(again.drop_attrs())
    more = _sweep(store, n_trials=5, chunk_size=2)
    assert (more.attrs["computed_trials"], more.attrs["loaded_trials"]) == (6, 9)
    assert more.isel(trial=slice(0, 3)).drop_attrs().identical(first.drop_attrs())
    assert more.drop_attrs().identical(sweep(GRID, **{**OPTS, "n_trials": 5}).drop_attrs())
    fewer = _sweep(store, n_trials=4)  # the shards of trials 3-4 hold more trials than asked for
    assert (fewer.attrs["computed_trials"], fewer.attrs["loaded_trials"]) == (0, 12)
    assert fewer.drop_attrs().identical(more.isel(trial=slice(0, 4)).drop_attrs())


def test_missing_shards_are_recomputed_identically(tmp_path):
    store = tmp_path / "s"
    full = _sweep(store)
    for name in _shards(store)[::2]:
        os.remove(store / "shards" / name)
    (store / "shards" / ".tmp-deadbeef.npz").write_bytes(b"half a shard")  # left by a kill mid-write
    resumed = _sweep(store)
    assert (resumed.attrs["computed_trials"], resumed.attrs["loaded_trials"]) == (5, 4)
    assert resumed.drop_attrs().identical(full.drop_attrs())


@pytest.mark.parametrize(
    "change, word",
    [
        (dict(eta=None, grid={"eta": [5e-4, 1e-3, 4e-3]}), "eta"),
        (dict(seed=22), "seed"),
        (dict(duration=0.3), "duration"),
        (dict(rates=R * 1.01), "rates"),
        (dict(neuron=natspike.Neuron(beta=0.31)), "neuron"),
        (dict(rule="approximate"), "rule"),
        (dict(streams="independent"), "seed"),
        (dict(grid={"eta": [5e-4, 1e-3]}), "grid"),
        (dict(grid={"eta": [5e-4, 1e-3, 2e-3], "c_w": [0.05]}), "grid"),
    ],
)
def test_a_store_written_with_other_parameters_is_refused(change, word, tmp_path):
    store = tmp_path / "s"
    _sweep(store)
    before = _shards(store)
    change = {k: v for k, v in change.items() if v is not None}
    grid = change.pop("grid", GRID)
    with pytest.raises(ValueError, match="other parameters") as info:
        _sweep(store, grid=grid, **change)
    assert word in str(info.value)
    assert _shards(store) == before  # nothing written, nothing mixed


def test_other_per_trial_weights_are_refused(tmp_path):
    store = tmp_path / "s"
    w0 = np.stack([DRAW(np.random.default_rng(i))[0] for i in range(3)])
    natspike.run_trials(
        "natural",
        w0,
        R,
        n_trials=3,
        store=store,
        eta=1e-3,
        **{k: v for k, v in OPTS.items() if k not in ("rule", "weights", "rates")},
    )
    with pytest.raises(ValueError, match="other initial or target weights"):
        natspike.run_trials(
            "natural",
            w0[::-1].copy(),
            R,
            n_trials=3,
            store=store,
            eta=1e-3,
            **{k: v for k, v in OPTS.items() if k not in ("rule", "weights", "rates")},
        )


def test_foreign_directories_and_copied_shards_are_refused(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("x")
    with pytest.raises(ValueError, match="not a natspike store"):
        _sweep(tmp_path / "notes")
    a, b = tmp_path / "a", tmp_path / "b"
    _sweep(a)
    _sweep(b, seed=99)
    name = _shards(a)[0]
    shutil.copy(b / "shards" / name, a / "shards" / name)
    with pytest.raises(ValueError, match="inconsistent"):
        _sweep(a)


def test_an_unreadable_shard_is_reported_with_its_name(tmp_path):
    store = tmp_path / "s"
    _sweep(store)
    name = _shards(store)[0]
    (store / "shards" / name).write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(ValueError, match=f"shard .*{name} is unreadable"):
        _sweep(store)


def test_run_trials_store_resumes_like_a_sweep(tmp_path):
    kw = {k: v for k, v in OPTS.items() if k not in ("rule", "weights", "rates")}
    full = natspike.run_trials("natural", OPTS["weights"], R, n_trials=6, eta=1e-3, **kw)
    part = natspike.run_trials("natural", OPTS["weights"], R, n_trials=4, eta=1e-3, store=tmp_path / "s", **kw)
    rest = natspike.run_trials("natural", OPTS["weights"], R, n_trials=6, eta=1e-3, store=tmp_path / "s", **kw)
    for name in ("weights", "kl", "final_weights", "target_weights"):
        assert np.array_equal(getattr(part, name), getattr(full, name)[:4])
        assert np.array_equal(getattr(rest, name), getattr(full, name))


KILL_SCRIPT = textwrap.dedent("""
    import sys, time
    import numpy as np
    import natspike
    from natspike import _store
    from natspike._sweep import sweep

    write = _store.Store.write
    def reporting_write(self, point, first, arrays):
        write(self, point, first, arrays)
        print(f"wrote {point} {first}", flush=True)
    _store.Store.write = reporting_write

    N = 6
    R = np.r_[np.full(3, 10.0), np.full(3, 50.0)]
    DRAW = lambda rng: rng.uniform(-0.1, 0.1, (2, N))
    t = time.perf_counter()
    natspike.train("natural", DRAW(np.random.default_rng(0))[0], R, teacher=DRAW(np.random.default_rng(1))[1],
                   duration=5.0, eta=1e-3, seed=1)
    duration = max(0.5, round(0.05 / ((time.perf_counter() - t) / 5.0), 1))  # ~50 ms per trial
    print(f"duration {duration}", flush=True)
    sweep({"eta": [5e-4, 1e-3, 2e-3, 4e-3]}, rule="natural", weights=lambda rng: DRAW(rng)[0],
          teacher=lambda rng: DRAW(rng)[1], rates=R, duration=duration, record_every=duration / 2, test_samples=5,
          test_bins=50, seed=21, n_trials=12, workers=2, store=sys.argv[1])
    print("finished", flush=True)
""")
KILL_STATS = {}


@pytest.mark.timeout(300)
def test_sigkill_loses_at_most_the_tasks_in_flight(tmp_path):
    store = tmp_path / "s"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(store)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    deadline = time.monotonic() + 120
    while sum(line.startswith("wrote") for line in lines) < 10:
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    reader.join(5)
    assert not any(line.startswith("finished") for line in lines), "the sweep ended before the kill"
    reported = sum(line.startswith("wrote") for line in lines)
    on_disk = len(_shards(store))
    # every reported shard is on disk; at most the one being reported when killed is unreported
    assert reported <= on_disk <= reported + 1
    duration = float(next(line.split()[1] for line in lines if line.startswith("duration")))
    kw = dict(
        grid={"eta": [5e-4, 1e-3, 2e-3, 4e-3]},
        rule="natural",
        weights=lambda rng: DRAW(rng)[0],
        teacher=lambda rng: DRAW(rng)[1],
        rates=R,
        duration=duration,
        record_every=duration / 2,
        test_samples=5,
        test_bins=50,
        seed=21,
        n_trials=12,
    )
    resumed = sweep(kw.pop("grid"), store=store, **kw)
    assert resumed.attrs["loaded_trials"] == on_disk
    assert resumed.attrs["computed_trials"] == 48 - on_disk
    reference = sweep({"eta": [5e-4, 1e-3, 2e-3, 4e-3]}, **kw)
    assert resumed.drop_attrs().identical(reference.drop_attrs())
    KILL_STATS.update(written_before_kill=on_disk, recomputed=48 - on_disk, total=48)
    print(f"SIGKILL after {on_disk} of 48 trials were stored; the rerun computed the other {48 - on_disk}")


def test_a_run_library_gives_identical_runs_one_store_and_different_runs_their_own(tmp_path):
    """RunLibrary (the experiments' store=): the store of a run is named by everything that determines its
    numbers, so an identical run is read, not computed, and equals a run without a store bit for bit; another
    learning rate, seed or trial count, or other initial weights, get a store of their own."""
    from natspike._store import RunLibrary

    def run(library, **kw):
        args = {**OPTS, "n_trials": 3, "eta": 1e-3, **kw}
        return natspike.run_trials(args.pop("rule"), args.pop("weights"), args.pop("rates"), store=library, **args)

    library = RunLibrary(tmp_path / "lib")
    first = run(library)
    assert library.counts() == {"loaded": 0, "computed": 3}
    again = run(library)
    assert library.counts() == {"loaded": 3, "computed": 3}
    alone = run(None)
    for r in (first, again):
        np.testing.assert_array_equal(r.kl, alone.kl)
        np.testing.assert_array_equal(r.weights, alone.weights)
    for other in ({"eta": 2e-3}, {"seed": 22}, {"n_trials": 2}, {"weights": lambda rng: DRAW(rng)[0] / 2}):
        before = library.counts()["computed"]
        run(library, **other)
        assert library.counts()["computed"] > before, other
    assert len(os.listdir(tmp_path / "lib" / "runs")) == 5


def _library_run(library, **kw):
    args = {**OPTS, "n_trials": 3, "eta": 1e-3, **kw}
    return natspike.run_trials(args.pop("rule"), args.pop("weights"), args.pop("rates"), store=library, **args)


def _numbers_version(monkeypatch, version):
    """Make natspike report ``version`` as the engine's numbers version (as an engine change would)."""
    monkeypatch.setattr(natspike._native, "numbers_version", lambda: version)


def test_a_library_reuses_runs_of_its_numbers_version_only_and_says_so_once(tmp_path, monkeypatch):
    """A run stored under numbers version X is read under X; under X + 1 it is computed again, into a store of
    its own (never mixed with X's), with one warning naming both versions; going back to X reads X's again."""
    import warnings

    from natspike._store import RunLibrary

    x = natspike._native.numbers_version()
    first = _library_run(RunLibrary(tmp_path / "lib"))
    library = RunLibrary(tmp_path / "lib")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # same version: no warning
        _library_run(library)
    assert library.counts() == {"loaded": 3, "computed": 0}

    _numbers_version(monkeypatch, x + 1)
    library = RunLibrary(tmp_path / "lib")
    with pytest.warns(UserWarning, match=f"numbers version {x};.* numbers version {x + 1}. Runs stored") as seen:
        later = _library_run(library)
        _library_run(library)
    assert len([w for w in seen if "numbers version" in str(w.message)]) == 1
    assert library.counts() == {"loaded": 3, "computed": 3}  # computed once under X + 1, then read
    assert len(os.listdir(tmp_path / "lib" / "runs")) == 2
    np.testing.assert_array_equal(later.weights, first.weights)  # the same engine really: same numbers
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the library now records X + 1: a new process does not warn again
        _library_run(RunLibrary(tmp_path / "lib"))

    _numbers_version(monkeypatch, x)
    library = RunLibrary(tmp_path / "lib")
    with pytest.warns(UserWarning, match=f"numbers version {x + 1};"):
        _library_run(library)
    assert library.counts() == {"loaded": 3, "computed": 0}


def test_a_library_from_before_numbers_versions_is_not_reused(tmp_path):
    """A library whose runs were keyed by natspike's version (no library record) is recomputed, with a warning."""
    from natspike._store import LIBRARY, RunLibrary

    _library_run(RunLibrary(tmp_path / "lib"))
    (tmp_path / "lib" / LIBRARY).unlink()
    (run,) = os.listdir(tmp_path / "lib" / "runs")
    os.rename(tmp_path / "lib" / "runs" / run, tmp_path / "lib" / "runs" / ("0" * 40))  # another key
    library = RunLibrary(tmp_path / "lib")
    with pytest.warns(UserWarning, match="engine from before numbers versions; this natspike computes numbers version"):
        _library_run(library)
    assert library.counts() == {"loaded": 0, "computed": 3}


def test_a_store_of_another_numbers_version_is_refused_naming_both(tmp_path, monkeypatch):
    """A store given as a directory (run_trials, sweep) is the user's: written under X, it is read under X and
    refused under X + 1 (ValueError naming both versions), never mixed and never deleted."""
    x = natspike._native.numbers_version()
    _sweep(tmp_path / "s")
    assert _sweep(tmp_path / "s").attrs["loaded_trials"] == 9
    _numbers_version(monkeypatch, x + 1)
    with pytest.raises(ValueError, match=f"numbers version {x}; this natspike computes numbers version {x + 1}"):
        _sweep(tmp_path / "s")
    assert len(_shards(tmp_path / "s")) == 9


def test_a_finished_paper_figure_of_another_numbers_version_is_not_read(monkeypatch):
    """The paper's figure records are keyed by the numbers version too."""
    from natspike.experiments import _paper

    x = natspike._native.numbers_version()
    key = _paper._key(_paper.run_description("3f", {"full": True, "seed": 2022}))
    _numbers_version(monkeypatch, x + 1)
    assert _paper._key(_paper.run_description("3f", {"full": True, "seed": 2022})) != key
