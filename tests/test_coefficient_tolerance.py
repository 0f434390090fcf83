"""natspike.coefficients' coefficient_tolerance: the default (cache where it pays, 1e-9) and the exact path
(0: quadrature) against an independent reference, the NumPy/SciPy quadrature of tests/reference
(scipy.integrate.quad over single-signed pieces, epsrel 1e-12), on random, grid, trajectory and edge inputs.

Error measure (the bound the docstring states): γ_s and c1 relative; g1…g4 relative to |g1| + |g2| σ + |g4| σ²
in units of σ^k; c2, c3 relative to c1 s, c1 s², s = max(|c2|/c1, √(|c3|/c1), 1/σ). The reference is taken as
exact to 1e-10 in this measure (its own error, amplified by 1/Δ near the edge of positive definiteness, is
~1e-12 at the points below), so the default must be within 1e-9 + 1e-10 of it and quadrature within 1e-10.
"""

import math

import natspike
import numpy as np
import pytest
import reference as ref

D = ref.DEFAULTS
SIG = dict(phi_max=D["phi_max"], beta=D["beta"], theta=D["theta"])
TOL = 1e-9
REFERENCE = 1e-10  # allowance for the reference's own error (module docstring)


def error(got: dict, want: dict, var: float) -> float:
    """The docstring's error measure of one point's coefficients (dicts of floats)."""
    s = math.sqrt(var)
    norm = abs(want["g1"]) + abs(want["g2"]) * s + abs(want["g4"]) * var
    scale = max(abs(want["c2"]) / want["c1"], math.sqrt(abs(want["c3"]) / want["c1"]), 1 / s)
    errs = [abs(got[k] / want[k] - 1) for k in ("gamma_s", "c1", "I1")]
    errs += [abs(got[k] - want[k]) * s**p / norm for k, p in (("g1", 0), ("g2", 1), ("g3", 1), ("g4", 2))]
    errs += [abs(got[k] - want[k]) / (want["c1"] * scale**p) for k, p in (("c2", 1), ("c3", 2))]
    return max(errs)


def row(c, i) -> dict:
    return {k: float(v.flat[i]) for k, v in c.to_dict().items()}


def reference(mu: float, var: float, q: float) -> dict:
    r = ref.coefficients(mu, var, q, **SIG)
    return {k: getattr(r, k) for k in ("gamma_s", "g1", "g2", "g3", "g4", "c1", "c2", "c3", "I1", "I2", "I3")}


def worst_against_reference(mu, var, q, c, sample) -> float:
    return max(error(row(c, i), reference(mu[i], var[i], q[i]), var[i]) for i in sample)


def worst_against(cached, exact, var) -> float:
    return max(error(row(cached, i), row(exact, i), var[i]) for i in range(var.size))


def possible(rng, n, q=78.0):
    """Operating points that weights and rates can produce (μ² ≤ q σ²), σ² from 1e-2 to 3e3 mV²."""
    var = np.exp(rng.uniform(np.log(1e-2), np.log(3e3), n))
    mu = rng.uniform(-1, 1, n) * np.minimum(np.sqrt(q * var), 40.0)
    return mu, var, np.full(n, q)


