"""The user's own data: Quantities at every physical argument, explicit teachers, input spike trains in the
formats of Neo, Brian2 and NEST (issue: beyond the paper's protocols)."""

import contextlib
import subprocess
import sys
import warnings

import natspike
import neo
import numpy as np
import pint
import pytest
import quantities as pq
from natspike._inputs import run_bins

UREG = pint.UnitRegistry()

N, DT, DURATION = 8, 0.0005, 0.25
BINS = int(round(DURATION / DT))
RATES = np.linspace(10.0, 45.0, N)
RNG = np.random.default_rng(2022)
W0, WSTAR = RNG.uniform(-0.1, 0.1, (2, N))
DENSE = RNG.random((BINS, N)) < RATES * DT  # bool, one row per bin
TEACHER_BINS = RNG.random(BINS) < 0.03
TIMES = [np.flatnonzero(DENSE[:, i]) * DT for i in range(N)]


def _train(**kw):
    args = dict(teacher=WSTAR, duration=DURATION, eta=1e-3, record_every=0.05, seed=4)
    args.update(kw)
    return natspike.train(args.pop("rule", "natural"), args.pop("weights", W0), args.pop("rates", RATES), **args)


def _close(a, b):
    """Equal up to the rounding of a unit conversion (a stripped unit would be off by a factor 1000)."""
    np.testing.assert_allclose(a.params["rates"], b.params["rates"], rtol=1e-14)
    np.testing.assert_allclose(a.weights, b.weights, rtol=1e-9, atol=1e-12)


def _same(a, b):
    np.testing.assert_array_equal(a.weights, b.weights)
    np.testing.assert_array_equal(a.final_weights, b.final_weights)


# --- units --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rates, duration",
    [
        (np.full(N, 0.001) * RATES * pq.kHz, 250 * pq.ms),
        (UREG.Quantity(RATES / 1000, "kHz"), UREG.Quantity(0.25, "s")),
        ([r * pq.Hz for r in RATES], UREG.Quantity(250.0, "ms")),
        (RATES * 60 / pq.min, DURATION),
    ],
    ids=["quantities", "pint", "list-of-quantities", "per-minute"],
)
def test_array_quantities_are_converted_never_stripped(rates, duration):
    # 0.02 kHz is 20 Hz (a stripped 0.02 would be read as 0.02 Hz and learn nothing like this).
    _close(_train(rates=rates, duration=duration), _train())


def test_quantity_options_are_converted_like_plain_seconds_and_hz():
    plain = _train(record_every=0.05, trace_every=0.01, silent_rate=1e-4)
    q = _train(record_every=50 * pq.ms, trace_every=UREG.Quantity(10, "ms"), silent_rate=1e-7 * pq.kHz)
    _close(plain, q)
    np.testing.assert_allclose(plain.times, q.times, rtol=1e-14)
    np.testing.assert_allclose(plain.voltage, q.voltage, rtol=1e-9)


def test_neuron_parameters_accept_quantities_in_any_unit():
    assert natspike.Neuron(tau_m=10 * pq.ms, tau_s=UREG.Quantity(3000, "us"), dt=0.5 * pq.ms) == natspike.Neuron()
    assert natspike.Neuron(theta=0.01 * pq.V, beta=300 / pq.V, phi_max=0.1 * pq.kHz) == natspike.Neuron()
    n = natspike.Neuron(transfer="rectified_quadratic", scale=250 * pq.Hz / pq.V**2 * 1e3, eps0=1000 * pq.mV * pq.ms)
    assert n.scale == pytest.approx(0.25, rel=1e-12) and n.eps0 == pytest.approx(1.0, rel=1e-12)


def test_teacher_rate_quantity_is_a_poisson_teacher():
    plain = _train(teacher=20.0)
    _close(_train(teacher=0.02 * pq.kHz), plain)
    _close(_train(teacher=UREG.Quantity(1200, "1/min")), plain)
    assert plain.weight_distance is None and plain.kl is not None


def test_run_trials_converts_quantities():
    kw = dict(n_trials=2, seed=3, teacher=20.0, eta=1e-3, workers=1)
    plain = natspike.run_trials("natural", W0, RATES, duration=DURATION, record_every=0.05, **kw)
    q = natspike.run_trials("natural", W0, RATES / 1000 * pq.kHz, duration=250 * pq.ms, record_every=50 * pq.ms, **kw)
    _close(plain, q)


