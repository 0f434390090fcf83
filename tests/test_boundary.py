"""The Go–Python boundary: one description of a run, served by Go.

Parameters, defaults, ranges, outputs and status codes are stated once in Go
(internal/config, core/learn, capi) and read by Python; these tests pin what
must stay in step and prove that a run's recorded parameters reproduce it.
"""

import inspect
import json
import re
import subprocess
import sys
import textwrap

import natspike
import numpy as np
import pytest
from natspike import _describe, _native

N = 8
RATES = np.r_[np.full(N // 2, 10.0), np.full(N - N // 2, 40.0)]
W0 = np.linspace(-0.05, 0.05, N)
DT = natspike.Neuron().dt
WSTAR = np.linspace(0.04, -0.03, N)


def _same(a, b):
    assert sorted(a.arrays) == sorted(b.arrays)
    for name in a.arrays:
        np.testing.assert_array_equal(a.arrays[name], b.arrays[name], err_msg=name)
    assert a.seed == b.seed


@pytest.mark.parametrize(
    "options",
    [
        dict(teacher=WSTAR, record_every=0.25),
        dict(teacher=20.0, record_every=0.1, attenuation=np.linspace(0.3, 1.0, N), trace_every=0.005),
        dict(teacher=15.0, coefficient_refresh="frozen", rule="approximate", neuron=natspike.Neuron(theta=12.0)),
        dict(teacher=WSTAR, input_pool_size=3, input_pool_interval=0.1, event_driven=False),
        dict(teacher=natspike.SpikeTrain.from_bins(np.tile(np.array([0, 1, 0, 0], np.uint8), 500), dt=DT)),
        dict(teacher=WSTAR, inputs=[np.arange(k, 2000, 13 + k) * DT for k in range(N)], rates=None),
        dict(teacher=WSTAR, inputs=(np.arange(2000 * N).reshape(2000, N) % 13 == 0), record_every=0.5),
    ],
)
def test_train_params_reproduce_the_result_bit_for_bit(options, tmp_path):
    options = dict(options)
    rule = options.pop("rule", "natural")
    rates = options.pop("rates", RATES)
    res = natspike.train(rule, W0, rates, duration=1.0, eta=2e-3, seed=5, **options)
    _same(natspike.train(**res.params), res)
    res.save(tmp_path / "r.npz")
    _same(natspike.train(**natspike.load(tmp_path / "r.npz").params), res)


def test_params_are_the_call_in_the_api_units():
    res = natspike.train("natural", W0, RATES, teacher=20.0, duration=1.0, eta=1e-3, record_every=0.25, seed=1)
    p = res.params
    assert p["record_every"] == 0.25 and p["duration"] == 1.0 and p["teacher"] == 20.0
    assert p["trace_every"] is None and p["coefficient_refresh"] == 1 and p["weights"] == W0.tolist()
    assert list(p)[:6] == ["rule", "weights", "rates", "teacher", "duration", "eta"]
    assert res.times.tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]


@pytest.mark.parametrize(
    "options",
    [
        dict(teacher=lambda rng: rng.uniform(-0.05, 0.05, N), record_every=0.25),
        dict(teacher=20.0, attenuation=np.linspace(0.3, 1.0, N), record_every=0.1, input_pool_size=2),
    ],
)
def test_run_trials_params_reproduce_the_result_bit_for_bit(options):
    res = natspike.run_trials(
        "natural", lambda rng: rng.uniform(-0.05, 0.05, N), RATES, n_trials=3, duration=0.5, eta=1e-3, seed=4, **options
    )
    again = natspike.run_trials(**res.params)
    _same(again, res)
    assert np.array(res.params["weights"]).shape == (3, N) and res.params["n_trials"] == 3


def test_times_that_are_not_whole_bins_are_refused_naming_the_parameter():
    kw = dict(teacher=WSTAR, duration=0.1, eta=1e-3)
    for name in ("record_every", "trace_every", "duration"):
        with pytest.raises(ValueError, match=rf"{name} must be a whole number of bins of dt = 0.0005 s, got 0.01025 s"):
            natspike.train("natural", W0, RATES, **{**kw, name: 0.01025})
    assert natspike.train("natural", W0, RATES, **{**kw, "record_every": 0.01}).times.size == 11


def test_test_bins_bound_is_go_s_and_one_for_train_and_run_trials():
    bound = _describe.params()["test_bins"]["max"]
    assert bound == 2**24
    kw = dict(teacher=WSTAR, duration=0.001, eta=1e-3, test_samples=1)
    assert natspike.train("natural", W0[:1], RATES[:1], teacher=WSTAR[:1], duration=0.001, eta=1e-3,
                          test_samples=1, test_bins=2**21).kl.shape == (2,)  # fmt: skip
    for run in (
        lambda tb: natspike.train("natural", W0, RATES, test_bins=tb, **kw),
        lambda tb: natspike.run_trials("natural", W0, RATES, n_trials=1, seed=1, test_bins=tb, **kw),
    ):
        with pytest.raises(ValueError, match=r"test_bins must be in \[1, 16777216\], got 16777217"):
            run(bound + 1)


def test_status_codes_python_maps_are_the_ones_go_serves():
    """tests/test_status_codes.py pins status.go, the header and ERRORS; here: the codes Go
    serves through gopy (from which ERRORS is built) are the header's enum."""
    enum = {name: int(code) for name, code in re.findall(r"\b(NS_[A-Z]+)\s*=\s*(\d+)", _native.HEADER.read_text())}
    assert enum == _describe.statuses()
    assert set(_native.EXCEPTIONS) == set(enum) - {"NS_OK"}


def test_public_defaults_are_go_s_defaults():
    """The signatures show the defaults to readers; Go's description is where they live."""
    go = _describe.defaults()
    sig = inspect.signature(natspike.train).parameters
    described = [name for name in sig if name in go]
    assert set(described) == set(go)
    for name in described:
        assert sig[name].default == go[name], name
    for name, p in _describe.params().items():
        if p["required"]:
            assert name in ("rule", "duration", "eta") and sig[name].default is inspect.Parameter.empty


def test_result_fields_store_arrays_and_xarray_variables_come_from_the_description():
    res = natspike.train(
        "natural",
        W0,
        RATES,
        teacher=WSTAR,
        duration=0.1,
        eta=1e-3,
        trace_every=0.01,
        seed=2,
        record_spikes=True,
        keep_state=True,
    )
    described = _describe.outputs()
    assert set(res.arrays) == {n for n, o in described.items() if o["origin"] != "run"}
    ds = res.to_xarray()
    assert ds["voltage"].dims == ("trace_time",) and ds["voltage"].attrs["units"] == "mV"
    np.testing.assert_allclose(ds["trace_time"].values, 0.01 * np.arange(10))
    assert ds["rate_error"].attrs["units"] == "Hz" and ds["weights"].dims == ("time", "synapse")
    assert (
        "DivergenceError" in natspike.train.__doc__
        and "RuntimeError\n        If learning" not in natspike.train.__doc__
    )


_TOY = textwrap.dedent(
    """
    import json, sys
    import numpy as np, natspike
    from natspike import _describe

    _describe.register_debug_output()
    rates, w0 = np.full(4, 20.0), np.full(4, 0.01)
    spikes = (np.arange(400) % 7 == 0).astype(np.uint8)
    teacher = natspike.SpikeTrain.from_bins(spikes, dt=natspike.Neuron().dt)
    one = natspike.train("natural", w0, rates, teacher=teacher, duration=0.1, eta=1e-3, seed=1)
    many = natspike.run_trials("natural", w0, rates, teacher=40.0, n_trials=3, duration=0.5, eta=1e-3, seed=1,
                               store=sys.argv[1])
    again = natspike.run_trials("natural", w0, rates, teacher=40.0, n_trials=3, duration=0.5, eta=1e-3, seed=1,
                                store=sys.argv[1])
    ds = many.to_xarray()
    print(json.dumps({
        "one": one.debug_teacher_spikes.tolist(), "replayed": int(spikes[:200].sum()),
        "many": many.debug_teacher_spikes.tolist(), "dims": list(ds["debug_teacher_spikes"].dims),
        "loaded": again.debug_teacher_spikes.tolist(),
    }))
    """
)


def test_an_output_registered_in_one_go_place_reaches_result_xarray_and_store(tmp_path):
    """bindings/debug_output.go registers a per-bin output (the teacher's spike
    count); with no other change it is in Result, to_xarray and the store."""
    store = tmp_path / "store"
    out = subprocess.run([sys.executable, "-c", _TOY, str(store)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["one"] == got["replayed"] == 29  # bins 0, 7, …, 196 of the replayed train
    # Poisson teacher at 40 Hz for 0.5 s: 20 spikes expected per trial; 6 sigma is about 27.
    assert len(got["many"]) == 3 and all(0 < c < 47 for c in got["many"]) and len(set(got["many"])) > 1
    assert got["dims"] == ["trial"] and got["loaded"] == got["many"]
    shards = sorted((store / "shards").glob("*.npz"))
    assert shards and all("debug_teacher_spikes" in np.load(s).files for s in shards)
