"""``python -m natspike paper``: every figure at smoke size, resumable through its results folder.

A second run with the same folder does no learning work (no native learning call at all) and writes the
same netCDF bytes; a run killed after its first figure, or interrupted inside a figure, resumes and gives
the data of an uninterrupted run; the runs that figures share (Fig 9 at η/η0 = 1 and the 10/50-Hz pattern
of Fig 12C–F contain Fig 3F's runs) are served once and are bit-identical to the figures computed alone."""

import os
import signal
import subprocess
import sys
import time

import natspike
import numpy as np
import pytest
import xarray as xr
from natspike import _native, _store
from natspike import experiments as ex
from natspike.experiments import FIGURES
from natspike.experiments._figure9 import pass_seconds
from natspike.experiments._paper import SMOKE_SIZES

LEARNING = ("ns_train", "ns_run_trials", "ns_run_configurations")  # the native calls that learn
SHARED = ("3f", "9", "12cf")  # the figures whose runs overlap


def _paper(out, **kw):
    return ex.paper(out, sizes=SMOKE_SIZES, progress=False, **kw)


def _nc_bytes(folder):
    return {
        name: (folder / f"figure{name}.nc").read_bytes() for name in FIGURES if (folder / f"figure{name}.nc").exists()
    }


def _count_learning(monkeypatch):
    """Count the native learning calls from now on."""
    calls = []
    for name in LEARNING:
        real = _native.functions[name]

        def counted(*args, real=real, name=name):
            calls.append(name)
            return real(*args)

        monkeypatch.setitem(_native.functions, name, counted)
    return calls


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    """One uninterrupted smoke-size run of the whole paper: (out folder, summary rows)."""
    out = tmp_path_factory.mktemp("paper")
    return out, _paper(out)


def test_paper_writes_every_figure_and_its_claim(whole):
    out, rows = whole
    assert [r["figure"] for r in rows] == list(FIGURES)
    for r in rows:
        assert r["status"] == "computed" and r["verdict"] in ("yes", "NO") and r["claim"].startswith("Fig")
        assert r["wall_s"] > 0 and r["cpu_s"] > 0
        assert (out / f"figure{r['figure']}.png").stat().st_size > 1000
        ds = xr.open_dataset(out / f"figure{r['figure']}.nc", engine="scipy")
        assert ds.attrs["seed"] == 2022
        assert ds.attrs["version"] == natspike.__version__
        assert ds.attrs["numbers_version"] == _native.numbers_version(), r["figure"]
        ds.close()
    assert (out / "store" / "natspike-paper.json").exists()


def test_a_second_run_does_no_learning_and_writes_the_same_data(whole, tmp_path, monkeypatch):
    out, _ = whole
    calls = _count_learning(monkeypatch)
    again = tmp_path / "again"
    rows = _paper(again, store=out / "store")
    assert calls == [], "a finished figure was recomputed"
    assert {r["status"] for r in rows} == {"stored"}
    assert sum(r["trials_computed"] for r in rows) == 0
    assert _nc_bytes(again) == _nc_bytes(out) and len(_nc_bytes(out)) == len(FIGURES)


def test_runs_shared_by_figures_are_computed_once_and_equal_the_figures_alone(whole, monkeypatch):
    out, rows = whole
    by = {r["figure"]: r for r in rows}
    n = SMOKE_SIZES["3f"]["n_trials"]
    # Fig 9 reads 3F's natural and Euclidean runs at x = 1, Fig 12C-F all three of 3F's rules at 10/50 Hz.
    assert (by["9"]["trials_loaded"], by["12cf"]["trials_loaded"]) == (2 * n, 3 * n)
    # factors 0.5 and 2, in every pass of the early stop (of 40 and 60 s: none crosses at this size)
    passes = len(pass_seconds(SMOKE_SIZES["9"]["duration_minutes"], SMOKE_SIZES["9"]["record_every"])) + 1
    assert passes == 2 and by["9"]["trials_computed"] == 2 * 2 * n * passes
    assert by["12cf"]["trials_computed"] == 3 * 3 * n  # the other three patterns
    f3, f9, f12 = (xr.load_dataset(out / f"figure{k}.nc", engine="scipy") for k in SHARED)
    assert not f9["kl_sweep"].isnull().any()  # no run stopped early
    alone9 = ex.figure9(**SMOKE_SIZES["9"])  # no store: every trial computed here
    alone12 = ex.figure12_curves(**SMOKE_SIZES["12cf"])
    for name in ("kl_trials", "rate_error_trials", "weight_distance_trials"):
        np.testing.assert_array_equal(f9[name].values, alone9[name].values)
        np.testing.assert_array_equal(f12[name].values, alone12[name].values)
        for rule in ("natural", "euclidean", "approximate"):
            own = f3[name].sel(rule=rule).values
            np.testing.assert_array_equal(f12[name].sel(pattern="10/50", rule=rule).values, own)
            if rule != "approximate":
                np.testing.assert_array_equal(f9[name].sel(rule=rule).values, own)
    np.testing.assert_array_equal(f9["kl_sweep"].values, alone9["kl_sweep"].values)


