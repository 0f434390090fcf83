"""Figure 3F: learning curves of the natural, Euclidean and approximate rules."""

from __future__ import annotations

import numpy as np

from .._train import RULES
from .._trials import run_trials

#: D_KL level used to compare convergence speed (Fig 9D, spec §8).
CROSSING_THRESHOLD = 5e-5

#: Table 1 learning rates for 10/50 Hz, in the authors' (1 − σ) convention.
PAPER_ETA = {"natural": 6e-4, "euclidean": 4.5e-7, "approximate": 4.5e-4}


def figure3f(trials=8, minutes=40.0, seed=2022, *, full=False, n=100, rates=(10.0, 50.0), eta=None,
             rules=("natural", "euclidean", "approximate"), record_every=100.0, workers=None, client=None,
             progress=False):
    """Learning curves of Fig 3F (and the data of Fig 9A–C).

    Protocol (spec §8, Fig 3F): n = 100 afferents, the first half at 10 Hz,
    the second at 50 Hz; per trial initial and target weights drawn i.i.d.
    from U(−1/n, 1/n), shared by all rules of that trial; realizable teacher;
    D_KL (Bernoulli, per bin, includes dt), RMS rate error and weight
    distance on a 50-sample test set every 100 s. Learning rates are the
    paper's (Table 1) in the authors' (1 − σ) convention
    (``lr_convention="authors"``, spec §3, §10.4). Differences from the
    authors' scripts, following the paper's equations: inputs are one
    continuous Poisson stream (not a pool of 1-s traces restarted from
    zero), coefficients are exact every bin (no lookup table), and the
    approximate rule uses the current V (spec §10.1, §10.2, §10.6).

    Parameters
    ----------
    trials : int
        Trials per rule (paper: 1000).
    minutes : float
        Simulated learning time per trial in minutes (paper: 133.3).
    seed : int
        Root seed; trial i of every rule uses streams (seed, i), so all rules
        see the same initial and target weights.
    full : bool
        Use the paper's size (1000 trials, 8000 s); overrides ``trials`` and
        ``minutes``.
    n, rates, eta, rules, record_every
        Network size, the two group rates (Hz), learning rates per rule
        (default :data:`PAPER_ETA`), rules to run, seconds between records.
    workers, client, progress
        Passed to :func:`natspike.run_trials`.

    Returns
    -------
    xarray.Dataset
        ``kl``, ``rate_error``, ``weight_distance`` with dims
        ``("rule", "time")`` (means over trials), the per-trial values as
        ``kl_trials`` etc. with dims ``("rule", "trial", "time")``, and
        ``crossing_time`` (minutes at which the mean D_KL first falls below
        5·10⁻⁵, NaN if never). ``time`` is in minutes.
    """
    import xarray as xr

    if full:
        trials, minutes = 1000, 8000 / 60
    eta = {**PAPER_ETA, **(eta or {})}
    unknown = set(rules) - set(RULES)
    if unknown:
        raise ValueError(f"rules must be among {RULES}, got {sorted(unknown)}")
    r = np.repeat(np.asarray(rates, float), [n // 2, n - n // 2])
    draw = lambda rng: rng.uniform(-1 / n, 1 / n, size=(2, n))  # noqa: E731
    runs = {}
    for rule in rules:
        runs[rule] = run_trials(rule, lambda rng: draw(rng)[0], r, teacher=lambda rng: draw(rng)[1],
                                n_trials=trials, seed=seed, duration=minutes * 60, eta=eta[rule],
                                lr_convention="authors", record_every=record_every, workers=workers,
                                client=client, progress=progress)
    first = runs[rules[0]]
    data = {}
    for name in ("kl", "rate_error", "weight_distance"):
        stack = np.stack([getattr(runs[rule], name) for rule in rules])
        data[f"{name}_trials"] = (("rule", "trial", "time"), stack)
        data[name] = (("rule", "time"), stack.mean(axis=1))
    ds = xr.Dataset(data, coords={"rule": list(rules), "trial": np.arange(trials), "time": first.times / 60})
    ds["crossing_time"] = ("rule", crossing_times(ds["kl"].values, ds["time"].values))
    ds["time"].attrs["units"] = "min"
    ds["kl"].attrs["long_name"] = "D_KL per bin (mean over trials)"
    ds["rate_error"].attrs["units"] = "Hz"
    ds.attrs.update(figure="3F", trials=trials, minutes=float(minutes), seed=int(seed), n=n,
                    rates=list(map(float, rates)), eta=str({k: eta[k] for k in rules}), lr_convention="authors",
                    record_every=float(record_every), threshold=CROSSING_THRESHOLD, version=first.version)
    return ds


def crossing_times(kl, time, threshold=CROSSING_THRESHOLD):
    """First time at which each row of ``kl`` drops below ``threshold`` (NaN if never)."""
    kl = np.atleast_2d(kl)
    below = kl < threshold
    idx = below.argmax(axis=-1)
    return np.where(below.any(axis=-1), np.asarray(time)[idx], np.nan)


def claim_figure3f(ds):
    """One line: when each rule's mean D_KL first drops below 5·10⁻⁵, and whether natural is first (C8)."""
    ct = dict(zip(map(str, ds["rule"].values), ds["crossing_time"].values))
    parts = ", ".join(f"{r} {t:.1f} min" if np.isfinite(t) else f"{r} not within {ds.attrs['minutes']:.0f} min"
                      for r, t in ct.items())
    ok = np.isfinite(ct.get("natural", np.nan)) and not ct.get("euclidean", np.inf) <= ct["natural"]
    return (f"Fig 3F ({ds.attrs['trials']} trials): mean D_KL < 5e-5 at {parts}; "
            f"natural converges before Euclidean: {'yes' if ok else 'NO'}")
