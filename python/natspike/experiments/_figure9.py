"""Figure 9: convergence of natural versus Euclidean learning, and its robustness to the learning rate."""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .._checks import minutes_of
from .._typing import Seed
from ._common import counted, figure_dataset, flag, renamed, root, run_store
from ._figure3 import PAPER_ETA, PAPER_MINUTES, _format_crossing, curves_of, natural_first

if TYPE_CHECKING:
    import xarray as xr
    from distributed import Client


#: Fig 9D learning-rate factors η/η0 of the paper.
PAPER_ETA_FACTORS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0)

#: Fig 9 compares these two rules; η0 is their Table 1 rate for 10/50 Hz.
FIGURE9_RULES = ("natural", "euclidean")

#: Fig 9D's early stop: the first pass of the runs at x ≠ 1 lasts this fraction of the learning time (rounded up
#: to a whole number of records), every further one twice the one before, until the whole learning time. At the
#: paper's size the passes last 46.7 and 93.3 min: the first covers the natural rule at every factor (it crosses
#: by ≈ 32 min at x = 0.5), the second the Euclidean rule down to x = 0.5 (≈ 90 min).
FIRST_PASS_FRACTION = 0.35


@figure_dataset
@renamed
def figure9(
    n_trials: int = 5,
    duration_minutes: float = 100.0,
    seed: Seed = 2022,
    *,
    full: bool = False,
    eta_factors: Sequence[float] = (0.5, 1.0, 2.0),
    n: int = 100,
    rates: Sequence[float] = (10.0, 50.0),
    record_every: float = 100.0,
    fast: bool = True,
    input_pool_size: int | None = None,
    workers: int | None = None,
    client: Client | None = None,
    progress: bool = False,
    store: str | os.PathLike[str] | None = None,
    full_curves: bool = False,
    plan_only: bool = False,
) -> xr.Dataset | None:
    """Convergence of natural and Euclidean learning (Fig 9A–D).

    Runs the Fig 3F protocol (see :func:`figure3f`: n = 100, 10/50 Hz,
    w0, w* ~ U(−1/n, 1/n) per trial, realizable teacher, 50-sample test set)
    for the natural (Eqn 13) and the Euclidean rule (Eqn 10) at learning
    rates η = x·η0 for every factor x in ``eta_factors``, with η0 = 6·10⁻⁴
    (natural) and 4.5·10⁻⁷ (Euclidean) in the authors' (1 − σ) convention
    (``lr_convention="authors"``; user guide, "Learning-rate conventions"). Every factor and rule uses
    the same seed, so trial i always starts from the same w0 and w* and sees
    the same input spikes.

    Panels A–C use the runs at x = 1 (added if missing): mean D_KL with the
    min/max over trials (A), mean ‖w − w*‖ (B), mean RMS rate error (C).
    Panel D: convergence time, the first record at which the trial-averaged
    D_KL falls below 5·10⁻⁵ (File01_time2converge.py; 100-s resolution with
    the default ``record_every``), versus x.

    Early stop (unless ``full_curves``): Panel D needs a run at x ≠ 1 only
    until its mean D_KL crosses, so those runs go in passes of increasing
    length: the first lasts 35 % of ``duration_minutes`` (rounded up to a
    whole number of records), every further one twice the one before, the
    last the whole learning time; each pass reruns from the start only
    the (factor, rule) runs that have not crossed yet. A trial's numbers do
    not depend on the run's length (a shorter run is bit for bit the start
    of a longer one), so ``convergence_time`` is exactly that of full-length
    runs, and so are the values of ``kl_sweep`` that are computed. At the
    paper's size (passes of 46.7, 93.3 and 133.3 min) this costs about
    half of running every factor for the whole learning time. Every pass
    is a learning run of its own length with its own entry in ``store``.
    Every check of the full-length run (its arguments, and the memory for
    the records of every factor and rule, as if none had crossed early)
    comes before the first pass runs, so a run too large for memory is
    refused at once, not after the shorter passes.
    The runs at x = 1 always run for the whole learning time (in the last
    pass). The paper's protocol differs as listed in :func:`figure3f` (continuous inputs, exact coefficients;
    user guide, "Differences from the authors' code"); the paper's equations are used.

    Parameters
    ----------
    n_trials : int
        Trials per rule and factor (paper: 1000).
    duration_minutes : float
        Learning time per trial in minutes (paper: 133.3). A factor whose
        mean D_KL stays above the threshold gets convergence time NaN.
    seed : int, SeedSequence, Generator or None
        Root seed.
    full : bool
        The paper's size: 1000 trials, 133.3 min, the 11 factors
        0.5, 0.6, …, 1.0, 1.2, …, 2.0; overrides ``n_trials``, ``duration_minutes`` and
        ``eta_factors``.
    eta_factors : sequence of float
        Factors x = η/η0 (> 0).
    n, rates, record_every
        Afferents, the two group rates (Hz), seconds between records.
    fast : bool
        Opt-in speed-ups of :func:`natspike.train`, equal to the exact path up
        to rounding (see :func:`figure3f`); ``False`` for exact quadrature.
    input_pool_size : int, optional
        The authors' pool of 1-s input trains per rate group, restarted from
        zero every second (8000 in the paper; see :func:`figure3f`).
        ``None`` (default): continuous Poisson inputs.
    workers, client, progress
        Passed to :func:`natspike.run_configurations`, which runs the rules
        on one draw of each trial's inputs, locally or, with a Dask
        ``client``, on the cluster (the same numbers).
    store : str or os.PathLike, optional
        A folder of resumable results, one results store per learning run
        (see :func:`figure3f`); every pass of the early stop is a run of its
        own, so an interrupted figure resumes in the pass it stopped in.
    full_curves : bool
        Run every factor for the whole learning time, so that ``kl_sweep``
        has no NaN; the same ``convergence_time`` at about twice the cost at
        the paper's size. Default ``False``: the early stop above.
    plan_only : bool
        Only the checks this figure makes before its first run (arguments, memory for the records of every
        run), nothing run and no store opened; returns None. The paper command runs them for every figure
        before the first one computes.

    Returns
    -------
    xarray.Dataset
        The :func:`figure3f` layout for x = 1 (``kl``, ``rate_error``,
        ``weight_distance`` with dims ``("rule", "time")``, ``*_trials`` with
        ``("rule", "trial", "time")``, ``crossing_time``), plus
        ``kl_sweep`` (mean D_KL, dims ``("eta_factor", "rule", "time")``;
        with the early stop, a run at x ≠ 1 that crossed in a shorter pass
        has values up to the end of that pass and NaN after it),
        ``convergence_time`` (seconds, dims ``("eta_factor", "rule")``) and
        ``eta0`` per rule. ``time`` is in seconds (the plots draw minutes).
    """
    if full:
        n_trials, duration_minutes, eta_factors = 1000, PAPER_MINUTES, PAPER_ETA_FACTORS
    factors, plan_only = _check_factors(eta_factors), flag(plan_only, "plan_only")
    minutes_of(duration_minutes, "duration_minutes")  # before any pass: the passes are shorter
    store = run_store(store)  # one library for all runs
    seed = root(seed)  # once: every factor starts trial i from the same w0 and w*
    run = lambda etas, minutes, plan_only=False: curves_of(
        [{rule: x * PAPER_ETA[rule] for rule in rules} for x, rules in etas],
        rates,
        n_trials,
        minutes,
        seed,
        n=n,
        record_every=record_every,
        lr_convention="authors",
        fast=fast,
        input_pool_size=input_pool_size,
        workers=workers,
        client=client,
        progress=progress,
        store=store,
        plan_only=plan_only,
    )  # every factor and rule of a pass on one draw of each trial's inputs
    passes = [] if full_curves else pass_seconds(duration_minutes, record_every)
    if passes or plan_only:  # every check of the full-length run, at its largest (nothing crossed early), first
        try:
            run([(x, list(FIGURE9_RULES)) for x in factors], duration_minutes, plan_only=True)
        except MemoryError as exc:
            raise MemoryError(
                f"{exc} (the full-length run of {len(factors)} eta factors x {len(FIGURE9_RULES)} rules, checked "
                "before the early stop's shorter passes)"
            ) from exc
    if plan_only:
        return None
    pending = {x: list(FIGURE9_RULES) for x in factors if x != 1.0}
    crossed = {}  # (x, rule) -> the run of a shorter pass in which the mean D_KL crossed
    for seconds in passes:
        etas = [(x, rules) for x, rules in pending.items() if rules]
        for (x, rules), ds in zip(etas, run(etas, seconds / 60) if etas else ()):
            for rule in rules:
                if np.isfinite(ds["crossing_time"].sel(rule=rule)):
                    crossed[x, rule] = ds[["kl", "crossing_time"]].sel(rule=rule)
            pending[x] = [rule for rule in rules if (x, rule) not in crossed]
    last = [(x, list(FIGURE9_RULES) if x == 1.0 else pending[x]) for x in factors]
    last = [(x, rules) for x, rules in last if rules]
    runs = dict(zip((x for x, _ in last), run(last, duration_minutes)))  # the whole learning time
    ds = runs[1.0].drop_vars("eta")
    ds["kl_sweep"] = _sweep(factors, runs, crossed, ds["time"].values, "kl")
    ds["convergence_time"] = _sweep(factors, runs, crossed, ds["time"].values, "crossing_time")
    ds = ds.assign_coords(eta_factor=("eta_factor", factors))
    ds["eta0"] = ("rule", [PAPER_ETA[rule] for rule in FIGURE9_RULES])
    ds["kl_sweep"].attrs["long_name"] = "D_KL per bin (mean over trials) at eta = eta_factor * eta0"
    ds["convergence_time"].attrs.update(long_name="first time the mean D_KL < threshold (NaN: never)", units="s")
    ds.attrs.update(figure="9", eta_factors=factors)
    return ds