def test_other_settings_are_not_reused(tmp_path, monkeypatch):
    store = tmp_path / "store"
    _paper(tmp_path / "a", store=store, only=["3f"])
    calls = _count_learning(monkeypatch)
    sizes = {**SMOKE_SIZES, "3f": {**SMOKE_SIZES["3f"], "n_trials": 1}}
    (row,) = ex.paper(tmp_path / "b", store=store, only=["3f"], sizes=sizes, progress=False)
    assert row["status"] == "computed" and row["trials_loaded"] == 0 and row["trials_computed"] == 3
    assert calls == ["ns_run_configurations"]  # the 3 rules of the one trial on one draw of its inputs
    (row,) = ex.paper(tmp_path / "c", store=store, only=["3f"], sizes=sizes, seed=7, progress=False)
    assert row["status"] == "computed" and row["trials_loaded"] == 0
    assert len(list((store / "figures").glob("3f-*.nc"))) == 3


def test_a_figure_interrupted_inside_resumes_from_its_finished_trials(tmp_path, monkeypatch):
    """Ctrl-C (a KeyboardInterrupt after the 5th stored trial: 3F's 3 runs, then Fig 9's 2 runs at x = 0.5 of
    its first, 40-s pass)."""
    real, written = _store.Store.write, []

    def write_then_interrupt(self, *args):
        real(self, *args)
        written.append(1)
        if len(written) == 5:
            raise KeyboardInterrupt

    one = {k: {**SMOKE_SIZES[k], "n_trials": 1} for k in ("3f", "9")}
    monkeypatch.setattr(_store.Store, "write", write_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        ex.paper(tmp_path, only=["3f", "9"], sizes=one, progress=False)
    assert not (tmp_path / "figure9.nc").exists()
    monkeypatch.setattr(_store.Store, "write", real)
    rows = ex.paper(tmp_path, only=["3f", "9"], sizes=one, progress=False)
    assert rows[0]["status"] == "stored"  # 3F had finished before the interruption
    # Fig 9's runs: x = 0.5 of the first pass finished before Ctrl-C and x = 1 is 3F's; computed are x = 2 of
    # the first pass and both factors in the 60-s pass (no run crosses at this size).
    assert (rows[1]["trials_loaded"], rows[1]["trials_computed"]) == (4, 2 + 4)
    fresh = ex.figure9(**one["9"])
    resumed = xr.load_dataset(tmp_path / "figure9.nc", engine="scipy")
    for name in ("kl_trials", "kl_sweep", "convergence_time", "weight_distance_trials", "rate_error_trials"):
        np.testing.assert_array_equal(resumed[name].values, fresh[name].values)


def test_a_killed_run_resumes_with_the_data_of_an_uninterrupted_one(whole, tmp_path):
    """SIGKILL after the first figure (mid-second); the rerun reads the first and finishes the rest."""
    out, _ = whole
    env = {**os.environ, "NATSPIKE_SMOKE": "1"}
    cmd = [sys.executable, "-m", "natspike", "paper", "--only", ",".join(SHARED), "--out", str(tmp_path)]
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        for line in proc.stderr:
            if line.startswith("[1 of 3 figures] figure 3f: done"):
                proc.send_signal(signal.SIGKILL)
                break
    finally:
        proc.kill()
        proc.wait(60)
    assert proc.returncode == -signal.SIGKILL
    assert not (tmp_path / "figure12cf.nc").exists(), "the run was not interrupted"
    start = time.monotonic()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "figure 3f: finished earlier" in done.stderr, done.stderr[-2000:]
    assert "summary: 3 figures (1 read from the store" in done.stdout
    assert time.monotonic() - start < 300
    for name in SHARED:
        assert (tmp_path / f"figure{name}.nc").read_bytes() == (out / f"figure{name}.nc").read_bytes(), name


def test_paper_refuses_a_folder_that_is_not_its_store(tmp_path):
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="not an \\(empty\\) paper results folder"):
        _paper(tmp_path / "out", store=tmp_path / "other")
    with pytest.raises(ValueError, match="only must name figures"):
        _paper(tmp_path / "out", only=["3x"])
    with pytest.raises(ValueError, match="sizes\\['3f'\\]: figure3f has no arguments \\['grid'\\]"):
        ex.paper(tmp_path / "out", only=["4", "3f"], sizes={"3f": {"grid": 3}})
    assert not (tmp_path / "out" / "figure4.png").exists(), "the sizes were checked only after computing"
    assert natspike.experiments.paper is ex.paper
