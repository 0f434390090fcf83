"""Each range and each integer check has one home (items of the run-description redesign)."""

from __future__ import annotations

import natspike
import numpy as np
import pytest
from natspike import _checks, _describe

N = 4
_W, _R = np.full(N, 0.2), np.full(N, 20.0)


@pytest.mark.parametrize("call", ["train", "run_trials"])
@pytest.mark.parametrize("bad, index", [(0.0, 2), (1.5, 0), (-0.1, 3)])
def test_the_attenuation_range_is_goes_alone(call, bad, index):
    """Go's neuron.NewDendritic states (0, 1]; Python checks only shape and finiteness."""
    alpha = np.full(N, 0.5)
    alpha[index] = bad
    kw = dict(teacher=20.0, duration=0.01, eta=1e-3, seed=1, attenuation=alpha)
    if call == "run_trials":
        kw["n_trials"] = 2
    with pytest.raises(ValueError) as e:
        getattr(natspike, call)("natural", _W, _R, **kw)
    assert str(e.value) == f"attenuation[{index}] must be in (0, 1], got {bad:g}"
    natspike.train("natural", _W, _R, teacher=20.0, duration=0.01, eta=1e-3, seed=1, attenuation=np.full(N, 1.0))


def _go_message(name, value):
    cfg = {"rule": "natural", "duration": 0.01, "eta": 1e-3, name: value}
    if name.startswith("input_pool_") and name != "input_pool_size":
        cfg["input_pool_size"] = 2
    with pytest.raises(ValueError) as e:
        _describe.plan(cfg, N)
    return str(e.value)


@pytest.mark.parametrize("name", [n for n, p in _describe.params().items() if p["type"] == "int"])
def test_the_integer_check_words_a_range_as_go_does(name):
    """Python's one integer check and Go's description give the same message for the same mistake."""
    p = _describe.params()[name]
    lo, hi = int(p["min"]), int(float(p["max"]))
    hi_open = p["max_open"]
    for bad in (lo - 1, hi if hi_open else hi + 1):
        with pytest.raises(ValueError) as e:
            _checks.integer(bad, name, lo, hi, nullable=p["nullable"], hi_open=hi_open)
        with pytest.raises(ValueError) as checked:
            _describe.check(name, bad)
        assert str(checked.value) == str(e.value)
        if bad < 2**63 and not (bad < 0 and name == "input_pool_stream"):  # beyond what JSON or uint64 carry
            assert str(e.value) == _go_message(name, bad)
    with pytest.raises(TypeError, match=f"^{name} must be an int{' or None' if p['nullable'] else ''}, got float$"):
        _describe.check(name, 1.5)


@pytest.mark.parametrize(
    "bad, error, message",
    [
        (0, ValueError, "n_trials must be in [1, 10000000], got 0"),
        (1.5, TypeError, "n_trials must be an int, got float"),
        (True, TypeError, "n_trials must be an int, got bool"),
        (np.bool_(True), TypeError, "n_trials must be an int, got bool"),
    ],
)
def test_experiments_and_run_trials_refuse_the_same_count_alike(bad, error, message):
    from natspike import experiments

    with pytest.raises(error) as api:
        natspike.run_trials("natural", _W, _R, teacher=20.0, duration=0.01, eta=1e-3, n_trials=bad, seed=1)
    with pytest.raises(error) as fig:
        experiments.figure5(n_trials=bad)
    assert str(api.value) == str(fig.value) == message.replace("bool", type(bad).__name__)


@pytest.mark.parametrize("bad, error", [(-1, ValueError), (2**64, ValueError), (1.0, TypeError)])
def test_seeds_are_checked_alike_by_train_and_the_experiments(bad, error):
    from natspike import experiments

    with pytest.raises(error) as api:
        natspike.train("natural", _W, _R, teacher=20.0, duration=0.01, eta=1e-3, seed=bad)
    with pytest.raises(error) as fig:
        experiments.figure5(seed=bad)
    assert str(api.value) == str(fig.value)
    if error is ValueError:
        assert str(api.value) == f"seed must be in [0, 2**64), got {bad}"


def test_no_module_of_natspike_keeps_its_own_integer_check():
    """Every "must be an int" of the package comes from _checks.integer (or names more than ints, like seeds)."""
    import pathlib
    import re

    root = pathlib.Path(natspike.__file__).parent
    for path in root.rglob("*.py"):
        text = path.read_text()
        for m in re.finditer(r"must be an int\b", text):
            assert path.name in ("_checks.py", "_describe.py", "_seeds.py", "_figure7.py"), (
                f"{path.name}: {text[m.start() - 80 : m.end()]}"
            )
