"""Figure 3B–C: output spike trains of student and teacher before and after learning."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .._checks import MAX_BINS
from .._fisher import usp_traces
from .._neuron import resolve
from .._seeds import trial_generator
from .._train import train
from .._typing import Seed
from .._validate import check_memory
from ._common import bins, count, counted, figure_dataset, neuron_attrs, positive, provenance, renamed, root, stream

if TYPE_CHECKING:
    import xarray as xr

    from .._neuron import Neuron

#: spawn_key prefix of the NumPy streams used here (input realisation, output sampling); it keeps them apart
#: from the per-trial generators of :func:`natspike.run_trials`, whose keys are (trial,).
_STREAM = 3_002

#: Learning rate of the natural rule for 10/50 Hz (Table 1), authors' (1 − σ) convention.
ETA_NATURAL = 6e-4

WEIGHT_SETS = ("initial", "learned", "target")


@figure_dataset
@renamed
def figure3bc(
    duration_minutes: float = 30.0,
    repetitions: int = 3000,
    seed: Seed = 2022,
    *,
    full: bool = False,
    n: int = 100,
    rates: Sequence[float] = (10.0, 50.0),
    eta: float = ETA_NATURAL,
    window: float = 0.25,
    warmup: float = 0.25,
    psth_bin: float = 0.0125,
    neuron: Neuron | None = None,
    lr_convention: str = "authors",
    progress: bool = False,
) -> xr.Dataset:
    """PSTH, raster and membrane potential of Fig 3B–C, before and after learning.

    Protocol (paper, Fig 3B–C and Methods): initial and target weights are drawn like
    one Fig 3F trial (n = 100, first half of the afferents at 10 Hz, second
    half at 50 Hz, w0 and w* i.i.d. U(−1/n, 1/n)); the "learned" weights are
    the end point of a natural-gradient run (Eqn 13, realizable teacher,
    exact coefficients every bin, η_n = 6·10⁻⁴ in the authors' (1 − σ)
    learning-rate convention; user guide, "Learning-rate conventions") of ``duration_minutes`` of simulated time.
    Then one fixed input realisation of ``warmup + window`` seconds is drawn;
    its USPs (Eqn 28, two-trace recursion of the user guide, "PSP kernel", starting from zero)
    give V = w·x^ε for the initial, learned and target weights in the last
    ``window`` seconds. The output of each neuron is sampled
    ``repetitions`` times as Bernoulli spikes with probability φ(V) dt per
    bin (Eqns 6–8) and histogrammed in ``psth_bin`` bins (12.5 ms).

    Differences from the authors' scripts (File05, File08): their learned
    weights come from the 8000-s run of trial 10 of the Fig 3F simulation,
    with a lookup table, inputs from a pool of 1-s traces and η_n = 6·10⁻⁴;
    here the run is one continuous Poisson stream with exact coefficients
    (the natspike Fig 3F protocol) and lasts ``duration_minutes`` (default 30 min,
    ``full=True``: 8000 s). Weights and learning streams are those of trial 0
    of :func:`natspike.experiments.figure3f` with the same ``seed``. The
    input realisation and output sampling use NumPy streams derived from
    ``seed`` (the authors used ``np.random.seed(100)`` for the inputs).

    Parameters
    ----------
    duration_minutes : float
        Learning time of the natural-gradient run, in minutes (> 0).
    repetitions : int
        Number of output samplings per neuron (paper: 3000).
    seed : int, SeedSequence, Generator or None
        Root seed of weights, learning run, input realisation and output
        sampling (as in :func:`natspike.train`).
    full : bool
        Paper size: 8000 s of learning, 3000 repetitions.
    n : int
        Number of afferents (even, ≥ 2).
    rates : pair of float
        Rates (Hz) of the first and second half of the afferents.
    eta : float
        Learning rate of the natural rule (authors' convention).
    window, warmup : float
        Length (s) of the analysed window and of the discarded warm-up before
        it (paper: 0.25 s each, i.e. 500 + 500 bins).
    psth_bin : float
        PSTH bin width in s (paper: 12.5 ms).
    neuron : Neuron, optional
        The neuron (the paper's by default); its own transfer function gives
        φ(V) everywhere, so any transfer function can be used.
    lr_convention : {"authors", "exact"}
        Learning-rate convention of ``eta`` (see :func:`natspike.train`);
        "authors" is defined for the sigmoid only, so other transfer
        functions need "exact" and an ``eta`` of their own.
    progress : bool
        Show a progress bar for the learning run.

    Returns
    -------
    xarray.Dataset
        ``voltage`` (weights, time) in mV above rest (plot V − 70 mV for the
        absolute potential), ``rate`` (weights, time) φ(V) in Hz,
        ``spikes`` (weights, repetition, time) 0/1, ``psth`` (weights,
        psth_time) in spikes per repetition and bin, ``psth_rate`` in Hz,
        ``w`` (weights, synapse), and the learning run's ``kl`` (learning_time, s).
        Coordinate ``weights`` is ("initial", "learned", "target"); time in s
        from the start of the window. Attributes hold all parameters, the
        seed, the version and the summary numbers ``psth_corr_before``,
        ``psth_corr_after`` (Pearson correlation of the student's with the
        teacher's PSTH), ``rate_corr_before/after`` (same for φ(V)),
        ``psth_rms_before/after`` (RMS PSTH difference, Hz).

    References
    ----------
    Kreutzer, Petrovici & Senn (2022), eLife 11:e66526, Fig 3B–C; Eqns 13, 24, 28.
    """
    import xarray as xr

    if full:
        duration_minutes, repetitions = 8000 / 60, 3000
    positive(duration_minutes, "duration_minutes")
    count(repetitions, "repetitions", maximum=MAX_BINS)
    count(n, "n", minimum=2)
    neuron = resolve(neuron)
    dt = neuron.dt
    window_bins, warmup_bins, per_psth = (
        bins(window, "window", dt),
        bins(warmup, "warmup", dt, zero=True),
        bins(psth_bin, "psth_bin", dt),
    )
    check_memory(2 * 3 * repetitions * window_bins, "repetitions", f"the 3 × {repetitions} × {window_bins} spike bins")
    traced = warmup_bins + window_bins  # the input draw (float64) and its USP traces, after the learning run
    check_memory(2 * 8 * traced * n, "warmup", f"the {traced} × {n} input draws and USP traces of warmup + window")
    seed = root(seed)
    r = np.repeat(np.asarray(rates, float), [n // 2, n - n // 2])
    w0, wstar = (trial_generator(seed, 0, purpose).uniform(-1 / n, 1 / n, n) for purpose in ("weights", "teacher"))
    run = train(
        "natural",
        w0,
        r,
        teacher=wstar,
        duration=float(duration_minutes) * 60,
        eta=eta,
        seed=seed,
        neuron=neuron,
        lr_convention=lr_convention,
        record_every=duration_minutes * 60 / 10,
        progress=progress,
    )
    weights = np.stack([w0, run.final_weights, wstar])

    stream_in, stream_out = (stream(seed, _STREAM, k) for k in (0, 1))
    spikes_in = stream_in.random((warmup_bins + window_bins, n)) < r * dt
    x = usp_traces(spikes_in, neuron=neuron)[warmup_bins:]
    voltage = x @ weights.T  # (time, weights)
    rate = np.asarray(neuron.phi(voltage))
    out = stream_out.random((3, repetitions, window_bins)) < (rate.T * dt)[:, None, :]
    usable = window_bins // per_psth * per_psth
    psth = out[:, :, :usable].reshape(3, repetitions, -1, per_psth).sum(axis=(1, 3)) / repetitions

    time = np.arange(window_bins) * dt
    ds = xr.Dataset(
        {
            "voltage": (("weights", "time"), voltage.T),
            "rate": (("weights", "time"), rate.T),
            "spikes": (("weights", "repetition", "time"), out.astype(np.int8)),
            "psth": (("weights", "psth_time"), psth),
            "psth_rate": (("weights", "psth_time"), psth / (per_psth * dt)),
            "w": (("weights", "synapse"), weights),
            "kl": (("learning_time",), run.kl),
        },
        coords={
            "weights": list(WEIGHT_SETS),
            "time": time,
            "repetition": np.arange(repetitions),
            "psth_time": (np.arange(usable // per_psth) + 0.5) * per_psth * dt,
            "synapse": np.arange(n),
            "learning_time": run.times,
        },
    )
    ds["voltage"].attrs.update(units="mV", long_name="V above rest (V_rest = -70 mV)")
    ds["rate"].attrs["units"] = "Hz"
    ds["psth"].attrs["long_name"] = "spikes per repetition and PSTH bin"
    ds["psth_rate"].attrs["units"] = "Hz"
    ds["time"].attrs["units"] = ds["psth_time"].attrs["units"] = "s"
    ds["learning_time"].attrs["units"] = "s"
    ds.attrs.update(
        **provenance("3B-C", seed, run.version),
        duration_minutes=float(duration_minutes),
        repetitions=int(repetitions),
        n=int(n),
        rates=[float(v) for v in rates],
        eta=float(eta),
        rule="natural",
        lr_convention=lr_convention,
        coefficient_refresh=1,
        window=window_bins * dt,
        warmup=warmup_bins * dt,
        psth_bin=per_psth * dt,
        v_rest=-70.0,
        **neuron_attrs(neuron),
        **_summary(psth, rate.T, per_psth * dt),
    )
    return ds


def _summary(psth, rate, width):
    """Student-vs-teacher agreement of the PSTHs and of the exact rates, before and after learning."""
    corr = lambda a, b: float(np.corrcoef(a, b)[0, 1]) if a.std() > 0 and b.std() > 0 else 0.0
    rms = lambda a, b: float(np.sqrt(np.mean((a - b) ** 2)) / width)
    out = {}
    for when, i in (("before", 0), ("after", 1)):
        out[f"psth_corr_{when}"] = corr(psth[i], psth[2])
        out[f"rate_corr_{when}"] = corr(rate[i], rate[2])
        out[f"psth_rms_{when}"] = rms(psth[i], psth[2])
    return out


def claim_figure3bc(ds: xr.Dataset) -> str:
    """One line: the student's PSTH matches the teacher's much better after learning than before."""
    a = ds.attrs
    ok = _psth_claim_holds(ds)
    return (
        f"Fig 3B-C ({counted(a['repetitions'], 'repetition')}, {a['duration_minutes']:.0f} min of learning): "
        "PSTH correlation with "
        f"the teacher {a['psth_corr_before']:.2f} before -> {a['psth_corr_after']:.2f} after, RMS PSTH "
        f"difference {a['psth_rms_before']:.1f} -> {a['psth_rms_after']:.1f} Hz; student aligns with the teacher "
        f"after learning: {'yes' if ok else 'NO'}"
    )


def _psth_claim_holds(ds):
    a = ds.attrs
    return (
        a["psth_corr_after"] > 0.8
        and a["psth_corr_after"] > a["psth_corr_before"] + 0.2
        and a["psth_rms_after"] < 0.5 * a["psth_rms_before"]
    )
