"""Learning runs: :func:`train` (one trial) and :func:`run_trials` (many)."""

from __future__ import annotations

import json
import numbers

import numpy as np

from . import _native
from ._inputs import checked_dense, replay_inputs
from ._neuron import DEFAULT, Neuron
from ._progress import progress_bar
from ._result import Result
from ._rules import RULES  # the rule names come from the Go core's table
from ._seeds import root_seed
from ._spiketrain import replay_bins
from ._teachers import target_weights, teacher_kind
from ._units import converts_units
from ._validate import check_trial_size, contiguous, finite, real_scalar, vector

LR_CONVENTIONS = ("exact", "authors")
#: Arguments of train that may be Quantities (see natspike._units); teacher and inputs convert their own.
PHYSICAL = ("weights", "rates", "duration", "eta", "attenuation", "record_every", "c_u", "c_w", "silent_rate")
PHYSICAL += ("trace_every", "input_pool_interval")


def _neuron(neuron) -> Neuron:
    if neuron is None:
        return DEFAULT
    if not isinstance(neuron, Neuron):
        raise TypeError(f"neuron must be a natspike.Neuron or None, got {type(neuron).__name__}")
    return neuron


def _choice(value, name, allowed):
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {allowed}, got {type(value).__name__}")
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return value


def _bins(seconds, name, dt, *, allow_none=True):
    """Seconds → whole bins (≥ 1); None → 0 (feature off)."""
    if seconds is None and allow_none:
        return 0
    s = real_scalar(seconds, name)
    if not np.isfinite(s) or s < dt * (1 - 1e-9):
        raise ValueError(f"{name} must be finite and >= dt = {dt} s, got {seconds}")
    return int(round(s / dt))


def _refresh(value):
    if isinstance(value, str):
        if value != "frozen":
            raise ValueError(f"coefficient_refresh must be a number of bins >= 1 or 'frozen', got {value!r}")
        return -1
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"coefficient_refresh must be an int >= 1 or 'frozen', got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"coefficient_refresh must be >= 1 bin or 'frozen', got {value}")
    return int(value)


def _config(
    rule,
    *,
    neuron,
    eta,
    duration,
    lr_convention="exact",
    coefficient_refresh=1,
    c_u=0.95,
    c_w=0.05,
    silent_rate=1e-4,
    record_every=None,
    trace_every=None,
    test_samples=50,
    test_bins=500,
    coefficient_tolerance=None,
    event_driven=False,
    input_pool_size=None,
    input_pool_interval=1.0,
    input_pool_stream=0,
):
    """The control-plane dict that crosses the C ABI as JSON (teacher and seed added later)."""
    neuron = _neuron(neuron)
    dt = neuron.dt
    cfg = {
        "neuron": neuron.to_dict(),
        "rule": _choice(rule, "rule", RULES),
        "eta": real_scalar(eta, "eta"),
        "duration": real_scalar(duration, "duration"),
        "lr_convention": _choice(lr_convention, "lr_convention", LR_CONVENTIONS),
        "coefficient_refresh": _refresh(coefficient_refresh),
        "c_u": real_scalar(c_u, "c_u"),
        "c_w": real_scalar(c_w, "c_w"),
        "silent_rate": real_scalar(silent_rate, "silent_rate"),
        "record_every": _bins(record_every, "record_every", dt),
        "trace_every": _bins(trace_every, "trace_every", dt),
        "test_samples": _count(test_samples, "test_samples"),
        "test_bins": _count(test_bins, "test_bins"),
    }
    for name in ("eta", "duration", "c_u", "c_w", "silent_rate"):
        if not np.isfinite(cfg[name]):
            raise ValueError(f"{name} must be finite, got {cfg[name]}")
    cfg.update(_speed_options(coefficient_tolerance, event_driven))
    cfg.update(_input_pool(input_pool_size, input_pool_interval, input_pool_stream, dt, event_driven))
    return cfg


MAX_POOL_SIZE = 10**6