def pass_seconds(duration_minutes: float, record_every: float | None) -> list[float]:
    """The lengths (s) of the early stop's passes shorter than the learning time: the first
    :data:`FIRST_PASS_FRACTION` of it rounded up to whole records, every further one twice the one before; each a
    whole number of records, so that every record of a pass is one of the full-length run, and each ending before
    the full-length run's last record."""
    values = (duration_minutes, record_every)
    if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) and 0 < v < 1e300 for v in values):
        return []  # no shorter passes; the full-length run names the bad value
    total, record_every = float(duration_minutes) * 60, float(record_every)  # type: ignore[arg-type]
    last = math.floor(total / record_every + 1e-9) * record_every  # the full-length run's last record
    seconds = math.ceil(total * FIRST_PASS_FRACTION / record_every) * record_every
    out = []
    while seconds < last:  # a pass as long as the last record would compute what the full-length run does
        out.append(float(seconds))
        seconds *= 2
    return out


def _sweep(factors, runs, crossed, time, name):
    """``name`` (``kl`` or ``crossing_time``) of every factor and rule, dims ``("eta_factor", "rule"[, "time"])``:
    from the full-length run, or from the shorter pass in which the rule crossed (NaN after its last record)."""
    import xarray as xr

    rows = []
    for x in factors:
        row = []
        for rule in FIGURE9_RULES:
            v = crossed[x, rule][name] if (x, rule) in crossed else runs[x][name].sel(rule=rule)
            if "time" in v.dims:
                if not np.array_equal(v["time"].values, time[: v.sizes["time"]]):
                    raise RuntimeError("internal: a pass's records are not the first records of the full-length run")
                v = v.reindex(time=time)  # NaN after the pass's last record
            row.append(v.drop_vars("rule"))
        rows.append(xr.concat(row, dim=xr.DataArray(list(FIGURE9_RULES), dims="rule")))
    out = xr.concat(rows, dim=xr.DataArray(factors, dims="eta_factor"))
    return out.transpose("eta_factor", "rule", *(("time",) if "time" in out.dims else ()))


