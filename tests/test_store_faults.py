"""Store faults: every corrupt, foreign, truncated or tampered file gives an
error naming the file; stray temporaries are cleaned; overlapping shards
count once; non-paths are refused."""

import os
import shutil

import natspike
import numpy as np
import pytest
from natspike._sweep import sweep

N = 4
R = np.full(N, 20.0)
# Fixed weights and a Poisson teacher: every trial starts from the same values (Figs 4/5/7 style),
# so a shard in another trial's slot cannot be told apart by its weights.
OPTS = dict(rule="natural", weights=np.full(N, 0.05), teacher=20.0, rates=R, duration=0.2, record_every=0.1, eta=1e-3)
OPTS.update(test_samples=5, test_bins=50)


def _run(store, n_trials=4, **kw):
    return natspike.run_trials(n_trials=n_trials, seed=3, store=store, chunk_size=1, **{**OPTS, **kw})


def _shard(store, first):
    return next((store / "shards").glob(f"p000000-t{first:09d}-*.npz"))


def test_a_shard_moved_into_another_trials_slot_is_refused(tmp_path):
    store = tmp_path / "s"
    _run(store)
    a, b = _shard(store, 0), _shard(store, 2)
    b.unlink()
    shutil.copy(a, b)
    with pytest.raises(ValueError, match=f"{b.name} does not record that it holds trials 2-2"):
        _run(store)


def test_a_shard_without_kl_is_refused_with_its_name(tmp_path):
    store = tmp_path / "s"
    _run(store, teacher=lambda rng: rng.uniform(-0.1, 0.1, N))
    f = _shard(store, 1)
    with np.load(f) as z:
        data = {k: z[k] for k in z.files if k != "kl"}
    np.savez(f, **data)
    with pytest.raises(ValueError, match=f"{f.name} lacks kl"):
        _run(store, teacher=lambda rng: rng.uniform(-0.1, 0.1, N))


def test_a_truncated_trial_array_is_refused(tmp_path):
    store = tmp_path / "s"
    _run(store)
    f = _shard(store, 1)
    with np.load(f) as z:
        data = {k: z[k] for k in z.files}
    data["weights"] = data["weights"][:0]
    np.savez(f, **data)
    with pytest.raises(ValueError, match=f"{f.name} should hold 1 trials of 'weights'"):
        _run(store)


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"format": "natspike-store/2", "points": 3}', "\xff"])
def test_a_corrupt_store_description_names_the_file(tmp_path, text):
    store = tmp_path / "s"
    _run(store, n_trials=1)
    (store / "natspike-store.json").write_bytes(text.encode("latin-1"))
    with pytest.raises(ValueError, match=r"natspike-store\.json"):
        _run(store, n_trials=1)


def test_stray_temporaries_are_removed_and_results_unchanged(tmp_path):
    store = tmp_path / "s"
    first = _run(store)
    (store / "shards" / ".tmp-0123.npz").write_bytes(b"half a shard")
    (store / ".tmp-4567").write_text("half a description")
    again = _run(store)
    assert not list(store.glob(".tmp-*")) and not list((store / "shards").glob(".tmp-*"))
    assert np.array_equal(first.weights, again.weights)


def test_overlapping_shards_are_counted_once(tmp_path):
    store = tmp_path / "s"
    g = {"eta": [1e-3]}
    opts = {k: v for k, v in OPTS.items() if k != "eta"}
    sweep(g, store=store, seed=3, n_trials=2, chunk_size=2, **opts)
    sweep(g, store=tmp_path / "t", seed=3, n_trials=2, chunk_size=1, **opts)
    for f in (tmp_path / "t" / "shards").glob("*.npz"):  # the same trials again, as single-trial shards
        shutil.copy(f, store / "shards" / f.name)
    ds = sweep(g, store=store, seed=3, n_trials=2, **opts)
    assert ds.attrs["loaded_trials"] == 2 and ds.attrs["computed_trials"] == 0


@pytest.mark.parametrize("store", ["", "   ", b"bytes", 3, "a\0b"])
def test_non_paths_are_refused_before_anything_runs(store):
    with pytest.raises((TypeError, ValueError), match="store"):
        natspike.run_trials(n_trials=1, seed=3, store=store, **OPTS)
    with pytest.raises((TypeError, ValueError), match="store"):
        sweep({"eta": [1e-3]}, seed=3, store=store, **{k: v for k, v in OPTS.items() if k != "eta"})
    assert not os.path.exists("shards")


def test_a_file_is_not_a_store(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(ValueError, match="not a directory"):
        _run(f)


@pytest.mark.parametrize(
    "values, match",
    [([1e-3, 1e-3], "distinct"), ([1, 1.0], "distinct"), ({1e-3, 2e-3}, "not a set"), (range(1, 10**9), "values")],
)
def test_axis_values_that_cannot_make_a_reproducible_grid_are_refused(values, match):
    opts = {k: v for k, v in OPTS.items() if k != "eta"}
    with pytest.raises((TypeError, ValueError), match=match):
        sweep({"eta": values}, seed=3, **opts)
