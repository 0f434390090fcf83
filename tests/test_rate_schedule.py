"""natspike.RateSchedule: piecewise-constant rates, cross-checked against the independent NumPy reference
(tests/reference: ``simulate`` with per-bin rates) on the same replayed spikes, and a one-segment schedule equal
bit for bit to constant rates in train, run_trials and sweep."""

import warnings

import natspike
import numpy as np
import pytest
import quantities as pq
import reference as ref

D = ref.DEFAULTS
N, BINS = 8, 600
DURATION = BINS * D["dt"]
RTOL = 1e-9  # rounding only: the reference sums in another order (event-driven: 1e-9 by design)
RATES = np.linspace(10.0, 50.0, N)
SCHEDULE = natspike.RateSchedule([0.0, 0.1, 0.2], np.vstack([RATES, RATES[::-1] * 1.5, np.full(N, 5.0)]))


def _per_bin(schedule, bins):
    """The rates in force in each bin, from the schedule's own times (the reference's input)."""
    return np.array([schedule.rates_at(k * D["dt"] + D["dt"] / 2) for k in range(bins)])


@pytest.fixture(scope="module")
def task():
    rng = np.random.default_rng(12)
    rates = _per_bin(SCHEDULE, BINS)
    spikes = rng.random((BINS, N)) < rates * D["dt"]  # inputs that follow the schedule
    y = rng.random(BINS) < 0.03
    w0 = rng.uniform(-0.2, 0.3, N)
    return spikes, y, w0, rates


@pytest.mark.parametrize("event_driven", [False, True])
@pytest.mark.parametrize(
    "rule, eta, refresh",
    [("natural", 2e-3, 1), ("natural", 2e-3, 7), ("natural", 2e-3, "frozen"), ("approximate", 1.5e-3, 1)],
)
def test_schedule_trajectories_match_the_numpy_reference(task, rule, eta, refresh, event_driven):
    spikes, y, w0, rates = task
    go = natspike.train(
        rule,
        w0,
        SCHEDULE,
        inputs=spikes,
        teacher=natspike.SpikeTrain.from_bins(y, dt=D["dt"]),
        duration=DURATION,
        eta=eta,
        coefficient_refresh=refresh,
        record_every=D["dt"],
        event_driven=event_driven,
        seed=0,
    ).weights
    np_ = ref.simulate(
        rule, w0, rates, spikes.astype(float), y.astype(float), eta=eta, coefficients="gauss",
        coefficient_refresh=0 if refresh == "frozen" else refresh, **D,
    )  # fmt: skip
    err = np.abs(go - np_).max() / np.abs(np_).max()
    assert err < RTOL, f"max |Go - NumPy| / max|w| = {err:.2e}"
    constant = ref.simulate(
        rule, w0, RATES, spikes.astype(float), y.astype(float), eta=eta, coefficients="gauss",
        coefficient_refresh=0 if refresh == "frozen" else refresh, **D,
    )  # fmt: skip
    assert np.abs(constant - np_).max() > 1e3 * RTOL * np.abs(np_).max(), "the schedule changed nothing"


def _train(rates, **kw):
    args = dict(teacher=np.linspace(-0.2, 0.3, N), duration=0.3, eta=1e-3, record_every=0.05, seed=3)
    return natspike.train("natural", np.full(N, 0.05), rates, **{**args, **kw})


