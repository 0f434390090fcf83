"""The standing adversarial suite: Hypothesis puts a value that no numeric
parameter may accept — NaN, ±inf, a bool, a Python int beyond float, a
complex number, a string, None, a masked array, a list containing True, a
quantity in an unrelated unit — into one numeric parameter of every public
function and every experiment, the others staying valid and small. Each call
must raise TypeError, ValueError or MemoryError (or a subclass) whose message
names that parameter, at once: never a crash, a hang, a NaN result or a
silent acceptance. `make test` runs a fixed, derandomized set of examples;
`make soak` (NATSPIKE_HYPOTHESIS_EXAMPLES=2000) random ones. With -s the
outcomes are tallied at the end (the README's reliability table)."""

import collections
import os

import natspike
import natspike.experiments as ex
import numpy as np
import pint
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

W = np.array([0.02, -0.01, 0.015, 0.005])
R = np.array([10.0, 50.0, 20.0, 5.0])
X = np.ones((3, 4))
SMALL = dict(teacher=W[::-1].copy(), duration=0.01, eta=1e-3, seed=1, test_samples=2, test_bins=20)
UNITS = pint.UnitRegistry()

# Every value here is wrong for every numeric parameter (scalar or array), by name.
BAD_VALUES = {
    "nan": float("nan"),
    "inf": float("inf"),
    "-inf": -float("inf"),
    "True": True,
    "False": False,
    "complex": 1 + 1j,
    "str": "1.0",
    "word": "fast",
    "masked": np.ma.masked_array([0.01, 0.02, 0.03, 0.04], [0, 1, 0, 0]),
    "listTrue": [0.01, True, 0.02, 0.03],
    "listnan": [0.01, float("nan"), 0.02, 0.03],
    "arrinf": np.array([1.0, np.inf, 2.0, 3.0]),
    "strarr": np.array(["a", "b", "c", "d"]),
    "meter": 3.0 * UNITS.meter,
}
BAD = st.one_of(
    st.sampled_from(sorted(BAD_VALUES)).map(lambda k: (k, BAD_VALUES[k])),
    st.integers(10**309, 10**400).flatmap(lambda k: st.sampled_from([("huge", k), ("-huge", -k)])),
)

# target: (call taking the keyword arguments, valid small arguments, the numeric parameters to spoil)
TARGETS = {
    "coefficients": (natspike.coefficients, dict(mean=0.0, var=1.0, q=78.0), ("mean", "var", "q")),
    "fisher_matrix": (lambda **k: natspike.fisher_matrix(**k), dict(weights=W, rates=R), ("weights", "rates")),
    "fisher_matrix_mc": (
        lambda **k: natspike.fisher_matrix(method="monte_carlo", **k),
        dict(weights=W, rates=R, samples=16, seed=1),
        ("weights", "rates", "samples", "seed"),
    ),
    "inverse_fisher_matrix": (natspike.inverse_fisher_matrix, dict(weights=W, rates=R), ("weights", "rates")),
    "voltage_statistics": (natspike.voltage_statistics, dict(weights=W, rates=R), ("weights", "rates")),
    "sample_usps": (
        natspike.sample_usps,
        dict(rates=R, samples=2, bins=20, seed=1),
        ("rates", "samples", "bins", "seed"),
    ),
    "usp_traces": (natspike.usp_traces, dict(spikes=np.zeros((5, 4))), ("spikes",)),
    "update_direction": (
        lambda **k: natspike.update_direction("natural", **k),
        dict(weights=W, usps=X, rates=R, c_u=0.95, c_w=0.05),
        ("weights", "usps", "rates", "c_u", "c_w"),
    ),
    "rule_factors": (
        lambda **k: natspike.rule_factors("approximate", **k),
        dict(weights=W, usps=X, rates=R, c_u=0.95, c_w=0.05),
        ("weights", "usps", "rates", "c_u", "c_w"),
    ),
    "Neuron": (
        natspike.Neuron,
        dict(),
        ("phi_max", "beta", "theta", "tau_m", "tau_s", "dt", "eps0"),
    ),
    "Neuron.phi": (lambda **k: natspike.Neuron().phi(**k), dict(v=1.0), ("v",)),
    "train": (
        lambda **k: natspike.train("natural", **k),
        dict(weights=W, rates=R, **SMALL),
        (
            "weights",
            "rates",
            "teacher",
            "duration",
            "eta",
            "seed",
            "record_every",
            "c_u",
            "c_w",
            "silent_rate",
            "trace_every",
            "test_samples",
            "test_bins",
            "coefficient_refresh",
            "coefficient_tolerance",
            "input_pool_size",
            "input_pool_interval",
            "input_pool_stream",
        ),
    ),
    "run_trials": (
        lambda **k: natspike.run_trials("natural", **k),
        dict(weights=W, rates=R, n_trials=2, workers=1, **SMALL),
        ("weights", "rates", "teacher", "n_trials", "workers", "chunk_size", "duration", "eta", "seed"),
    ),
    "sweep": (
        lambda **k: natspike.sweep({"eta": [1e-3, 2e-3]}, rule="natural", **k),
        dict(
            weights=W, rates=R, teacher=W[::-1].copy(), duration=0.01, seed=1, n_trials=1, test_samples=2, test_bins=20
        ),
        ("weights", "rates", "teacher", "duration", "seed", "n_trials", "test_samples"),
    ),
    "sweep_axis": (
        lambda eta: natspike.sweep(
            {"eta": [1e-3, eta]}, rule="natural", weights=W, rates=R, teacher=0.0, duration=0.01, seed=1
        ),
        dict(eta=2e-3),
        ("eta",),
    ),
    "time_to_threshold": (
        lambda threshold: natspike.time_to_threshold(TRAINED, threshold),
        dict(threshold=1e-3),
        ("threshold",),
    ),
    "crossing_times": (
        ex.crossing_times,
        dict(kl=np.array([1.0, 1e-6]), time=np.array([0.0, 1.0]), threshold=1e-4),
        ("kl", "time", "threshold"),
    ),
}

