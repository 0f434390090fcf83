"""Claims C8 and C12 (spec §9): natural and approximate natural-gradient learning converge before Euclidean.

Protocol of Fig 3F (spec §8): n = 100 afferents at 10/50 Hz (Fig 12C–F:
other rate pairs), per-trial w0, w* ~ U(−1/n, 1/n), realizable teacher,
D_KL per bin on a 50-sample test set; learning rates of Table 1 in the
authors' (1 − σ) convention. "Converges" means: the trial-averaged D_KL
first falls below 5·10⁻⁵ (Fig 9D). The crossing times are recomputed here
from the recorded D_KL values with plain NumPy.

Sizes are reduced (the paper uses 1000 trials of 133 min). They were chosen
from runs with 10–100 trials of up to 133 min and from repeats with seven
seeds at the test size (all passed), so that each run lasts well past the
faster rule's crossing. The slower rule may or may not cross within the
run; not crossing counts as later. Seeds are fixed.
"""

import numpy as np
import pytest
from natspike import experiments

THRESHOLD = 5e-5
SEED = 2022
C8_TRIALS = 6


def first_below(kl, minutes):
    """First time (min) at which the 1-D curve ``kl`` is below the threshold; inf if never."""
    below = np.flatnonzero(np.asarray(kl) < THRESHOLD)
    return minutes[below[0]] if below.size else np.inf


def assert_first(ds, fast, slow):
    assert ds["time"].attrs["units"] == "s"
    t = ds["time"].values / 60  # the Dataset is in seconds; the paper's axes and these numbers are minutes
    t_fast = first_below(ds["kl"].sel(rule=fast).values, t)
    t_slow = first_below(ds["kl"].sel(rule=slow).values, t)
    assert np.isfinite(t_fast), f"{fast} mean D_KL never fell below {THRESHOLD} within {t[-1]:.0f} min"
    assert t_fast < t_slow, f"{fast} crossed at {t_fast:.1f} min, {slow} at {t_slow:.1f} min"


# (η/η0, learning minutes). Measured with 6 trials and 7 seeds, the natural rule's mean D_KL crossed 5e-5 at
# 28–37 min (η0/2), 17–20 min (η0) and 12–22 min (2η0), every time before the Euclidean rule's (Euclidean with
# 10 trials: 77, 48 and 35 min). At 2η0 the natural rule's noise floor is itself close to the threshold
# (4.9e-5 with 40 trials), so that crossing is the least certain of the three.
C8_RUNS = [(0.5, 50.0), (1.0, 30.0), (2.0, 30.0)]


@pytest.mark.parametrize("factor, minutes", C8_RUNS, ids=[f"eta x{f:g}" for f, _ in C8_RUNS])
def test_c8_natural_gradient_converges_before_euclidean(factor, minutes):
    eta = {rule: factor * experiments.PAPER_ETA[rule] for rule in ("natural", "euclidean")}
    ds = experiments.figure3f(
        n_trials=C8_TRIALS, duration_minutes=minutes, seed=SEED, eta=eta, rules=("natural", "euclidean")
    )
    assert_first(ds, "natural", "euclidean")
    assert np.all(ds["kl"].values > 0) and np.all(np.isfinite(ds["kl_trials"].values))


C12_PATTERNS = [(10.0, 30.0), (10.0, 50.0), (20.0, 20.0), (20.0, 40.0)]
# Measured with 10 trials and 7 seeds: the approximate rule crossed at 13–17 (10/30), 17–20 (10/50), 15–17 (20/20)
# and 20–22 min (20/40); the Euclidean rule at 22–28, > 30, 18–23 and ≥ 30 min. 20/20 Hz has the smallest margin
# (with 20 trials: approximate 14.2, Euclidean 20.0 min).
C12_TRIALS, C12_MINUTES = 10, 30.0


def test_c12_approximate_rule_converges_before_euclidean_for_all_patterns():
    ds = experiments.figure12_curves(
        n_trials=C12_TRIALS,
        duration_minutes=C12_MINUTES,
        seed=SEED,
        patterns=C12_PATTERNS,
        rules=("approximate", "euclidean"),
    )
    for label in ds["pattern"].values:
        assert_first(ds.sel(pattern=label), "approximate", "euclidean")
