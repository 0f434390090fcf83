"""Session-wide pytest hooks."""

import sys


def pytest_terminal_summary(terminalreporter):
    """Print the agreement matrix (tests/test_agreement.py) when any of its cells ran."""
    compare = sys.modules.get("agreement.compare")
    if compare is None or not any(c.status in ("OK", "tol", "FAIL") for c in compare.RESULTS.values()):
        return
    from agreement import matrix_text

    terminalreporter.write_sep("=", "agreement matrix (tests/agreement)")
    terminalreporter.write_line(matrix_text())
