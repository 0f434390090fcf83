"""The agreement harness: configurations × scenarios, one comparison, a printed matrix.

In the style of Brian2's ``brian2/tests/features``: every configuration (way of computing a learning
trajectory: the default, exact=True, event-driven, the coefficient cache, the NumPy reference, ...) runs every
scenario (rule, weights, teacher, inputs, kernel, transfer), and each result is compared with the exact
configuration's against what that configuration claims. tests/test_agreement.py runs the cells;
tests/conftest.py prints the matrix at the end of the session.
"""

from .compare import CLAIMS, RESULTS, Cell, compare, relative_deviation, render
from .configurations import CONFIGURATIONS, Claim, Configuration, Hole, baseline
from .scenarios import Scenario, Task, all_scenarios, task


def matrix_text():
    """The matrix of the cells that ran, with the holes that are not tests (n/i, n/a, go) filled in."""
    results, claims = dict(RESULTS), set(CLAIMS)
    ran = {s for s, _ in RESULTS}
    for scenario in all_scenarios():
        for configuration in CONFIGURATIONS:
            hole = configuration.hole(scenario)
            if scenario.name in ran and hole is not None and hole.kind != "refused":
                results[(scenario.name, configuration.name)] = Cell(hole.kind, detail=hole.reason)
                claim = configuration.claim(scenario)
                claims.add((configuration.name, str(claim), claim.source))
    rows, cols = [s.name for s in all_scenarios()], [c.name for c in CONFIGURATIONS]
    return render(results, claims, rows, cols)


__all__ = [
    "CLAIMS",
    "CONFIGURATIONS",
    "RESULTS",
    "Cell",
    "Claim",
    "Configuration",
    "Hole",
    "Scenario",
    "Task",
    "all_scenarios",
    "baseline",
    "compare",
    "matrix_text",
    "relative_deviation",
    "render",
    "task",
]
