"""figure12_angles with USP trains so short that a USP vector can be zero (no input spike): its update
directions are zero and the angles 0/0, so the call is refused naming ``bins`` and the fewest bins at which a
zero vector has probability < 1e-6 — never a Dataset of NaN angles."""

import math

import natspike
import natspike.experiments as ex
import numpy as np
import pytest
from natspike.experiments import _figure12

DT = natspike.Neuron().dt


@pytest.mark.parametrize("bins", [5, 20])
def test_zero_usp_probability_matches_monte_carlo(bins):
    """A USP vector is zero iff no input spike falls in the first bins - 1 bins: exp(-(bins - 1)·dt·Σr)."""
    rates, samples = np.full(4, 10.0), 20000
    x = natspike.sample_usps(rates, samples, bins=bins, seed=3)
    p = _figure12._zero_usp_probability(bins, rates, DT)
    assert p == pytest.approx(math.exp(-(bins - 1) * DT * 40.0))
    observed = np.mean(~x.any(axis=1))
    assert abs(observed - p) < 5 * math.sqrt(p * (1 - p) / samples), (observed, p)
    # the other candidate, no spike in all `bins` bins, is more than 5 sigma away at bins = 5
    if bins == 5:
        assert abs(observed - math.exp(-bins * DT * 40.0)) > 5 * math.sqrt(p * (1 - p) / samples)


def test_the_suggested_minimum_keeps_zero_vectors_below_one_in_a_million():
    rates, samples = np.full(4, 10.0), 10
    need = _figure12._min_angle_bins(samples, rates, DT)
    assert samples * _figure12._zero_usp_probability(need, rates, DT) < 1e-6
    assert samples * _figure12._zero_usp_probability(need - 1, rates, DT) >= 1e-6


def test_short_trains_with_zero_usp_vectors_are_refused_naming_bins():
    with pytest.raises(ValueError, match=r"bins=20: \d+ of the 2 USP vectors of pattern 10/10 Hz are zero") as info:
        ex.figure12_angles(n_trials=1, usp_samples=2, n=4, bins=20)
    need = _figure12._min_angle_bins(2, np.full(4, 10.0), DT)
    assert f"use bins >= {need}" in str(info.value)


def test_one_bin_is_refused_before_any_work():
    with pytest.raises(ValueError, match=r"bins must be >= 2, got 1"):
        ex.figure12_angles(n_trials=1, usp_samples=2, n=4, bins=1)


def test_the_suggested_bins_give_finite_angles():
    need = _figure12._min_angle_bins(2, np.full(4, 10.0), DT)
    ds = ex.figure12_angles(n_trials=1, usp_samples=2, n=4, bins=need)
    assert np.isfinite(ds["angle"].values).all()
