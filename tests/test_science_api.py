"""The public functions that carry the paper's equations (one home per equation), against the independent
NumPy reference (tests/reference) and closed forms: the transfer functions and their derived quantities
(Eqns 10, 24, 67, 116), the USP filter (Eqn 28) and the rules' update directions (Eqns 10, 38, 114)."""

import natspike
import numpy as np
import pytest
import reference as ref
from natspike import _neuron

D = ref.DEFAULTS
SIG = dict(phi_max=D["phi_max"], beta=D["beta"], theta=D["theta"])
V = np.linspace(-60.0, 80.0, 280).reshape(7, 40)


@pytest.mark.parametrize(
    "method, reference",
    [
        ("phi", lambda v: ref.phi(v, **SIG)),
        ("dphi", lambda v: ref.phi_prime(v, **SIG)),
        ("score_factor", lambda v: ref.phi_prime_over_phi(v, **SIG)),
        ("fisher_density", lambda v: ref.phi_prime_sq_over_phi(v, **SIG)),
        ("log_phi", lambda v: ref.log_phi(v, **SIG)),
    ],
)
def test_sigmoid_quantities_match_the_reference(method, reference):
    got = getattr(natspike.Neuron(), method)(V)
    assert got.shape == V.shape
    np.testing.assert_allclose(got, reference(V), rtol=1e-13, atol=1e-300)


def test_rectified_quadratic_quantities_are_its_own_closed_forms():
    n = natspike.Neuron(transfer="rectified_quadratic", scale=0.5, theta=-3.0)
    d = np.clip(V + 3.0, 0, None)
    above = V > -3.0
    np.testing.assert_allclose(n.phi(V), 0.5 * d**2, rtol=1e-15)
    np.testing.assert_allclose(n.dphi(V), d, rtol=1e-15)
    np.testing.assert_allclose(n.score_factor(V), np.where(above, 2 / np.where(above, d, 1), 0), rtol=1e-15)
    np.testing.assert_allclose(n.fisher_density(V), np.where(above, 2.0, 0.0), rtol=1e-15)
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(n.log_phi(V), np.log(0.5 * d**2), rtol=1e-14)


def test_transfer_methods_take_scalars_and_refuse_bad_potentials():
    assert natspike.Neuron().phi(10) == 50.0 and np.ndim(natspike.Neuron().phi(10.0)) == 0
    with pytest.raises(ValueError, match="v must be finite"):
        natspike.Neuron().phi([0.0, np.nan])
    with pytest.raises(TypeError, match="v must be a real"):
        natspike.Neuron().dphi("10")


def test_transfer_parameters_come_from_go_and_foreign_ones_are_refused():
    papers = {k: v for k, v in _neuron.TRANSFER_PARAMETERS.items() if not k.startswith("debug_")}  # test hooks
    assert papers == {
        "sigmoid": ("phi_max", "beta", "theta"),
        "rectified_quadratic": ("scale", "theta"),
    }
    for transfer, foreign in (
        ("rectified_quadratic", "beta"),
        ("rectified_quadratic", "phi_max"),
        ("sigmoid", "scale"),
    ):
        with pytest.raises(ValueError, match=f"{foreign} does not apply to transfer '{transfer}'"):
            natspike.Neuron(transfer=transfer, **{foreign: 0.5})
    q = natspike.Neuron(transfer="rectified_quadratic")
    assert q.beta is None and q.phi_max is None and q.scale == 0.25 and "beta" not in q.to_dict()
    assert natspike.Neuron().scale is None and "scale" not in natspike.Neuron().to_dict()
    assert natspike.Neuron(beta=0.5).replace(transfer="rectified_quadratic") == q
    assert q.replace(transfer="sigmoid") == natspike.Neuron()
    assert eval(repr(q), {"Neuron": natspike.Neuron}) == q
    # dicts written before (every parameter listed) still load when the foreign values are the defaults
    assert natspike.Neuron.from_dict({**q.to_dict(), "beta": 0.3, "phi_max": 100.0}) == q
    with pytest.raises(ValueError, match="beta does not apply"):
        natspike.Neuron.from_dict({**q.to_dict(), "beta": 0.5})


def test_rule_names_come_from_go():
    assert natspike.RULES == ("euclidean", "natural", "approximate")
    with pytest.raises(ValueError, match="rule must be one of 'euclidean', 'natural', 'approximate'"):
        natspike.update_direction("hebbian", [0.1], [[1.0]], [10.0])


