"""natspike.run_configurations: several configurations of the same trials, inputs and teacher drawn once, each
configuration bit for bit its run_trials alone, stored under run_trials' key, and only missing trials computed."""

import os
import re
import subprocess
import sys

import natspike
import numpy as np
import pytest
from natspike import _describe
from natspike._store import RunLibrary

N = 6
R = np.r_[np.full(3, 10.0), np.full(3, 50.0)]
DRAW = lambda rng: rng.uniform(-0.1, 0.1, N)
SHARED = dict(duration=0.2, record_every=0.05, test_samples=5, test_bins=50)
CONFIGS = [
    {"rule": "natural", "eta": 2e-3},
    {"rule": "natural", "eta": 1e-3, "exact": True},
    {"rule": "euclidean", "eta": 1e-4, "event_driven": False},
    {"rule": "approximate", "eta": 1.5e-3, "coefficient_tolerance": 1e-6, "c_u": 0.9},
    {"rule": "natural", "eta": 2e-3, "coefficient_refresh": "frozen", "lr_convention": "authors"},
]


def _alone(config, store=None, teacher=DRAW, rates=R, **kw):
    opts = {**SHARED, **kw, **config}
    return natspike.run_trials(opts.pop("rule"), DRAW, rates, teacher=teacher, n_trials=3, seed=9, store=store, **opts)


def _shared(configs, store=None, teacher=DRAW, rates=R, **kw):
    return natspike.run_configurations(
        configs, DRAW, rates, teacher=teacher, n_trials=3, seed=9, store=store, **SHARED, **kw
    )


def _assert_same(a, b):
    assert a.arrays.keys() == b.arrays.keys()
    for name, x in a.arrays.items():
        np.testing.assert_array_equal(x, b.arrays[name], err_msg=name, strict=True)
    assert a.params == b.params


@pytest.mark.parametrize(
    "teacher, rates",
    [(DRAW, R), (25.0, R), (DRAW, natspike.RateSchedule([0.0, 0.1], np.stack([R, R[::-1]])))],
    ids=["realizable", "poisson", "schedule"],
)
def test_each_configuration_equals_its_run_trials_alone(teacher, rates):
    """Every output (weights, metrics, completed, initial and target weights) and the recorded parameters."""
    shared = _shared(CONFIGS, teacher=teacher, rates=rates, workers=2)
    assert len(shared) == len(CONFIGS)
    for config, result in zip(CONFIGS, shared):
        _assert_same(result, _alone(config, teacher=teacher, rates=rates))
    assert not np.array_equal(shared[0].weights, shared[2].weights)  # the configurations did differ


def test_a_configuration_given_twice_runs_once_and_the_order_is_kept():
    a, b, c = _shared([CONFIGS[2], CONFIGS[0], CONFIGS[2]])
    assert a is c
    _assert_same(b, _alone(CONFIGS[0]))


def test_the_store_holds_each_configuration_under_its_run_trials_key(tmp_path):
    """A configuration stored by run_trials is read, not run; the others are computed and then read by
    run_trials alone; a lost shard is the only trial computed again."""
    library = RunLibrary(tmp_path / "lib")
    _alone(CONFIGS[0], store=library)
    assert library.counts() == {"loaded": 0, "computed": 3}
    shared = _shared(CONFIGS[:3], store=library)
    assert library.counts() == {"loaded": 3, "computed": 9}
    assert len(os.listdir(tmp_path / "lib" / "runs")) == 3
    for config, result in zip(CONFIGS[:3], shared):
        again = _alone(config, store=library)
        _assert_same(again, result)
        _assert_same(again, _alone(config))
    assert library.counts() == {"loaded": 12, "computed": 9}
    shards = sorted((tmp_path / "lib" / "runs").glob("*/shards/*-t000000002-n000001.npz"))
    assert len(shards) == 3
    shards[1].unlink()
    library = RunLibrary(tmp_path / "lib")
    again = _shared(CONFIGS[:3], store=library)
    assert library.counts() == {"loaded": 8, "computed": 1}
    for a, b in zip(again, shared):
        _assert_same(a, b)
    for a, b in zip(_shared(CONFIGS[:3], store=tmp_path / "lib"), shared):  # a path is a library too
        _assert_same(a, b)
    assert len(os.listdir(tmp_path / "lib" / "runs")) == 3


@pytest.mark.parametrize(
    "configs, kw, error, match",
    [
        ([{"rule": "natural", "eta": 1e-3, "duration": 0.1}], {}, ValueError, "configurations.0. sets duration"),
        ([{"eta": 1e-3}], {}, TypeError, "no rule"),
        ({"rule": "natural"}, {}, TypeError, "configurations must be a non-empty sequence"),
        ([], {}, TypeError, "configurations must be a non-empty sequence"),
        (["natural"], {}, TypeError, r"configurations\[0\] must be a dict"),
        ([{"rule": "natural", "eta": 1e-3}], {"client": object()}, TypeError, "client"),
        ([{"rule": "natural", "eta": 1e-3}], {"trace_every": 0.01}, ValueError, "trace_every"),
        ([{"rule": "natural", "eta": -1.0}], {}, ValueError, "eta"),
    ],
)
def test_bad_configurations_name_the_parameter(configs, kw, error, match):
    with pytest.raises(error, match=match):
        _shared(configs, **kw)


def test_a_layer_is_refused_naming_neurons():
    w = lambda rng: rng.uniform(-0.1, 0.1, (2, N))
    with pytest.raises(ValueError, match="neurons"):
        natspike.run_configurations([{"rule": "natural", "eta": 1e-3}], w, R, teacher=w, n_trials=2, seed=1,
                                    neurons=2, **SHARED)  # fmt: skip


def test_the_documented_keys_are_gos_shared_keys():
    """The docstring's list of what a configuration may set is Go's config.SharedKeys."""
    doc = natspike.run_configurations.__doc__
    listed = re.findall(r"``(\w+)``", doc[doc.index("may set only") : doc.index("(everything else")])
    assert tuple(listed) == _describe.shared_keys()


CONFIGURATIONS_PEAK = """
import sys, numpy as np, natspike
def status(key):  # this process's own memory (VmRSS, VmHWM), in bytes
    line = [s for s in open("/proc/self/status") if s.startswith(key)][0]
    return int(line.split()[1]) * 1024
n, confs = 1000, [{"rule": "natural", "eta": e} for e in (1e-3, 2e-3, 3e-3, 4e-3)]
natspike.run_configurations(confs[:1], np.full(n, 1e-3), np.full(n, 5.0), n_trials=1, seed=1, teacher=20.0,
                            duration=0.01, eta=1e-3)  # the library loaded and warm
base = status("VmRSS")
res = natspike.run_configurations(confs, np.full(n, 1e-3), np.full(n, 5.0), n_trials=4, seed=1, teacher=20.0,
                                  duration=1.0, record_every=0.0005, workers=2)
print(status("VmHWM") - base, sum(r.weights.nbytes for r in res))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/self/status")
def test_run_configurations_without_a_store_holds_its_results_once():
    # 4 configurations x 4 trials x 2001 records x 1000 weights = 244 MiB of results. Go writes them straight into
    # the arrays the Results hold; the run stacked them in a buffer of its own and copied them out, a peak of 2.02x
    # (the memory check counts them once).
    out = subprocess.run([sys.executable, "-c", CONFIGURATIONS_PEAK], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    peak, results = (int(x) for x in out.stdout.split())
    assert peak < 1.25 * results, (
        f"peak {peak / 2**20:.0f} MiB above the start for {results / 2**20:.0f} MiB of results"
    )
