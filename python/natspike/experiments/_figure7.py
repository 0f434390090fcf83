"""Figure 7: interplay of homo- and heterosynaptic plasticity (panels B–D and E–G)."""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .._checks import MAX_TRIALS, integer
from .._neuron import Neuron
from .._trials import run_trials
from .._typing import ArrayLike, Seed
from ._common import (
    count,
    counted,
    fast_tolerance,
    figure_dataset,
    positive_values,
    provenance,
    renamed,
    root,
    run_store,
)

if TYPE_CHECKING:
    import xarray as xr

#: The Fig 7 setting (paper, Fig 7 and Methods): 10 synapses, the first 5 driven at 5 Hz, the other 5 silent.
N_SYNAPSES, N_STIMULATED, INPUT_RATE = 10, 5, 5.0
#: Poisson teacher rate (Hz) and the sigmoid midpoint raised by 5 mV of tonic inhibition.
TEACHER_RATE, THETA = 20.0, 15.0
#: Learning rate of the authors' script; the paper's text says 0.01 (user guide, "Paper versus code").
ETA, PAPER_ETA = 1e-3, 1e-2
#: Initial n·w marked in panels B–D and used for the example traces E–G (regions O1, O2, S).
MARKERS = (1.6, 2.5, 4.5)
#: The paper plots the region n·w ∈ [1.04, 5]² with the colour range ±12 %.
PLOT_REGION, COLOR_RANGE = (1.04, 5.0), 12.0
PROTOCOLS = ("paper", "authors")


#: The most points per axis of an int ``grid``: its grid² runs are trials of one run_trials call.
MAX_GRID = math.isqrt(MAX_TRIALS)


def _grid_axes(grid, span, full):
    """n·w_st and n·w_ust values of the grid (rows, columns)."""
    if full:  # the authors' axes: rows 0.25 + t·4.75/600 (t = 1 … 600), columns linspace(0.25, 5, 600)
        return 0.25 + np.arange(1, 601) * 4.75 / 600, np.linspace(0.25, 5.0, 600)
    if isinstance(grid, numbers.Integral) and not isinstance(grid, bool):
        integer(grid, "grid", lo=2, hi=MAX_GRID)
        lo, hi = span
        if not 0 < lo < hi:
            raise ValueError(f"span must be (low, high) with 0 < low < high, got {span}")
        axis = np.linspace(lo, hi, int(grid))
        return axis, axis.copy()
    try:
        st, ust = (np.asarray(a, float) for a in grid)
    except (TypeError, ValueError):
        raise TypeError("grid must be an int or a pair (n·w_st values, n·w_ust values)") from None
    for name, a in (("grid[0] (n·w_st)", st), ("grid[1] (n·w_ust)", ust)):
        if a.ndim != 1 or a.size == 0 or not np.all(np.isfinite(a) & (a > 0)):
            raise ValueError(f"{name} must be a non-empty 1-D sequence of positive numbers, got {a!r}")
    return st, ust


def _refresh(protocol, coefficient_refresh):
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be one of {PROTOCOLS}, got {protocol!r}")
    if protocol == "authors":
        if coefficient_refresh not in (None, "frozen"):
            raise ValueError("protocol='authors' freezes the coefficients; do not pass coefficient_refresh")
        return "frozen"
    return 1 if coefficient_refresh is None else coefficient_refresh


def _initial_weights(st, ust):
    """Weights (len(st)·len(ust), n): stimulated synapses first, all of a group equal."""
    rows = np.repeat(np.asarray(st, float), len(ust))
    cols = np.tile(np.asarray(ust, float), len(st))
    return (
        np.hstack([np.repeat(rows[:, None], N_STIMULATED, 1), np.repeat(cols[:, None], N_SYNAPSES - N_STIMULATED, 1)])
        / N_SYNAPSES
    )


