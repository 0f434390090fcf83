"""Tests of the NumPy/SciPy reference against independent closed forms (spec §9: C1, C2, C4, C5, C14).

These prove the reference right before the Go core is compared to it.  Run with
``python -m pytest tests/reference -q``.
"""

import json
import math
import os
import warnings

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import log_expit

from . import (
    DEFAULTS,
    c_eps,
    centred_integrals,
    coefficients,
    draw_input_spikes,
    draw_poisson_teacher,
    draw_teacher_spikes,
    effective_rates,
    fisher_coefficients,
    fisher_matrix,
    gamma_u,
    gamma_w,
    integration_breakpoints,
    inverse_fisher_coefficients_closed,
    inverse_fisher_coefficients_code,
    inverse_fisher_coefficients_paper,
    inverse_fisher_matrix,
    kl_bernoulli,
    kl_cost,
    kl_poisson,
    learning_signal,
    log_likelihood_bin,
    log_phi,
    make_realizable_task,
    phi,
    phi_prime,
    phi_prime_over_phi,
    phi_prime_sq_over_phi,
    plasticity_components,
    rms_rate_error,
    rule_coefficients,
    simulate,
    total_rate,
    usp_kernel,
    usp_traces,
    usp_traces_loop,
    voltage_integrals,
    voltage_moments,
    weight_distance,
    weight_update,
)

DT, TAU_M, TAU_S, EPS0 = DEFAULTS["dt"], DEFAULTS["tau_m"], DEFAULTS["tau_s"], DEFAULTS["eps0"]
PHI = dict(phi_max=100.0, beta=0.3, theta=10.0)
GOLDEN = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "coefficients_golden.json")