@pytest.mark.parametrize("event_driven", [False, True])
def test_one_segment_schedule_is_constant_rates_bit_for_bit(event_driven):
    one = natspike.RateSchedule([0.0], RATES[None] * pq.Hz)
    a, b = _train(RATES, event_driven=event_driven), _train(one, event_driven=event_driven)
    for name in ("weights", "kl", "rate_error", "weight_distance"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert b.params["rates"] == one
    np.testing.assert_array_equal(natspike.train(**b.params).weights, b.weights)


def test_a_schedule_is_followed_by_the_poisson_inputs_and_the_rule():
    a, b = _train(RATES), _train(SCHEDULE)
    first = a.times <= 0.1
    np.testing.assert_array_equal(a.weights[first], b.weights[first])  # identical up to the first switch
    assert not np.array_equal(a.weights[~first], b.weights[~first])


def test_run_trials_and_sweep_accept_a_schedule():
    kw = dict(teacher=np.linspace(-0.2, 0.3, N), duration=0.3, eta=1e-3, seed=5)
    one = natspike.RateSchedule([0.0], RATES[None])
    a = natspike.run_trials("natural", np.full(N, 0.05), RATES, n_trials=3, **kw)
    b = natspike.run_trials("natural", np.full(N, 0.05), one, n_trials=3, **kw)
    np.testing.assert_array_equal(a.final_weights, b.final_weights)
    c = natspike.run_trials("natural", np.full(N, 0.05), SCHEDULE, n_trials=3, **kw)
    assert not np.array_equal(a.final_weights, c.final_weights)
    ds = natspike.sweep(
        {"eta": [1e-3, 2e-3]}, rule="natural", weights=np.full(N, 0.05), rates=SCHEDULE, n_trials=2,
        teacher=kw["teacher"], duration=0.3, seed=5,
    )  # fmt: skip
    np.testing.assert_array_equal(ds["final_weights"].sel(eta=1e-3).values, c.final_weights[:2])


BAD = [
    (lambda: natspike.RateSchedule([0.1, 0.2], np.ones((2, N))), "times must start at 0"),
    (lambda: natspike.RateSchedule([0.0, 0.2, 0.2], np.ones((3, N))), "times must be strictly increasing"),
    (lambda: natspike.RateSchedule([0.0, np.nan], np.ones((2, N))), "times must be finite"),
    (lambda: natspike.RateSchedule([0.0, 0.1], np.ones((3, N))), r"rates must have shape \(2, n\)"),
    (lambda: natspike.RateSchedule([0.0, 0.1], -np.ones((2, N))), "rates must be >= 0"),
    (lambda: natspike.RateSchedule([0.0, 0.1], np.full((2, N), np.nan)), "rates must be finite"),
    (lambda: natspike.RateSchedule([0.0], np.ones(N) * pq.mV), "rates must be a rate"),
    (lambda: _train(natspike.RateSchedule([0.0, 0.10025], np.ones((2, N)))), "not a whole number of bins"),
    (
        lambda: _train(natspike.RateSchedule([0.0, 0.1], np.vstack([RATES, RATES * 100]))),
        r"rates \(rate schedule\) segment 1: rates\[2\]\*dt must be < 1",
    ),
    (lambda: _train(natspike.RateSchedule([0.0], np.ones((1, N + 1)))), "same length"),
    (lambda: _train(SCHEDULE, input_pool_size=2), "input_pool_size and a rate schedule cannot be combined"),
]


@pytest.mark.parametrize("make, match", BAD)
def test_bad_schedules_are_refused_naming_the_parameter(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_poisson_inputs_follow_the_schedule_mean_voltage_is_eps0_sum_w_r_per_segment():
    """With fixed weights (η ≈ 0) the mean potential of Poisson inputs is ε0 Σ w r (text after Eqn 79),
    r the rates of the segment in force; checked to 5 standard errors (batch means of 0.5 s)."""
    n, w = 50, 0.1
    schedule = natspike.RateSchedule([0.0, 10.0], np.vstack([np.full(n, 10.0), np.full(n, 60.0)]))
    res = natspike.train(
        "euclidean", np.full(n, w), schedule, teacher=5.0, duration=20.0, eta=1e-12, trace_every=D["dt"], seed=3
    )
    t = np.arange(res.voltage.size) * D["dt"]
    for start, rate in ((0.0, 10.0), (10.0, 60.0)):
        v = res.voltage[(t >= start + 0.1) & (t < start + 10.0)]  # past the 10-ms kernel's transient
        batches = v[: v.size // 20 * 20].reshape(20, -1).mean(axis=1)
        se = batches.std(ddof=1) / np.sqrt(20)
        want = D["eps0"] * n * w * rate
        assert abs(v.mean() - want) < 5 * se, (start, v.mean(), want, se)
        assert se < 0.02 * want  # the check has power: a segment at the other rate is off by 6x


def test_a_segment_that_starts_after_the_run_warns_that_it_is_never_in_force():
    # [0, 1000] meant as ms: the second segment would start 1000 s after a 2-s run ends, and never apply.
    late = natspike.RateSchedule([0.0, 1000.0], np.vstack([RATES, 2 * RATES]))
    kw = dict(teacher=np.zeros(N), duration=2.0, eta=1e-3, seed=1)
    with pytest.warns(UserWarning, match=r"starting at 1000 s begin at or after the end of the run \(2 s\)"):
        natspike.train("natural", np.full(N, 0.1), late, **kw)
    with pytest.warns(UserWarning, match="never in force"):
        natspike.run_trials("natural", np.full(N, 0.1), late, n_trials=1, **kw)
    in_time = natspike.RateSchedule([0.0, 1000.0] * pq.ms, np.vstack([RATES, 2 * RATES]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        natspike.train("natural", np.full(N, 0.1), in_time, **kw)
