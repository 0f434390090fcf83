"""A transfer function registered in one Go place reaches Python whole.

bindings/debug_transfer.go registers a test-only softplus,
phi(V) = kappa log(1 + exp(V - theta)), whose parameter ``kappa`` no other
transfer has. With no other change it is described (defaults, ranges,
units), validated, evaluated, used by train and run_trials and refused where
it does not apply. The hook cannot be undone, so it runs in a subprocess.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import natspike
import numpy as np
import pytest
from natspike import _describe, _units

_TOY = textwrap.dedent(
    """
    import json
    import numpy as np, natspike
    from natspike import _describe

    _describe.register_debug_transfer()
    n = natspike.Neuron(transfer="debug_softplus", kappa=3.0, theta=5.0)
    v = np.linspace(-30.0, 40.0, 15)
    errors = {}
    for name, call in {
        "foreign": lambda: natspike.Neuron(transfer="debug_softplus", beta=0.3),
        "kappa_on_sigmoid": lambda: natspike.Neuron(kappa=1.0),
        "kappa_zero": lambda: natspike.Neuron(transfer="debug_softplus", kappa=0.0),
        "kappa_inf": lambda: natspike.Neuron(transfer="debug_softplus", kappa=float("inf")),
        "kappa_str": lambda: natspike.Neuron(transfer="debug_softplus", kappa="3"),
        "unknown": lambda: natspike.Neuron(transfer="debug_softplus", kapa=3.0),
    }.items():
        try:
            call()
        except Exception as e:
            errors[name] = [type(e).__name__, str(e)]
    rates, w0, w_star = np.full(4, 20.0), np.full(4, 0.2), np.array([0.6, 0.4, 0.2, 0.1])
    kw = dict(teacher=w_star, duration=2.0, eta=1e-3, seed=3, neuron=n, record_every=0.5)
    one = natspike.train("natural", w0, rates, **kw)
    again = natspike.train(**one.params)
    many = natspike.run_trials("euclidean", w0, rates, n_trials=2, **kw)
    c = natspike.coefficients(2.0, 9.0, 50.0, neuron=n)
    print(json.dumps({
        "v": v.tolist(), **{q: getattr(n, q)(v).tolist() for q in ("phi", "dphi", "score_factor", "fisher_density")},
        "default": natspike.Neuron(transfer="debug_softplus").to_dict(), "kappa": n.kappa, "beta": n.beta,
        "json": n.to_json(), "from_json": natspike.Neuron.from_json(n.to_json()) == n,
        "params": natspike.Neuron.TRANSFER_PARAMETERS["debug_softplus"], "errors": errors,
        "described": _describe.transfers()["debug_softplus"],
        "w": one.weights.tolist(), "w_again": again.weights.tolist(), "many": many.weights.tolist(),
        "I1": float(c.I1),
    }))
    """
)


@pytest.fixture(scope="module")
def toy():
    out = subprocess.run([sys.executable, "-c", _TOY], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _softplus(z):
    return np.logaddexp(0.0, z)


def test_the_toy_transfer_evaluates_its_closed_form(toy):
    v = np.array(toy["v"])
    z = v - 5.0
    sig = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(toy["phi"], 3.0 * _softplus(z), rtol=1e-14)
    np.testing.assert_allclose(toy["dphi"], 3.0 * sig, rtol=1e-14)
    np.testing.assert_allclose(toy["score_factor"], sig / _softplus(z), rtol=1e-13)
    np.testing.assert_allclose(toy["fisher_density"], 3.0 * sig**2 / _softplus(z), rtol=1e-13)


def test_its_parameters_defaults_ranges_and_units_come_from_go(toy):
    assert toy["params"] == ["kappa", "theta"] and toy["kappa"] == 3.0 and toy["beta"] is None
    assert toy["default"] == {
        "transfer": "debug_softplus", "kappa": 20.0, "theta": 10.0,
        **{k: p["default"] for k, p in _describe.kernel().items()},
    }  # fmt: skip
    kappa = toy["described"]["kappa"]
    assert (kappa["unit"], kappa["min"], kappa["min_open"], kappa["default"]) == ("Hz", 0, True, 20)
    assert json.loads(toy["json"])["kappa"] == 3.0 and toy["from_json"]


def test_foreign_unknown_and_out_of_range_parameters_are_refused_by_name(toy):
    e = toy["errors"]
    assert e["foreign"] == [
        "ValueError",
        "beta does not apply to transfer 'debug_softplus', whose parameters are kappa, theta "
        "(besides the kernel's tau_m, tau_s, dt, eps0)",
    ]
    assert e["kappa_on_sigmoid"][0] == "ValueError"
    assert (
        "kappa does not apply to transfer 'sigmoid', whose parameters are phi_max, beta, theta"
        in e["kappa_on_sigmoid"][1]
    )
    assert e["kappa_zero"] == ["ValueError", "kappa must be finite and > 0, got 0"]
    assert e["kappa_inf"] == ["ValueError", "kappa must be finite and > 0, got inf"]
    assert e["kappa_str"] == ["TypeError", "kappa must be a real number, got str"]
    assert e["unknown"][0] == "TypeError" and "'kapa'" in e["unknown"][1] and "kappa, theta" in e["unknown"][1]


def test_train_and_run_trials_learn_with_it(toy):
    w, many = np.array(toy["w"]), np.array(toy["many"])
    assert w.shape == (5, 4) and np.isfinite(w).all() and np.isfinite(many).all() and many.shape == (2, 5, 4)
    assert not np.array_equal(w[0], w[-1]) and toy["w_again"] == toy["w"]  # train(**result.params) reproduces
    # The Fisher engine's generic quadrature: I1 = E[phi'^2/phi] over V ~ N(2, 9), by Gauss-Hermite.
    x, wt = np.polynomial.hermite_e.hermegauss(200)
    z = 2.0 + 3.0 * x - 5.0
    ref = np.sum(wt * 3.0 / (1 + np.exp(-z)) ** 2 / _softplus(z)) / np.sqrt(2 * np.pi)
    assert toy["I1"] == pytest.approx(ref, rel=1e-7)


def test_the_papers_transfers_keep_their_parameters_and_numbers():
    assert natspike.Neuron().to_json() == (
        '{"beta":0.3,"dt":0.0005,"eps0":1,"phi_max":100,"tau_m":0.01,"tau_s":0.003,"theta":10,"transfer":"sigmoid"}'
    )
    assert float(natspike.Neuron().phi(12.0)) == pytest.approx(100 / (1 + np.exp(-0.3 * 2.0)), rel=1e-15)
    q = natspike.Neuron(transfer="rectified_quadratic", scale=0.5)
    assert json.loads(q.to_json()).keys() == {"transfer", "scale", "theta", "tau_m", "tau_s", "dt", "eps0"}


def test_pythons_unit_table_agrees_with_the_units_go_declares():
    described = {**_describe.kernel(), **{k: p for f in _describe.transfers().values() for k, p in f.items()}}
    for name, p in described.items():
        assert _units.dimension_of(p["unit"]) == _units.PARAMETERS.get(name, _units.dimension_of(p["unit"])), name
    with pytest.raises(ValueError, match="no dimension for the unit 'furlong'"):
        _units.dimension_of("furlong")
