"""The agreement matrix: every configuration against the exact reference run (exact=True), in every scenario.

See tests/agreement: each cell compares one configuration's weight trajectory and V (every bin) with
the reference run's and checks the configuration's stated claim; holes are listed in the matrix, and
combinations that ``train`` refuses are checked to be refused. The matrix is printed at the end of the
pytest session (tests/conftest.py).
"""

import numpy as np
import pytest
from agreement import (
    CLAIMS,
    CONFIGURATIONS,
    RESULTS,
    Cell,
    Claim,
    all_scenarios,
    baseline,
    compare,
    relative_deviation,
    task,
)

SCENARIOS = all_scenarios()
# Cells that are tests: the comparisons and the refusals (the other holes are only listed in the matrix).
CELLS = [(s, c) for s in SCENARIOS for c in CONFIGURATIONS if c.hole(s) is None or c.hole(s).kind == "refused"]


def _id(x):
    return x.name.replace(" ", "/")


def _record(scenario, configuration, cell):
    claim = configuration.claim(scenario)
    CLAIMS.add((configuration.name, str(claim), claim.source))
    RESULTS[(scenario.name, configuration.name)] = cell


@pytest.mark.parametrize("scenario", SCENARIOS, ids=_id)
def test_default_run_learns(scenario):
    """Guard against vacuous cells: in every scenario the reference run's weights move."""
    w = baseline(task(scenario))["weights"]
    assert relative_deviation(w, w[0]) > 1e-4, "weights barely moved: agreement would prove nothing"


@pytest.mark.parametrize("scenario,configuration", CELLS, ids=_id)
def test_configuration_agrees_with_the_exact_run(scenario, configuration):
    hole, t = configuration.hole(scenario), task(scenario)
    if hole is not None:  # a refused combination: it must stay refused, with a message naming the option
        with pytest.raises(ValueError, match=hole.refusal):
            configuration.run(t)
        _record(scenario, configuration, Cell(hole.kind, detail=hole.reason))
        return
    claim = configuration.claim(scenario)
    cell = compare(configuration.run(t), baseline(t), claim)
    _record(scenario, configuration, cell)
    assert cell.status != "FAIL", f"{cell.detail}; claimed {claim} ({claim.source})"


def test_compare_grades_bit_identity_tolerance_and_failure():
    base = {"weights": np.array([[1.0, -2.0], [1.5, -2.5]]), "voltage": np.array([3.0, 4.0])}
    near = {k: v * (1 + 1e-12) for k, v in base.items()}
    far = {**base, "voltage": base["voltage"] + 8e-9}  # 2e-9 of max |V|
    assert compare(base, base, Claim(None, "")).status == "OK"
    assert compare(near, base, Claim(None, "")).status == "FAIL"
    assert compare(near, base, Claim(1e-10, "")).status == "tol"
    assert compare(far, base, Claim(1e-9, "")).status == "FAIL"
    assert compare(far, base, Claim(1e-9, "")).error == pytest.approx(2e-9)
    assert compare({**base, "voltage": base["voltage"][:1]}, base, Claim(1.0, "")).status == "FAIL"
