"""Figure 12: the approximate rule (Eqn 114) is close to the natural gradient.

Panels A–B (:func:`figure12_angles`): angles between the update directions
of the natural, Euclidean and approximate rules. Panels C–F
(``figure12_curves``): learning curves of the three rules for further input
patterns. Each panel group lives in its own section below.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from .._checks import at_most, finite_real
from .._rules import update_direction
from .._typing import ArrayLike, FloatArray, Seed
from ._common import MAX_AFFERENTS, count, counted, figure_dataset, flag, provenance, renamed, root, run_store, stream

if TYPE_CHECKING:
    import xarray as xr
    from distributed import Client

    from .._neuron import Neuron

# ---------------------------------------------------------------------------------------------------------------
# Fig 12A–B: angle histograms (figure12_angles, claim_figure12_angles)
# ---------------------------------------------------------------------------------------------------------------

#: Input patterns (r1, r2) in Hz of Fig 12A–B: first half of the afferents at r1, second half at r2.
ANGLE_PATTERNS = ((10.0, 10.0), (10.0, 30.0), (10.0, 50.0), (20.0, 20.0), (20.0, 40.0))
#: Metrics and compared rules of the angle Dataset (angles are natural vs each compared rule).
METRICS, COMPARED = ("euclidean", "fisher"), ("approximate", "euclidean")


def _angle_patterns(patterns: ArrayLike) -> FloatArray:
    p = np.asarray(patterns, float)
    if p.ndim != 2 or p.shape[1] != 2 or p.shape[0] == 0 or not np.all(np.isfinite(p) & (p > 0)):
        raise ValueError(f"patterns must be a sequence of (r1, r2) pairs of positive rates, got {patterns!r}")
    return p


def update_directions(w, x, rates, neuron=None, *, c_u=0.95, c_w=0.05):
    """Natural, Euclidean and approximate update directions for USP samples (common factor dropped).

    All three rules multiply their direction by the same scalar error
    factor η (Y* − φ) φ'/φ, so it is left out (Fig 12); each direction is
    :func:`natspike.update_direction` (Eqns 10, 38, 114).

    Returns
    -------
    dict of ndarray
        ``natural``, ``euclidean``, ``approximate``, each of the shape of ``x``.
    """
    return {
        rule: update_direction(rule, w, x, rates, neuron=neuron, c_u=c_u, c_w=c_w)
        for rule in ("natural", "euclidean", "approximate")
    }


def angles(a, b, metric=None):
    """Angles in degrees between the rows of ``a`` and ``b`` (..., n), in the metric ``metric`` (n, n) or Euclidean."""
    mb = b if metric is None else b @ metric
    ma = a if metric is None else a @ metric
    cos = np.sum(a * mb, -1) / np.sqrt(np.sum(a * ma, -1) * np.sum(b * mb, -1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def _pattern_angles(w, x, rates, neuron, c_u, c_w):
    """Mean angles over the USP samples x (M, n) of one weight sample: [metric, compared]."""
    from .._fisher import fisher_matrix

    d = update_directions(w, x, rates, neuron, c_u=c_u, c_w=c_w)
    g = fisher_matrix(w, rates, neuron=neuron)  # Eqn 81
    return np.array([[angles(d["natural"], d[other], metric).mean() for other in COMPARED] for metric in (None, g)])


#: The chance, over one pattern's USP samples, of a zero USP vector that the suggested bins allow.
_ZERO_USP_CHANCE = 1e-6


def _zero_usp_probability(bins, rates, dt):
    """The probability that a USP vector sampled over ``bins`` bins from zero is exactly zero: no input spike
    in its first ``bins`` − 1 bins (a spike in the last bin has not yet raised the PSP), exp(−(bins − 1)·dt·Σr)."""
    return math.exp(-(bins - 1) * dt * float(np.sum(rates)))


def _min_angle_bins(samples, rates, dt):
    """The fewest bins for which ``samples`` USP vectors hold a zero one with probability < ``_ZERO_USP_CHANCE``
    (union bound: samples · exp(−(bins − 1)·dt·Σr) < _ZERO_USP_CHANCE)."""
    return 2 + math.floor(math.log(samples / _ZERO_USP_CHANCE) / (dt * float(np.sum(rates))))


def _nonzero_usps(x, bins, rates, dt, label):
    """ValueError naming ``bins`` if a USP vector of ``x`` is zero: its update directions are zero and their angles
    0/0, undefined."""
    zero = ~x.any(axis=-1)
    if zero.any():
        raise ValueError(
            f"bins={bins}: {int(zero.sum())} of the {zero.size} USP vectors of pattern {label} Hz are zero (no input "
            f"spike within {bins - 1} bins; probability {_zero_usp_probability(bins, rates, dt):.3g} each), so their "
            f"update directions are zero and the angles undefined; use bins >= {_min_angle_bins(zero.size, rates, dt)}"
        )


@figure_dataset
@renamed
def figure12_angles(
    n_trials: int = 40,
    usp_samples: int = 50,
    seed: Seed = 2022,
    *,
    full: bool = False,
    n: int = 100,
    patterns: ArrayLike = ANGLE_PATTERNS,
    c_u: float = 0.95,
    c_w: float = 0.05,
    bins: int = 2000,
    neuron: Neuron | None = None,
    progress: bool = False,
) -> xr.Dataset:
    """Angles between natural, approximate and Euclidean update directions (Fig 12A–B).

    Protocol (paper, Fig 12A–B and Methods): n = 100 afferents in two halves at
    (r1, r2) ∈ {10/10, 10/30, 10/50, 20/20, 20/40} Hz. Per pattern,
    ``n_trials`` weight samples w ~ U(−5, 5)/n; per weight sample
    ``usp_samples`` USP vectors, each the value at the end of an independent
    1-s input train (2000 bins) starting from zero. For every USP vector the
    natural, Euclidean and approximate directions of
    :func:`update_directions` are compared by their angle in the Euclidean
    metric and in the Fisher metric of the analytic G (Eqn 81); the mean
    over the USP vectors is one histogram entry.

    Differences from the authors' scripts: coefficients are computed exactly
    at each weight sample instead of read from a lookup table with a shifted
    σ² grid (user guide, "Lookup tables"); the target weights w* they draw do not enter the
    angles (the error factor is common to all three directions) and are not
    drawn here.

    Parameters
    ----------
    n_trials : int
        Weight samples per pattern (paper: 100).
    usp_samples : int
        USP vectors per weight sample (paper: 100).
    seed : int, SeedSequence, Generator or None
        Root seed of weights and input trains.
    full : bool
        The paper's size (100 × 100 per pattern).
    n, patterns, c_u, c_w, bins
        Afferents, (r1, r2) pairs in Hz, constants of the approximate rule,
        bins per input train (>= 2). A USP vector is zero when no input spike
        falls in its train's first ``bins`` − 1 bins (probability
        exp(−(bins − 1)·dt·Σr)); its directions and angles are then undefined,
        so a zero USP vector raises ``ValueError`` naming ``bins`` and the
        fewest bins at which any of the pattern's USP vectors is zero with
        probability < 10⁻⁶.
    neuron : Neuron, optional
        The paper's neuron by default.
    progress : bool
        Show a tqdm bar over patterns.

    Returns
    -------
    xarray.Dataset
        ``angle`` (degrees) with dims ``("metric", "compared", "pattern",
        "trial")``: mean over USP samples of the angle between the natural
        direction and the ``compared`` one; ``mean_angle`` (its mean over
        trials); ``mean_v``, ``var_v`` (μ_V, σ_V² of each weight sample).
        ``pattern`` is labelled "r1/r2" with numeric coordinates ``r1``, ``r2``.
    """
    import xarray as xr

    from .._fisher import sample_usps, voltage_statistics
    from .._neuron import resolve

    neuron = resolve(neuron)
    n_trials, usp_samples = (100, 100) if full else (count(n_trials, "n_trials"), count(usp_samples, "usp_samples"))
    n, bins, patterns = count(n, "n"), count(bins, "bins", minimum=2), _angle_patterns(patterns)
    c_u, c_w = finite_real(c_u, "c_u", lo=0.0, hi=1e6), finite_real(c_w, "c_w", lo=0.0, hi=1e6)
    at_most(usp_samples, "usp_samples", 2**34)
    at_most(n_trials, "n_trials", 10**7)
    at_most(n, "n", MAX_AFFERENTS)
    seed = root(seed)
    out = np.empty((len(METRICS), len(COMPARED), len(patterns), n_trials))
    mean_v, var_v = np.empty((2, len(patterns), n_trials))
    for p, (r1, r2) in enumerate(_progress(patterns, progress)):
        rates = np.r_[np.full(n // 2, r1), np.full(n - n // 2, r2)]
        w = stream(seed, 0, p).uniform(-5, 5, (n_trials, n)) / n
        x = sample_usps(
            rates, n_trials * usp_samples, bins=bins, neuron=neuron, seed=np.random.SeedSequence(seed, spawn_key=(1, p))
        ).reshape(n_trials, usp_samples, n)
        _nonzero_usps(x, bins, rates, neuron.dt, f"{r1:g}/{r2:g}")
        for k in range(n_trials):
            out[:, :, p, k] = _pattern_angles(w[k], x[k], rates, neuron, c_u, c_w)
        mean_v[p], var_v[p], _ = voltage_statistics(w, rates, neuron=neuron)
    labels = [f"{a:g}/{b:g}" for a, b in patterns]
    ds = xr.Dataset(
        {
            "angle": (("metric", "compared", "pattern", "trial"), out),
            "mean_v": (("pattern", "trial"), mean_v),
            "var_v": (("pattern", "trial"), var_v),
        },
        coords={
            "metric": list(METRICS),
            "compared": list(COMPARED),
            "pattern": labels,
            "r1": ("pattern", patterns[:, 0]),
            "r2": ("pattern", patterns[:, 1]),
            "trial": np.arange(n_trials),
        },
    )
    ds["mean_angle"] = ds["angle"].mean("trial")
    ds["angle"].attrs.update(units="degree", long_name="mean angle to the natural-gradient direction")
    ds.attrs.update(
        **provenance("12A-B", seed),
        n_trials=n_trials,
        usp_samples=usp_samples,
        n=n,
        bins=bins,
        c_u=float(c_u),
        c_w=float(c_w),
        weight_range=[-5.0, 5.0],
    )
    return ds


def _progress(items, enabled):
    from .._progress import track

    return track(items, enabled, "Fig 12A-B patterns")


def claim_figure12_angles(ds: xr.Dataset) -> str:
    """One line: per pattern and metric, mean angle(natural, approximate) < mean angle(natural, Euclidean) (C11)."""
    m = ds["mean_angle"]
    closer = bool((m.sel(compared="approximate") < m.sel(compared="euclidean")).all())
    parts = []
    for metric in ds["metric"].values:
        pairs = ", ".join(
            f"{p} {float(m.sel(metric=metric, pattern=p, compared='approximate')):.1f}° vs "
            f"{float(m.sel(metric=metric, pattern=p, compared='euclidean')):.1f}°"
            for p in ds["pattern"].values
        )
        parts.append(f"{metric} metric: {pairs}")
    return (
        f"Fig 12A-B ({ds.attrs['n_trials']} weight × {ds.attrs['usp_samples']} USP samples per pattern), mean "
        f"angle natural–approximate vs natural–Euclidean: "
        + "; ".join(parts)
        + f"; approximate closer for every pattern and metric: {'yes' if closer else 'NO'}"
    )


# ---------------------------------------------------------------------------------------------------------------
# Fig 12C–F: learning curves per input pattern (figure12_curves, claim_figure12_curves)
# ---------------------------------------------------------------------------------------------------------------

#: Table 1 learning rates (authors' (1 − σ) convention) per input pattern (r1, r2) in Hz.
TABLE1_ETA = {
    (10.0, 30.0): {"natural": 6.55e-4, "approximate": 5.5e-4, "euclidean": 1.10e-6},
    (10.0, 50.0): {"natural": 6.00e-4, "approximate": 4.5e-4, "euclidean": 4.5e-7},
    (20.0, 20.0): {"natural": 6.50e-4, "approximate": 5.3e-4, "euclidean": 1.18e-6},
    (20.0, 40.0): {"natural": 5.80e-4, "approximate": 4.5e-4, "euclidean": 5.5e-7},
}


@figure_dataset
@renamed
def figure12_curves(
    n_trials: int = 5,
    duration_minutes: float = 60.0,
    seed: Seed = 2022,
    *,
    full: bool = False,
    patterns: Sequence[tuple[float, float]] = tuple(TABLE1_ETA),
    rules: Sequence[str] = ("natural", "euclidean", "approximate"),
    eta: Mapping[str, float] | None = None,
    n: int = 100,
    record_every: float = 100.0,
    fast: bool = True,
    input_pool_size: int | None = None,
    workers: int | None = None,
    client: Client | None = None,
    progress: bool = False,
    store: str | os.PathLike[str] | None = None,
    plan_only: bool = False,
) -> xr.Dataset | None:
    """Learning curves of the natural, Euclidean and approximate rules for four input patterns (Fig 12C–F).

    For each pattern (r1, r2) the Fig 3F protocol runs (see
    :func:`figure3f`: n = 100 afferents, the first half at r1, the second at
    r2; w0, w* ~ U(−1/n, 1/n) per trial; realizable teacher; D_KL, RMS rate
    error and ‖w − w*‖ on a 50-sample test set every 100 s) with the
    learning rates of Table 1 (:data:`TABLE1_ETA`, authors' (1 − σ)
    convention; user guide, "Learning-rate conventions"). The approximate rule is Eqn 114 with
    c_u = 0.95, c_w = 0.05 and the current V of every bin; the authors'
    script used the V of the previous interval's last bin (user guide, "Stale voltage") and
    a coefficient lookup table (user guide, "Lookup tables") — the paper's equations are used
    here. Every pattern and rule uses the same seed, so trial i starts
    from the same w0 and w* everywhere. Every pattern's arguments and
    memory are checked before the first pattern runs.

    Parameters
    ----------
    n_trials : int
        Trials per pattern and rule (paper: 1000).
    duration_minutes : float
        Learning time per trial in minutes (paper: 133.3).
    seed : int, SeedSequence, Generator or None
        Root seed.
    full : bool
        The paper's size (1000 trials, 133.3 min); overrides ``n_trials`` and
        ``duration_minutes``.
    patterns : sequence of (float, float)
        Input patterns (r1, r2) in Hz; Table 1 patterns by default (10/30,
        10/50, 20/20, 20/40 Hz = panels C–F). Other patterns need ``eta``.
    rules : sequence of str
        Rules to run.
    eta : dict, optional
        Learning rates overriding Table 1: ``{(r1, r2): {rule: η}}``.
    n, record_every
        Number of afferents, seconds between records.
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
        (see :func:`figure3f`).
    plan_only : bool
        Only the checks this figure makes before its first run (arguments, memory for the records of every
        run), nothing run and no store opened; returns None. The paper command runs them for every figure
        before the first one computes.

    Returns
    -------
    xarray.Dataset
        The :func:`figure3f` layout with a leading ``pattern`` dimension
        (coordinate ``"r1/r2"`` labels, with ``r1`` and ``r2`` in Hz):
        ``kl``, ``rate_error``, ``weight_distance`` (pattern, rule, time),
        ``*_trials`` (pattern, rule, trial, time), ``crossing_time``
        (pattern, rule) and ``eta`` (pattern, rule). ``time`` and
        ``crossing_time`` are in seconds (the plots draw minutes).
    """
    import xarray as xr

    from ._figure3 import PAPER_MINUTES, curves_of

    plan_only = flag(plan_only, "plan_only")
    if full:
        n_trials, duration_minutes = 1000, PAPER_MINUTES
    pairs = _curve_patterns(patterns)
    table = _curve_learning_rates(pairs, rules, eta)
    store = run_store(store)  # one library for all runs
    seed = root(seed)  # once: every pattern starts trial i from the same w0 and w*
    curves = lambda pair, plan_only=False: curves_of(
        [table[pair]],
        pair,
        n_trials,
        duration_minutes,
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
    )  # the Fig 3F protocol (learning_curves) of one pattern
    for pair in pairs if plan_only else pairs[1:]:  # every later pattern's checks before the first one runs
        curves(pair, plan_only=True)
    if plan_only:
        return None
    runs = [curves(pair)[0] for pair in pairs]
    ds = xr.concat(runs, dim="pattern", combine_attrs="drop_conflicts")
    labels = [f"{r1:g}/{r2:g}" for r1, r2 in pairs]
    ds = ds.assign_coords(
        pattern=("pattern", labels), r1=("pattern", [p[0] for p in pairs]), r2=("pattern", [p[1] for p in pairs])
    )
    ds["r1"].attrs["units"] = ds["r2"].attrs["units"] = "Hz"
    ds.attrs.update(runs[0].attrs)
    ds.attrs.pop("rates", None)
    ds.attrs.update(figure="12C-F", r1=[p[0] for p in pairs], r2=[p[1] for p in pairs])
    return ds


def _curve_patterns(patterns):
    try:
        pairs = [(float(r1), float(r2)) for r1, r2 in patterns]
    except (TypeError, ValueError):
        raise TypeError(f"patterns must be a sequence of (r1, r2) rate pairs in Hz, got {patterns!r}") from None
    if not pairs or len(set(pairs)) != len(pairs):
        raise ValueError(f"patterns must be distinct (r1, r2) pairs, got {patterns!r}")
    return pairs


def _curve_learning_rates(pairs, rules, eta):
    """{(r1, r2): {rule: η}} from Table 1, overridden by ``eta``."""
    if isinstance(rules, str) or not rules:
        raise ValueError(f"rules must be a non-empty sequence of rule names, got {rules!r}")
    given = {(float(r1), float(r2)): v for (r1, r2), v in (eta or {}).items()}
    table = {}
    for pair in pairs:
        known = {**TABLE1_ETA.get(pair, {}), **given.get(pair, {})}
        missing = [rule for rule in rules if rule not in known]
        if missing:
            raise ValueError(
                f"no learning rate for pattern {pair[0]:g}/{pair[1]:g} Hz and rules {missing}: "
                f"Table 1 covers {[f'{a:g}/{b:g}' for a, b in TABLE1_ETA]}; pass eta"
            )
        table[pair] = {rule: known[rule] for rule in rules}
    return table


def claim_figure12_curves(ds: xr.Dataset) -> str:
    """One line: per pattern, the crossing times of D_KL < 5·10⁻⁵; approximate before Euclidean everywhere (C12)?"""
    duration_minutes = ds.attrs["duration_minutes"]
    parts, wins, between = [], [], []
    for label in map(str, ds["pattern"].values):
        ct = {str(r): float(ds["crossing_time"].sel(pattern=label, rule=r)) for r in ds["rule"].values}
        app, euc, nat = (ct.get(r, np.nan) for r in ("approximate", "euclidean", "natural"))
        wins.append(bool(np.isfinite(app) and not euc <= app))
        between.append(bool(wins[-1] and np.isfinite(nat) and nat <= app))
        parts.append(
            f"{label} Hz: "
            + ", ".join(
                (f"{r[:3]} {t / 60:.1f}" if np.isfinite(t) else f"{r[:3]} >{duration_minutes:.0f}")
                for r, t in ct.items()
            )
        )
    verdict = "yes" if all(wins) else f"NO ({sum(not w for w in wins)} of {len(wins)} patterns)"
    line = (
        f"Fig 12C-F ({counted(ds.attrs['n_trials'], 'trial')}, minutes to mean D_KL < 5e-5): {'; '.join(parts)}; "
        f"approximate converges before Euclidean for every pattern: {verdict}"
    )
    if "natural" in ds["rule"].values:  # the paper's wording: between natural and Euclidean
        line += f"; natural <= approximate < Euclidean for {sum(between)} of {len(between)} patterns"
    return line
