"""Replayed spike formats versus the independent NumPy reference: spike times drawn in continuous time,
given to natspike as lists of times, Neo trains or (index, time) pairs, and binned by the reference's own
loop (tests/reference/spikeformats.py) before its own simulation. Trajectories agree to 1e-10 relative."""

import natspike
import neo
import numpy as np
import pytest
import quantities as pq
import reference as ref

D = ref.DEFAULTS
RTOL = 1e-10
N, BINS = 10, 600
DURATION = BINS * D["dt"]


def _continuous_times(rng, rate, bins):
    """Sorted spike times at most one per bin, anywhere inside their bins (not on a grid)."""
    k = np.flatnonzero(rng.random(bins) < rate * D["dt"])
    return (k + rng.uniform(0.02, 0.98, k.size)) * D["dt"]


@pytest.fixture(scope="module")
def task():
    rng = np.random.default_rng(31)
    rates = np.where(np.arange(N) < N // 2, 15.0, 45.0)
    trains = [_continuous_times(rng, r, BINS) for r in rates]
    teacher = _continuous_times(rng, 25.0, BINS)
    w0 = rng.uniform(-0.3, 0.3, N)
    return rates, trains, teacher, w0


def _pair(trains):
    idx = np.concatenate([np.full(t.size, i) for i, t in enumerate(trains)])
    times = np.concatenate(trains)
    order = np.argsort(times, kind="stable")
    return idx[order], times[order]


FORMATS = {
    "times": lambda trains: trains,
    "neo-ms": lambda trains: [neo.SpikeTrain(t * 1000 * pq.ms, t_stop=DURATION * 1000 * pq.ms) for t in trains],
    "pair": lambda trains: (_pair(trains)[0], _pair(trains)[1] * pq.s),
}


@pytest.mark.parametrize("form", list(FORMATS))
@pytest.mark.parametrize("rule,eta", [("euclidean", 3e-4), ("natural", 2e-3)])
def test_replayed_formats_match_the_numpy_reference(task, form, rule, eta):
    rates, trains, teacher, w0 = task
    go = natspike.train(
        rule,
        w0,
        rates,
        inputs=FORMATS[form](trains),
        teacher=neo.SpikeTrain(teacher * pq.s, t_stop=DURATION * pq.s),
        duration=DURATION,
        record_every=D["dt"],
        eta=eta,
        seed=0,
    ).weights
    if form == "pair":
        spikes = ref.matrix_from_pairs(*_pair(trains), N, BINS, D["dt"])
    else:
        spikes = ref.matrix_from_trains(trains, BINS, D["dt"])
    y = ref.vector_from_train(teacher, BINS, D["dt"])
    np_ = ref.simulate(rule, w0, rates, spikes, y, eta=eta, coefficients="gauss", **D)
    err = np.abs(go - np_).max() / np.abs(np_).max()
    assert err < RTOL, f"{rule}/{form}: max |Go - NumPy| / max|w| = {err:.2e}"
    assert np.abs(go[-1] - go[0]).max() > 1e-6, "weights did not move: the comparison would be vacuous"
    assert spikes.sum() > 50 and y.sum() > 3


def test_reference_binning_puts_grid_times_in_their_own_bin():
    dt = D["dt"]
    assert [ref.bin_of(k * dt, dt) for k in (0, 1, 3, 7, 599)] == [0, 1, 3, 7, 599]
    assert ref.bin_of(2.5 * dt, dt) == 2 and ref.bin_of(3 * dt - 1e-3 * dt, dt) == 2
    with pytest.raises(ValueError, match="two spikes"):
        ref.matrix_from_trains([[0.0001, 0.0002]], 10, dt)