# The experiments: tiny but valid sizes; every numeric argument is spoiled in turn.
EXPERIMENTS = {
    "figure3bc": dict(duration_minutes=1e-3, repetitions=2, n=4),
    "figure3de": dict(n_trials=1, duration_minutes=1e-3, samples=4),
    "figure3f": dict(n_trials=1, duration_minutes=1e-3, n=4),
    "figure4": dict(duration=0.01),
    "figure5": dict(n_trials=1, duration=0.01),
    "figure7": dict(grid=2, n_trials=1, duration=0.01),
    "figure7_examples": dict(n_trials=1, duration=0.01),
    "figure9": dict(n_trials=1, duration_minutes=1e-3, n=4),
    "figure10": dict(samples=2, n=4),
    "figure11": dict(samples=2, usp_samples=2, n=4, sizes=(4,)),
    "figure12_angles": dict(n_trials=1, usp_samples=2, n=4, bins=1000),
    "figure12_curves": dict(n_trials=1, duration_minutes=1e-3, n=4),
}
NOT_NUMERIC = {
    "full",
    "full_curves",
    "fast",
    "progress",
    "protocol",
    "replay_authors_stream",
    "lr_convention",
    "rules",
    "neuron",
    "client",
    "workers",
    "input_pool_size",
    "coefficient_refresh",
    "eta",
    "patterns",
    "rates",
    "sizes",
    "inverse_attenuation",
    "tau_s_values",
    "rate_values",
    "eta_factors",
    "curve_vars",
    "span",
    "values",
}


def _experiment_params(name):
    import inspect

    return tuple(p for p in inspect.signature(getattr(ex, name)).parameters if p not in NOT_NUMERIC)


for _name, _base in EXPERIMENTS.items():
    TARGETS["ex." + _name] = (getattr(ex, _name), _base, _experiment_params(_name))

TRAINED = natspike.train("natural", W, R, **SMALL)
TALLY = collections.Counter()
PROPERTY = settings(
    max_examples=int(os.environ.get("NATSPIKE_HYPOTHESIS_EXAMPLES", 6)),
    derandomize="NATSPIKE_HYPOTHESIS_EXAMPLES" not in os.environ,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
CLEAR = (TypeError, ValueError, MemoryError)


# Dataset variables whose NaN is documented: "never crossed" (figures 3f, 9, 12), "no zero crossing" (figure 7),
# "after the pass the run crossed in" (figure 9's early stop).
DOCUMENTED_NAN = {"crossing_time", "convergence_time", "zero_error_line", "kl_sweep"}


def _finite(result) -> bool:
    """Whether every float in a result (array, dict, Result, Dataset, Neuron) is finite."""
    if hasattr(result, "data_vars"):
        return all(_finite(v.values) for k, v in result.data_vars.items() if k not in DOCUMENTED_NAN)
    if hasattr(result, "to_dict") and not isinstance(result, natspike.Neuron):
        return all(_finite(v) for v in result.to_dict().values())
    if isinstance(result, dict):
        return all(_finite(v) for v in result.values())
    a = np.asarray(getattr(result, "kl", result))
    return a.dtype.kind not in "fc" or bool(np.isfinite(a).all())


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_the_valid_baseline_works(target):
    fn, base, _ = TARGETS[target]
    assert _finite(fn(**base))


@pytest.mark.timeout(600)
@pytest.mark.parametrize("target", sorted(TARGETS))
def test_a_spoiled_numeric_parameter_is_refused_naming_it(target):
    fn, base, params = TARGETS[target]

    @PROPERTY
    @given(param=st.sampled_from(params), bad=BAD)
    def spoil(param, bad):
        _, value = bad
        try:
            result = fn(**{**base, param: value})
        except CLEAR as exc:
            TALLY["clear error" if param in str(exc) else "unnamed"] += 1
            assert param in str(exc), f"{target}({param}={value!r}): {type(exc).__name__}: {exc}"
            return
        except BaseException as exc:  # e.g. a bare OverflowError or AttributeError from deep inside
            TALLY["other exception"] += 1
            raise AssertionError(f"{target}({param}={value!r}): {type(exc).__name__}: {exc}") from exc
        TALLY["NaN" if not _finite(result) else "silent"] += 1
        raise AssertionError(f"{target}({param}={value!r}) was accepted")

    spoil()


def test_tally():
    """Printed with -s: the counts of the runs above (tried, clear error, each failure kind)."""
    tried = sum(TALLY.values())
    print(f"\nadversarial: tried {tried}, " + ", ".join(f"{k} {v}" for k, v in sorted(TALLY.items())))
    assert TALLY["clear error"] == tried