@pytest.mark.parametrize(
    "call, name, what",
    [
        (lambda: _train(rates=RATES * pq.mV), "rates", "a rate"),
        (lambda: _train(duration=1 * pq.Hz), "duration", "a time"),
        (lambda: _train(record_every=UREG.Quantity(1, "mV")), "record_every", "a time"),
        (lambda: _train(teacher=20 * pq.s), "teacher rate", "a rate"),
        (lambda: _train(weights=W0 * pq.mV), "weights", "a plain number"),
        (lambda: _train(teacher=WSTAR * pq.Hz), "teacher", "a plain number"),
        (lambda: _train(eta=1e-3 * pq.s), "eta", "a plain number"),
        (lambda: natspike.Neuron(tau_m=10 * pq.mV), "tau_m", "a time"),
        (lambda: natspike.Neuron(theta=UREG.Quantity(10, "ms")), "theta", "a voltage"),
        (lambda: natspike.Neuron(beta=0.3 * pq.mV), "beta", "an inverse voltage"),
        (lambda: natspike.SpikeTrain([1, 2] * pq.mV, t_stop=1.0), "times", "a time"),
        (lambda: natspike.SpikeTrain([0.1], t_stop=1 * pq.Hz), "t_stop", "a time"),
        (
            lambda: natspike.run_trials(
                "natural", W0, RATES * pq.s, teacher=20.0, n_trials=1, seed=1, duration=0.1, eta=1e-3
            ),
            "rates",
            "a rate",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_quantity_of_the_wrong_dimension_names_the_parameter_and_the_dimension(call, name, what):
    with pytest.raises(ValueError, match=rf"{name} must be {what}"):
        call()


@pytest.mark.parametrize(
    "kw, name",
    [
        (dict(tau_m=10, tau_s=3, dt=0.0005), "tau_m"),
        (dict(dt=0.5, tau_m=10.0, tau_s=3.0), "dt"),
        (dict(theta=0.01), "theta"),
        (dict(beta=300.0), "beta"),
    ],
)
def test_plain_neuron_values_in_another_convention_warn_naming_the_unit(kw, name):
    with pytest.warns(natspike.UnitWarning, match=rf"{name} = .* is read in") as record:
        natspike.Neuron(**kw)
    assert record[0].filename == __file__  # points at the user's call


def test_an_integer_duration_of_1000_or_more_warns_but_the_papers_float_durations_do_not():
    with pytest.warns(natspike.UnitWarning, match="duration = 1000 is read in seconds"):
        with pytest.raises(ValueError, match="eta"):  # stop before running 1000 s
            _train(duration=1000, eta=-1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="eta"):
            _train(duration=8000.0, eta=-1.0)
        natspike.Neuron()
        natspike.Neuron(tau_m=0.02, tau_s=0.005, theta=15.0, beta=0.5)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda v: natspike.SpikeTrain([0.1], t_stop=v), "t_stop"),
        (lambda v: _train(record_every=v, eta=-1.0), "record_every"),
        (lambda v: _train(trace_every=v, eta=-1.0), "trace_every"),
    ],
    ids=["t_stop", "record_every", "trace_every"],
)
def test_an_integer_time_of_1000_or_more_warns_as_duration_does_but_a_float_or_999_does_not(call, name):
    def made(value):  # train stops at eta = -1 before it runs
        with pytest.raises(ValueError, match="eta") if name != "t_stop" else contextlib.nullcontext():
            call(value)

    with pytest.warns(natspike.UnitWarning, match=rf"{name} = 1000 is read in seconds .*did you mean 1000 ms") as seen:
        made(1000)
    assert seen[0].filename == __file__  # the warning points at the user's line, not at natspike
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        made(1000.0)
        made(999)


