"""Learning runs: :func:`train` (one trial); shared by :func:`natspike.run_trials`.

The parameters, their defaults and ranges, and the outputs of a run are
Go's description (:mod:`natspike._describe`): this module checks types,
converts arrays, asks Go for the plan of the run and binds the arrays to
the C ABI by name.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import _describe, _native
from ._checks import input_variance
from ._inputs import as_pair, replay_inputs
from ._layer import check_afferents, is_layer, layer_config, layer_matrix, layer_teacher, layer_variance
from ._layer import teacher_param as layer_teacher_param
from ._layer import teacher_spikes as layer_teacher_spikes
from ._neuron import Neuron, resolve
from ._result import Result
from ._resume import pending_state
from ._schedule import schedule_buffers, warn_unreached
from ._seeds import root_seed
from ._spiketrain import SpikeTrain, as_spike_train, replay_bins
from ._teachers import target_weights, teacher_kind
from ._typing import ArrayLike, Seed
from ._units import converts_units
from ._validate import check_trial_size, contiguous, finite, vector

#: Arguments of train that may be Quantities (see natspike._units); teacher and inputs convert their own.
PHYSICAL: tuple[str, ...] = (
    "weights",
    "rates",
    "duration",
    "eta",
    "attenuation",
    "record_every",
    "c_u",
    "c_w",
    "silent_rate",
)
PHYSICAL += ("trace_every", "input_pool_interval")


def config(options: dict, neuron, teacher_kind: str, teacher_rate: float, seed: int) -> dict:
    """The control-plane dict that crosses to Go as JSON: every described
    parameter (from ``options``, else its default) after the type checks."""
    unknown = set(options) - set(_describe.params())
    if unknown:  # run_trials and sweep pass their keyword arguments through
        raise TypeError(f"unexpected keyword argument(s) {', '.join(sorted(unknown))}")
    cfg = {}
    for name, p in _describe.params().items():
        if name not in options and p["required"]:
            raise TypeError(f"missing required argument {name!r}")
        cfg[name] = _describe.check(name, options.get(name, p["default"]))
    cfg.update(neuron=neuron.to_dict(), teacher=teacher_kind, teacher_rate=teacher_rate, seed=seed)
    return cfg


def _teacher(teacher, n):
    """Classify ``teacher``: ('poisson', rate, None) | ('realizable', 0, w*) | ('replay', 0, spike train)."""
    kind, rate = teacher_kind(teacher)
    if kind != "realizable":
        return kind, rate, teacher if kind == "replay" else None
    w = finite(vector(target_weights(teacher), "teacher"), "teacher")
    if w.shape != (n,):
        raise ValueError(f"teacher target weights must have shape ({n},) like rates, got {w.shape}")
    return "realizable", 0.0, contiguous(w)


def _rates_and_weights(weights, rates):
    r = finite(vector(rates, "rates"), "rates")
    w = finite(vector(weights, "weights"), "weights")
    if w.shape != r.shape:
        raise ValueError(f"weights and rates must have the same length, got {w.size} and {r.size}")
    return contiguous(w), contiguous(r)


def attenuation_vector(attenuation, n):
    """``attenuation`` as a C-contiguous finite (n,) array, or None; Go checks its range (0, 1]
    (``neuron.NewDendritic``)."""
    if attenuation is None:
        return None
    a = finite(vector(attenuation, "attenuation"), "attenuation")
    if a.shape != (n,):
        raise ValueError(f"attenuation must have shape ({n},) like rates, got {a.shape}")
    return contiguous(a)


def echoed(plan: dict, inputs: dict) -> dict:
    """Copies of the inputs that the plan lists as outputs (initial and target weights)."""
    return {name: np.array(inputs[o["input"]]) for name, o in plan["outputs"].items() if o["origin"] == "input"}


@converts_units(*PHYSICAL)
def train(
    rule: str,
    weights: ArrayLike,
    rates: ArrayLike | None,
    *,
    teacher: float | ArrayLike | SpikeTrain,
    duration: float,
    eta: float,
    seed: Seed = None,
    neuron: Neuron | None = None,
    attenuation: ArrayLike | None = None,
    record_every: float | None = None,
    lr_convention: str = "exact",
    coefficient_refresh: int | str = 1,
    c_u: float = 0.95,
    c_w: float = 0.05,
    silent_rate: float = 1e-4,
    inputs: ArrayLike | Sequence[Any] | None = None,
    trace_every: float | None = None,
    test_samples: int = 50,
    test_bins: int = 500,
    progress: bool = False,
    coefficient_tolerance: float | None = None,
    event_driven: bool | None = None,
    exact: bool = False,
    input_pool_size: int | None = None,
    input_pool_interval: float = 1.0,
    input_pool_stream: int = 0,
    record_spikes: bool = False,
    keep_state: bool = False,
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
    weights : array_like, shape (n,) or (m, n)
        Initial weights in the learned parametrization: somatic, or
        dendritic when ``attenuation`` is given (w^s = α w^d, Eqn 16).
        Shape (m, n) trains a layer of m output neurons on the same input
        spikes, one row per neuron, each with its own teacher, rule state
        and Fisher coefficients (see ``natspike._layer``); every per-neuron
        output then has a leading ``neuron`` axis, and neuron 0 is bit for
        bit the neuron trained alone with the same seed.
    rates : array_like, shape (n,), RateSchedule, or None
        Afferent rates in Hz (≥ 0, rates·dt < 1). Rate 0 marks a silent
        afferent, which the rule treats with rate ``silent_rate``. A
        :class:`natspike.RateSchedule` makes them piecewise constant: the
        Poisson inputs, the rule's rate terms and the test set follow the
        segment in force. With ``inputs`` the rule uses these rates (in
        c_ε x/r, q and the Fisher coefficients), or the schedule's current
        segment, whatever the replayed spikes' own rates; ``None`` estimates
        them from the spikes: each afferent's spike count in the run over
        the run's length (bins·dt).
    teacher : float, rate Quantity, array_like (n,), or spike train
        Said explicitly, never inferred from dtype or length: a float array
        of shape (n,) is the somatic target weights w* of a realizable
        teacher on the same inputs (Figs 3, 9, 12); a number (Hz) or a rate
        Quantity is a Poisson teacher independent of the inputs (Figs 4, 5,
        7); a :class:`natspike.SpikeTrain` or ``neo.SpikeTrain`` covering the
        run is a teacher spike train to replay. Changed in this release: a
        1-D bool or integer 0/1 array is no longer read as a spike train and
        raises ``TypeError``; wrap it, ``natspike.SpikeTrain.from_bins(y,
        dt=neuron.dt)``. For a layer (``weights`` (m, n)): target weights
        of shape (m, n), a number (one Poisson rate for every neuron, each
        with spikes of its own), m rates of shape (m,), or a list of m spike
        trains.
    duration : float
        Learning time in s, a whole number of bins of ``neuron.dt`` (another
        value raises ValueError rather than being rounded).
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
        Seconds between records of weights and metrics, a whole number of
        bins (default: only at the start and the end). Records are taken at
        0, record_every, 2·record_every, … up to ``duration``, so the end is
        a record only when record_every divides ``duration``
        (``final_weights`` are always the end's); a value beyond
        ``duration`` records only the start and the end.
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
        ``(indices, times)`` of every spike, in any order, with 0-based
        afferent indices (Brian2's ``SpikeMonitor`` ``i, t``; NEST's spike
        recorder ``senders, times`` less the first node id, times in ms as a
        Quantity or divided by 1000); or an ndarray (bins, n) of 0/1. A spike
        at time t falls in bin ⌊t/dt⌋ (float32 times first raised by half
        their type's spacing, so edges stay edges; refused where that
        spacing exceeds dt, from 8192 s on at dt = 0.5 ms) and a bin holds at most one spike of
        an afferent (two are an error); times must be ≥ 0 and, unless the
        train has a ``t_stop`` covering the run, < ``duration``. A
        ``neo.SpikeTrain`` must start at ``t_start`` = 0 (shift it with
        ``.time_shift(-train.t_start)``; :func:`natspike.resume` also takes
        one that starts where the run it continues ended), hold sorted times
        (neo also allows unsorted ones) and cover the run (``t_stop`` ≥
        ``duration``; its later spikes are not used, nor one at ``t_stop``
        itself, which neo's ``time_slice`` keeps at both ends of a cut); a
        Neo segment's ``spiketrains`` may be passed as the list, and other
        Neo objects (``AnalogSignal``, ``Event``) are refused. The spikes
        are replayed sparsely (memory O(spikes + n), not O(bins × n)); the
        rule's rates are ``rates`` as given (see there). See
        ``natspike._inputs``.
    trace_every : float, optional
        Seconds between samples of V and φ(V), a whole number of bins (off
        by default).
    test_samples, test_bins : int
        Size of the test set for D_KL and the rate error: 50 USP vectors,
        each the last of 500 bins of a fresh input train (user guide, "Objective and test set").
    progress : bool
        Show a tqdm progress bar.
    coefficient_tolerance : float, optional
        Relative error bound of the Fisher coefficients of the natural and
        approximate rules, evaluated by Chebyshev interpolation on patches
        around the current (μ_V, σ_V²), each checked against quadrature; 0
        is quadrature at every refresh. Default None: 1e-9
        (``natspike._describe.default_coefficient_tolerance()``), or
        quadrature with ``exact=True``.
    event_driven : bool, optional
        Run the rule in its event-driven form, O(1) work per bin plus O(1)
        per input spike instead of O(n) per bin: mathematically the same
        update, equal to the dense evaluation up to rounding. Default None:
        wherever it applies (``tau_m != tau_s`` and no input pool) unless
        ``exact=True``; True where it does not apply raises ValueError;
        False selects the dense loop.
    exact : bool
        Evaluate by the reference: the dense per-bin loop with the Fisher
        coefficients by quadrature at every refresh. The default (False) is
        the fast evaluation above; both draw the same random numbers, and
        their weight trajectories agree to within 1e-8 of the weight change
        (typically 1e-11). With ``exact=True``, ``event_driven`` may only be
        None or False and ``coefficient_tolerance`` None or 0; anything else
        raises ValueError naming both.
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
    record_spikes : bool
        Record the student's output spikes (the neuron is a Poisson neuron:
        a spike in bin k with probability φ(V_k)·dt, drawn from a random
        stream of its own, so recording changes no other number) and the
        teacher's spikes that drove the rule, as ``result.spikes`` and
        ``result.teacher_spikes`` (times in s; see ``natspike._recorded``).
        A bin where φ(V)·dt exceeds 1 (possible with the unbounded
        rectified quadratic transfer) has no Bernoulli draw: recording then
        stops the run with :class:`natspike.DivergenceError` at that bin.
        A layer records every neuron's own spikes (a list of m arrays).
    keep_state : bool
        Keep the trial's end state in the result (``result.state``; one per
        neuron of a layer) so that :func:`natspike.resume` can continue it
        bit for bit. Not with ``input_pool_size``.

    Returns
    -------
    Result
        ``times, weights, kl, rate_error, weight_distance, final_weights``
        (and ``voltage``, ``rate`` with ``trace_every``) as NumPy arrays
        (with a leading ``neuron`` axis for a layer, all but ``times``),
        with ``initial_weights``, ``target_weights``, ``params`` (the call in
        the API's units: ``natspike.train(**result.params)`` reproduces the
        result bit for bit), ``seed`` and ``version``.

    Every physical argument (rates, times, the teacher's rate) may be a
    Quantity of ``quantities``, ``pint`` or Brian2; it is converted to s/Hz,
    and one of the wrong dimension is refused (see ``natspike._units``).

    Raises
    ------
    TypeError, ValueError
        For bad arguments; the message names the parameter and its range.
    natspike.DivergenceError
        If learning diverges (a ValueError; the message gives the time and
        the quantity).
    MemoryError
        If the records would not fit in memory (before anything runs).
    RuntimeError
        On an internal fault.
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
    args = dict(locals())
    progress = args.pop("progress")
    neuron = resolve(neuron)
    layer = layer_matrix(weights) if is_layer(weights) else None
    inputs, rates = replay_inputs(inputs, rates, weights if layer is None else layer[0], neuron.dt, duration)
    warn_unreached(rates, duration)
    first, schedule = schedule_buffers(rates, neuron.dt)
    w, r, kind, rate, tarr = _student_and_teacher(weights, layer, first, teacher)
    m = 0 if layer is None else w.shape[0]
    att = attenuation_vector(attenuation, r.size)
    root = root_seed(seed)
    cfg = config({k: v for k, v in args.items() if k in _describe.params()}, neuron, kind, rate, root)
    if m:
        cfg.update(layer_config(m, kind, tarr))
    (layer_variance if m else input_variance)(cfg["rule"], w, r)
    text = json.dumps(cfg)  # the same text plans and runs: Go parses it once (natspike._describe.plan)
    plan = _describe.plan(text, r.size)
    check_trial_size(plan["records"], plan["traces"], r.size, cfg["test_samples"], cfg["test_bins"], neurons=max(m, 1))
    given = {
        "rates": r,
        "w0": w,
        "teacher_weights": tarr if kind == "realizable" else None,
        "teacher_spikes": _teacher_spikes(kind, tarr, neuron.dt, plan["bins"], m),
        "input_events": inputs,
        "attenuation": att,
        **schedule,
        "resume_state": pending_state(),  # set by natspike.resume only
    }
    out = _describe.allocate(plan)
    table, count = _native.buffers({**given, **out})
    with _native.progress_bar(progress, plan["bins"], rule) as update:
        _native.call_cancellable(_native.functions["ns_train"], text.encode(), r.size, table, count, on_progress=update)
    arrays = {**out, **echoed(plan, given)}
    normal = {"weights": w.tolist(), "rates": rates if schedule else r.tolist(), "seed": root, "neuron": neuron}
    teacher_value = layer_teacher_param(kind, tarr) if m else _teacher_param(kind, rate, tarr)
    normal.update(teacher=teacher_value, attenuation=None if att is None else att.tolist())
    normal.update(inputs=None if inputs is None else as_pair(inputs, neuron.dt))  # type: ignore[arg-type]  # the replayed spikes, sparse
    return Result(
        arrays,
        params=call_params(args, cfg, normal),
        seed=root,
        version=_native.version(),
        numbers_version=_native.numbers_version(),
    )


def _student_and_teacher(weights, layer, rates, teacher):
    """(w, r, kind, rate, tarr) of one neuron, or of a layer (``layer``: its (m, n) weights; natspike._layer)."""
    if layer is None:
        w, r = _rates_and_weights(weights, rates)
        return (w, r, *_teacher(teacher, r.size))
    r = contiguous(finite(vector(rates, "rates"), "rates"))
    check_afferents(layer, r.size)
    kind, value = layer_teacher(teacher, *layer.shape)
    return layer, r, kind, 0.0, value


def _teacher_spikes(kind, tarr, dt, bins, m):
    """The replayed teacher's spikes, one train per neuron of a layer, or None."""
    if kind != "replay":
        return None
    return layer_teacher_spikes(tarr, dt, bins) if m else replay_bins(tarr, dt, bins, "teacher")


def _teacher_param(kind, rate, tarr):
    """The teacher as params keeps it: the rate, the target weights, or the replayed natspike.SpikeTrain."""
    if kind == "poisson":
        return rate
    return as_spike_train(tarr, "teacher") if kind == "replay" else tarr.tolist()


def call_params(args: dict, cfg: dict, normal: dict) -> dict:
    """The call in the API's own units, in the order of ``args``: the
    normalized arrays and seed, else the checked configuration value."""
    return {k: normal[k] if k in normal else cfg.get(k, v) for k, v in args.items()}