def walk(n, rng):
    """A learning-like random walk of (μ_V, σ_V²), with a jump half-way."""
    mu = 1.7 + np.cumsum(0.003 * rng.standard_normal(n))
    var = 4.0 * np.exp(np.cumsum(0.003 * rng.standard_normal(n)))
    mu[n // 2 :] += 8.0
    var[n // 2 :] *= 6.0
    return mu, var, np.full(n, 78.0)


EDGES = [
    (0.0, 3.85, 78.0),  # Fig 3F's operating point
    (0.0, 1e-3, 78.0),  # very narrow voltage distribution
    (0.27, 1e-3, 78.0),  # ... near μ² = q σ²
    (-60.0, 1e4, 78.0),  # very wide, far below threshold
    (60.0, 1e4, 78.0),  # very wide, far above
    (8.8, 1.0, 78.0),  # on the steep part of φ
    (2.999, 1.0, 9.0),  # μ² → q σ²: near the edge of positive definiteness
    (-30.0, 300.0, 1e4),  # large q
]


@pytest.mark.parametrize("tolerance", [None, 0])
def test_random_and_edge_points_match_the_reference(tolerance):
    mu, var, q = possible(np.random.default_rng(12), 40)
    for m, v, qq in EDGES:
        mu, var, q = np.append(mu, m), np.append(var, v), np.append(q, qq)
    c = natspike.coefficients(mu, var, q, coefficient_tolerance=tolerance)
    worst = worst_against_reference(mu, var, q, c, range(mu.size))
    assert worst <= (TOL if tolerance is None else 0) + REFERENCE, worst


def test_scattered_points_are_evaluated_by_quadrature_by_default():
    """No locality, no cache: the default is the exact path, bit for bit (and so not slower)."""
    rng = np.random.default_rng(4)
    mu, var = rng.uniform(-10, 20, 2000), np.exp(rng.uniform(np.log(0.5), np.log(300), 2000))
    default, exact = natspike.coefficients(mu, var, 1e3), natspike.coefficients(mu, var, 1e3, coefficient_tolerance=0)
    for k, v in default.to_dict().items():
        np.testing.assert_array_equal(v, getattr(exact, k), err_msg=k)


@pytest.mark.parametrize("tolerance", [None, 1e-7])
def test_a_trajectory_is_interpolated_within_the_tolerance(tolerance):
    mu, var, q = walk(3 * 4096, np.random.default_rng(3))
    cached = natspike.coefficients(mu, var, q, coefficient_tolerance=tolerance)
    exact = natspike.coefficients(mu, var, q, coefficient_tolerance=0)
    assert np.mean(cached.gamma_s == exact.gamma_s) < 0.5, "the cache was not used"
    tol = TOL if tolerance is None else tolerance
    assert worst_against(cached, exact, var) <= tol
    assert worst_against_reference(mu, var, q, cached, range(0, mu.size, 307)) <= tol + REFERENCE


def test_a_fine_grid_is_interpolated_in_its_own_order():
    """A μ-grid at two variances as broadcasting gives it, as many points as the cache needs to pay."""
    m = np.linspace(-2, 2, 4096)
    mu, var = np.concatenate([m, m]), np.repeat([4.0, 30.0], m.size)
    cached, exact = natspike.coefficients(mu, var, 1e3), natspike.coefficients(mu, var, 1e3, coefficient_tolerance=0)
    assert np.mean(cached.gamma_s == exact.gamma_s) < 0.5, "the cache was not used"
    assert worst_against(cached, exact, var) <= TOL
    assert worst_against_reference(mu, var, np.full(mu.size, 1e3), cached, range(0, mu.size, 211)) <= TOL + REFERENCE
    perm = np.random.default_rng(7).permutation(mu.size)  # shuffled, no point is near the one before
    shuffled = natspike.coefficients(mu[perm], var[perm], 1e3)
    np.testing.assert_array_equal(shuffled.g1, exact.g1[perm])


def test_a_two_dimensional_grid_keeps_its_shape_and_bound():
    m, v = np.linspace(-15, 15, 61), np.geomspace(0.5, 300, 41)
    c = natspike.coefficients(m[:, None], v[None, :], 1e3)
    assert c.g4.shape == (61, 41)
    exact = natspike.coefficients(m[:, None], v[None, :], 1e3, coefficient_tolerance=0)
    assert worst_against(c, exact, np.broadcast_to(v, (61, 41)).ravel()) <= TOL


def test_the_same_inputs_give_the_same_numbers():
    mu, var, q = walk(2 * 4096, np.random.default_rng(5))
    a, b = natspike.coefficients(mu, var, q), natspike.coefficients(mu, var, q)
    for k, v in a.to_dict().items():
        np.testing.assert_array_equal(v, getattr(b, k), err_msg=k)


@pytest.mark.parametrize("bad", [-1e-9, 1e-15, 1.0, 2.0, float("nan"), float("inf")])
def test_a_bad_tolerance_is_refused_as_train_refuses_it(bad):
    """Go words the range; coefficients and train give the same message for the same mistake."""
    with pytest.raises(ValueError) as got:
        natspike.coefficients(0.0, 4.0, 78.0, coefficient_tolerance=bad)
    with pytest.raises(ValueError) as train:
        natspike.train("natural", [0.1], [10.0], teacher=20.0, duration=0.01, eta=1e-3, coefficient_tolerance=bad)
    assert str(got.value) == str(train.value)
    assert str(got.value).startswith("coefficient_tolerance must be ")


@pytest.mark.parametrize("bad", ["1e-9", True, 1j])
def test_a_tolerance_that_is_not_a_real_number_is_a_type_error(bad):
    with pytest.raises(TypeError, match="coefficient_tolerance"):
        natspike.coefficients(0.0, 4.0, 78.0, coefficient_tolerance=bad)


def test_the_default_tolerance_is_go_s():
    from natspike import _describe

    assert _describe.default_coefficient_tolerance() == TOL
    assert "1e-9" in natspike.coefficients.__doc__


def test_only_large_outputs_are_checked_against_the_memory_available(monkeypatch):
    """Reading /proc costs ~1 ms a call: small calls skip it, and a large grid is still refused by name."""
    import natspike._validate as v

    monkeypatch.setattr(v, "available_memory", lambda: 1000)
    assert natspike.coefficients(np.zeros(1000), 4.0, 78.0).g1.shape == (1000,)
    assert natspike.fisher_matrix([0.01, 0.02], [10.0, 50.0]).shape == (2, 2)
    with pytest.raises(MemoryError, match="mean, var and q"):
        natspike.coefficients(np.zeros(2**16), 4.0, 78.0)
    with pytest.raises(MemoryError, match="weights"):
        natspike.fisher_matrix(np.full(1024, 0.01), 10.0)