def rel(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


# ================================================================================================
# C1 kernel and input statistics
# ================================================================================================
class TestKernel:
    def test_discrete_area(self):
        k = np.arange(0, 4000)
        s = np.sum(usp_kernel(k * DT, TAU_M, TAU_S)) * DT
        assert abs(s - 0.99931) < 5e-6
        # closed form of the geometric sums: ε0 dt/(τm − τs) (a/(1 − a) − b/(1 − b))
        a, b = math.exp(-DT / TAU_M), math.exp(-DT / TAU_S)
        assert abs(s - DT / (TAU_M - TAU_S) * (a / (1 - a) - b / (1 - b))) < 1e-13

    @pytest.mark.parametrize("tau_s", [3e-3, 1e-2, 2e-2])
    def test_continuous_integrals(self, tau_s):
        eps0 = 1.7
        f = lambda t: usp_kernel(t, TAU_M, tau_s, eps0)
        area = quad(f, 0, 1, epsabs=0, epsrel=1e-12, limit=200, points=[0.005, 0.02])[0]
        sq = quad(lambda t: f(t) ** 2, 0, 1, epsabs=0, epsrel=1e-12, limit=200, points=[0.005, 0.02])[0]
        assert abs(area - eps0) < 1e-10
        assert abs(sq * c_eps(TAU_M, tau_s, eps0) - 1) < 1e-10  # Eqn 31, incl. the alpha limit

    def test_paper_numbers(self):
        assert abs(c_eps(TAU_M, TAU_S) - 0.026) < 1e-15
        assert abs(1 / c_eps(TAU_M, TAU_S) - 38.4615) < 1e-4
        k = np.arange(0, 4000)
        assert abs(np.sum(usp_kernel(k * DT, TAU_M, TAU_S) ** 2) * DT - 38.4613) < 1e-4
        t_peak = TAU_M * TAU_S / (TAU_M - TAU_S) * math.log(TAU_M / TAU_S)
        assert abs(t_peak - 5.16e-3) < 1e-5
        assert abs(float(usp_kernel(t_peak, TAU_M, TAU_S)) - 59.7) < 0.05
        grid = usp_kernel(k * DT, TAU_M, TAU_S)
        assert np.argmax(grid) == 10 and abs(grid[10] - 59.67) < 0.01  # 59.67 at 5.0 ms
        assert usp_kernel(0.0, TAU_M, TAU_S) == 0 and usp_kernel(-1e-3, TAU_M, TAU_S) == 0

    def test_alpha_limit_is_limit(self):
        t = np.linspace(0, 0.1, 101)
        a = usp_kernel(t, 5e-3, 5e-3)
        b = usp_kernel(t, 5e-3 * (1 + 1e-7), 5e-3)
        assert rel(a, b) < 1e-6

    @pytest.mark.parametrize("taus", [(1e-2, 3e-3), (1e-2, 2e-2), (1e-2, 1e-2), (4e-3, 4e-3)])
    def test_traces_sample_kernel(self, taus):
        tau_m, tau_s = taus
        K, onset = 400, 7
        s = np.zeros((K, 2))
        s[0, 0] = 1  # spike in bin 0
        s[onset, 1] = 1
        for fn in (usp_traces, usp_traces_loop):
            x = fn(s, DT, tau_m, tau_s, 0.8)
            assert x[0, 0] == 0.0 and x[onset, 1] == 0.0  # 0 in its own bin
            k = np.arange(K)
            assert rel(x[:, 0], usp_kernel(k * DT, tau_m, tau_s, 0.8)) < 1e-12
            assert rel(x[:, 1], usp_kernel((k - onset) * DT, tau_m, tau_s, 0.8)) < 1e-12

    @pytest.mark.parametrize("taus", [(1e-2, 3e-3), (1e-2, 1e-2)])
    def test_traces_superposition(self, taus):
        rng = np.random.default_rng(7)
        s = draw_input_spikes(rng, np.array([10.0, 50.0, 200.0]), 1500, DT)
        x = usp_traces(s, DT, *taus)
        xl = usp_traces_loop(s, DT, *taus)
        kern = usp_kernel(np.arange(1500) * DT, *taus)
        xc = np.stack([np.convolve(s[:, i], kern)[:1500] for i in range(3)], axis=1)
        assert rel(x, xl) < 1e-12
        assert rel(x, xc) < 1e-12

    def test_empirical_moments(self):
        rng = np.random.default_rng(12345)
        r = 50.0
        s = draw_input_spikes(rng, np.full(400, r), 5200, DT)
        x = usp_traces(s, DT, TAU_M, TAU_S)[200:]  # discard the 100-ms warm-up
        assert abs(x.mean() / r - 1) < 0.01  # E[x] = ε0 r (Eqn 29)
        var_theory = r * (1 - r * DT) / c_eps(TAU_M, TAU_S)  # Eqn 30, Bernoulli-corrected
        assert abs(x.var() / var_theory - 1) < 0.03


# ================================================================================================
# Transfer function
# ================================================================================================
class TestTransfer:
    def test_derivatives(self):
        V = np.linspace(-40, 60, 201)
        h = 1e-5
        fd = (phi(V + h, **PHI) - phi(V - h, **PHI)) / (2 * h)
        assert rel(phi_prime(V, **PHI), fd) < 1e-8
        p, dp = phi(V, **PHI), phi_prime(V, **PHI)
        assert rel(phi_prime_over_phi(V, **PHI), dp / p) < 1e-13
        assert rel(phi_prime_sq_over_phi(V, **PHI), dp**2 / p) < 1e-13
        assert rel(log_phi(V, **PHI), np.log(p)) < 1e-13

    def test_overflow_safe(self):
        V = np.array([-1e6, -1e3, 0.0, 1e3, 1e6])
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            vals = [
                phi(V, **PHI),
                phi_prime(V, **PHI),
                phi_prime_over_phi(V, 0.3, 10.0),
                phi_prime_sq_over_phi(V, **PHI),
                log_phi(V, **PHI),
            ]
        for v in vals:
            assert np.all(np.isfinite(v))
        assert phi(1e6, **PHI) == 100.0 and abs(log_phi(-1e3, **PHI) - (math.log(100) - 0.3 * 1010)) < 1e-9


# ================================================================================================
# Coefficients (spec §4, §7.2, C2)
# ================================================================================================
# spec §7.2 table: μ, σ², q, θ, c1, c2, c3, γ_s, g1, g2 = g3, g4
SPEC_TABLE = [
    (
        0.25,
        0.48075,
        5 / 38.46,
        10,
        0.417937647,
        0.105190239,
        0.0207937294,
        2.39270142,
        -0.776284675,
        -0.199323052,
        -0.0374957546,
    ),
    (
        0,
        3.85,
        3000 / 38.46,
        10,
        0.424057865,
        0.100574982,
        0.0170784911,
        2.35816874,
        -0.0126208636,
        -0.00318951661,
        0.0162180921,
    ),
    (
        -2,
        10,
        3000 / 38.46,
        10,
        0.299696983,
        0.0708978093,
        0.0125934027,
        3.3367036,
        -0.0127196272,
        -0.00308436997,
        0.015453499,
    ),
    (
        5,
        30,
        3000 / 38.46,
        10,
        0.787651126,
        0.0329068515,
        -0.0135727862,
        1.26959763,
        -0.0123158216,
        -0.00390814121,
        0.0428239433,
    ),
    (
        15,
        100,
        2000 / 38.46,
        10,
        0.410867895,
        -0.0273442012,
        -0.00159060266,
        2.43387233,
        -0.0182316903,
        -0.0062174154,
        0.0467216556,
    ),
    (
        11,
        128.841,
        60 / 38.46,
        10,
        0.457177736,
        -0.012463107,
        -0.00269103068,
        2.18733311,
        -0.217198827,
        -0.0679903111,
        0.0241640073,
    ),
    (
        12.5,
        300,
        25.0005 / 38.46,
        15,
        0.331748824,
        -0.000745958047,
        -0.00102174992,
        3.0143287,
        -0.135414947,
        -0.0659905044,
        0.00924115745,
    ),
]


def _load_golden():
    with open(GOLDEN) as fh:
        return json.load(fh)["points"]


def _trapezoid_moments(mu, var, phi_max, beta, theta):
    """Independent check: trapezoid rule on a uniform grid centred at μ over μ ± 40σ.

    Spectrally accurate for these analytic, rapidly decaying integrands; shares no code
    (window, break points, quadrature) with reference.coefficients.
    """
    sd = math.sqrt(var)
    h = min(sd, 1 / beta) / 40
    m = int(40 * sd / h)
    u = mu + h * np.arange(-m, m + 1)
    x = beta * (u - theta)
    g = np.exp(np.log(phi_max * beta**2) + log_expit(x) + 2 * log_expit(-x) - (u - mu) ** 2 / (2 * var))
    g *= h / math.sqrt(2 * math.pi * var)
    d = u - mu
    return [math.fsum(v) for v in (g, g * d, g * (d * d - var), g * u, g * u * u)]


class TestCoefficients:
    @pytest.mark.parametrize("row", SPEC_TABLE)
    def test_spec_table(self, row):
        mu, var, q, theta, *ref = row
        c = coefficients(mu, var, q, phi_max=100.0, beta=0.3, theta=theta)
        got = [c.c1, c.c2, c.c3, c.gamma_s, c.g1, c.g2, c.g4]
        for g, r in zip(got, ref):
            assert abs(g - r) <= 1e-7 * abs(r)
        assert abs(c.g2 - c.g3) <= 1e-12 * abs(c.g2)

    def test_golden_file_matches_reference(self):
        pts = _load_golden()
        assert len(pts) >= 60
        for p in pts[::4]:  # regression: golden values reproduce (subset for speed)
            c = coefficients(p["mu"], p["var"], p["q"], phi_max=p["phi_max"], beta=p["beta"], theta=p["theta"])
            for f in ("I1", "I2", "I3", "c1", "c2", "c3", "gamma_s", "g1", "g2", "g3", "g4"):
                assert abs(getattr(c, f) - p[f]) <= 1e-12 * abs(p[f]) + 1e-300, f

    def test_golden_against_independent_trapezoid(self):
        """Golden quad values vs. an independent quadrature to 1e-13 (c2, c3, I2 relative to their natural scales)."""
        for p in _load_golden():
            mu, var = p["mu"], p["var"]
            m0, m1, m2, i2, i3 = _trapezoid_moments(mu, var, p["phi_max"], p["beta"], p["theta"])
            sd = math.sqrt(var)
            assert abs(p["c1"] - m0) <= 1e-13 * m0
            assert abs(p["I1"] - m0) <= 1e-13 * m0
            assert abs(p["I3"] - i3) <= 1e-13 * i3
            assert abs(p["I2"] - i2) <= 1e-13 * (abs(i2) + m0 * (abs(mu) + sd))
            assert abs(p["c2"] - m1 / var) <= 1e-13 * m0 / sd
            assert abs(p["c3"] - m2 / var**2) <= 1e-13 * m0 / var

    def test_golden_gauss_with_suggested_tolerances(self):
        """The comparison recommended in tests/data/README.md, applied to the reference's Gauss-Legendre."""
        for p in _load_golden():
            c = coefficients(
                p["mu"], p["var"], p["q"], phi_max=p["phi_max"], beta=p["beta"], theta=p["theta"], method="gauss"
            )
            sd, i1, tol = math.sqrt(p["var"]), p["I1"], 1e-12
            assert abs(c.c1 - p["c1"]) <= tol * i1
            assert abs(c.c2 - p["c2"]) <= tol * i1 / sd
            assert abs(c.c3 - p["c3"]) <= tol * i1 / p["var"]
            for j, g in enumerate(("g1", "g2", "g3", "g4")):
                assert abs(getattr(c, g) - p[g]) <= tol * (1 + p["g_sensitivity"][j]) * abs(p[g])

    def test_gauss_matches_quad(self):
        rng = np.random.default_rng(2)
        for _ in range(40):
            mu, var = rng.uniform(-30, 30), 10 ** rng.uniform(-2, math.log10(2000))
            kw = dict(
                phi_max=float(rng.choice([50.0, 100.0])),
                beta=float(rng.choice([0.3, 1.0])),
                theta=float(rng.choice([10.0, 15.0])),
            )
            a = centred_integrals(mu, var, method="quad", **kw)
            b = centred_integrals(mu, var, method="gauss", **kw)
            sd = math.sqrt(var)
            assert abs(a[0] - b[0]) <= 1e-12 * a[0]
            assert abs(a[1] - b[1]) <= 1e-12 * a[0] * sd
            assert abs(a[2] - b[2]) <= 1e-12 * a[0] * var
            ia = voltage_integrals(mu, var, method="quad", **kw)
            ib = voltage_integrals(mu, var, method="gauss", **kw)
            assert abs(ia[2] - ib[2]) <= 1e-12 * ia[2]

    def test_quad_against_gauss_hermite_small_variance(self):
        """Plain Gauss-Hermite is accurate for σ² ≲ 10 (spec §7.2): an independent check there."""
        z, wz = np.polynomial.hermite_e.hermegauss(200)
        wz = wz / math.sqrt(2 * math.pi)
        for mu, var in [(0.0, 0.5), (8.0, 2.0), (-5.0, 4.0), (20.0, 9.0), (12.0, 0.01)]:
            u = mu + math.sqrt(var) * z
            f = phi_prime_sq_over_phi(u, **PHI)
            c = coefficients(mu, var, 78.0, **PHI)
            assert abs(c.I1 - np.sum(wz * f)) <= 1e-11 * c.I1
            assert abs(c.I2 - np.sum(wz * f * u)) <= 1e-11 * (abs(c.I2) + c.I1 * (abs(mu) + 1))
            assert abs(c.I3 - np.sum(wz * f * u * u)) <= 1e-11 * c.I3

    def test_raw_and_centred_forms_agree(self):
        """Eqn 82 raw form (from I1..I3) vs centred form; cancellation-limited tolerance."""
        for mu, var in [(0.25, 0.48), (-2, 10), (5, 30), (15, 100), (12.5, 300)]:
            c = coefficients(mu, var, 78.0, **PHI)
            c2_raw = (c.I2 - c.I1 * mu) / var
            c3_raw = (c.I3 - c.I1 * (mu**2 + var) - 2 * c2_raw * mu * var) / var**2
            scale = c.I3 / var**2
            assert abs(c2_raw - c.c2) <= 1e-11 * (abs(c.I2) + c.I1 * abs(mu)) / var
            assert abs(c3_raw - c.c3) <= 1e-11 * scale

    def test_breakpoints_window(self):
        # the window must contain the mass: log-integrand at the ends is ≈ 70 below its maximum
        for mu, var, beta in [(-30, 0.01, 1.0), (30, 2000, 0.3), (0, 3.85, 0.3), (25, 0.5, 1.0)]:
            pts = integration_breakpoints(mu, var, phi_max=100, beta=beta, theta=10)
            assert np.all(np.diff(pts) > 0)
            u = np.linspace(pts[0], pts[-1], 20001)
            x = beta * (u - 10)
            lg = log_expit(x) + 2 * log_expit(-x) - (u - mu) ** 2 / (2 * var)
            assert lg[0] - lg.max() < -69 and lg[-1] - lg.max() < -69

    # ---------------------------------------------------------------- g1..g4 algebra (C2)
    def test_g_forms_agree_and_symmetric(self):
        for p in _load_golden():
            c1, c2, c3, mu, var, q = p["c1"], p["c2"], p["c3"], p["mu"], p["var"], p["q"]
            a = np.array(inverse_fisher_coefficients_paper(c1, c2, c3, mu, var, q))
            b = np.array(inverse_fisher_coefficients_closed(c1, c2, c3, mu, var, q))
            d = np.array(inverse_fisher_coefficients_code(c1, c2, c3, mu, var, q))
            assert np.all(np.abs(a - b) <= 1e-12 * np.abs(b))
            assert np.all(np.abs(d - b) <= 1e-12 * np.abs(b))
            assert abs(a[1] - a[2]) <= 1e-12 * abs(a[1])

    @pytest.mark.parametrize(
        "form",
        [inverse_fisher_coefficients_paper, inverse_fisher_coefficients_code, inverse_fisher_coefficients_closed],
    )
    @pytest.mark.parametrize("q", [0.13, 1.56, 78.0])
    def test_quadratic_special_case(self, form, q):
        """c1 = 1, c2 = c3 = 0 (rectified quadratic φ, Eqns 115-124)."""
        g1, g2, g3, g4 = form(1.0, 0.0, 0.0, 7.0, 20.0, q)
        assert abs(g1 + 1 / (q + 1)) < 1e-15 and g2 == g3 == g4 == 0.0
        ce, eps0, sx = 0.026, 0.7, 123.4
        assert abs(gamma_u(g1, g3, sx, 5.0, c_eps=ce, eps0=eps0) - ce**2 * eps0**2 * sx / (q + 1)) < 1e-15
        assert gamma_w(g2, g4, sx, 5.0, c_eps=ce, eps0=eps0) == 0.0

    @pytest.mark.parametrize("n", [2, 10, 100])
    @pytest.mark.parametrize("eps0", [1.0, 0.05])
    def test_inverse_fisher_matrix(self, n, eps0):
        """C2: γ_s[Σ⁻¹ + …] (Eqn 101) = numerical inverse of G (Eqn 81)."""
        rng = np.random.default_rng(n)
        ce = c_eps(TAU_M, TAU_S, eps0)
        for scale in (1.0, 3.0):
            r = rng.uniform(5, 50, n)
            ws = rng.uniform(-1, 1, n) / n * scale / eps0
            mu, var = voltage_moments(ws, r, c_eps=ce, eps0=eps0)
            q = total_rate(r, c_eps=ce, eps0=eps0)
            c = coefficients(mu, var, q, **PHI, raw_moments=False)
            G = fisher_matrix(ws, r, c.c1, c.c2, c.c3, c_eps=ce, eps0=eps0)
            Gi = inverse_fisher_matrix(ws, r, c.gamma_s, c.g1, c.g2, c.g3, c.g4, c_eps=ce, eps0=eps0)
            assert np.max(np.abs(Gi @ G - np.eye(n))) < 1e-9
            assert rel(Gi, np.linalg.inv(G)) < 1e-9
            # G⁻¹x = γ_s (c_ε x/r − γ_u 1 + γ_w w) with Eqns 108-109
            x = rng.uniform(0, 3, n) * r * eps0
            V = float(ws @ x)
            gu = gamma_u(c.g1, c.g3, x.sum(), V, c_eps=ce, eps0=eps0)
            gw = gamma_w(c.g2, c.g4, x.sum(), V, c_eps=ce, eps0=eps0)
            assert rel(c.gamma_s * (ce * x / r - gu + gw * ws), np.linalg.solve(G, x)) < 1e-9

    def test_fisher_matrix_is_gaussian_expectation(self):
        """Eqn 81 = E[f(V) x xᵀ] exactly when x is Gaussian with mean ε0 r and covariance Σ (Monte Carlo)."""
        rng = np.random.default_rng(99)
        n, eps0 = 4, 0.5
        ce = c_eps(TAU_M, TAU_S, eps0)
        r = np.array([10.0, 20.0, 40.0, 50.0])
        ws = np.array([0.3, -0.2, 0.25, 0.15]) / eps0
        mu, var = voltage_moments(ws, r, c_eps=ce, eps0=eps0)
        c = coefficients(mu, var, total_rate(r, c_eps=ce, eps0=eps0), **PHI)
        G = fisher_matrix(ws, r, c.c1, c.c2, c.c3, c_eps=ce, eps0=eps0)
        X = eps0 * r + rng.standard_normal((400_000, n)) * np.sqrt(r / ce)
        f = phi_prime_sq_over_phi(X @ ws, **PHI)
        G_mc = (X * f[:, None]).T @ X / X.shape[0]
        assert np.linalg.norm(G_mc - G) / np.linalg.norm(G) < 0.01
        assert abs(f.mean() / c.c1 - 1) < 0.01


# ================================================================================================
# C14 objective and the Euclidean rule as a likelihood gradient
# ================================================================================================
class TestObjective:
    def test_kl_nonnegative_and_zero_iff_equal(self):
        rng = np.random.default_rng(5)
        a, b = rng.uniform(0, 100, 10_000), rng.uniform(0, 100, 10_000)
        kl = kl_bernoulli(a, b, DT)
        assert np.all(kl > 0)
        assert np.all(kl_bernoulli(a, a, DT) == 0)
        assert kl_bernoulli(0.0, 0.0, DT) == 0 and kl_bernoulli(0.0, 10.0, DT) > 0
        assert np.all(kl_poisson(a, b, DT) > 0)

    def test_kl_poisson_limit(self):
        """Bernoulli − Poisson = dt²(φ − φ*)²/2 + O(dt³)."""
        ps, p = np.array([20.0, 80.0, 5.0]), np.array([30.0, 10.0, 5.5])
        d_prev = None
        for dt in (1e-3, 5e-4, 2.5e-4):
            d = kl_bernoulli(ps, p, dt) - kl_poisson(ps, p, dt)
            assert np.all(np.abs(d / (dt**2 * (p - ps) ** 2 / 2) - 1) < 60 * dt)
            if d_prev is not None:
                assert np.all(np.abs(d_prev / d - 4) < 0.2)
            d_prev = d

    def test_cost_metrics(self):
        rng = np.random.default_rng(3)
        X = rng.uniform(0, 100, (50, 5))
        w = rng.uniform(-0.05, 0.05, 5)
        assert kl_cost(w, w, X, dt=DT, **PHI) == 0 and rms_rate_error(w, w, X, **PHI) == 0
        w2 = w + 0.01
        d = phi(X @ w, **PHI) - phi(X @ w2, **PHI)
        assert abs(rms_rate_error(w, w2, X, **PHI) - math.sqrt(np.mean(d**2))) < 1e-12
        kb = kl_bernoulli(phi(X @ w2, **PHI), phi(X @ w, **PHI), DT).mean()
        assert abs(kl_cost(w, w2, X, dt=DT, **PHI) - kb) < 1e-18
        assert weight_distance([3.0, 0.0], [0.0, 4.0]) == 5.0

    @pytest.mark.parametrize("y", [0, 1])
    def test_euclidean_is_likelihood_gradient(self, y):
        """Δw/η = (y − φdt) φ'/φ x equals ∇_w [y log(φdt) + (1−y) log(1−φdt)] up to O(φ dt)."""
        rng = np.random.default_rng(11)
        n = 6
        w = rng.uniform(0, 0.1, n)
        x = rng.uniform(20, 80, n)
        r = np.full(n, 20.0)
        errs = []
        for dt in (1e-3, 5e-4, 2.5e-4):
            kw = dict(eta=1.0, dt=dt, tau_m=TAU_M, tau_s=TAU_S, eps0=1.0, **PHI)
            dw = weight_update("euclidean", w, x, y, r, **kw)
            h = 1e-6
            fd = np.array(
                [
                    (
                        log_likelihood_bin(y, (w + h * e) @ x, dt, **PHI)
                        - log_likelihood_bin(y, (w - h * e) @ x, dt, **PHI)
                    )
                    / (2 * h)
                    for e in np.eye(n)
                ]
            )
            pdt = float(phi(w @ x, **PHI)) * dt
            err = np.max(np.abs(dw - fd)) / np.max(np.abs(fd))
            assert err < 2 * pdt + 1e-7
            errs.append(err)
        assert errs[0] / errs[2] > 3.5  # O(dt)

    def test_lr_conventions(self):
        kw = dict(eta=0.3, dt=DT, **PHI)
        e_exact = learning_signal(1, 8.0, lr_convention="exact", **kw)
        e_auth = learning_signal(1, 8.0, lr_convention="authors", **kw)
        assert abs(e_exact - PHI["beta"] * e_auth) < 1e-15
        assert abs(e_exact - 0.3 * (1 - phi(8.0, **PHI) * DT) * phi_prime_over_phi(8.0, 0.3, 10.0)) < 1e-15


# ================================================================================================
# Rules and the simulator (C4, C5, contract)
# ================================================================================================
def _kw(**over):
    kw = dict(dt=DT, tau_m=TAU_M, tau_s=TAU_S, eps0=1.0, **PHI)
    kw.update(over)
    return kw


@pytest.fixture(scope="module")
def task():
    rng = np.random.default_rng(2022)
    n = 10
    rates = np.r_[np.full(n // 2, 10.0), np.full(n // 2, 50.0)]
    w_star = rng.uniform(-3, 3, n) / n
    w0 = rng.uniform(-3, 3, n) / n
    spikes, x, y = make_realizable_task(rng, rates, w_star, 1000, **_kw())
    return dict(rates=rates, w_star=w_star, w0=w0, spikes=spikes, x=x, y=y, n=n)


class TestRules:
    @pytest.mark.parametrize("rule", ["euclidean", "natural", "approximate"])
    def test_components_sum_to_update(self, rule):
        rng = np.random.default_rng(1)
        n = 8
        rates = np.r_[np.full(4, 5.0), np.zeros(4)]
        alpha = rng.uniform(0.2, 1, n)
        w = rng.uniform(0.1, 0.5, n) / n
        x = np.r_[rng.uniform(0, 10, 4), np.zeros(4)]
        kw = _kw(eta=0.01, theta=15.0, attenuation=alpha)
        hom, hu, hw = plasticity_components(rule, w, x, 1, rates, **kw)
        dw = weight_update(rule, w, x, 1, rates, **kw)
        assert rel(hom + hu + hw, dw) < 1e-13
        if rule != "euclidean":
            assert np.all(hom[4:] == 0)  # unstimulated synapses: no homosynaptic term
            assert rel(hu * alpha, np.full(n, hu[0] * alpha[0])) < 1e-14  # uniform term, ∝ 1/α in w^d
            # homosynaptic term = prefactor · x · Var(x)⁻¹, Var(x_i) = r_i/c_ε (Eqn 19)
            ce, phi15 = c_eps(TAU_M, TAU_S), {**PHI, "theta": 15.0}
            c = rule_coefficients(alpha * w, effective_rates(rates), c_eps=ce, eps0=1.0, **phi15)
            e = learning_signal(1, float((alpha * w) @ x), eta=0.01, dt=DT, **phi15)
            assert rel(hom[:4], e * c.gamma_s / alpha[:4] * x[:4] / (rates[:4] / ce)) < 1e-13

    @pytest.mark.parametrize("eps0", [1.0, 0.1])
    def test_natural_update_is_inverse_fisher_times_gradient(self, eps0):
        """Δw = e G⁻¹x with G from Eqn 81 (α = 1); ε0 ≠ 1 as in Fig 5 (ε0 = 1/r)."""
        rng = np.random.default_rng(4)
        n = 12
        r = rng.uniform(5, 50, n)
        ws = rng.uniform(-1, 1, n) / n / eps0
        x = rng.uniform(0, 3, n) * r * eps0
        ce = c_eps(TAU_M, TAU_S, eps0)
        c = rule_coefficients(ws, r, c_eps=ce, eps0=eps0, **PHI)
        G = fisher_matrix(ws, r, c.c1, c.c2, c.c3, c_eps=ce, eps0=eps0)
        e = learning_signal(1, float(ws @ x), eta=1e-3, dt=DT, **PHI)
        dw = weight_update("natural", ws, x, 1, r, eta=1e-3, **_kw(eps0=eps0))
        assert rel(dw, e * np.linalg.solve(G, x)) < 1e-9

    @pytest.mark.parametrize("refresh", [1, 7])
    def test_simulate_contract_and_refresh(self, task, refresh):
        """simulate() = the per-bin contract written out by hand (steps a-g, refresh semantics)."""
        t = task
        K = 60
        sp, y = t["spikes"][:K], t["y"][:K]
        kw = _kw(eta=5e-3, coefficients="gauss")
        traj = simulate("natural", t["w0"], t["rates"], sp, y, coefficient_refresh=refresh, **kw)
        assert traj.shape == (K + 1, t["n"]) and np.array_equal(traj[0], t["w0"])
        ce = c_eps(TAU_M, TAU_S)
        P, S = np.zeros(t["n"]), np.zeros(t["n"])
        dm, ds = math.exp(-DT / TAU_M), math.exp(-DT / TAU_S)
        w = t["w0"].copy()
        for k in range(K):
            P, S = P * dm + sp[k], S * ds + sp[k]  # a. traces
            x = (P - S) / (TAU_M - TAU_S)
            V = float(w @ x)  # b.
            e = 5e-3 * (y[k] - phi(V, **PHI) * DT) * phi_prime_over_phi(V, 0.3, 10.0)  # c.-d.
            if k % refresh == 0:  # e.-f.
                mu, var = float(w @ t["rates"]), float((w * w) @ t["rates"]) / ce
                c = coefficients(mu, var, ce * t["rates"].sum(), method="gauss", **PHI)
            gu = -ce * (ce * c.g1 * x.sum() + c.g3 * V)
            gw = ce * c.g2 * x.sum() + c.g4 * V
            w = w + e * c.gamma_s * (ce * x / t["rates"] - gu + gw * w)  # g.
            assert np.max(np.abs(traj[k + 1] - w)) <= 1e-13 * np.max(np.abs(w))

    @pytest.mark.parametrize("refresh", [7, 0])
    def test_simulate_with_per_bin_rates_follows_the_contract(self, task, refresh):
        """Per-bin rates (a rate schedule): bin k uses row k, and the coefficients are also recomputed where
        the rates change; constant rows equal constant rates exactly."""
        t = task
        K, switch = 60, 25
        sp, y = t["spikes"][:K], t["y"][:K]
        kw = _kw(eta=5e-3, coefficients="gauss")
        later = t["rates"][::-1] * 1.7
        rows = np.vstack([np.tile(t["rates"], (switch, 1)), np.tile(later, (K - switch, 1))])
        traj = simulate("natural", t["w0"], rows, sp, y, coefficient_refresh=refresh, **kw)
        same = simulate("natural", t["w0"], np.tile(t["rates"], (K, 1)), sp, y, coefficient_refresh=refresh, **kw)
        assert np.array_equal(same, simulate("natural", t["w0"], t["rates"], sp, y, coefficient_refresh=refresh, **kw))
        ce = c_eps(TAU_M, TAU_S)
        P, S = np.zeros(t["n"]), np.zeros(t["n"])
        dm, ds = math.exp(-DT / TAU_M), math.exp(-DT / TAU_S)
        w = t["w0"].copy()
        for k in range(K):
            r = t["rates"] if k < switch else later
            P, S = P * dm + sp[k], S * ds + sp[k]
            x = (P - S) / (TAU_M - TAU_S)
            V = float(w @ x)
            e = 5e-3 * (y[k] - phi(V, **PHI) * DT) * phi_prime_over_phi(V, 0.3, 10.0)
            if k == 0 or k == switch or (refresh > 0 and k % refresh == 0):
                mu, var = float(w @ r), float((w * w) @ r) / ce
                c = coefficients(mu, var, ce * r.sum(), method="gauss", **PHI)
            gu = -ce * (ce * c.g1 * x.sum() + c.g3 * V)
            gw = ce * c.g2 * x.sum() + c.g4 * V
            w = w + e * c.gamma_s * (ce * x / r - gu + gw * w)
            assert np.max(np.abs(traj[k + 1] - w)) <= 1e-13 * np.max(np.abs(w))
        assert np.abs(traj[-1] - same[-1]).max() > 1e-6 * np.abs(same[-1]).max()

    def test_refresh_zero_freezes(self, task):
        t = task
        K = 60
        sp, y = t["spikes"][:K], t["y"][:K]
        kw = _kw(eta=5e-3, coefficients="gauss")
        traj = simulate("natural", t["w0"], t["rates"], sp, y, coefficient_refresh=7, **kw)
        frozen = simulate("natural", t["w0"], t["rates"], sp, y, coefficient_refresh=0, **kw)
        frozen_k = simulate("natural", t["w0"], t["rates"], sp, y, coefficient_refresh=K, **kw)
        assert np.array_equal(frozen, frozen_k)
        assert not np.array_equal(frozen, traj)

    @pytest.mark.parametrize("rule", ["natural", "approximate"])
    def test_quad_and_gauss_simulations_agree(self, task, rule):
        t = task
        K = 300
        a = simulate(rule, t["w0"], t["rates"], t["spikes"][:K], t["y"][:K], **_kw(eta=1e-3, coefficients="quad"))
        b = simulate(rule, t["w0"], t["rates"], t["spikes"][:K], t["y"][:K], **_kw(eta=1e-3, coefficients="gauss"))
        assert rel(a, b) < 1e-11

    @pytest.mark.parametrize(
        "rule, lr_convention, method",
        [
            ("natural", "exact", "quad"),
            ("natural", "exact", "gauss"),
            ("natural", "authors", "gauss"),
            ("approximate", "exact", "quad"),
            ("approximate", "exact", "gauss"),
            ("approximate", "authors", "gauss"),
        ],
    )
    def test_C4_dendritic_equals_somatic(self, task, rule, lr_convention, method):
        """C4: α ⊙ w^d(t) = w^s(t) at every step (Eqns 13, 17, 114 are exactly equivariant)."""
        t = task
        rng = np.random.default_rng(44)
        alpha = rng.uniform(0.1, 1.0, t["n"])
        kw = _kw(eta=2e-3 if lr_convention == "exact" else 6e-4, coefficients=method, lr_convention=lr_convention)
        som = simulate(rule, t["w0"], t["rates"], t["spikes"], t["y"], **kw)
        den = simulate(rule, t["w0"] / alpha, t["rates"], t["spikes"], t["y"], attenuation=alpha, **kw)
        assert rel(alpha * den, som) < 1e-10
        assert np.max(np.abs(som[-1] - som[0])) > 1e-3 * np.max(np.abs(som[0]))  # it did learn

    def test_C4_euclidean_control(self, task):
        t = task
        alpha = np.random.default_rng(45).uniform(0.1, 1.0, t["n"])
        kw = _kw(eta=1e-5)
        sp, y = t["spikes"], t["y"]
        som = simulate("euclidean", t["w0"], t["rates"], sp, y, **kw)
        den = simulate("euclidean", t["w0"] / alpha, t["rates"], sp, y, attenuation=alpha, **kw)
        k1 = int(np.argmax(np.any(som[1:] != som[:-1], axis=1)))  # first bin with a non-zero update
        assert np.array_equal(som[k1], t["w0"]) and np.allclose(alpha * den[k1], t["w0"], rtol=1e-15, atol=0)
        d_som = som[k1 + 1] - som[k1]
        d_den_soma = alpha * (den[k1 + 1] - den[k1])
        nz = d_som != 0
        assert np.any(nz)
        assert np.allclose(d_den_soma[nz] / d_som[nz], alpha[nz] ** 2, rtol=1e-6, atol=0)  # differences of O(1) numbers
        # the same statement on the update itself, free of cancellation: α ⊙ Δw^d = α² ⊙ Δw^s exactly
        x = usp_traces(sp, DT, TAU_M, TAU_S)[k1]
        dws = weight_update("euclidean", t["w0"], x, y[k1], t["rates"], **kw)
        dwd = weight_update("euclidean", t["w0"] / alpha, x, y[k1], t["rates"], attenuation=alpha, **kw)
        assert rel(alpha * dwd, alpha**2 * dws) < 1e-14
        assert rel(alpha * den[-1], som[-1]) > 1e-6  # trajectories differ

    def test_C5_democratic_plasticity(self):
        """C5 (Fig 4): same streams ⇒ identical relative change for every α, absolute change ∝ 1/α."""
        rng = np.random.default_rng(55)
        K = 10_000
        y = draw_poisson_teacher(rng, 20.0, K, DT)
        sp = draw_input_spikes(rng, np.array([5.0]), K, DT)
        inv_alpha = np.arange(1, 11, dtype=float)
        kw = _kw(eta=0.017, coefficient_refresh=0, coefficients="quad")
        rel_change, abs_change = [], []
        for ia in inv_alpha:
            a = np.array([1.0 / ia])
            w0 = np.array([0.05 * ia])
            traj = simulate("natural", w0, np.array([5.0]), sp, y, attenuation=a, **kw)
            rel_change.append(traj[-1, 0] / w0[0] - 1)
            abs_change.append(traj[-1, 0] - w0[0])
        rel_change, abs_change = np.array(rel_change), np.array(abs_change)
        assert np.ptp(rel_change) <= 1e-12 * abs(rel_change[0])
        assert rel(abs_change / inv_alpha, np.full(10, abs_change[0])) < 1e-12
        assert rel_change[0] > 0  # 20-Hz teacher above the ≈5-Hz student: potentiation
        # coefficients at the start are those of the spec §7.2 "Fig 4 start" row (μ = 0.25, σ² = 0.0125/c_ε)
        c = rule_coefficients(np.array([0.05]), np.array([5.0]), c_eps=0.026, eps0=1.0, **PHI)
        assert abs(c.gamma_s - 2.3927) < 1e-3 and abs(c.g1 + 0.77628) < 1e-4

    def test_teacher_helpers(self):
        rng = np.random.default_rng(8)
        rates = np.array([10.0, 50.0])
        s = draw_input_spikes(rng, rates, 200_000, DT)
        assert np.all(np.abs(s.mean(0) / (rates * DT) - 1) < 0.03)
        x = usp_traces(s, DT, TAU_M, TAU_S)
        w_star = np.array([0.1, 0.2])
        y = draw_teacher_spikes(rng, w_star, x, DT, **PHI)
        expected = np.sum(phi(x @ w_star, **PHI) * DT)
        assert abs(y.sum() - expected) < 4 * math.sqrt(expected)
        assert abs(draw_poisson_teacher(rng, 20.0, 200_000, DT).mean() / (20 * DT) - 1) < 0.03

    def test_bad_arguments(self, task):
        t = task
        with pytest.raises(ValueError):
            simulate("hebbian", t["w0"], t["rates"], t["spikes"], t["y"], eta=1.0, **_kw())
        with pytest.raises(ValueError):
            simulate("natural", t["w0"], t["rates"], t["spikes"], t["y"], eta=1.0, lr_convention="x", **_kw())
        with pytest.raises(ValueError):
            simulate("natural", t["w0"][:3], t["rates"], t["spikes"], t["y"], eta=1.0, **_kw())
        with pytest.raises(ValueError):
            fisher_coefficients(0.0, 0.0, **PHI)
