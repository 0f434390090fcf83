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


def _go_defaults() -> dict:
    """Every default Go states: a trial's parameters, the kernel's and (first family's) transfer parameters."""
    go = dict(_describe.defaults())
    go.update({k: p["default"] for k, p in _describe.kernel().items()})
    for family in _describe.transfers().values():
        for k, p in family.items():
            go.setdefault(k, p["default"])
    return go


def _public_functions() -> dict:
    import inspect

    from natspike import experiments

    out = {}
    for name in natspike.__all__:
        obj = getattr(natspike, name)
        if inspect.isclass(obj):
            out.update({f"{name}.{m}": f for m, f in vars(obj).items() if inspect.isfunction(f) and m[0] != "_"})
            out[f"{name}.__init__"] = obj.__init__
        elif callable(obj):
            out[name] = obj
    out.update({f"experiments.{n}": getattr(experiments, n) for n in experiments.__all__})
    return {k: f for k, f in out.items() if callable(f) and not inspect.isclass(f)}


#: Literal defaults that differ from Go's on purpose: a figure's own protocol, or resume's "as the result had"
#: (documented in their docstrings).
_FIGURE_CHOICES = {
    ("experiments.figure3bc", "lr_convention"): "authors",
    ("experiments.figure3de", "lr_convention"): "authors",
    ("experiments.figure3de", "record_every"): 100.0,
    ("experiments.figure3f", "record_every"): 100.0,
    ("experiments.figure5", "record_every"): 0.01,
    ("experiments.figure7", "coefficient_refresh"): None,
    ("experiments.figure7_examples", "coefficient_refresh"): None,
    ("experiments.figure7_examples", "record_every"): 0.5,
    ("experiments.figure9", "record_every"): 100.0,
    ("experiments.figure12_curves", "record_every"): 100.0,
    ("resume", "record_spikes"): None,  # None: as the result being continued recorded (resume's docstring)
    ("resume", "keep_state"): True,  # a continuation can be continued again
}


def test_every_public_signature_restating_a_go_default_restates_it_exactly():
    """train, run_trials, sweep, Neuron, the science functions and every experiment: a literal default of a
    parameter Go describes is Go's default, or one of the figures' documented choices."""
    import inspect

    go, seen = _go_defaults(), set()
    for fname, f in _public_functions().items():
        for p in inspect.signature(f).parameters.values():
            if p.name not in go or p.default is inspect.Parameter.empty:
                continue
            seen.add(fname)
            if type(p.default).__name__ == "_Default":  # Neuron's transfer parameters: the transfer's own default
                continue
            want = _FIGURE_CHOICES.get((fname, p.name), go[p.name])
            assert (p.default == want and type(p.default) is type(want)) or p.default == want, (fname, p.name)
    assert {"train", "Neuron.__init__", "update_direction", "experiments.figure3f"} <= seen


def test_neuron_docstring_defaults_are_go_s():
    import re

    go = _go_defaults()
    stated = dict(re.findall(r"^    (\w+) : float, default ([\d.e-]+)", natspike.Neuron.__doc__, re.M))
    assert set(stated) == {"phi_max", "beta", "theta", "tau_m", "tau_s", "dt", "eps0", "scale"}
    for name, text in stated.items():
        assert float(text) == go[name] or (name == "scale" and float(text) == 0.25), name
    assert _describe.transfers()["rectified_quadratic"]["scale"]["default"] == 0.25


def test_the_longest_run_is_goes():
    assert _checks.MAX_BINS == _describe.description()["max_bins"]