def test_natspike_imports_no_unit_library_of_its_own():
    code = (
        "import sys, numpy as np, natspike\n"
        "natspike.train('natural', np.full(3, 0.1), np.full(3, 10.0), teacher=20.0, duration=0.01, eta=1e-3, seed=1)\n"
        "print(sorted(m for m in ('quantities', 'pint', 'brian2', 'neo') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- explicit teachers --------------------------------------------------------------------------------------------


def test_spike_train_teachers_natspike_and_neo_are_the_same_replay():
    bins_form = natspike.SpikeTrain.from_bins(TEACHER_BINS, dt=DT)
    times = np.flatnonzero(TEACHER_BINS) * DT
    explicit = natspike.SpikeTrain(times * 1000 * pq.ms, t_stop=DURATION)
    from_neo = neo.SpikeTrain(times * pq.s, t_stop=DURATION * pq.s)
    runs = [_train(teacher=t, inputs=DENSE) for t in (bins_form, explicit, from_neo)]
    for r in runs[1:]:
        _same(runs[0], r)
    assert runs[0].kl is None and runs[0].weight_distance is None
    assert len(bins_form) == len(explicit) == TEACHER_BINS.sum() and bins_form.t_stop == DURATION
    np.testing.assert_allclose(explicit.times, bins_form.times, rtol=1e-15)


def test_a_float_array_of_length_n_is_always_target_weights():
    zero_one = np.r_[np.ones(N // 2), np.zeros(N - N // 2)]
    res = _train(teacher=zero_one)
    assert res.weight_distance is not None
    np.testing.assert_array_equal(res.target_weights, zero_one)


@pytest.mark.parametrize("teacher", [TEACHER_BINS, TEACHER_BINS.astype(np.uint8), np.ones(N, int)])
def test_a_bool_or_integer_0_1_teacher_must_be_wrapped(teacher):
    with pytest.raises(TypeError, match=r"teacher: .*natspike\.SpikeTrain\.from_bins"):
        _train(teacher=teacher)
    with pytest.raises(TypeError, match=r"teacher: .*natspike\.SpikeTrain\.from_bins"):
        natspike.run_trials("natural", W0, RATES, teacher=teacher, n_trials=1, seed=1, duration=0.1, eta=1e-3)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: natspike.SpikeTrain([0.2, 0.1], t_stop=1.0), "times must be sorted"),
        (lambda: natspike.SpikeTrain([-0.1], t_stop=1.0), "times must be >= 0"),
        (lambda: natspike.SpikeTrain([np.nan], t_stop=1.0), "times must be finite"),
        (lambda: natspike.SpikeTrain([1.0], t_stop=1.0), "times must be < t_stop"),
        (lambda: natspike.SpikeTrain([[0.1]], t_stop=1.0), "times must be a 1-D"),
        (lambda: natspike.SpikeTrain([0.1], t_stop=0.0), "t_stop must be"),
        (lambda: natspike.SpikeTrain.from_bins(np.array([0, 2]), dt=DT), "bins must contain only 0 and 1"),
        (lambda: natspike.SpikeTrain.from_bins(np.zeros((2, 2)), dt=DT), "bins must be a 1-D"),
        (lambda: natspike.SpikeTrain.from_bins(np.zeros(2), dt=-1.0), "dt must be"),
        (lambda: _train(teacher=natspike.SpikeTrain([0.1], t_stop=0.2)), "teacher: the spike train ends"),
        (lambda: _train(teacher=natspike.SpikeTrain([0.1, 0.1002], t_stop=1.0)), "teacher: two spikes fall in bin"),
        (lambda: _train(teacher=neo.SpikeTrain([0.3] * pq.s, t_start=0.1 * pq.s, t_stop=1 * pq.s)), "t_start = 0"),
        (lambda: _train(teacher=neo.SpikeTrain([0.2, 0.1] * pq.s, t_stop=1 * pq.s)), "teacher times must be sorted"),
        (
            lambda: natspike.run_trials(
                "natural",
                W0,
                RATES,
                teacher=neo.SpikeTrain([0.1] * pq.s, t_stop=1 * pq.s),
                n_trials=1,
                seed=1,
                duration=0.1,
                eta=1e-3,
            ),
            "cannot be shared",
        ),
        (
            lambda: natspike.run_trials(
                "natural",
                W0,
                RATES,
                teacher=natspike.SpikeTrain([], t_stop=1.0),
                n_trials=1,
                seed=1,
                duration=0.1,
                eta=1e-3,
            ),
            "cannot be shared",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_bad_spike_train_teachers_are_refused_naming_the_parameter(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize(
    "teacher, match",
    [
        (
            neo.AnalogSignal(np.zeros((BINS, 1)), units="mV", sampling_period=DT * pq.s),
            "teacher: got a neo.AnalogSignal, which is not a spike train",
        ),
        (
            neo.IrregularlySampledSignal([0.0, 0.1] * pq.s, [1.0, 2.0] * pq.mV, t_stop=1 * pq.s),
            "teacher: got a neo.IrregularlySampledSignal",
        ),
        (neo.Event([0.1, 0.2] * pq.s), "teacher: got a neo.Event"),
        ([neo.SpikeTrain([0.1] * pq.s, t_stop=1 * pq.s)], "teacher of a layer"),
        (np.linspace(0.01, 0.2, N) * pq.s, "an array of times is not a teacher"),
        (neo.Segment(), r"teacher: got a neo.Segment; .*one of segment.spiketrains, or a list"),
        ("poisson", r"teacher: got the string 'poisson'; .*a rate in Hz \(teacher=20.0\) for a Poisson teacher"),
    ],
    ids=["analogsignal", "irregular", "event", "list-of-one-train", "time-quantity", "segment", "string"],
)
def test_things_that_are_not_a_neurons_spike_train_are_refused_as_teacher(teacher, match):
    # A sampled signal's sample times would otherwise replay as a spike in every bin.
    with pytest.raises(TypeError, match=match):
        _train(teacher=teacher)


# --- input spike trains -------------------------------------------------------------------------------------------


def _pair():
    idx = np.concatenate([np.full(t.size, i, np.int32) for i, t in enumerate(TIMES)])
    t = np.concatenate(TIMES)
    order = np.argsort(t, kind="stable")
    return idx[order], t[order]


def _pair_of_two_threads():
    """The events as NEST records them with two threads: each thread's neurons in time order, one thread
    after the other (even afferents, then odd), so the times as a whole are not sorted."""
    idx, t = _pair()
    order = np.argsort(idx % 2, kind="stable")
    assert (np.diff(t[order]) < 0).any()
    return idx[order], t[order]


def _pair_shuffled():
    idx, t = _pair()
    order = np.random.default_rng(7).permutation(idx.size)
    return idx[order], t[order]


def _segment():
    seg = neo.Segment()
    for t in TIMES:
        seg.spiketrains.append(neo.SpikeTrain(t * pq.s, t_stop=DURATION * pq.s))
    return seg


FORMATS = {
    "dense-bool": lambda: DENSE,
    "dense-float": lambda: DENSE.astype(float),
    "dense-longer": lambda: np.vstack([DENSE, np.ones((7, N), np.uint8)]),
    "times-seconds": lambda: TIMES,
    "times-ms-quantities": lambda: [t * 1000 * pq.ms for t in TIMES],
    "times-pint": lambda: [UREG.Quantity(t, "s") for t in TIMES],
    "neo": lambda: [neo.SpikeTrain(t * pq.s, t_stop=DURATION * pq.s) for t in TIMES],
    "neo-longer": lambda: [neo.SpikeTrain(np.r_[t, 0.3] * pq.s, t_stop=0.4 * pq.s) for t in TIMES],
    "natspike": lambda: [natspike.SpikeTrain(t, t_stop=DURATION) for t in TIMES],
    "neo-segment": lambda: _segment().spiketrains,  # a SpikeTrainList, not a list
    "pair-brian2-like": lambda: (_pair()[0], _pair()[1] * pq.s),
    "pair-nest-like": lambda: (_pair()[0].astype(np.int64), _pair()[1] * 1000 * UREG.ms),
    "pair-nest-two-threads": lambda: (_pair_of_two_threads()[0], _pair_of_two_threads()[1] * 1000 * pq.ms),
    "pair-shuffled": _pair_shuffled,
}


@pytest.mark.parametrize("form", list(FORMATS))
def test_every_input_format_gives_the_same_numbers_bit_for_bit(form):
    teacher = natspike.SpikeTrain.from_bins(TEACHER_BINS, dt=DT)
    reference = _train(inputs=DENSE.astype(np.uint8), teacher=teacher)
    _same(_train(inputs=FORMATS[form](), teacher=teacher), reference)
    _same(_train(inputs=FORMATS[form](), teacher=20.0), _train(inputs=DENSE.astype(np.uint8), teacher=20.0))


def test_rates_none_estimates_each_afferents_rate_from_the_spikes():
    estimated = _train(rates=None, inputs=TIMES)
    counts = DENSE.sum(axis=0)
    np.testing.assert_allclose(estimated.params["rates"], counts / DURATION, rtol=1e-15)
    _same(estimated, _train(rates=counts / DURATION, inputs=DENSE))


def test_given_rates_drive_the_rule_with_replayed_inputs():
    # Documented: the rule uses ``rates`` (c_eps x/r and the Fisher coefficients), not the spikes' own rates.
    a, b = _train(inputs=TIMES), _train(inputs=TIMES, rates=2 * RATES)
    assert not np.array_equal(a.final_weights, b.final_weights)


def test_bin_count_of_a_replay_is_the_one_the_go_core_plans():
    from natspike import _describe
    from natspike._neuron import resolve
    from natspike._train import config

    def plan(duration):
        cfg = config({"rule": "natural", "eta": 1e-3, "duration": duration}, resolve(None), "poisson", 1.0, 0)
        return _describe.plan(cfg, N)["bins"]

    for duration in (0.25, 0.00025 * 6, 1.2345, 0.0005):
        assert run_bins(duration, DT) == plan(duration), duration
    with pytest.raises(ValueError, match="duration"):  # not a whole number of bins: refused, not rounded
        plan(0.00075)


BAD_INPUTS = [
    ("index-too-large", lambda: (np.array([0, N]), np.array([0.01, 0.02])), ValueError, rf"in \[0, {N}\)"),
    ("index-negative", lambda: (np.array([-1]), np.array([0.01])), ValueError, r"0-based"),
    ("index-float", lambda: (np.array([0.5]), np.array([0.01])), ValueError, "whole numbers"),
    ("index-str", lambda: (np.array(["a"]), np.array([0.01])), TypeError, "integers"),
    ("pair-lengths", lambda: (np.array([0, 1]), np.array([0.01])), ValueError, "same length"),
    ("pair-same-bin", lambda: (np.array([1, 2, 1]), np.array([0.01, 0.01, 0.0101])), ValueError, "at most one"),
    (
        "pair-unsorted-same-bin",  # the two spikes of afferent 1 in bin 20 are not neighbours in the order given
        lambda: (np.array([1, 0, 2, 1]), np.array([0.0101, 0.05, 0.003, 0.01])),
        ValueError,
        r"inputs \(afferent 1\): two spikes fall in bin 20 ",
    ),
    ("pair-late", lambda: (np.array([0]), np.array([DURATION])), ValueError, "at or after the end of the run"),
    (
        "pair-unsorted-late",  # the late time is named, wherever it stands
        lambda: (np.array([0, 1, 2]), np.array([0.2, 0.3, 0.1])),
        ValueError,
        r"inputs times: spike time 0.3 s is at or after the end of the run",
    ),
    ("pair-ms-as-s", lambda: (np.array([0]), np.array([120.0])), ValueError, "divide by 1000"),
    ("pair-negative", lambda: (np.array([0]), np.array([-0.001])), ValueError, ">= 0"),
    ("pair-wrong-unit", lambda: (np.array([0]), np.array([0.1]) * pq.mV), ValueError, "a time"),
    ("tuple-of-3", lambda: (np.array([0]), np.array([0.1]), np.array([0.2])), ValueError, "pair"),
    ("list-length", lambda: TIMES[:-1], ValueError, f"one per afferent \\(n = {N}\\)"),
    (
        "pair-as-list",  # [mon.i, mon.t]: a list is read as one spike train per afferent
        lambda: list(_pair()),
        ValueError,
        rf"one per afferent \(n = {N}\), got 2 \(an \(indices, times\) pair must be a tuple, not a list\)",
    ),
    ("list-unsorted", lambda: [np.array([0.2, 0.1])] + TIMES[1:], ValueError, r"inputs\[0\] must be sorted"),
    ("list-same-bin", lambda: TIMES[:3] + [np.array([0.1, 0.10001])] + TIMES[4:], ValueError, r"inputs\[3\].*bin"),
    ("list-late", lambda: TIMES[:-1] + [np.array([0.3])], ValueError, rf"inputs\[{N - 1}\].*end of the run"),
    ("list-nan", lambda: [np.array([np.nan])] + TIMES[1:], ValueError, r"inputs\[0\] must be finite"),
    ("list-2d", lambda: [np.zeros((2, 2))] + TIMES[1:], ValueError, r"inputs\[0\] must be a 1-D"),
    ("list-str", lambda: [["a"]] + TIMES[1:], TypeError, r"inputs\[0\]"),
    (
        "neo-too-short",
        lambda: [neo.SpikeTrain([0.1] * pq.s, t_stop=0.2 * pq.s)] + TIMES[1:],
        ValueError,
        r"inputs\[0\]: the spike train ends",
    ),
    (
        "neo-unsorted",  # neo keeps a train's times in the order given
        lambda: [neo.SpikeTrain([0.2, 0.1] * pq.s, t_stop=DURATION * pq.s)] + TIMES[1:],
        ValueError,
        r"inputs\[0\] times must be sorted",
    ),
    (
        "neo-analogsignal",  # has times and a t_stop, but its samples are no spikes
        lambda: [neo.AnalogSignal(np.zeros((BINS, 1)), units="mV", sampling_period=DT * pq.s)] + TIMES[1:],
        TypeError,
        r"inputs\[0\]: got a neo.AnalogSignal, which is not a spike train",
    ),
    (
        "one-neo-train",
        lambda: neo.SpikeTrain([0.1] * pq.s, t_stop=DURATION * pq.s),
        TypeError,
        "inputs: got one spike train",
    ),
    ("dict", lambda: {"i": [0], "t": [0.1]}, TypeError, "inputs: got a dict; give a list of n spike trains"),
    (
        "nest-events-dict",  # nest.GetStatus(recorder, "events")[0]
        lambda: {"senders": np.array([3, 4]), "times": np.array([10.0, 20.0])},
        TypeError,
        r"inputs: got a dict; for NEST's recorder events give the tuple \(events\['senders'\] - first node id",
    ),
    (
        "brian2-spike-trains-dict",  # SpikeMonitor.spike_trains(): {i: times}
        lambda: dict(enumerate(TIMES)),
        TypeError,
        r"inputs: got a dict; for Brian2's SpikeMonitor.spike_trains\(\) give the list \[trains\[i\] for i",
    ),
    (
        "neo-segment",
        lambda: neo.Segment(),
        TypeError,
        r"inputs: got a neo.Segment; give the spike trains it holds \(segment.spiketrains, one per afferent\)",
    ),
    ("neo-block", lambda: neo.Block(), TypeError, r"inputs: got a neo.Block; .*block.segments\[k\].spiketrains"),
    ("dense-not-binary", lambda: np.full((BINS, N), 2, np.int8), ValueError, "only 0 and 1"),
    ("dense-short", lambda: DENSE[:-1], ValueError, "inputs must have shape"),
    ("dense-complex", lambda: DENSE.astype(complex), TypeError, "inputs"),
]


@pytest.mark.parametrize("make, error, match", [c[1:] for c in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_spikes_in_every_format_are_refused_naming_inputs(make, error, match):
    with pytest.raises(error, match=match):
        _train(inputs=make())


def test_with_two_afferents_a_list_that_reads_as_indices_and_times_is_refused_and_a_tuple_of_trains_says_list():
    # n = 2: [mon.i, mon.t] as a list would make afferent 0 spike at 0 s and 1 s, afferent 1 at 0.1 s and 0.2 s
    indices, times = np.array([0, 1]), np.array([0.1, 0.2])
    kw = dict(teacher=20.0, duration=2.0, eta=1e-3, seed=3)
    w = np.array([0.01, -0.02])
    for ambiguous in ([indices, times], [indices, times * pq.s], [list(indices), UREG.Quantity(times, "s")]):
        with pytest.raises(ValueError, match=r"inputs: with n = 2 the list \[indices, times\] is ambiguous.*tuple"):
            natspike.train("natural", w, None, inputs=ambiguous, **kw)
    pair = natspike.train("natural", w, None, inputs=(indices, times), **kw)
    trains = natspike.train("natural", w, None, inputs=[np.array([0.1]), np.array([0.2])], **kw)
    np.testing.assert_array_equal(pair.final_weights, trains.final_weights)
    as_floats = natspike.train("natural", w, None, inputs=[np.array([0.0, 1.0]), times], **kw)  # spike times
    assert not np.array_equal(as_floats.final_weights, pair.final_weights)
    with pytest.raises(ValueError, match=r"whole numbers .*a tuple is the pair \(indices, times\).* as a list"):
        natspike.train("natural", w, None, inputs=(np.array([0.011, 0.2]), np.array([0.05, 0.3])), **kw)


def test_a_neo_spike_at_t_stop_falls_after_the_run_and_is_not_used():
    # neo trains hold [t_start, t_stop] with both ends; natspike's bins cover [0, t_stop): the spike at t_stop is
    # in the bin after the run, like a spike after the run in a longer train
    at_stop = lambda times, stop=DURATION: neo.SpikeTrain(np.r_[times, stop] * pq.s, t_stop=stop * pq.s)
    plain = _train(inputs=TIMES, teacher=natspike.SpikeTrain(np.flatnonzero(TEACHER_BINS) * DT, t_stop=DURATION))
    inputs = TIMES[:2] + [at_stop(TIMES[2])] + TIMES[3:]
    teacher = at_stop(np.flatnonzero(TEACHER_BINS) * DT)
    longer = TIMES[:2] + [at_stop(TIMES[2], 2 * DURATION)] + TIMES[3:]  # the same spike inside a longer train
    for run in (_train(inputs=inputs, teacher=teacher), _train(inputs=longer, teacher=teacher)):
        np.testing.assert_array_equal(run.final_weights, plain.final_weights)
        np.testing.assert_array_equal(run.kl, plain.kl)
    float32 = neo.SpikeTrain(  # its spike at t_stop is raised past t_stop by float32's rounding bound
        np.r_[TIMES[2], DURATION].astype(np.float32), units="s", t_stop=DURATION * pq.s, dtype=np.float32
    )
    np.testing.assert_array_equal(
        _train(inputs=TIMES[:2] + [float32] + TIMES[3:], teacher=teacher).final_weights, plain.final_weights
    )


def test_rates_none_without_inputs_is_refused_naming_rates():
    with pytest.raises(TypeError, match="rates must be given"):
        _train(rates=None)


def test_the_readme_own_data_example_runs_and_estimates_rates():
    from pathlib import Path

    text = (Path(__file__).parents[1] / "README.md").read_text()
    block = text.split("<!-- own-data example: executed by tests/test_own_data.py -->\n```python\n")[1].split("```")[0]
    scope = {}
    exec(compile(block, "README.md", "exec"), scope)
    res, inputs = scope["res"], scope["inputs"]
    counts = np.array([len(t) for t in inputs])
    np.testing.assert_allclose(res.params["rates"], counts / 2.0, rtol=1e-15)
    assert res.kl is None and res.final_weights.shape == (20,)


def test_fisher_functions_convert_quantities():
    w = np.linspace(-0.1, 0.2, N)
    np.testing.assert_allclose(
        natspike.fisher_matrix(w, RATES / 1000 * pq.kHz), natspike.fisher_matrix(w, RATES), rtol=1e-12
    )
    np.testing.assert_allclose(
        natspike.inverse_fisher_matrix(w * pq.dimensionless, UREG.Quantity(RATES, "Hz")),
        natspike.inverse_fisher_matrix(w, RATES),
        rtol=1e-12,
    )
    a, b = natspike.coefficients(0.002 * pq.V, 4 * pq.mV**2, 2.0), natspike.coefficients(2.0, 4.0, 2.0)
    np.testing.assert_allclose(a.gamma_s, b.gamma_s, rtol=1e-12)
    with pytest.raises(ValueError, match="var must be a squared voltage"):
        natspike.coefficients(2.0, 4 * pq.mV, 2.0)
    with pytest.raises(ValueError, match="rates must be a rate"):
        natspike.sample_usps(RATES * pq.s, 2, bins=10)


def test_brian2_quantities_and_spike_monitors_where_brian2_imports():
    b2 = pytest.importorskip("brian2")  # Brian2 2.9 does not import beside NumPy >= 2.4
    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = 0.5 * b2.ms
    idx, times = _pair()
    group = b2.SpikeGeneratorGroup(N, idx, times * b2.second)
    monitor = b2.SpikeMonitor(group)
    b2.run(DURATION * b2.second)
    _same(_train(inputs=(monitor.i, monitor.t)), _train(inputs=DENSE))
    _close(_train(rates=RATES / 1000 * b2.kHz, duration=250 * b2.ms), _train())
    assert natspike.Neuron(tau_m=10 * b2.ms, theta=10 * b2.mV, beta=300 / b2.volt) == natspike.Neuron()
    with pytest.raises(ValueError, match="duration must be a time"):
        _train(duration=1 * b2.mV)
