"""Figure 3F: learning curves of the natural, Euclidean and approximate rules.

:func:`learning_curves` runs the Fig 3F protocol for any rates and learning
rates; Fig 3F, Fig 9 and Fig 12C–F are compositions of it.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._checks import at_most, known_keys, minutes_of
from .._configurations import check_configurations, run_configurations
from .._export import time_to_threshold
from .._rules import RULES
from .._typing import ArrayLike, FloatArray, Seed
from .._validate import finite, real_array
from ._common import (
    MAX_AFFERENTS,
    count,
    counted,
    figure_dataset,
    flag,
    positive,
    provenance,
    renamed,
    root,
    run_store,
    train_options,
)

if TYPE_CHECKING:
    import xarray as xr
    from distributed import Client


#: D_KL level used to compare convergence speed (the paper's Fig 9D).
CROSSING_THRESHOLD = 5e-5

#: Table 1 learning rates for 10/50 Hz, in the authors' (1 − σ) convention.
PAPER_ETA = {"natural": 6e-4, "euclidean": 4.5e-7, "approximate": 4.5e-4}

#: The paper's run length: 8000 one-second intervals, in minutes.
PAPER_MINUTES = 8000 / 60

_METRICS = ("kl", "rate_error", "weight_distance")


@figure_dataset
@renamed
def figure3f(
    n_trials: int = 16,
    duration_minutes: float = 60.0,
    seed: Seed = 2022,
    *,
    full: bool = False,
    n: int = 100,
    rates: Sequence[float] = (10.0, 50.0),
    eta: Mapping[str, float] | None = None,
    rules: Sequence[str] = ("natural", "euclidean", "approximate"),
    record_every: float = 100.0,
    fast: bool = True,
    input_pool_size: int | None = None,
    workers: int | None = None,
    client: Client | None = None,
    progress: bool = False,
    store: str | os.PathLike[str] | None = None,
    plan_only: bool = False,
) -> xr.Dataset | None:
    """Learning curves of Fig 3F (and the data of Fig 9A–C).

    Protocol (paper, Fig 3F and Methods): n = 100 afferents, the first half at 10 Hz,
    the second at 50 Hz; per trial initial and target weights drawn i.i.d.
    from U(−1/n, 1/n), shared by all rules of that trial; realizable teacher;
    D_KL (Bernoulli, per bin, includes dt), RMS rate error and weight
    distance on a 50-sample test set every 100 s. Learning rates are the
    paper's (Table 1: η_n = 6·10⁻⁴, η_e = 4.5·10⁻⁷, η_a = 4.5·10⁻⁴; the
    authors' parameter file has η_a = 5.5·10⁻⁴; user guide, "Paper versus code") in the authors'
    (1 − σ) convention (``lr_convention="authors"``; user guide, "Learning-rate conventions").
    Convergence is compared by the first record at which the trial-averaged
    D_KL is below 5·10⁻⁵ (Fig 9D). Differences from the
    authors' scripts, following the paper's equations: inputs are one
    continuous Poisson stream (not a pool of 1-s traces restarted from
    zero; ``input_pool_size`` selects the authors' pool), coefficients are
    exact every bin (no lookup table), and the approximate rule uses the
    current V (user guide, "Differences from the authors' code").

    Parameters
    ----------
    n_trials : int
        Trials per rule (paper: 1000).
    duration_minutes : float
        Simulated learning time per trial in minutes (paper: 133.3).
    seed : int, SeedSequence, Generator or None
        Root seed; trial i of every rule uses streams (seed, i), so all rules
        see the same initial and target weights, inputs and test set.
    full : bool
        Use the paper's size (1000 trials, 8000 s); overrides ``n_trials`` and
        ``duration_minutes``.
    n, rates, eta, rules, record_every
        Network size, the two group rates (Hz), learning rates per rule
        (a dict rule → η overriding :data:`PAPER_ETA`), rules to run, seconds
        between records.
    fast : bool
        :func:`natspike.train`'s default, fast evaluation (Fisher
        coefficients from verified Chebyshev patches with relative error
        ≤ 1e-9, event-driven updates): the same equations, within 1e-8 of
        the weight change of the exact per-bin path and 5–10× faster.
        ``False``: ``exact=True``, quadrature in every bin.
    input_pool_size : int, optional
        The authors' input protocol (user guide, "Input protocols"): a pool of this many 1-s
        spike trains per rate group (8000 in the paper), shared by all
        trials and resampled for every afferent every second, with the
        USP traces restarting from zero each second (``input_pool_size``
        of :func:`natspike.run_trials`). It is not event-driven, so
        ``fast`` then uses only the coefficient patches. ``None``
        (default): one continuous Poisson stream per afferent.
    workers, client, progress
        Passed to :func:`natspike.run_configurations`, which runs the rules
        on one draw of each trial's inputs, locally or, with a Dask
        ``client``, on the cluster (the same numbers).
    store : str or os.PathLike, optional
        A folder of resumable results: every learning run keeps its finished
        trials there, in a results store of its own named by the digest of
        everything that determines its numbers (configuration, rates, seed,
        every trial's initial and target weights, natspike version). Running
        again with the same folder reads the finished trials and computes
        only the rest; a run that two figures share is computed once (at
        equal trial counts and learning times, as at the paper's size, Fig 9
        at η/η0 = 1 and the 10/50-Hz pattern of Fig 12C–F contain Fig 3F's
        runs); a run with other settings gets a store of its own.
    plan_only : bool
        Only the checks this figure makes before its first run (arguments, memory for the records of every
        run), nothing run and no store opened; returns None. The paper command runs them for every figure
        before the first one computes.

    Returns
    -------
    xarray.Dataset
        ``kl``, ``rate_error``, ``weight_distance`` with dims
        ``("rule", "time")`` (means over trials), the per-trial values as
        ``kl_trials`` etc. with dims ``("rule", "trial", "time")``,
        ``crossing_time`` (seconds at which the mean D_KL first falls below
        5·10⁻⁵, NaN if never) and ``eta`` per rule. ``time`` is in seconds
        (:func:`natspike.plotting.figure3f` draws it in minutes).
    """
    if full:
        n_trials, duration_minutes = 1000, PAPER_MINUTES
    known_keys(eta, RULES, "eta")
    minutes_of(duration_minutes, "duration_minutes")
    at_most(n, "n", MAX_AFFERENTS)
    eta = {**PAPER_ETA, **(eta or {})}
    ds = learning_curves(
        {rule: eta.get(rule) for rule in rules},
        rates,
        n_trials,
        duration_minutes,
        seed,
        n=n,
        record_every=record_every,
        fast=fast,
        input_pool_size=input_pool_size,
        workers=workers,
        client=client,
        progress=progress,
        store=store,
        plan_only=plan_only,
    )
    return ds


@renamed
def learning_curves(
    eta: Mapping[str, float | None],
    rates: Sequence[float],
    n_trials: int,
    duration_minutes: float,
    seed: Seed,
    *,
    n: int = 100,
    record_every: float = 100.0,
    lr_convention: str = "authors",
    fast: bool = True,
    input_pool_size: int | None = None,
    workers: int | None = None,
    client: Client | None = None,
    progress: bool = False,
    store: str | os.PathLike[str] | None = None,
    plan_only: bool = False,
) -> xr.Dataset | None:
    """The Fig 3F protocol for the rules and learning rates in ``eta``.

    Parameters
    ----------
    eta : dict
        Rule name → learning rate η (in ``lr_convention``), e.g.
        :data:`PAPER_ETA`. The rules run in this order.
    rates : (float, float)
        Rates (Hz) of the first and the second half of the afferents.
    n_trials, duration_minutes, seed, n, record_every
        Trials per rule, learning time (min), root seed, number of
        afferents, seconds between records.
    lr_convention : {"authors", "exact"}
        "authors" (default) matches the paper's learning rates (user guide, "Learning-rate conventions").
    fast : bool
        :func:`natspike.train`'s fast default, or ``exact=True`` (see :func:`figure3f`).
    input_pool_size : int, optional
        The authors' input protocol (see :func:`figure3f`).
    workers, client, progress
        Passed to :func:`natspike.run_configurations`, which runs the rules
        on one draw of each trial's inputs, locally or, with a Dask
        ``client``, on the cluster (the same numbers).
    store : str or os.PathLike, optional
        A folder of resumable results, one results store per learning run
        (see :func:`figure3f`).
    plan_only : bool
        Only the checks this figure makes before its first run (arguments, memory for the records of every
        run), nothing run and no store opened; returns None. The paper command runs them for every figure
        before the first one computes.

    Returns
    -------
    xarray.Dataset
        The layout described in :func:`figure3f`, with all parameters,
        the seed and the natspike version as attributes.
    """
    curves = curves_of(
        [eta], rates, n_trials, duration_minutes, seed, n=n, record_every=record_every, lr_convention=lr_convention,
        fast=fast, input_pool_size=input_pool_size, workers=workers, client=client, progress=progress, store=store,
        plan_only=plan_only,
    )  # fmt: skip
    return curves[0] if curves else None


def curves_of(
    etas: Sequence[Mapping[str, float | None]],
    rates: Sequence[float],
    n_trials: int,
    duration_minutes: float,
    seed: Seed,
    *,
    n: int,
    record_every: float,
    lr_convention: str,
    fast: bool,
    input_pool_size: int | None,
    workers: int | None,
    client: Client | None,
    progress: bool,
    store: str | os.PathLike[str] | None,
    plan_only: bool = False,
) -> list[xr.Dataset]:
    """:func:`learning_curves` for every dict of ``etas`` on the same trials: every (rule, η) of them runs in one
    :func:`natspike.run_configurations` (inputs and teacher drawn once per bin for all), locally or on Dask
    (``client``); the numbers are the same either way. Every check of all of them (arguments,
    memory for all their records together) comes before the first runs; ``plan_only``: only those checks,
    nothing run and no store opened, and ``[]`` returned (for a figure that must know before hours of shorter
    runs that a later one can start)."""
    plan_only = flag(plan_only, "plan_only")
    count(n_trials, "n_trials")
    positive(duration_minutes, "duration_minutes")
    count(n, "n", minimum=2)
    tables = [_check_eta(eta) for eta in etas]
    pair = _check_rates(rates)
    seed = root(seed)
    r = np.repeat(pair, [n // 2, n - n // 2])
    speed, store = train_options(fast, input_pool_size), run_store(store)
    draw = lambda rng: rng.uniform(-1 / n, 1 / n, n)  # w0 and w*, each from its own stream
    configs = [{"rule": rule, "eta": e} for rules, es in tables for rule, e in zip(rules, es)]
    shared = dict(
        teacher=draw, n_trials=n_trials, seed=seed, duration=float(duration_minutes) * 60, lr_convention=lr_convention,
        record_every=record_every, workers=workers, client=client, progress=progress, store=store, **speed,
    )  # fmt: skip
    if plan_only:
        check_configurations(configs, draw, r, **shared)
        return []
    runs = run_configurations(configs, draw, r, **shared)
    attrs = dict(lr_convention=lr_convention, record_every=record_every, input_pool_size=input_pool_size)
    out, k = [], 0
    for rules, es in tables:
        out.append(
            _curves(runs[k : k + len(rules)], rules, es, pair, seed, n_trials, duration_minutes, n, speed, attrs)
        )
        k += len(rules)
    return out


def _curves(runs, rules, etas, pair, seed, n_trials, duration_minutes, n, speed, attrs) -> xr.Dataset:
    """The dataset of :func:`learning_curves` from its runs (one per rule)."""
    import xarray as xr

    data: dict[str, Any] = {}
    for name in _METRICS:
        stack = np.stack([getattr(run, name) for run in runs])
        data[f"{name}_trials"] = (("rule", "trial", "time"), stack)
        data[name] = (("rule", "time"), stack.mean(axis=1))
    ds = xr.Dataset(data, coords={"rule": rules, "trial": np.arange(n_trials), "time": runs[0].times})
    ds["crossing_time"] = ("rule", crossing_times(ds["kl"].values, ds["time"].values))
    ds["eta"] = ("rule", etas)
    _describe(ds)
    ds.attrs.update(
        **provenance("3F", seed, runs[0].version),
        n_trials=int(n_trials),
        duration_minutes=float(duration_minutes),
        n=int(n),
        rates=[float(x) for x in pair],
        lr_convention=attrs["lr_convention"],
        record_every=float(attrs["record_every"]),
        threshold=CROSSING_THRESHOLD,
        coefficient_tolerance=speed.get("coefficient_tolerance", 0.0),
        event_driven=int(speed.get("event_driven", False)),
        input_pool_size=int(attrs["input_pool_size"] or 0),
    )
    return ds


def _describe(ds):
    ds["time"].attrs["units"] = "s"
    ds["kl"].attrs["long_name"] = "D_KL per bin (mean over trials)"
    ds["rate_error"].attrs.update(long_name="RMS rate error (mean over trials)", units="Hz")
    ds["weight_distance"].attrs["long_name"] = "||w - w*|| (mean over trials)"
    ds["crossing_time"].attrs.update(long_name="first time the mean D_KL < threshold (NaN: never)", units="s")


def _check_eta(eta):
    if not isinstance(eta, dict) or not eta:
        raise TypeError(f"eta must be a non-empty dict rule -> learning rate, got {type(eta).__name__}")
    unknown = sorted(set(eta) - set(RULES))
    if unknown:
        raise ValueError(f"rules must be among {RULES}, got {unknown}")
    for rule, e in eta.items():
        if e is None or isinstance(e, bool) or not isinstance(e, numbers.Real) or not 0 < e < np.inf:
            raise ValueError(f"eta[{rule!r}] must be a positive number, got {e!r}")
    return list(eta), [float(e) for e in eta.values()]


def _check_rates(rates):
    pair = np.asarray(rates, dtype=float)
    if pair.shape != (2,) or not np.all((pair >= 0) & np.isfinite(pair)):
        raise ValueError(f"rates must be two non-negative rates (Hz) of the two afferent groups, got {rates!r}")
    return pair


def crossing_times(kl: ArrayLike, time: ArrayLike, threshold: float = CROSSING_THRESHOLD) -> float | FloatArray:
    """First time at which each row of ``kl`` drops below ``threshold`` (NaN if never).

    ``kl`` may have any number of leading dimensions; the last one is time
    (:func:`natspike.time_to_threshold` on arrays).
    """
    kl = finite(real_array(kl, "kl"), "kl")
    if kl.ndim == 0:
        raise ValueError("kl must be an array whose last axis is time, got a scalar")
    return time_to_threshold(kl, threshold, times=finite(real_array(time, "time"), "time"), per_trial=True)


def _format_crossing(rule, seconds, duration_minutes):
    """A crossing time given in seconds, written in minutes as the paper's axes are."""
    t = seconds / 60
    return f"{rule} {t:.1f} min" if np.isfinite(t) else f"{rule} not within {duration_minutes:.0f} min"


def natural_first(crossing: Mapping[str, float]) -> bool:
    """Whether the natural rule's crossing time is finite and earlier than the Euclidean one (NaN = never)."""
    nat, euc = crossing.get("natural", np.nan), crossing.get("euclidean", np.nan)
    return bool(np.isfinite(nat) and not euc <= nat)


def claim_figure3f(ds: xr.Dataset) -> str:
    """One line: when each rule's mean D_KL first drops below 5·10⁻⁵, and whether natural is first (C8)."""
    ct = dict(zip(map(str, ds["rule"].values), ds["crossing_time"].values))
    parts = ", ".join(_format_crossing(r, t, ds.attrs["duration_minutes"]) for r, t in ct.items())
    return (
        f"Fig 3F ({counted(ds.attrs['n_trials'], 'trial')}): mean D_KL < 5e-5 at {parts}; "
        f"natural converges before Euclidean: {'yes' if natural_first(ct) else 'NO'}"
    )