def _run(w0, n_trials, seed, *, refresh, tolerance, duration, eta, workers, progress, store, record_every=None):
    """All (condition, replicate) runs in one native call; trial index = condition·trials + replicate."""
    rates = np.r_[np.full(N_STIMULATED, INPUT_RATE), np.zeros(N_SYNAPSES - N_STIMULATED)]
    weights = np.repeat(w0, n_trials, axis=0)
    return run_trials(
        "natural",
        weights,
        rates,
        n_trials=len(weights),
        seed=seed,
        teacher=TEACHER_RATE,
        duration=duration,
        eta=eta,
        neuron=Neuron(theta=THETA),
        coefficient_refresh=refresh,
        coefficient_tolerance=tolerance,
        exact=tolerance is None,
        record_every=record_every,
        test_samples=1,
        test_bins=1,
        workers=workers,
        progress=progress,
        store=run_store(store),
    )


def _group_change(weights, w0):
    """Relative change (%) of the mean stimulated and mean unstimulated weight, last axis = synapse."""
    st = weights[..., :N_STIMULATED].mean(-1) / w0[..., 0] - 1
    ust = weights[..., N_STIMULATED:].mean(-1) / w0[..., N_STIMULATED] - 1
    return 100 * st, 100 * ust


def _common_attrs(figure, n_trials, seed, duration, eta, protocol, refresh, tolerance, res):
    return dict(
        **provenance(figure, seed, res.version),
        n_trials=int(n_trials),
        n=N_SYNAPSES,
        n_stimulated=N_STIMULATED,
        input_rate=INPUT_RATE,
        teacher_rate=TEACHER_RATE,
        theta=THETA,
        duration=float(duration),
        eta=float(eta),
        paper_eta=PAPER_ETA,
        protocol=protocol,
        coefficient_refresh=str(refresh),
        coefficient_tolerance=tolerance or 0.0,
        rule="natural",
        lr_convention="exact",
        silent_rate=1e-4,
    )