def _input_pool(size, interval, stream, dt, event_driven):
    """The authors' input pool (user guide, "Input protocols"), opt-in; off (None) adds nothing to the config."""
    if size is None:
        if not (isinstance(interval, numbers.Real) and interval == 1.0) or not (
            isinstance(stream, numbers.Integral) and stream == 0
        ):
            raise ValueError("input_pool_interval and input_pool_stream need input_pool_size (the pool is off)")
        return {}
    if isinstance(size, bool) or not isinstance(size, numbers.Integral):
        raise TypeError(f"input_pool_size must be None or an int, got {type(size).__name__}")
    if not 1 <= size <= MAX_POOL_SIZE:
        raise ValueError(f"input_pool_size must be None (off) or in [1, {MAX_POOL_SIZE}], got {size}")
    iv = real_scalar(interval, "input_pool_interval")
    bins = round(iv / dt) if np.isfinite(iv) else 0
    if not (np.isfinite(iv) and iv >= dt and abs(iv / dt - bins) <= 1e-9 * bins):
        raise ValueError(
            f"input_pool_interval must be finite, >= dt = {dt} s and a whole number of bins, got {interval}"
        )
    if isinstance(stream, bool) or not isinstance(stream, numbers.Integral):
        raise TypeError(f"input_pool_stream must be an int, got {type(stream).__name__}")
    if not 0 <= stream < 2**64:
        raise ValueError(f"input_pool_stream must be in [0, 2**64), got {stream}")
    if event_driven:
        raise ValueError(
            "input_pool_size and event_driven cannot be combined: the event-driven evaluation "
            "does not support the input pool"
        )
    return {"input_pool_size": int(size), "input_pool_interval": iv, "input_pool_stream": int(stream)}


def _speed_options(coefficient_tolerance, event_driven):
    """Opt-in speed options; the defaults (exact, dense) add nothing to the config."""
    opts = {}
    if coefficient_tolerance is not None:
        tol = real_scalar(coefficient_tolerance, "coefficient_tolerance")
        if not 1e-14 <= tol < 1:
            raise ValueError(f"coefficient_tolerance must be None or in [1e-14, 1), got {coefficient_tolerance}")
        opts["coefficient_tolerance"] = tol
    if not isinstance(event_driven, bool):
        raise TypeError(f"event_driven must be a bool, got {type(event_driven).__name__}")
    if event_driven:
        opts["event_driven"] = True
    return opts