def test_usp_traces_match_the_reference_recursion_and_the_kernel():
    rng = np.random.default_rng(5)
    rates = np.array([5.0, 20.0, 80.0])
    spikes = rng.random((3000, 3)) < rates * D["dt"]
    for tau_s in (D["tau_s"], D["tau_m"]):  # two-exponential and alpha kernel
        neuron = natspike.Neuron(tau_s=tau_s)
        got = natspike.usp_traces(spikes, neuron=neuron)
        want = ref.usp_traces(spikes.astype(float), D["dt"], D["tau_m"], tau_s)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    one = np.zeros((50, 1))
    one[0] = 1
    t = np.arange(50) * D["dt"]
    np.testing.assert_allclose(natspike.usp_traces(one)[:, 0], ref.usp_kernel(t, D["tau_m"], D["tau_s"]), rtol=1e-12)
    with pytest.raises(ValueError, match="0 or 1"):
        natspike.usp_traces(2 * one)
    with pytest.raises(ValueError, match="two-dimensional"):
        natspike.usp_traces(one[:, 0])


@pytest.mark.parametrize("rule", ["euclidean", "natural", "approximate"])
def test_update_directions_match_the_reference_rules(rule):
    rng = np.random.default_rng(11)
    n = 8
    rates = np.where(np.arange(n) < n // 2, 10.0, 50.0)
    w = rng.uniform(-3 / n, 3 / n, n)
    x = natspike.sample_usps(rates, 6, bins=2000, seed=3)
    got = natspike.update_direction(rule, w, x, rates, c_u=0.9, c_w=0.07)
    kw = dict(eta=1.0, dt=D["dt"], tau_m=D["tau_m"], tau_s=D["tau_s"], eps0=1.0, c_u=0.9, c_w=0.07, **SIG)
    for s in range(x.shape[0]):
        v = w @ x[s]
        e = ref.learning_signal(1.0, v, eta=1.0, dt=D["dt"], **SIG)
        want = sum(ref.plasticity_components(rule, w, x[s], 1.0, rates, **kw)) / e
        np.testing.assert_allclose(got[s], want, rtol=1e-9, atol=1e-9 * np.abs(want).max())


def test_natural_direction_is_the_inverse_fisher_times_x():
    rates = np.array([10.0, 30.0, 50.0])
    w = np.array([0.02, -0.01, 0.015])
    x = natspike.sample_usps(rates, 4, bins=2000, seed=1).reshape(2, 2, 3)
    d = natspike.update_direction("natural", w, x, rates)
    assert d.shape == x.shape
    np.testing.assert_allclose(d @ natspike.fisher_matrix(w, rates).T, x, rtol=1e-9, atol=1e-9 * np.abs(x).max())


def test_update_direction_uses_the_neurons_transfer_function():
    rq = natspike.Neuron(transfer="rectified_quadratic", theta=-100.0)
    rates = np.array([10.0, 50.0])
    w = np.array([0.02, 0.01])
    x = natspike.sample_usps(rates, 3, bins=2000, seed=2)
    d = natspike.update_direction("natural", w, x, rates, neuron=rq)
    np.testing.assert_allclose(
        d @ natspike.fisher_matrix(w, rates, neuron=rq).T, x, rtol=1e-9, atol=1e-9 * np.abs(x).max()
    )
    assert not np.allclose(d, natspike.update_direction("natural", w, x, rates))


# --- Figs 3B–E use the neuron's own transfer function ------------------------------------------------------------

# All voltage mass above threshold; the scale keeps the teacher's spike probability phi*dt below 1 on
# Fig 3B-C's test set (0.25 would reach 1.3 there, which the run refuses as a divergence).
RQ = dict(transfer="rectified_quadratic", scale=0.1, theta=-100.0)


def _rq_phi(v):
    return RQ["scale"] * np.clip(v + 100.0, 0, None) ** 2


def test_figure3bc_rates_are_the_rectified_quadratic_of_the_voltage():
    from natspike import experiments

    ds = experiments.figure3bc(
        duration_minutes=0.05, repetitions=20, neuron=natspike.Neuron(**RQ), lr_convention="exact", eta=1e-6
    )
    np.testing.assert_allclose(ds["rate"].values, _rq_phi(ds["voltage"].values), rtol=1e-14)
    assert ds.attrs["neuron_transfer"] == "rectified_quadratic" and ds.attrs["lr_convention"] == "exact"
    with pytest.raises(ValueError, match="authors"):  # the authors' convention is the sigmoid's
        experiments.figure3bc(duration_minutes=0.05, repetitions=2, neuron=natspike.Neuron(**RQ))


def test_figure3de_cost_and_fields_use_the_rectified_quadratic():
    from natspike.experiments import _figure3de

    neuron = natspike.Neuron(**RQ)
    rates, wstar = np.array([10.0, 50.0]), np.array([0.075, 0.075])
    x = natspike.sample_usps(rates, 300, bins=2000, seed=4)
    grid = np.array([-0.1, 0.02, 0.2])
    cost = _figure3de.poisson_cost(grid, grid, wstar, x, neuron)
    phi_s = _rq_phi(x @ wstar)
    for i, a in enumerate(grid):
        for j, b in enumerate(grid):
            phi = _rq_phi(x @ np.array([a, b]))
            want = np.mean(phi_s * np.log(phi_s / phi) + phi - phi_s) * D["dt"]  # Poisson-form D_KL per bin
            assert cost[i, j] == pytest.approx(want, rel=1e-12)
    points = np.array([[-0.14, 0.01], [0.22, -0.11]])
    euclidean = _figure3de._mean_update("euclidean", points, wstar, x, rates, neuron)
    natural = _figure3de._mean_update("natural", points, wstar, x, rates, neuron)
    for p, euc, nat in zip(points, euclidean, natural):
        v = x @ p
        err = -(2 / (v + 100.0)) * (_rq_phi(v) - phi_s)  # −(φ'/φ)(φ − φ*) of Eqn 116
        np.testing.assert_allclose(euc, err @ x / len(x), rtol=1e-12)
        np.testing.assert_allclose(nat, natspike.inverse_fisher_matrix(p, rates, neuron=neuron) @ euc, rtol=1e-9)


def test_rule_factors_match_the_reference_gammas():
    rng = np.random.default_rng(2)
    n = 10
    rates = np.full(n, 20.0)
    w = rng.uniform(-5, 5, n) / n
    x = natspike.sample_usps(rates, 5, bins=400, seed=6)
    c_eps = ref.c_eps(D["tau_m"], D["tau_s"])
    mu, var = ref.voltage_moments(w, rates, c_eps=c_eps)
    c = ref.coefficients(mu, var, ref.total_rate(rates, c_eps=c_eps), **SIG)
    f = natspike.rule_factors("natural", w, x, rates)
    np.testing.assert_allclose(f["v"], x @ w, rtol=1e-13)
    np.testing.assert_allclose(f["sum_x"], x.sum(-1), rtol=1e-13)
    np.testing.assert_allclose(f["gamma_s"], c.gamma_s, rtol=1e-7)
    np.testing.assert_allclose(f["gamma_u"], ref.gamma_u(c.g1, c.g3, x.sum(-1), x @ w, c_eps=c_eps), rtol=1e-6)
    np.testing.assert_allclose(f["gamma_w"], ref.gamma_w(c.g2, c.g4, x.sum(-1), x @ w, c_eps=c_eps), rtol=1e-6)
    a = natspike.rule_factors("approximate", w, x, rates, c_u=0.9, c_w=0.07)
    np.testing.assert_allclose(a["gamma_u"], c_eps * 0.9, rtol=1e-15)
    np.testing.assert_allclose(a["gamma_w"], 0.07 * x @ w, rtol=1e-13)
    e = natspike.rule_factors("euclidean", w, x, rates)
    assert not e["gamma_u"].any() and not e["gamma_w"].any()


def test_voltage_statistics_match_the_reference_and_broadcast():
    rng = np.random.default_rng(8)
    w = rng.uniform(-0.05, 0.05, (3, 4, 10))
    rates = rng.uniform(0, 50, 10)
    mean, var, q = natspike.voltage_statistics(w, rates)
    c_eps = ref.c_eps(D["tau_m"], D["tau_s"])
    for idx in np.ndindex(3, 4):
        mu_ref, var_ref = ref.voltage_moments(w[idx], rates, c_eps=c_eps)
        assert mean[idx] == pytest.approx(mu_ref, rel=1e-13) and var[idx] == pytest.approx(var_ref, rel=1e-13)
        assert q[idx] == pytest.approx(ref.total_rate(rates, c_eps=c_eps), rel=1e-13)
    assert mean.shape == (3, 4)
    with pytest.raises(ValueError, match="rates must be >= 0"):
        natspike.voltage_statistics([0.1], [-1.0])
