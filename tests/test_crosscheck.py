"""Go core versus the independent NumPy reference (tests/reference), on identical spike trains.

The reference never imports natspike; both implement the discrete-time contract of
``core/learn`` (spec §1–§6). Trajectories must agree to 1e-10 relative.
"""

import numpy as np
import pytest

import natspike
import reference as ref

D = ref.DEFAULTS
RTOL = 1e-10


def _task(n, bins, seed, rates=None, teacher_rate=None):
    rng = np.random.default_rng(seed)
    rates = np.where(np.arange(n) < n // 2, 10.0, 50.0) if rates is None else np.asarray(rates, float)
    w0 = rng.uniform(-3 / n, 3 / n, n)
    wstar = rng.uniform(-3 / n, 3 / n, n)
    spikes, _, y = ref.make_realizable_task(rng, rates, wstar, bins, **D)
    if teacher_rate is not None:
        y = ref.draw_poisson_teacher(rng, teacher_rate, bins, D["dt"])
    return rates, w0, wstar, spikes.astype(np.uint8), y.astype(np.uint8)


def _go(rule, w0, rates, spikes, y, **kw):
    bins = spikes.shape[0]
    res = natspike.train(rule, w0, rates, teacher=y, inputs=spikes, duration=bins * D["dt"],
                         record_every=D["dt"], seed=0, **kw)
    return res.weights


def _reference(rule, w0, rates, spikes, y, *, eta, coefficient_refresh=1, **kw):
    refresh = 0 if coefficient_refresh == "frozen" else coefficient_refresh
    return ref.simulate(rule, w0, rates, spikes.astype(float), y.astype(float), eta=eta,
                        coefficient_refresh=refresh, coefficients="gauss", **D, **kw)


def _assert_close(go, np_, what):
    scale = np.abs(np_).max()
    err = np.abs(go - np_).max() / scale
    assert err < RTOL, f"{what}: max |Go − NumPy| / max|w| = {err:.2e} ≥ {RTOL}"


@pytest.mark.parametrize("rule,eta", [("euclidean", 2e-4), ("natural", 2e-3), ("approximate", 2e-3)])
@pytest.mark.parametrize("convention", ["exact", "authors"])
def test_somatic_trajectories_match_numpy_reference(rule, eta, convention):
    rates, w0, _, spikes, y = _task(12, 600, 1)
    go = _go(rule, w0, rates, spikes, y, eta=eta, lr_convention=convention)
    np_ = _reference(rule, w0, rates, spikes, y, eta=eta, lr_convention=convention)
    assert go.shape == np_.shape == (601, 12)
    _assert_close(go, np_, f"{rule}/{convention}")
    assert np.abs(go[-1] - go[0]).max() > 1e-6, "weights did not move: the comparison would be vacuous"


@pytest.mark.parametrize("rule,eta", [("euclidean", 2e-4), ("natural", 2e-3), ("approximate", 2e-3)])
def test_dendritic_trajectories_match_numpy_reference(rule, eta):
    rates, w0, _, spikes, y = _task(10, 500, 2)
    alpha = np.random.default_rng(3).uniform(0.1, 1.0, 10)
    go = _go(rule, w0 / alpha, rates, spikes, y, eta=eta, attenuation=alpha)
    np_ = _reference(rule, w0 / alpha, rates, spikes, y, eta=eta, attenuation=alpha)
    _assert_close(go, np_, f"dendritic {rule}")


@pytest.mark.parametrize("refresh", ["frozen", 7])
def test_coefficient_refresh_schedules_match_numpy_reference(refresh):
    rates, w0, _, spikes, y = _task(8, 400, 4)
    go = _go("natural", w0, rates, spikes, y, eta=5e-3, coefficient_refresh=refresh)
    np_ = _reference("natural", w0, rates, spikes, y, eta=5e-3, coefficient_refresh=refresh)
    _assert_close(go, np_, f"refresh={refresh}")


def test_silent_afferents_and_poisson_teacher_match_numpy_reference():
    rates = np.array([5.0] * 5 + [0.0] * 5)
    _, w0, _, spikes, y = _task(10, 800, 5, rates=rates, teacher_rate=20.0)
    neuron = natspike.Neuron(theta=15.0)
    go = natspike.train("natural", np.full(10, 0.2), rates, teacher=y, inputs=spikes, duration=0.4,
                        record_every=D["dt"], eta=1e-3, neuron=neuron).weights
    np_ = ref.simulate("natural", np.full(10, 0.2), rates, spikes.astype(float), y.astype(float), eta=1e-3,
                       coefficients="gauss", **{**D, "theta": 15.0})
    _assert_close(go, np_, "silent afferents")
    assert np.all(spikes[:, 5:] == 0)


def test_dendritic_natural_update_is_democratic_at_the_soma_c4():
    rates, w0, _, spikes, y = _task(10, 500, 6)
    alpha = np.random.default_rng(7).uniform(0.1, 1.0, 10)
    som = _go("natural", w0, rates, spikes, y, eta=2e-3)
    den = _go("natural", w0 / alpha, rates, spikes, y, eta=2e-3, attenuation=alpha)
    np.testing.assert_allclose(den * alpha, som, rtol=1e-10, atol=1e-14)