@figure_dataset
@renamed
def figure7(
    grid: int | tuple[Sequence[float], Sequence[float]] = 12,
    n_trials: int = 4,
    seed: Seed = 2022,
    *,
    full: bool = False,
    protocol: str = "paper",
    duration: float = 60.0,
    eta: float = ETA,
    span: tuple[float, float] = (0.25, 5.0),
    coefficient_refresh: int | None = None,
    fast: bool = True,
    workers: int | None = None,
    progress: bool = False,
    store: str | os.PathLike[str] | None = None,
) -> xr.Dataset:
    """Relative weight changes of stimulated and unstimulated synapses (Fig 7B–D).

    Protocol (paper, Fig 7 and Methods): n = 10 synapses, 5 stimulated by Poisson
    input at 5 Hz and 5 unstimulated (no spikes; rate 1e-4 Hz inside the
    rule; user guide, "Inputs"); a Poisson teacher at 20 Hz independent of the input;
    tonic inhibition of −5 mV, i.e. θ = 15 mV; 60 s of natural-gradient
    learning (Eqn 38) with the exact φ'/φ. All stimulated weights start at
    w_st(t0), all unstimulated ones at w_ust(t0); the grid spans n·w from
    0.25 to 5 in both. Per grid point and replicate the relative change
    100·(w̄(60 s)/w̄(t0) − 1) % of each group's mean weight is recorded.
    Unstimulated synapses see only the heterosynaptic terms −γ_u + γ_w w
    (their homosynaptic term c_ε x/r is exactly 0).

    Differences from the authors' script (user guide, "Frozen coefficients", "Paper versus code"): their
    coefficients are computed once at t0 and frozen for the 60 s; here they
    are recomputed every bin as the paper's equations say
    (``protocol="authors"`` freezes them). η = 0.001 is the script's value
    (the paper's text says 0.01, which would move weights ten times more
    than the ±12 % colour range of the figure allows). The paper uses one
    noise realisation per point of a 600 × 600 grid; the default here is a
    coarse grid with replicates.

    Parameters
    ----------
    grid : int or (sequence, sequence)
        Points per axis of a square grid over ``span``, or explicit
        n·w_st(t0) (rows) and n·w_ust(t0) (columns) values. Paper: 600.
    n_trials : int
        Noise replicates per grid point (paper: 1).
    seed : int, SeedSequence, Generator or None
        Root seed; trial index (i_st·n_ust + i_ust)·trials + replicate.
    full : bool
        The paper's 600 × 600 grid with one replicate (about 10⁵ core-s with
        per-bin coefficients; about 1.3 core-hours with ``protocol="authors"``).
    protocol : {"paper", "authors"}
        "paper": coefficients every bin; "authors": frozen at t0.
    duration, eta, span
        Learning time (s), learning rate, range of n·w for an int ``grid``.
    coefficient_refresh : int, optional
        Bins between coefficient updates for ``protocol="paper"`` (default 1;
        every 10 bins changes Δw by ~10⁻⁵ of itself and runs ~10× faster).
    fast : bool
        :func:`natspike.train`'s default, fast evaluation: Fisher
        coefficients from verified Chebyshev patches with relative error
        ≤ 1e-9 (``coefficient_tolerance``) instead of quadrature in every
        bin, event-driven updates: about 10× faster, within 1e-8 of the
        weight change of the exact path. ``False``: ``exact=True``.
    workers, progress
        Passed to :func:`natspike.run_trials`.
    store : str or os.PathLike, optional
        A folder of resumable results, one results store per learning run
        (see :func:`figure3f`).

    Returns
    -------
    xarray.Dataset
        ``change_st``, ``change_ust`` (%, mean over replicates) with dims
        ``("w_st", "w_ust")`` (coordinates: initial n·w); per-replicate
        values ``change_st_trials``, ``change_ust_trials`` with an extra
        ``replicate`` dim; ``sign_product`` = sign(Δw_st·Δw_ust) (panel D:
        +1 same sign, −1 opposite); ``zero_error_line`` (n·w_st where the
        mean Δw_st crosses zero, linearly interpolated, per column; NaN if it
        does not cross).
    """
    import xarray as xr

    count(n_trials, "n_trials")
    seed = root(seed)
    if full:
        n_trials = 1
    refresh = _refresh(protocol, coefficient_refresh)
    st, ust = _grid_axes(grid, span, full)
    w0 = _initial_weights(st, ust)
    tolerance = fast_tolerance(fast)
    res = _run(
        w0,
        n_trials,
        seed,
        refresh=refresh,
        tolerance=tolerance,
        duration=duration,
        eta=eta,
        workers=workers,
        progress=progress,
        store=store,
    )
    shape = (len(st), len(ust), n_trials)
    dst, dust = _group_change(res.final_weights, np.repeat(w0, n_trials, axis=0))
    dims = ("w_st", "w_ust", "replicate")
    ds = xr.Dataset(
        {"change_st_trials": (dims, dst.reshape(shape)), "change_ust_trials": (dims, dust.reshape(shape))},
        coords={"w_st": st, "w_ust": ust, "replicate": np.arange(n_trials)},
    )
    for name in ("st", "ust"):
        ds[f"change_{name}"] = ds[f"change_{name}_trials"].mean("replicate")
        ds[f"change_{name}"].attrs.update(units="%", long_name=f"relative change of the mean {name} weight")
    ds["sign_product"] = np.sign(ds["change_st"] * ds["change_ust"]).astype(int)
    ds["zero_error_line"] = ("w_ust", zero_crossings(ds["change_st"].values, st))
    ds["w_st"].attrs["long_name"] = "n·w_st(t0)"
    ds["w_ust"].attrs["long_name"] = "n·w_ust(t0)"
    ds.attrs.update(
        **_common_attrs("7B-D", n_trials, seed, duration, eta, protocol, refresh, tolerance, res),
        grid=[len(st), len(ust)],
    )
    return ds


def zero_crossings(change, rows):
    """Per column of ``change`` (rows × columns), the row value where it first turns from > 0 to ≤ 0.

    Linear interpolation between the two grid rows; NaN where the column
    never changes sign that way.
    """
    change = np.asarray(change, float)
    rows = np.asarray(rows, float)
    out = np.full(change.shape[1], np.nan)
    for j in range(change.shape[1]):
        c, i = change[:, j], _first_flip(change[:, j])
        if i >= 0:
            out[j] = rows[i] + (rows[i + 1] - rows[i]) * c[i] / (c[i] - c[i + 1])
    return out


def _first_flip(c):
    """Index i of the first grid interval [i, i+1] where ``c`` turns from > 0 to ≤ 0 (−1 if none)."""
    flips = np.nonzero((c[:-1] > 0) & (c[1:] <= 0))[0]
    return int(flips[0]) if flips.size else -1


def _nearest(values, target):
    return int(np.argmin(np.abs(np.asarray(values) - target)))


