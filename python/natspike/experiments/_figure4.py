"""Figure 4: democratic plasticity — dendritic weight changes scale with the inverse attenuation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._neuron import resolve
from .._spiketrain import SpikeTrain
from .._train import train
from .._typing import Seed
from ._common import figure_dataset, flag, neuron_attrs, positive, provenance, root

if TYPE_CHECKING:
    import xarray as xr


#: Seed of numpy's legacy RandomState in the authors' script (File01_attenuation_Fig4.py).
AUTHORS_SEED = 55
PROTOCOLS = ("paper", "authors")


@figure_dataset
def figure4(
    seed: Seed = 2022,
    *,
    full: bool = False,
    inverse_attenuation: Sequence[float] = tuple(range(1, 11)),
    protocol: str = "paper",
    replay_authors_stream: bool = False,
    eta: float = 0.017,
    rate: float = 5.0,
    teacher_rate: float = 20.0,
    duration: float = 5.0,
    somatic_weight: float = 0.05,
    record_every: float | None = None,
) -> xr.Dataset:
    """Dendritic natural-gradient learning of one synapse at several distances from the soma (Fig 4).

    Protocol (paper, Fig 4 and Methods): one synapse with Poisson input at 5 Hz, a
    Poisson teacher at 20 Hz independent of the input, 5 s of learning with
    the dendritic natural-gradient rule (Eqn 17, η = 0.017, true φ'/φ).
    For every inverse attenuation α⁻¹ the synapse starts with the same
    somatic weight 0.05 (≈ 3 mV PSP), i.e. dendritic weight
    w^d_0 = 0.05/α, and all runs use the same input and teacher spikes (the
    same ``seed``). Because the somatic dynamics are then identical and
    Eqn 17 is linear in 1/α, the relative change Δw^d/w^d_0 is the same for
    every α and the absolute change grows ∝ α⁻¹ ("democratic plasticity").

    ``protocol="paper"`` (default) recomputes the coefficients γ_s, g1–g4
    every bin from the current weight (the paper's equations);
    ``protocol="authors"`` computes them once at t = 0
    (``coefficient_refresh="frozen"``) like the authors' script. That script
    additionally keeps the somatic potential at its *initial* weight for all
    5 s (user guide, "Frozen coefficients"), a shortcut not reproduced here: V always uses the
    current weight.

    Parameters
    ----------
    seed : int, SeedSequence, Generator or None
        Root seed of the input and teacher streams (shared by all α).
    full : bool
        Accepted for uniformity; this figure is always at the paper's size.
    inverse_attenuation : sequence of float
        The values α⁻¹ ≥ 1 to simulate (paper: 1, 2, …, 10). Change them
        freely; every run takes a few tens of milliseconds.
    protocol : {"paper", "authors"}
        Coefficients every bin, or frozen at t = 0 (see above).
    replay_authors_stream : bool
        Replay numpy's legacy ``RandomState(55)`` stream of the authors'
        script instead of natspike's streams (``seed`` is then not used):
        10 000 teacher spikes ``binomial(1, 20·dt)`` first, then 10 000 input
        spikes ``binomial(1, 5·dt)``, and 9 999 updates like their loop. With
        the authors' frozen V the published value is +24.8826 % (user guide, "Frozen coefficients");
        here V follows the weight, which gives a slightly smaller value.
    eta, rate, teacher_rate, duration, somatic_weight
        Learning rate, input rate (Hz), teacher rate (Hz), learning time (s)
        and initial somatic weight.
    record_every : float, optional
        Seconds between recorded weights (default: every bin, dt).

    Returns
    -------
    xarray.Dataset
        ``dendritic_weight`` and ``somatic_weight`` (inverse_attenuation,
        time); ``absolute_change`` (Δw^d after ``duration``) and
        ``relative_change`` (100·Δw^d/w^d_0, in %) per α⁻¹. Attributes: all
        parameters, seed, version, ``relative_change_mean`` (%),
        ``relative_change_spread`` (max − min of Δw^d/w^d_0 over α, as a
        fraction) and ``absolute_change_per_inverse_attenuation`` (the
        common value of Δw^d·α) with ``proportionality_error`` (its relative
        spread).

    References
    ----------
    Kreutzer, Petrovici & Senn (2022), eLife 11:e66526, Fig 4; Eqns 16, 17.
    """
    import xarray as xr

    inv = _inverse_attenuations(inverse_attenuation)
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be one of {PROTOCOLS}, got {protocol!r}")
    flag(replay_authors_stream, "replay_authors_stream")
    seed = root(seed)
    for name, value in (
        ("eta", eta),
        ("rate", rate),
        ("teacher_rate", teacher_rate),
        ("duration", duration),
        ("somatic_weight", somatic_weight),
    ):
        positive(value, name)
    neuron = resolve(None)
    dt = neuron.dt
    record_every = dt if record_every is None else positive(record_every, "record_every")
    refresh = 1 if protocol == "paper" else "frozen"
    common: dict[str, Any] = dict(eta=eta, neuron=neuron, coefficient_refresh=refresh, record_every=record_every)
    if replay_authors_stream:
        teacher, inputs, bins = _authors_streams(rate, teacher_rate, duration, dt)
        seed = AUTHORS_SEED
        common.update(teacher=SpikeTrain.from_bins(teacher, dt=dt), inputs=inputs, duration=(bins - 1) * dt)
    else:
        common.update(teacher=float(teacher_rate), duration=duration, seed=seed)
    runs = [train("natural", [somatic_weight * k], [rate], attenuation=[1.0 / k], **common) for k in inv]

    wd = np.stack([run.weights[:, 0] for run in runs])
    w0, w_end = wd[:, 0], np.array([run.final_weights[0] for run in runs])
    relative, absolute = w_end / w0 - 1, w_end - w0
    per_inv = absolute / inv
    ds = xr.Dataset(
        {
            "dendritic_weight": (("inverse_attenuation", "time"), wd),
            "somatic_weight": (("inverse_attenuation", "time"), wd / inv[:, None]),
            "absolute_change": (("inverse_attenuation",), absolute),
            "relative_change": (("inverse_attenuation",), 100 * relative),
        },
        coords={"inverse_attenuation": inv, "time": runs[0].times},
    )
    ds["time"].attrs["units"] = "s"
    ds["relative_change"].attrs["units"] = "%"
    ds["inverse_attenuation"].attrs["long_name"] = "inverse attenuation 1/alpha"
    ds.attrs.update(
        **provenance("4", seed, runs[0].version),
        stream="numpy RandomState(55)" if replay_authors_stream else "natspike",
        replay_authors_stream=int(bool(replay_authors_stream)),
        protocol=protocol,
        coefficient_refresh=str(refresh),
        rule="natural",
        parametrization="dendritic",
        lr_convention="exact",
        eta=float(eta),
        rate=float(rate),
        teacher_rate=float(teacher_rate),
        duration=float(runs[0].params["duration"]),
        somatic_weight=float(somatic_weight),
        record_every=float(record_every),
        relative_change_mean=float(100 * relative.mean()),
        relative_change_spread=float(np.ptp(relative)),
        absolute_change_per_inverse_attenuation=float(per_inv.mean()),
        proportionality_error=float(np.ptp(per_inv) / abs(per_inv.mean())),
        **neuron_attrs(neuron),
    )
    return ds


def _inverse_attenuations(values):
    try:
        inv = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        raise TypeError("inverse_attenuation must be a sequence of real numbers") from None
    if inv.size == 0:
        raise ValueError("inverse_attenuation must not be empty")
    if not np.isfinite(inv).all() or (inv < 1).any():
        raise ValueError(f"inverse_attenuation values must be finite and >= 1 (0 < alpha <= 1), got {inv.tolist()}")
    return inv


def _authors_streams(rate, teacher_rate, duration, dt):
    """Teacher then input spikes from numpy's legacy RandomState(55), as drawn in the authors' Fig 4 script."""
    bins = int(duration / dt)
    rs = np.random.RandomState(AUTHORS_SEED)
    teacher = rs.binomial(1, teacher_rate * dt, bins).astype(np.int8)
    inputs = rs.binomial(1, rate * dt, bins).astype(np.int8)[:, None]
    return teacher, inputs, bins


def claim_figure4(ds: xr.Dataset) -> str:
    """One line (C5): the relative change is the same for every α and the absolute change is ∝ α⁻¹."""
    a = ds.attrs
    ok = _democratic(ds)
    return (
        f"Fig 4 ({ds.sizes['inverse_attenuation']} distances, {a['protocol']} protocol): relative change "
        f"{a['relative_change_mean']:+.4f} % for every alpha (spread {a['relative_change_spread']:.1e}), absolute "
        f"change = {a['absolute_change_per_inverse_attenuation']:.6f} x 1/alpha (spread "
        f"{a['proportionality_error']:.1e}); democratic plasticity: {'yes' if ok else 'NO'}"
    )


def _democratic(ds):
    """Both spreads at rounding level: within bins × ε, the worst-case relative rounding of a recursion over
    the run's bins (each bin's update rounds once more); the equalities are exact in exact arithmetic."""
    a = ds.attrs
    tol = round(a["duration"] / a["neuron_dt"]) * np.finfo(float).eps
    return a["relative_change_spread"] <= tol and a["proportionality_error"] <= tol
