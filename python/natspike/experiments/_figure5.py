"""Figure 5: plasticity scales approximately inversely with the input (USP) variance."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._fisher import usp_traces
from .._neuron import Neuron
from .._spiketrain import SpikeTrain
from .._train import train
from .._trials import check_trials, run_trials
from .._typing import Seed
from ._common import (
    count,
    counted,
    figure_dataset,
    flag,
    positive,
    positive_values,
    provenance,
    renamed,
    root,
    run_store,
)

if TYPE_CHECKING:
    import xarray as xr

#: Seed of numpy's legacy RandomState in the authors' script (File01_variance_Fig5.py).
AUTHORS_SEED = 999
PROTOCOLS = ("paper", "authors")
TAU_S_VALUES = (0.001, 0.003, 0.005, 0.008, 0.015, 0.020)
RATE_VALUES = (10.0, 20.0, 30.0, 40.0, 50.0)
#: Example scenarios of Fig 5A–G: (label, rate in Hz, τ_s in s).
SCENARIOS = (("reference", 50.0, 0.020), ("short tau_s", 50.0, 0.001), ("low rate", 10.0, 0.020))

_USP_STREAM = 3_005  # spawn_key prefix of the NumPy stream of the illustrative USP traces


@figure_dataset
@renamed
def figure5(
    n_trials: int = 32,
    seed: Seed = 2022,
    *,
    full: bool = False,
    protocol: str = "paper",
    replay_authors_stream: bool = False,
    tau_s_values: Sequence[float] = TAU_S_VALUES,
    rate_values: Sequence[float] = RATE_VALUES,
    sweep_rate: float = 10.0,
    sweep_tau_s: float = 0.020,
    eta: float = 1e-4,
    initial_weight: float = 0.01,
    teacher_rate: float = 80.0,
    duration: float = 5.0,
    tau_m: float = 0.010,
    record_every: float = 0.01,
    workers: int | None = None,
    store: str | os.PathLike[str] | None = None,
) -> xr.Dataset:
    """Weight change after 5 s of natural-gradient learning versus USP standard deviation (Fig 5).

    Protocol (paper, Fig 5 and Methods): one synapse, Poisson teacher at 80 Hz
    independent of the input, 5 s of learning with the natural rule
    (Eqn 38, η = 10⁻⁴, true φ'/φ), initial weight 0.01, τ_m = 10 ms. The
    PSP kernel is normalised by the input rate (ε0 = 1/r), so the mean USP
    is 1 for every rate and its variance is Var(x^ε) = r/c_ε = κ(τ_s)/r with
    κ(τ_s) = ∫(ε/ε0)² dt. Two sweeps: τ_s ∈ {1, 3, 5, 8, 15, 20} ms at
    r = 10 Hz, and r ∈ {10, …, 50} Hz at τ_s = 20 ms; plus the three
    example scenarios of Fig 5A–G (50 Hz/20 ms, 50 Hz/1 ms, 10 Hz/20 ms).
    The read-out is the % change 100·(w(5 s)/w0 − 1) against the analytic
    USP std √(κ/r) (the authors' x axis; the paper's label says variance).

    Each point is the mean over ``n_trials`` replicates (independent input and
    teacher streams, :func:`natspike.run_trials`); all conditions use the
    same ``seed``, hence the same teacher spikes, like the authors' script
    (which reseeds before every run). ``protocol="paper"`` (default)
    recomputes the coefficients every bin; ``protocol="authors"`` freezes
    them at t = 0 like the authors' script (user guide, "Frozen coefficients").

    Parameters
    ----------
    n_trials : int
        Replicates per condition (default 32: a smooth curve in ~5 s). The
        paper shows one run per condition (``replay_authors_stream=True``).
    seed : int, SeedSequence, Generator or None
        Root seed of the replicates' streams.
    full : bool
        200 replicates per condition.
    protocol : {"paper", "authors"}
        Coefficients every bin, or frozen at t = 0.
    replay_authors_stream : bool
        Replay numpy's legacy ``RandomState(999)`` stream of the authors'
        script, one run per condition (``n_trials`` and ``seed`` unused):
        10 000 input spikes ``binomial(1, r·dt)`` first, then 10 000 teacher
        spikes ``binomial(1, 80·dt)``, and 9 999 updates like their loop.
        With ``protocol="authors"`` this is their computation exactly.
    tau_s_values, rate_values : sequence of float
        The τ_s sweep (s) and the rate sweep (Hz).
    sweep_rate, sweep_tau_s : float
        The rate of the τ_s sweep (10 Hz) and the τ_s of the rate sweep (20 ms).
    eta, initial_weight, teacher_rate, duration, tau_m
        Learning rate, w0, teacher rate (Hz), learning time (s), τ_m (s).
    record_every : float
        Seconds between recorded weights of the example trajectories.
    workers : int, optional
        Passed to :func:`natspike.run_trials`.
    store : str or os.PathLike, optional
        A folder of resumable results, one results store per learning run
        (see :func:`figure3f`).

    Returns
    -------
    xarray.Dataset
        Per sweep (prefix ``tau_sweep_`` over ``tau_s`` in s, ``rate_sweep_``
        over ``rate`` in Hz): ``change`` (%, mean over replicates),
        ``change_trials`` and ``std`` (analytic USP std). Per scenario:
        ``scenario_change`` (scenario, time), the mean % change over time,
        ``scenario_usp`` (scenario, usp_time), an illustrative USP trace with
        the scenario's statistics, and ``scenario_std``. Attributes: all
        parameters, seed, version and, per sweep, ``*_largest_step``: the
        largest difference in % change between neighbouring points ordered
        by increasing std (< 0 when the change strictly decreases with std).

    References
    ----------
    Kreutzer, Petrovici & Senn (2022), eLife 11:e66526, Fig 5; Eqns 19, 28, 38.
    """
    import xarray as xr

    if full:
        n_trials = 200
    count(n_trials, "n_trials")
    seed = root(seed)
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be one of {PROTOCOLS}, got {protocol!r}")
    flag(replay_authors_stream, "replay_authors_stream")
    tau_s_values = _positive_values(tau_s_values, "tau_s_values")
    rate_values = _positive_values(rate_values, "rate_values")
    for name, value in (
        ("sweep_rate", sweep_rate),
        ("sweep_tau_s", sweep_tau_s),
        ("eta", eta),
        ("initial_weight", initial_weight),
        ("teacher_rate", teacher_rate),
        ("duration", duration),
        ("tau_m", tau_m),
        ("record_every", record_every),
    ):
        positive(value, name)
    if replay_authors_stream:
        n_trials, seed = 1, AUTHORS_SEED
    options = dict(
        eta=eta,
        weight=initial_weight,
        teacher_rate=teacher_rate,
        duration=duration,
        record_every=record_every,
        refresh=1 if protocol == "paper" else "frozen",
        n_trials=n_trials,
        root=seed,
        workers=workers,
        tau_m=tau_m,
        replay=replay_authors_stream,
        store=run_store(store),
    )
    cache = {}

    def condition(rate, tau_s):
        key = (float(rate), float(tau_s))
        if key not in cache:
            cache[key] = _run_condition(*key, **options)
        return cache[key]

    for key in dict.fromkeys(
        [(sweep_rate, t) for t in tau_s_values]
        + [(r, sweep_tau_s) for r in rate_values]
        + [(r, t) for _, r, t in SCENARIOS]
    ):  # every condition's checks before the first runs
        _run_condition(float(key[0]), float(key[1]), **options, plan_only=True)
    tau_runs = [condition(sweep_rate, t) for t in tau_s_values]
    rate_runs = [condition(r, sweep_tau_s) for r in rate_values]
    scenario_runs = [condition(r, t) for _, r, t in SCENARIOS]

    data: dict[str, Any] = {}
    for prefix, dim, runs in (("tau_sweep", "tau_s", tau_runs), ("rate_sweep", "rate", rate_runs)):
        change = np.stack([run["change"] for run in runs])
        data[f"{prefix}_change"] = ((dim,), change.mean(axis=1))
        data[f"{prefix}_change_trials"] = ((dim, "trial"), change)
        data[f"{prefix}_std"] = ((dim,), np.array([run["std"] for run in runs]))
    data["scenario_change"] = (("scenario", "time"), np.stack([run["trajectory"] for run in scenario_runs]))
    data["scenario_std"] = (("scenario",), np.array([run["std"] for run in scenario_runs]))
    data["scenario_usp"] = (("scenario", "usp_time"), np.stack([run["usp"] for run in scenario_runs]))
    first = scenario_runs[0]
    ds = xr.Dataset(
        data,
        coords={
            "tau_s": tau_s_values,
            "rate": rate_values,
            "trial": np.arange(n_trials),
            "scenario": [s[0] for s in SCENARIOS],
            "scenario_rate": ("scenario", [s[1] for s in SCENARIOS]),
            "scenario_tau_s": ("scenario", [s[2] for s in SCENARIOS]),
            "time": first["times"],
            "usp_time": np.arange(first["usp"].size) * Neuron().dt,
        },
    )
    for name in ("tau_sweep_change", "rate_sweep_change", "scenario_change"):
        ds[name].attrs["units"] = "%"
    ds["tau_s"].attrs["units"] = ds["scenario_tau_s"].attrs["units"] = "s"
    ds["time"].attrs["units"] = ds["usp_time"].attrs["units"] = "s"
    ds["rate"].attrs["units"] = "Hz"
    summary = {
        f"{prefix}_largest_step": _largest_step(ds[f"{prefix}_std"].values, ds[f"{prefix}_change"].values)
        for prefix in ("tau_sweep", "rate_sweep")
    }
    ds.attrs.update(
        **provenance("5", seed, first["version"]),
        n_trials=int(n_trials),
        protocol=protocol,
        coefficient_refresh=str(options["refresh"]),
        replay_authors_stream=int(bool(replay_authors_stream)),
        stream="numpy RandomState(999)" if replay_authors_stream else "natspike",
        rule="natural",
        lr_convention="exact",
        eta=float(eta),
        initial_weight=float(initial_weight),
        teacher_rate=float(teacher_rate),
        duration=float(first["duration"]),
        tau_m=float(tau_m),
        sweep_rate=float(sweep_rate),
        sweep_tau_s=float(sweep_tau_s),
        eps0="1/rate",
        record_every=float(record_every),
        **_fixed_neuron_attrs(),
        **summary,
    )
    return ds


def _fixed_neuron_attrs():
    """The neuron parameters shared by all conditions (τ_s and ε0 = 1/r vary with the condition)."""
    return {f"neuron_{k}": v for k, v in Neuron().to_dict().items() if k not in ("tau_s", "eps0", "tau_m")}


def _positive_values(values, name):
    a = positive_values(values, name)
    if a.size < 2:
        raise ValueError(f"{name} must hold at least two finite values > 0, got {a.tolist()}")
    return a


def _run_condition(
    rate, tau_s, *, eta, weight, teacher_rate, duration, record_every, refresh, n_trials, root, workers, tau_m, replay,
    store, plan_only=False,
):  # fmt: skip
    """% change of one condition (all replicates), its mean trajectory, USP std and an example USP trace;
    ``plan_only``: only the checks of its neuron and (unless ``replay``) of its run, nothing run, None returned."""
    neuron = Neuron(tau_m=tau_m, tau_s=tau_s, eps0=1.0 / rate)
    common = dict(eta=eta, neuron=neuron, coefficient_refresh=refresh, record_every=record_every)
    trials = dict(teacher=float(teacher_rate), n_trials=n_trials, seed=root, duration=duration, workers=workers)
    if plan_only:
        if not replay:
            check_trials("natural", [weight], [rate], **trials, store=store, **common)
        return None
    if replay:
        inputs, teacher = _authors_streams(rate, teacher_rate, duration, neuron.dt)
        run = train(
            "natural",
            [weight],
            [rate],
            teacher=SpikeTrain.from_bins(teacher, dt=neuron.dt),
            inputs=inputs,
            duration=(teacher.size - 1) * neuron.dt,
            **common,
        )
        weights, final, spikes = run.weights[None, :, 0], run.final_weights[None], inputs
    else:
        run = run_trials("natural", [weight], [rate], **trials, store=store, **common)
        weights, final = run.weights[:, :, 0], run.final_weights
        stream = np.random.default_rng(
            np.random.SeedSequence(root, spawn_key=(_USP_STREAM, int(rate * 1000), int(round(tau_s * 1e6))))
        )
        spikes = stream.random((int(round(duration / neuron.dt)), 1)) < rate * neuron.dt
    return {
        "change": 100 * (final[:, 0] / weight - 1),
        "trajectory": 100 * (weights.mean(axis=0) / weight - 1),
        "std": float(np.sqrt(rate / neuron.c_eps)),
        "usp": usp_traces(spikes, neuron=neuron)[:, 0],
        "times": run.times,
        "duration": run.params["duration"],
        "version": run.version,
    }


def _authors_streams(rate, teacher_rate, duration, dt):
    """Input then teacher spikes from numpy's legacy RandomState(999), as drawn in the authors' Fig 5 script."""
    bins = int(duration / dt)
    rs = np.random.RandomState(AUTHORS_SEED)
    inputs = rs.binomial(1, rate * dt, bins).astype(np.int8)[:, None]
    teacher = rs.binomial(1, teacher_rate * dt, bins).astype(np.int8)
    return inputs, teacher


def _largest_step(std, change):
    """Largest increase of ``change`` between neighbours ordered by increasing ``std`` (< 0: strictly decreasing)."""
    order = np.argsort(std)
    return float(np.diff(np.asarray(change)[order]).max())


def claim_figure5(ds: xr.Dataset) -> str:
    """One line (C6): in both sweeps the % weight change strictly decreases with the USP std."""
    a = ds.attrs
    parts = []
    for prefix, label in (("tau_sweep", "tau_s sweep"), ("rate_sweep", "rate sweep")):
        std, change = ds[f"{prefix}_std"].values, ds[f"{prefix}_change"].values
        lo, hi = np.argmin(std), np.argmax(std)
        parts.append(
            f"{label} {change[lo]:.0f} % at std {std[lo]:.2f} -> {change[hi]:.0f} % at std {std[hi]:.2f} "
            f"(largest step {a[f'{prefix}_largest_step']:+.1f} %)"
        )
    ok = _decreasing(ds)
    return (
        f"Fig 5 ({counted(a['n_trials'], 'replicate')}, {a['protocol']} protocol): "
        + "; ".join(parts)
        + f"; change strictly decreasing in USP std in both sweeps: {'yes' if ok else 'NO'}"
    )


def _decreasing(ds):
    return ds.attrs["tau_sweep_largest_step"] < 0 and ds.attrs["rate_sweep_largest_step"] < 0