def figure7_regions(ds):
    """The five checks of claim C7 on a Fig 7 Dataset, as a dict of bools and numbers.

    Rows and columns are taken at the grid values nearest to the claim's
    n·w values (1.0, 2.5, 4.5). Keys: ``independent`` (Δw_st varies across
    columns by less than 5 pooled standard errors), ``O1``, ``O2``, ``S``
    (sign patterns), ``flip_together`` (in every column with n·w_ust ≤ 2.5,
    Δw_ust changes sign in the same or an adjacent grid interval as Δw_st), ``in_range``
    (|Δ| ≤ 12.5 % on [1.04, 5]²), ``line`` (mean zero-error line), ``spread``
    (largest deviation in units of the standard error).
    """
    st, ust = ds["w_st"].values, ds["w_ust"].values
    cst, cust = ds["change_st"].values, ds["change_ust"].values
    out = {
        "line": float(np.nanmean(ds["zero_error_line"].values))
        if np.isfinite(ds["zero_error_line"]).any()
        else float("nan")
    }
    reps = ds.sizes["replicate"]
    if reps > 1:
        per_row_var = ds["change_st_trials"].values.var(axis=(1, 2), ddof=1)
        sem = np.sqrt(per_row_var / reps)[:, None]
        dev = np.abs(cst - cst.mean(axis=1, keepdims=True)) / np.maximum(sem, 1e-300)
        out["spread"] = float(dev.max())
        out["independent"] = bool(dev.max() < 5)
    cols = (ust >= 1.0 - 1e-9) & (ust <= 5.0 + 1e-9)
    i1 = _nearest(st, 1.0)
    out["O1"] = bool((cst[i1, cols] > 0).all() and (cust[i1, cols] < 0).all())
    i25, low = _nearest(st, 2.5), ust <= 2.5 + 1e-9
    out["O2"] = bool((cst[i25, low] < 0).all() and (cust[i25, low] > 0).all())
    hi_st, hi_ust = st >= 4.5 - 1e-9, ust >= 4.5 - 1e-9
    out["S"] = bool(
        hi_st.any()
        and hi_ust.any()
        and (cst[np.ix_(hi_st, hi_ust)] < 0).all()
        and (cust[np.ix_(hi_st, hi_ust)] < 0).all()
    )
    flips = [(_first_flip(cst[:, j]), _first_flip(-cust[:, j])) for j in np.nonzero(low & cols)[0]]
    out["flip_together"] = bool(flips) and all(a >= 0 and b >= 0 and abs(a - b) <= 1 for a, b in flips)
    region = np.ix_(st >= PLOT_REGION[0], ust >= PLOT_REGION[0])
    out["max_abs_change"] = float(max(np.abs(cst[region]).max(initial=0), np.abs(cust[region]).max(initial=0)))
    out["in_range"] = out["max_abs_change"] <= 12.5
    return out


def claim_figure7(ds: xr.Dataset) -> str:
    """One line: the sign pattern of Fig 7B–D and the zero-error line (claim C7)."""
    r = figure7_regions(ds)
    yes = lambda ok: "yes" if ok else "NO"
    keys = ("O1", "O2", "S", "flip_together", "in_range") + (("independent",) if "independent" in r else ())
    ok = all(r[k] for k in keys)
    indep = f"; Δw_st independent of w_ust: {yes(r['independent'])}" if "independent" in r else ""
    return (
        f"Fig 7B-D ({ds.sizes['w_st']}x{ds.sizes['w_ust']} grid, {counted(ds.sizes['replicate'], 'replicate')}, "
        f"{ds.attrs['protocol']} protocol): zero-error line at n·w_st ≈ {r['line']:.2f}; "
        f"O1 (st LTP, ust LTD at n·w_st≈1): {yes(r['O1'])}; O2 (st LTD, ust LTP at 2.5): {yes(r['O2'])}; "
        f"S (both LTD ≥ 4.5): {yes(r['S'])}; ust flips with st: {yes(r['flip_together'])}; "
        f"|Δ| ≤ 12.5 % (max {r['max_abs_change']:.1f} %): {yes(r['in_range'])}{indep}; "
        f"claim C7 holds: {yes(ok)}"
    )