def _count(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if not 1 <= value <= 2**20:
        raise ValueError(f"{name} must be in [1, 2**20], got {value}")
    return int(value)


def _plan(cfg) -> tuple[int, int, int]:
    out = np.zeros(3, np.int64)
    _native.call(_native.functions["ns_train_plan"], json.dumps(cfg).encode(), out)
    return int(out[0]), int(out[1]), int(out[2])


def _teacher(teacher, n):
    """Classify ``teacher``: ('poisson', rate, None) | ('realizable', 0, w*) | ('replay', 0, spike train)."""
    kind, rate = teacher_kind(teacher)
    if kind != "realizable":
        return kind, rate, teacher if kind == "replay" else None
    w = finite(vector(target_weights(teacher), "teacher"), "teacher")
    if w.shape != (n,):
        raise ValueError(f"teacher target weights must have shape ({n},) like rates, got {w.shape}")
    return "realizable", 0.0, contiguous(w)


def _inputs(inputs, n, bins):
    return (None, 0) if inputs is None else (checked_dense(inputs, n, bins), inputs.shape[0])


def _rates_and_weights(weights, rates):
    r = finite(vector(rates, "rates"), "rates")
    w = finite(vector(weights, "weights"), "weights")
    if w.shape != r.shape:
        raise ValueError(f"weights and rates must have the same length, got {w.size} and {r.size}")
    return contiguous(w), contiguous(r)


def _attenuation(attenuation, n):
    if attenuation is None:
        return None
    a = finite(vector(attenuation, "attenuation"), "attenuation")
    if a.shape != (n,):
        raise ValueError(f"attenuation must have shape ({n},) like rates, got {a.shape}")
    if ((a <= 0) | (a > 1)).any():
        i = int(np.argmax((a <= 0) | (a > 1)))
        raise ValueError(f"attenuation must be in (0, 1], got {a[i]!r} at index {i}")
    return contiguous(a)


def _progress_bar(enabled, total, desc):
    if not enabled:
        return None, None
    bar = progress_bar(True, total, desc, unit="bin", unit_scale=True)
    return bar, lambda done: bar.update(done - bar.n)


@converts_units(*PHYSICAL)
def train(
    rule,
    weights,
    rates,
    *,
    teacher,
    duration,
    eta,
    seed=None,
    neuron=None,
    attenuation=None,
    record_every=None,
    lr_convention="exact",
    coefficient_refresh=1,
    c_u=0.95,
    c_w=0.05,
    silent_rate=1e-4,
    inputs=None,
    trace_every=None,
    test_samples=50,
    test_bins=500,
    progress=False,
    coefficient_tolerance=None,
    event_driven=False,
    input_pool_size=None,
    input_pool_interval=1.0,
    input_pool_stream=0,
) -> Result:
    r"""Run one learning trial of a Poisson neuron supervised by a teacher.

    n Poisson afferents (Bernoulli spikes with probability ``rates * dt`` per
    bin; user guide, "Inputs") drive a neuron with potential ``V = Σ f(w) x^ε``; in
    every bin the synapses are updated by ``rule`` from the teacher's spike
    (Eqns 10, 13, 17, 38, 114). All computation happens in one native call,
    which releases the GIL; Ctrl-C stops it within a second.

    Parameters
    ----------
    rule : {"euclidean", "natural", "approximate"}
        Euclidean gradient (Eqn 10, chain rule for dendritic weights),
        natural gradient (Eqn 13 / 17 / 38 with γ_s, γ_u, γ_w of
        Eqns 107–109), or its approximation (Eqn 114, constants ``c_u``,
        ``c_w``).
    weights : array_like, shape (n,)
        Initial weights in the learned parametrization: somatic, or
        dendritic when ``attenuation`` is given (w^s = α w^d, Eqn 16).
    rates : array_like, shape (n,), or None
        Afferent rates in Hz (≥ 0, rates·dt < 1). Rate 0 marks a silent
        afferent, which the rule treats with rate ``silent_rate``. With
        ``inputs`` the rule uses these rates (in c_ε x/r and the Fisher
        coefficients) whatever the replayed spikes' own rates; ``None``
        estimates them from the spikes: each afferent's spike count in the
        run over the run's length (bins·dt).
    teacher : float, rate Quantity, array_like (n,), or spike train
        Said explicitly, never inferred from dtype or length: a float array
        of shape (n,) is the somatic target weights w* of a realizable
        teacher on the same inputs (Figs 3, 9, 12); a number (Hz) or a rate
        Quantity is a Poisson teacher independent of the inputs (Figs 4, 5,
        7); a :class:`natspike.SpikeTrain` or ``neo.SpikeTrain`` covering the
        run is a teacher spike train to replay. Changed in this release: a
        1-D bool or integer 0/1 array is no longer read as a spike train and
        raises ``TypeError``; wrap it, ``natspike.SpikeTrain.from_bins(y,
        dt=neuron.dt)``.
    duration : float
        Learning time in s (rounded to whole bins of ``neuron.dt``).
    eta : float
        Learning rate η > 0.
    seed : int, SeedSequence, Generator or None
        Root seed of the trial's random streams (see ``natspike._seeds``);
        the result stores it, and the same seed gives identical numbers.
    neuron : Neuron, optional
        Transfer function and PSP kernel (default: the paper's).
    attenuation : array_like, shape (n,), optional
        Dendritic attenuation α ∈ (0, 1] per synapse; ``weights`` are then
        dendritic (Eqn 17).
    record_every : float, optional
        Seconds between records of weights and metrics (default: only at
        the start and the end).
    lr_convention : {"exact", "authors"}
        "exact" uses φ'/φ (Eqn 10); "authors" uses (1 − σ(V)) = (φ'/φ)/β like
        the authors' Fig 3, 9 and 12 code, so that the paper's learning rates
        (η_n = 6e-4, η_e = 4.5e-7, η_a = 4.5e-4) reproduce its curves
        (user guide, "Learning-rate conventions").
    coefficient_refresh : int or "frozen"
        Bins between recomputations of the Fisher coefficients (natural and
        approximate rules); 1 (default) is exact, "frozen" computes them once
        at t = 0 like the authors' Fig 4, 5 and 7 scripts.
    c_u, c_w : float
        Constants of the approximate rule (Eqn 114; 0.95, 0.05).
    silent_rate : float
        Rate (Hz) standing in for r = 0 inside the rule (user guide, "Inputs"; 1e-4).
    inputs : list, tuple or ndarray, optional
        Input spikes to replay instead of drawing Poisson spikes, in any of
        the field's forms (the same spikes give the same numbers bit for
        bit): a list of n spike trains (arrays of times in s, Quantity
        arrays, :class:`natspike.SpikeTrain` or ``neo.SpikeTrain``); a tuple
        ``(indices, times)`` of every spike, sorted by time, with 0-based
        afferent indices (Brian2's ``SpikeMonitor`` ``i, t``; NEST's spike
        recorder ``senders, times`` less the first node id, times in ms as a
        Quantity or divided by 1000); or an ndarray (bins, n) of 0/1. A spike
        at time t falls in bin ⌊t/dt⌋ and a bin holds at most one spike of
        an afferent (two are an error); times must be ≥ 0 and, unless the
        train has a ``t_stop`` covering the run, < ``duration``. See
        ``natspike._inputs``.
    trace_every : float, optional
        Seconds between samples of V and φ(V) (off by default).
    test_samples, test_bins : int
        Size of the test set for D_KL and the rate error: 50 USP vectors,
        each the last of 500 bins of a fresh input train (user guide, "Objective and test set").
    progress : bool
        Show a tqdm progress bar.
    coefficient_tolerance : float, optional
        Opt-in speed-up of the natural and approximate rules: evaluate the
        Fisher coefficients by Chebyshev interpolation on patches around the
        current (μ_V, σ_V²), each checked against quadrature, with this
        relative error bound (e.g. 1e-9) instead of by quadrature at every
        refresh (default None: exact quadrature).
    event_driven : bool
        Opt-in: run the rule in its event-driven form, O(1) work per bin plus
        O(1) per input spike instead of O(n) per bin. Mathematically the same
        update; equal to the default dense evaluation up to rounding (tests
        bound the difference by 1e-9 relative). Needs ``tau_m != tau_s``.
    input_pool_size : int, optional
        Opt-in: the authors' input protocol of the Fig 3 family (user guide, "Input protocols")
        instead of continuous Poisson input (default None: off). For every
        distinct rate, ``input_pool_size`` trains of ``input_pool_interval``
        s (8000 in the paper, at most 10⁶) are drawn once from ``seed`` and
        shared by all trials of a run. At the start of every interval the
        USP traces are reset to zero, so each interval begins with a 20–30 ms
        ramp-up of the USPs, and every afferent replays a train of its rate
        group drawn with replacement from the trial's input stream. As in
        the authors' code, the first bin of every train carries no spike
        (mean rate ``r·(1 − dt/input_pool_interval)``). Not combinable with
        ``event_driven`` or ``inputs``.
    input_pool_interval : float
        Length of one pool train in s (default 1.0); a whole number of bins
        ≥ ``dt``.
    input_pool_stream : int
        Selects another pool for the same ``seed`` (default 0).

    Returns
    -------
    Result
        ``times, weights, kl, rate_error, weight_distance, final_weights``
        as NumPy arrays, with ``params``, ``seed`` and ``version``.

    Every physical argument (rates, times, the teacher's rate) may be a
    Quantity of ``quantities``, ``pint`` or Brian2; it is converted to s/Hz,
    and one of the wrong dimension is refused (see ``natspike._units``).

    Raises
    ------
    TypeError, ValueError
        For bad arguments; the message names the parameter and its range.
    RuntimeError
        If learning diverges (the message gives the time and the quantity)
        or on an internal fault.
    KeyboardInterrupt
        On Ctrl-C; the native run stops within a second.

    References
    ----------
    Kreutzer, Petrovici & Senn (2022), eLife 11:e66526, Eqns 10, 13, 17, 24,
    28, 38, 107–109, 114.

    Examples
    --------
    >>> import numpy as np, natspike
    >>> rng = np.random.default_rng(0)
    >>> rates = np.r_[np.full(50, 10.0), np.full(50, 50.0)]
    >>> w0, wstar = rng.uniform(-0.01, 0.01, (2, 100))
    >>> res = natspike.train("natural", w0, rates, teacher=wstar, duration=10.0,
    ...                      eta=6e-4, lr_convention="authors", record_every=5.0, seed=1)
    >>> res.weights.shape, res.kl.shape
    ((3, 100), (3,))
    """
    neuron = _neuron(neuron)
    inputs, rates = replay_inputs(inputs, rates, weights, neuron.dt, duration)
    w, r = _rates_and_weights(weights, rates)
    kind, rate, tarr = _teacher(teacher, r.size)
    att = _attenuation(attenuation, r.size)
    cfg = _config(
        rule,
        neuron=neuron,
        eta=eta,
        duration=duration,
        lr_convention=lr_convention,
        coefficient_refresh=coefficient_refresh,
        c_u=c_u,
        c_w=c_w,
        silent_rate=silent_rate,
        record_every=record_every,
        trace_every=trace_every,
        test_samples=test_samples,
        test_bins=test_bins,
        coefficient_tolerance=coefficient_tolerance,
        event_driven=event_driven,
        input_pool_size=input_pool_size,
        input_pool_interval=input_pool_interval,
        input_pool_stream=input_pool_stream,
    )
    cfg.update(teacher=kind, teacher_rate=rate, seed=root_seed(seed))
    bins, records, traces = _plan(cfg)
    check_trial_size(records, traces, r.size, cfg["test_samples"], cfg["test_bins"])
    inp, input_bins = _inputs(inputs, r.size, bins)
    tarr = replay_bins(tarr, neuron.dt, bins, "teacher") if kind == "replay" else tarr
    out = _outputs(kind, records, r.size, traces)
    bar, on_progress = _progress_bar(progress, bins, rule)
    try:
        _native.call_cancellable(
            _native.functions["ns_train"],
            json.dumps(cfg).encode(),
            r.size,
            r,
            w,
            tarr if kind == "realizable" else None,
            tarr if kind == "replay" else None,
            inp,
            att,
            tarr.size if kind == "replay" else 0,
            input_bins,
            out["times"],
            out["weights"],
            out["kl"],
            out["rate_error"],
            out["weight_distance"],
            out["final_weights"],
            out["voltage"],
            out["rate"],
            on_progress=on_progress,
        )
    finally:
        if bar is not None:
            bar.close()
    params = _params(cfg, r, att)
    return Result(
        **out,
        initial_weights=w.copy(),
        target_weights=tarr.copy() if kind == "realizable" else None,
        params=params,
        seed=cfg["seed"],
        version=_native.version(),
    )


def _outputs(kind, records, n, traces, trials=None):
    lead = () if trials is None else (trials,)
    z = lambda *shape: np.zeros(lead + shape)
    return {
        "times": np.zeros(records),
        "weights": z(records, n),
        "kl": z(records) if kind != "replay" else None,
        "rate_error": z(records) if kind != "replay" else None,
        "weight_distance": z(records) if kind == "realizable" else None,
        "final_weights": z(n),
        "voltage": z(traces) if traces and trials is None else None,
        "rate": z(traces) if traces and trials is None else None,
    }


def _params(cfg, rates, attenuation):
    p = {k: v for k, v in cfg.items() if k != "seed"}
    p["rates"] = rates.tolist()
    p["attenuation"] = None if attenuation is None else attenuation.tolist()
    return p
