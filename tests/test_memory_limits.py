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


# The C ABI called directly, past Python's guard: Go sizes its own
# allocations against the same limits and refuses with NS_NOMEMORY, which
# natspike._native raises as MemoryError with Go's message.
NATIVE_CASES = {
    "monte_carlo_fisher": (
        "n = 10000; w, r, out = np.full(n, 1e-3), np.full(n, 10.0), np.empty(n * n)\n"
        "_native.call_cancellable(_native.functions['ns_monte_carlo_fisher'], b'{}', w, r, n, 10, 1, out)",
        "weights: a Monte-Carlo Fisher matrix of 10000 weights",
    ),
    "train_records": (
        "n = 100; w, r = np.full(n, 0.01), np.full(n, 10.0)\n"
        "cfg = json.dumps(dict(rule='natural', eta=1e-3, duration=1e4, record_every=1e-3, teacher='poisson',"
        " teacher_rate=20.0, seed=1)).encode()\n"
        "table, count = _native.buffers({'rates': r, 'w0': w})\n"
        "_native.call_cancellable(_native.functions['ns_train'], cfg, n, table, count)",
        "record_every: recording weights (10000001 x 100 per trial)",
    ),
}


def _under_prlimit(script: str, limit: int = 4 * 2**30):
    return subprocess.run(
        ["prlimit", f"--as={limit}", sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(shutil.which("prlimit") is None, reason="needs util-linux prlimit")
@pytest.mark.parametrize("case", sorted(NATIVE_CASES))
def test_go_refuses_what_cannot_fit_without_the_python_guard(case):
    call, expected = NATIVE_CASES[case]
    script = "import json, numpy as np\nfrom natspike import _native\ntry:\n"
    script += textwrap.indent(call, "    ") + "\nexcept MemoryError as exc:\n    print('MemoryError', exc)\n"
    out = _under_prlimit(script)
    assert out.returncode == 0 and "fatal error" not in out.stderr, f"rc {out.returncode}\n{out.stderr[-2000:]}"
    assert out.stdout.startswith("MemoryError " + expected), out.stdout + out.stderr[-1000:]
    assert "of memory available" in out.stdout


@pytest.mark.skipif(shutil.which("prlimit") is None, reason="needs util-linux prlimit")
def test_python_and_go_measure_the_same_headroom():
    """One limit, measured twice (natspike._validate and capi/memory.go): under
    a 4 GiB address-space limit both see the same headroom, to the few MiB the
    process maps between the two readings."""
    out = _under_prlimit(
        "from natspike import _native\nfrom natspike._validate import available_memory\n"
        "print(_native.go.AvailableMemory(), available_memory())"
    )
    go_bytes, py_bytes = map(int, out.stdout.split())
    assert 1 * 2**30 < go_bytes < 4 * 2**30, out.stdout
    assert abs(go_bytes - py_bytes) < 16 * 2**20, out.stdout
