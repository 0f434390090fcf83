"""Generate tests/data/coefficients_golden.json with the independent SciPy reference.

Usage (from the repository root)::

    python tests/data/make_golden.py            # writes tests/data/coefficients_golden.json
    python tests/data/make_golden.py --check    # recompute and compare with the stored file

Every point is computed by adaptive ``scipy.integrate.quad`` (epsabs = 0, epsrel = 1e-12 on each
single-signed piece; see tests/reference/coefficients.py) and g1..g4 by the paper's Sherman-Morrison
formulas (Eqns 88, 91, 102-105).  The design is deterministic: 60 grid points plus the 7 rows of
spec §7.2.
"""

import argparse
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # tests/ → import reference
import reference as R  # noqa: E402

OUT = os.path.join(HERE, "coefficients_golden.json")
FIELDS = ("I1", "I2", "I3", "c1", "c2", "c3", "gamma_s", "g1", "g2", "g3", "g4")

# spec §7.2 reference table (sigmoid φ_max = 100, β = 0.3): (label, μ, σ², q, θ)
SPEC_ROWS = [
    ("spec 7.2: Fig 4 start", 0.25, 0.48075, 5 / 38.46, 10.0),
    ("spec 7.2: Fig 3F-like", 0.0, 3.85, 3000 / 38.46, 10.0),
    ("spec 7.2: Fig 3F-like", -2.0, 10.0, 3000 / 38.46, 10.0),
    ("spec 7.2: Fig 3F-like", 5.0, 30.0, 3000 / 38.46, 10.0),
    ("spec 7.2: Fig 3F-like", 15.0, 100.0, 2000 / 38.46, 10.0),
    ("spec 7.2: n = 2 start (Fig 3D-E)", 11.0, 128.841, 60 / 38.46, 10.0),
    ("spec 7.2: Fig 7-like", 12.5, 300.0, 25.0005 / 38.46, 15.0),
]


def design():
    """Deterministic list of (label, mu, var, q, phi_max, beta, theta)."""
    n = 60
    rng = np.random.default_rng(20221)  # PCG64: stable across numpy versions
    mus = rng.permutation(np.linspace(-30.0, 30.0, n))
    variances = rng.permutation(np.logspace(np.log10(0.01), np.log10(2000.0), n))
    qs, thetas, betas, phi_maxes = (0.13, 1.56, 78.0), (10.0, 15.0), (0.3, 1.0), (100.0, 50.0)
    pts = []
    for i in range(n):
        pts.append(
            (
                "grid",
                float(mus[i]),
                float(variances[i]),
                qs[i % 3],
                phi_maxes[(i // 12) % 2],
                betas[(i // 6) % 2],
                thetas[(i // 3) % 2],
            )
        )
    for label, mu, var, q, theta in SPEC_ROWS:
        pts.append((label, mu, var, q, 100.0, 0.3, theta))
    return pts


def g_sensitivity(c1, c2, c3, mu, var, q, h=1e-6):
    """Amplification of scaled coefficient errors into relative errors of g1..g4.

    For each g_j: max over k of |∂g_j/∂c_k| · s_k / |g_j| with the natural scales
    s = (c1, c1/σ, c1/σ²) of c1, c2, c3 (central differences, closed 2×2 form).
    """
    base = np.array(R.inverse_fisher_coefficients_closed(c1, c2, c3, mu, var, q))
    scales = (c1, c1 / np.sqrt(var), c1 / var)
    sens = np.zeros(4)
    for k in range(3):
        dc = np.zeros(3)
        dc[k] = h * scales[k]
        gp = np.array(R.inverse_fisher_coefficients_closed(*(np.array([c1, c2, c3]) + dc), mu, var, q))
        gm = np.array(R.inverse_fisher_coefficients_closed(*(np.array([c1, c2, c3]) - dc), mu, var, q))
        sens = np.maximum(sens, np.abs(gp - gm) / (2 * h) / np.abs(base))
    return [float(v) for v in sens]


def compute():
    points = []
    for label, mu, var, q, phi_max, beta, theta in design():
        c = R.coefficients(mu, var, q, phi_max=phi_max, beta=beta, theta=theta, method="quad", raw_moments=True)
        d = {
            "label": label,
            "mu": mu,
            "var": var,
            "q": q,
            "phi_max": phi_max,
            "beta": beta,
            "theta": theta,
            "eps0": 1.0,
        }
        d.update({f: getattr(c, f) for f in FIELDS})
        d["g_sensitivity"] = g_sensitivity(c.c1, c.c2, c.c3, mu, var, q)
        points.append(d)
    return {
        "description": (
            "Golden vectors for the Fisher coefficients of natspike (Kreutzer, Petrovici & Senn, eLife 2022). "
            "Transfer function phi(V) = phi_max / (1 + exp(-beta (V - theta))) (Eqn 24), V ~ N(mu, var) in mV; "
            "I1, I2, I3 = E[phi'^2/phi * V^k], k = 0, 1, 2 (Eqns 77-79); c1 = I1, c2 = E[f (V-mu)]/var, "
            "c3 = (E[f (V-mu)^2] - I1 var)/var^2 (Eqn 82); gamma_s = 1/c1; g1..g4 by Eqns 88, 91, 102-105 "
            "(g2 = g3). Computed by scipy.integrate.quad (epsabs=0, epsrel=1e-12 per single-signed piece); "
            "verified against an independent trapezoid rule to ~1e-14 relative for I1..I3, c1 and for c2, c3 "
            "relative to the scales I1/sqrt(var) and I1/var. g_sensitivity[j] is the amplification of such scaled "
            "c-errors into the relative error of g_j (g's are accurate to ~1e-14*(1+g_sensitivity)); use "
            "tol*(1+g_sensitivity) when comparing g's computed from your own c's. "
            "q and eps0 do not enter I/c; eps0 = 1 (time in s). See tests/data/README.md."
        ),
        "generator": "tests/data/make_golden.py",
        "fields": list(FIELDS),
        "points": points,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare with the stored file instead of writing")
    args = ap.parse_args()
    data = compute()
    if args.check:
        with open(OUT) as fh:
            old = json.load(fh)
        worst = 0.0
        for a, b in zip(old["points"], data["points"]):
            for f in FIELDS:
                worst = max(worst, abs(a[f] - b[f]) / max(abs(b[f]), 1e-300))
        print(f"{len(data['points'])} points, max relative difference {worst:.2e}")
        return 0 if worst < 1e-9 else 1
    with open(OUT, "w") as fh:
        json.dump(data, fh, indent=1)
        fh.write("\n")
    print(f"wrote {len(data['points'])} points to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
