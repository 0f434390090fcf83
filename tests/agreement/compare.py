"""One comparison with stated tolerances, and the printed matrix of what holds.

A cell is ``OK`` (bit-identical), ``≈e`` (not bit-identical, within the claimed relative tolerance; e is
the measured deviation), ``FAIL e`` (outside the claim, or not bit-identical where bit-identity is
claimed), or a hole (``refused``, ``n/i``, ``n/a``, ``go``; see configurations.py).
"""

from dataclasses import dataclass

import numpy as np

from .configurations import Claim


@dataclass(frozen=True)
class Cell:
    status: str  # "OK", "tol", "FAIL" or a Hole kind
    error: float = 0.0
    detail: str = ""

    def __str__(self):
        if self.status == "OK":
            return "OK"
        if self.status == "tol":
            return f"≈{self.error:.0e}"
        if self.status == "FAIL":
            return f"FAIL {self.error:.0e}" if np.isfinite(self.error) else "FAIL"
        return self.status


def relative_deviation(a, b):
    """max |a − b| / max |b| (the scale of b, so that entries near zero do not dominate)."""
    return float(np.abs(a - b).max() / np.abs(b).max())


def compare(candidate: dict, baseline: dict, claim: Claim) -> Cell:
    """Compare every output of a configuration with the reference run's (exact=True), against the configuration's claim."""
    for name, base in baseline.items():
        if candidate[name].shape != base.shape:
            return Cell("FAIL", np.inf, f"{name}: shape {candidate[name].shape}, reference {base.shape}")
    if all(np.array_equal(candidate[k], baseline[k]) for k in baseline):
        return Cell("OK")
    errors = {k: relative_deviation(candidate[k], baseline[k]) for k in baseline}
    worst = max(errors, key=errors.get)
    detail = ", ".join(f"{k} {e:.2e}" for k, e in errors.items())
    within = claim.rtol is not None and errors[worst] <= claim.rtol
    return Cell("tol" if within else "FAIL", errors[worst], detail)


#: (scenario name, configuration name) -> Cell, filled by tests/test_agreement.py in run order.
RESULTS: dict = {}
#: (configuration name, claim as text, its source), every claim a cell was checked against.
CLAIMS: set = set()


def render(results: dict, claims: set, rows=(), cols=()) -> str:
    """The matrix as text: a row per scenario, a column per configuration (in the given orders, then in
    the order recorded), and the legend."""
    rows = list(dict.fromkeys([*rows, *(s for s, _ in results)]))
    cols = list(dict.fromkeys([*cols, *(c for _, c in results)]))
    rows = [r for r in rows if any((r, c) in results for c in cols)]
    cols = [c for c in cols if any((r, c) in results for r in rows)]
    cells = [[str(results.get((r, c), "")) for c in cols] for r in rows]
    widths = [max(len(h), *(len(row[j]) for row in cells)) for j, h in enumerate(cols)]
    first = max(len(r) for r in rows)
    lines = ["  ".join([" " * first] + [h.ljust(w) for h, w in zip(cols, widths)])]
    lines += ["  ".join([r.ljust(first)] + [v.ljust(w) for v, w in zip(row, widths)]) for r, row in zip(rows, cells)]
    lines.append("")
    lines.append(
        "OK bit-identical to the reference run (exact=True); ≈e within the claimed tolerance (e: max relative deviation of"
    )
    lines.append("weights and V); FAIL outside it; refused: train refuses it (checked); n/i: not implemented;")
    lines.append("n/a: not applicable; go: covered by a Go test only. Claims:")
    lines += [f"  {c}: {claim} ({source})" for c, claim, source in sorted(claims) if c in cols]
    holes = {(c, cell.detail) for (_, c), cell in results.items() if cell.status not in ("OK", "tol", "FAIL")}
    lines += [f"  hole in {c}: {why}" for c, why in sorted(holes)]
    return "\n".join(lines)
