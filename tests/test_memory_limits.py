"""Allocations that scale with user input are checked against every limit
that applies, including ``ulimit -v`` (RLIMIT_AS), before they happen: a
clear MemoryError or ValueError naming the parameter, never Go's fatal
"out of memory" (which kills the interpreter) or NumPy's unnamed one."""

import shutil
import subprocess
import sys
import textwrap
import time

import pytest

CASES = {
    "fisher_monte_carlo": (
        "natspike.fisher_matrix(np.full(10000, 1e-3), 10.0, method='monte_carlo', samples=10, seed=1)",
        "weights",
    ),
    "fisher_analytic": ("natspike.fisher_matrix(np.full(30000, 1e-3), 10.0)", "weights"),
    "sample_usps": ("natspike.sample_usps(np.full(1000, 10.0), 10**7, seed=1)", "samples"),
    "run_trials": (
        "natspike.run_trials('natural', np.full(1000, 0.01), np.full(1000, 10.0), teacher=20.0, n_trials=10**6,"
        " duration=1.0, eta=1e-3, seed=1)",
        "n_trials",
    ),
    "train_records": (
        "natspike.train('natural', np.full(1000, 0.01), np.full(1000, 10.0), teacher=20.0, duration=1e6,"
        " record_every=0.001, eta=1e-3, seed=1)",
        "record_every",
    ),
    "sweep_grid": (
        "sweep({'eta': list(range(1, 2000)), 'c_u': list(range(1, 400))}, rule='natural',"
        " weights=np.zeros(3), rates=np.ones(3), teacher=1.0, duration=1.0, seed=1)",
        "grid",
    ),
}


@pytest.mark.skipif(shutil.which("prlimit") is None, reason="needs util-linux prlimit")
@pytest.mark.parametrize("case", sorted(CASES))
def test_audit_cases_under_a_4_gib_address_space_limit(case):
    call, name = CASES[case]
    script = textwrap.dedent(f"""
        import numpy as np, natspike
        from natspike._sweep import sweep
        try:
            {call}
        except (MemoryError, ValueError) as exc:
            print(type(exc).__name__, exc)
        else:
            print("no error")
    """)
    start = time.monotonic()
    out = subprocess.run(
        ["prlimit", f"--as={4 * 2**30}", sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, f"{case}: rc {out.returncode}\n{out.stderr[-2000:]}"
    assert "fatal error" not in out.stderr
    kind, _, message = out.stdout.strip().partition(" ")
    assert kind in ("MemoryError", "ValueError"), out.stdout + out.stderr[-1000:]
    assert name in message, f"{case}: the message does not name {name!r}: {message}"
    assert time.monotonic() - start < 60
