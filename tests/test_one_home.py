"""Each range and each integer check has one home (items of the run-description redesign)."""

from __future__ import annotations

import natspike
import numpy as np
import pytest

N = 4
_W, _R = np.full(N, 0.2), np.full(N, 20.0)


@pytest.mark.parametrize("call", ["train", "run_trials"])
@pytest.mark.parametrize("bad, index", [(0.0, 2), (1.5, 0), (-0.1, 3)])
def test_the_attenuation_range_is_goes_alone(call, bad, index):
    """Go's neuron.NewDendritic states (0, 1]; Python checks only shape and finiteness."""
    alpha = np.full(N, 0.5)
    alpha[index] = bad
    kw = dict(teacher=20.0, duration=0.01, eta=1e-3, seed=1, attenuation=alpha)
    if call == "run_trials":
        kw["n_trials"] = 2
    with pytest.raises(ValueError) as e:
        getattr(natspike, call)("natural", _W, _R, **kw)
    assert str(e.value) == f"attenuation[{index}] must be in (0, 1], got {bad:g}"
    natspike.train("natural", _W, _R, teacher=20.0, duration=0.01, eta=1e-3, seed=1, attenuation=np.full(N, 1.0))