@figure_dataset
@renamed
def figure7_examples(
    n_trials: int = 4,
    seed: Seed = 2022,
    *,
    values: ArrayLike = MARKERS,
    duration: float = 60.0,
    eta: float = ETA,
    record_every: float = 0.5,
    protocol: str = "paper",
    coefficient_refresh: int | None = None,
    fast: bool = True,
    workers: int | None = None,
    progress: bool = False,
    store: str | os.PathLike[str] | None = None,
) -> xr.Dataset:
    """Weight traces for w_st(t0) = w_ust(t0) ∈ {1.6, 2.5, 4.5}/n (Fig 7E–G).

    Same setting as :func:`figure7`, with the coefficients recomputed every
    bin (as in the authors' example script; user guide, "Frozen coefficients"). One trace per
    replicate; the paper shows a single realisation.

    Parameters
    ----------
    n_trials : int
        Replicates per example.
    seed : int, SeedSequence, Generator or None
        Root seed; trial index = example·trials + replicate.
    values : sequence of float
        Initial n·w of both groups (paper: 1.6, 2.5, 4.5 — regions O1, O2, S).
    duration, eta, record_every
        Learning time (s), learning rate, seconds between records.
    protocol, coefficient_refresh, fast, workers, progress, store
        As in :func:`figure7`.

    Returns
    -------
    xarray.Dataset
        ``w_st``, ``w_ust`` (n·w̄ of each group) and ``change_st``,
        ``change_ust`` (%) with dims ``("example", "replicate", "time")``;
        ``example`` holds the initial n·w, ``time`` is in s.
    """
    import xarray as xr

    count(n_trials, "n_trials")
    seed = root(seed)
    values = positive_values(values, "values")
    refresh = _refresh(protocol, coefficient_refresh)
    w0 = np.repeat(values[:, None], N_SYNAPSES, axis=1) / N_SYNAPSES  # both groups start equal
    tolerance = fast_tolerance(fast)
    res = _run(
        w0,
        n_trials,
        seed,
        refresh=refresh,
        tolerance=tolerance,
        duration=duration,
        eta=eta,
        workers=workers,
        progress=progress,
        store=store,
        record_every=record_every,
    )
    w = res.weights.reshape(len(values), n_trials, len(res.times), N_SYNAPSES)
    start = w0[:, None, None, :]
    dst, dust = _group_change(w, np.broadcast_to(start, w.shape))
    dims = ("example", "replicate", "time")
    ds = xr.Dataset(
        {
            "w_st": (dims, N_SYNAPSES * w[..., :N_STIMULATED].mean(-1)),
            "w_ust": (dims, N_SYNAPSES * w[..., N_STIMULATED:].mean(-1)),
            "change_st": (dims, dst),
            "change_ust": (dims, dust),
        },
        coords={"example": values, "replicate": np.arange(n_trials), "time": res.times},
    )
    ds["time"].attrs["units"] = "s"
    ds.attrs.update(
        **_common_attrs("7E-G", n_trials, seed, duration, eta, protocol, refresh, tolerance, res),
        record_every=float(record_every),
    )
    return ds


#: Expected signs (Δw_st, Δw_ust) at the three markers: O1, O2, S.
EXAMPLE_SIGNS = {1.6: (1, -1), 2.5: (-1, 1), 4.5: (-1, -1)}


def claim_figure7_examples(ds: xr.Dataset) -> str:
    """One line: final signs of the mean Δw_st, Δw_ust per example vs the regions O1, O2, S."""
    parts, ok = [], True
    for v in ds["example"].values:
        end = ds.sel(example=v).isel(time=-1).mean("replicate")
        got = (int(np.sign(end["change_st"])), int(np.sign(end["change_ust"])))
        want = EXAMPLE_SIGNS.get(round(float(v), 6))
        ok &= want is None or got == want
        parts.append(f"n·w={v:g}: st {float(end['change_st']):+.2f} %, ust {float(end['change_ust']):+.2f} %")
    return (
        f"Fig 7E-G ({counted(ds.sizes['replicate'], 'replicate')}, {ds.attrs['duration']:g} s): "
        + "; ".join(parts)
        + f"; signs match O1/O2/S: {'yes' if ok else 'NO'}"
    )