def _check_factors(eta_factors):
    try:
        factors = [float(x) for x in eta_factors]
    except (TypeError, ValueError):
        raise TypeError(f"eta_factors must be a sequence of numbers, got {eta_factors!r}") from None
    if not factors or not all(0 < x < np.inf for x in factors) or len(set(factors)) != len(factors):
        raise ValueError(f"eta_factors must be distinct positive numbers, got {eta_factors!r}")
    return sorted(set(factors) | {1.0})


def claim_figure9(ds: xr.Dataset) -> str:
    """One line: natural converges before Euclidean at every η/η0 (C8, Fig 9D)?"""
    conv = ds["convergence_time"]
    wins = [
        natural_first({r: float(conv.sel(eta_factor=x, rule=r)) for r in FIGURE9_RULES})
        for x in conv["eta_factor"].values
    ]
    table = "; ".join(
        f"x={x:g}: "
        + ", ".join(
            _format_crossing(r[:3], float(conv.sel(eta_factor=x, rule=r)), ds.attrs["duration_minutes"])
            for r in FIGURE9_RULES
        )
        for x in conv["eta_factor"].values
    )
    verdict = "yes" if all(wins) else f"NO (fails at {sum(not w for w in wins)} of {len(wins)} factors)"
    return (
        f"Fig 9D ({counted(ds.attrs['n_trials'], 'trial')}, time to mean D_KL < 5e-5): {table}; "
        f"natural converges first at every eta: {verdict}"
    )
