"""Spike times in float32 (or float16) land in the bin the same time in float64 lands in.

A float32 time is rounded to within half its type's spacing, about 6e-8 of the time: far more than the
10⁻⁶-of-a-bin edge tolerance, so a spike on a bin edge stored as float32 used to fall one bin early for
about half the edges of a long recording (reference: the exact bin k of the edge k·dt, by construction).
"""

import natspike
import neo
import numpy as np
import pint
import pytest
import quantities as pq
from natspike._inputs import input_events

DT = 0.0005
K = np.arange(0, 2_000_000, 37)  # bin edges over 1000 s
BINS = 2_000_100
UREG = pint.UnitRegistry()


def _bins_of(train) -> np.ndarray:
    return input_events([train], 1, BINS, DT)[:, 0]


def _float32(values, unit=None):
    a = np.asarray(values).astype(np.float32)
    return a if unit is None else pq.Quantity(a, unit, dtype=np.float32)


EDGES = {
    "array-s": lambda: _float32(K * DT),
    "quantities-ms": lambda: _float32(K * 0.5, "ms"),
    "pint-s": lambda: UREG.Quantity(_float32(K * DT), "s"),
    "pint-ms": lambda: UREG.Quantity(_float32(K * 0.5), "ms"),
    "neo": lambda: neo.SpikeTrain(_float32(K * DT, "s"), t_stop=1001 * pq.s),
    "natspike": lambda: natspike.SpikeTrain(_float32(K * DT), t_stop=1001.0),
}


@pytest.mark.parametrize("form", list(EDGES))
def test_float32_spikes_on_bin_edges_fall_in_the_bin_they_open(form):
    np.testing.assert_array_equal(_bins_of(EDGES[form]()), K)


def test_float32_spikes_inside_bins_stay_in_their_bin():
    # up to 1000 s float32's spacing is at most 6.1e-5 s, 0.12 bin: times further than that from the next edge
    for offset in (0.25, 0.5, 0.75, 0.85):
        np.testing.assert_array_equal(_bins_of(_float32((K + offset) * DT)), K, err_msg=f"offset {offset}")


def test_float32_times_just_after_an_edge_stay_in_that_bin_and_float64_times_are_unchanged():
    t64 = K * DT
    np.testing.assert_array_equal(natspike.SpikeTrain(t64, t_stop=1001.0).times, t64)  # float64: no rounding bound
    after = np.nextafter(_float32(t64), np.float32(np.inf))  # one float32 step past each edge
    np.testing.assert_array_equal(_bins_of(after[1:]), K[1:])


def test_float16_spikes_on_bin_edges_fall_in_their_bin():
    k = np.arange(0, 2000, 3)  # below 1 s float16 holds these edges to within 0.25 ms, half a bin
    np.testing.assert_array_equal(input_events([(k * DT).astype(np.float16)], 1, 2000, DT)[:, 0], k)


def test_float32_and_float64_pairs_train_to_the_same_weights_and_survive_save_and_resume(tmp_path):
    rng = np.random.default_rng(7)
    n, bins = 4, 4000
    k = np.sort(rng.choice(bins * n, 300, replace=False))
    idx, times = k % n, (k // n) * DT
    args = dict(teacher=np.full(n, 0.1), duration=bins * DT, eta=1e-3, record_every=0.5, seed=3, keep_state=True)
    ref = natspike.train("natural", np.full(n, 0.05), np.full(n, 20.0), inputs=(idx, times), **args)
    run = natspike.train("natural", np.full(n, 0.05), np.full(n, 20.0), inputs=(idx, times.astype(np.float32)), **args)
    np.testing.assert_array_equal(run.final_weights, ref.final_weights)
    run.save(tmp_path / "run.npz")
    loaded = natspike.load(tmp_path / "run.npz")
    np.testing.assert_array_equal(loaded.params["inputs"][1], ref.params["inputs"][1])  # kept as bin centres
    np.testing.assert_array_equal(
        natspike.resume(loaded, duration=bins * DT, inputs=(idx, times.astype(np.float32))).final_weights,
        natspike.resume(ref, duration=bins * DT, inputs=(idx, times)).final_weights,
    )


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
def test_a_non_finite_float32_time_is_reported_as_itself(bad):
    # The rounding bound is added to finite times only (inf + inf·0 would be nan): the error names the time given.
    with pytest.raises(ValueError, match=rf"times must be finite, got {bad!r} at index 1"):
        natspike.SpikeTrain(np.array([0.1, bad], dtype=np.float32), t_stop=1)


# float32 is spaced 2**-11 s (0.49 ms, under a bin of 0.5 ms) on [4096, 8192) s and 2**-10 s (0.98 ms) on
# [8192, 16384) s; in ms it is spaced 0.5 ms on [2**22, 2**23) ms and 1 ms from 2**23 ms = 8388.608 s on.
LONG_BINS = 18_000_000  # 9000 s
SECONDS, MILLISECONDS = (8191.999, 8192.0, r"0\.000977"), (8388.0, 8388.608, r"0\.001")
COARSE = {  # form -> (a float32 time still resolved, the first float32 time spaced wider than a bin, that spacing)
    "array-s": (lambda t: _float32([t]), *SECONDS),
    "natspike": (lambda t: natspike.SpikeTrain(_float32([t]), t_stop=9000.0), *SECONDS),
    "neo-s": (lambda t: neo.SpikeTrain(_float32([t], "s"), t_stop=9000 * pq.s), *SECONDS),
    "neo-ms": (lambda t: neo.SpikeTrain(_float32([t * 1e3], "ms"), t_stop=9000 * pq.s), *MILLISECONDS),
    "pint-ms": (lambda t: UREG.Quantity(_float32([t * 1e3]), "ms"), *MILLISECONDS),
}


@pytest.mark.parametrize("form", list(COARSE))
def test_float32_times_spaced_wider_than_a_bin_are_refused_naming_the_time(form):
    make, resolved, coarse, spacing = COARSE[form]
    np.testing.assert_array_equal(_bins_at(make(resolved)), [int(resolved / DT)])
    message = rf"inputs\[0\]: its times are float32, whose spacing at {coarse:g} s \(index 0\) is {spacing} s, wider "
    with pytest.raises(ValueError, match=message + r"than a bin \(dt = 0\.0005 s\).*in float64"):
        _bins_at(make(coarse))


def _bins_at(train) -> np.ndarray:
    return input_events([train], 1, LONG_BINS, DT)[:, 0]


def test_coarse_float32_times_after_the_run_and_float64_times_are_not_refused():
    late = natspike.SpikeTrain(_float32([1.0, 8500.0]), t_stop=9000.0)  # the run ends at 8000 s
    np.testing.assert_array_equal(input_events([late], 1, 16_000_000, DT)[:, 0], [2000])
    np.testing.assert_array_equal(_bins_at(np.array([8500.0])), [17_000_000])


def test_coarse_float32_times_in_a_pair_and_a_replayed_teacher_are_refused():
    times = _float32([1.0, 8200.0])
    with pytest.raises(ValueError, match=r"inputs times: its times are float32, whose spacing at 8200 s \(index 1\)"):
        input_events((np.array([0, 0]), times), 1, LONG_BINS, DT)
    teacher = neo.SpikeTrain(pq.Quantity(times, "s", dtype=np.float32), t_stop=9000 * pq.s)
    with pytest.raises(ValueError, match=r"teacher: its times are float32, whose spacing at 8200 s \(index 1\)"):
        natspike.train("natural", np.full(2, 0.01), np.full(2, 10.0), teacher=teacher, duration=9000.0, eta=1e-4)
