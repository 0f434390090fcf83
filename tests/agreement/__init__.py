"""The agreement harness: configurations × scenarios, one comparison, a printed matrix.

In the style of Brian2's ``brian2/tests/features``: every configuration (way of computing a learning
trajectory: the default loop, event-driven, the coefficient cache, the NumPy reference, ...) runs every
scenario (rule, weights, teacher, inputs, kernel, transfer), and each result is compared with the default
configuration's against what that configuration claims. tests/test_agreement.py runs the cells;
tests/conftest.py prints the matrix at the end of the session.
"""

from .compare import CLAIMS, RESULTS, Cell, compare, relative_deviation, render
from .configurations import CONFIGURATIONS, Claim, Configuration, Hole, baseline
from .scenarios import Scenario, Task, all_scenarios, task

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
    "relative_deviation",
    "render",
    "task",
]
