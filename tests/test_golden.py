"""natspike.coefficients against the shared golden vectors of tests/data (SciPy quad, read by go test too)."""

import json
from pathlib import Path

import natspike
import numpy as np
import pytest

POINTS = json.loads((Path(__file__).parent / "data" / "coefficients_golden.json").read_text())["points"]
TOL = 1e-9


def _consistent(p):
    return p["mu"] ** 2 <= p["q"] * p["var"]


@pytest.mark.parametrize("p", POINTS, ids=[p["label"] for p in POINTS])
def test_coefficients_match_golden_vectors(p):
    neuron = natspike.Neuron(phi_max=p["phi_max"], beta=p["beta"], theta=p["theta"], eps0=p["eps0"])
    try:
        c = natspike.coefficients(p["mu"], p["var"], p["q"], neuron=neuron)
    except ValueError:
        assert not _consistent(p), "a point that weights and rates can produce was refused"
        return
    sd = np.sqrt(p["var"])
    scales = {
        "I1": p["I1"],
        "I2": abs(p["I2"]) + p["I1"] * (abs(p["mu"]) + sd),
        "I3": p["I3"],
        "c1": p["c1"],
        "c2": p["I1"] / sd,
        "c3": p["I1"] / p["var"],
        "gamma_s": p["gamma_s"],
    }
    for name, scale in scales.items():
        assert abs(float(getattr(c, name)) - p[name]) <= TOL * scale, name
    for j, name in enumerate(("g1", "g2", "g3", "g4")):
        assert abs(float(getattr(c, name)) - p[name]) <= TOL * (1 + p["g_sensitivity"][j]) * abs(p[name]), name


def test_golden_file_covers_the_domain():
    assert len(POINTS) >= 60
    assert min(p["var"] for p in POINTS) <= 0.01 and max(p["var"] for p in POINTS) >= 1000
