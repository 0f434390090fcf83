"""The paper's claims for Figs 3B–C, 3D–E, 4 and 5 (spec §8, §9 C5, C6, C9), at reduced size.

Each test checks a statement of the paper or the spec (orderings, exact
invariances, closed forms) or compares with an independent NumPy computation
(``tests/reference``, which never imports natspike); none compares with
numbers that natspike printed.
"""

import natspike
import numpy as np
import pytest
import reference as ref
from natspike import experiments
from natspike.experiments import _figure3de

D = ref.DEFAULTS


# --- Fig 4, claim C5: democratic plasticity ------------------------------------------------------------------


@pytest.fixture(scope="module")
def fig4():
    return experiments.figure4(seed=11)


@pytest.mark.parametrize(
    "options",
    [{}, {"protocol": "authors"}, {"replay_authors_stream": True}, {"inverse_attenuation": (1.0, 1.7, 4.2, 9.5)}],
    ids=["paper", "authors", "replay", "non-integer"],
)
def test_fig4_relative_change_is_the_same_at_every_distance(options):
    ds = experiments.figure4(seed=11, **options)
    relative = ds["relative_change"].values / 100
    assert abs(relative).min() > 1e-3  # the synapse did learn
    assert np.ptp(relative) <= 1e-12
    assert "yes" in experiments.claim_figure4(ds)


def test_fig4_absolute_change_is_proportional_to_inverse_attenuation(fig4):
    inv = fig4["inverse_attenuation"].values
    per_inverse = fig4["absolute_change"].values / inv
    assert np.ptp(per_inverse) <= 1e-12 * abs(per_inverse).max()
    assert np.all(np.diff(abs(fig4["absolute_change"].values)) > 0)  # grows with distance


def test_fig4_somatic_effect_is_independent_of_location(fig4):
    somatic = fig4["somatic_weight"].values
    assert np.allclose(somatic[:, 0], 0.05, rtol=1e-15)
    assert np.max(abs(somatic - somatic[0])) <= 1e-12 * abs(somatic).max()


def test_fig4_initial_dendritic_weight_is_somatic_weight_over_alpha(fig4):
    inv = fig4["inverse_attenuation"].values
    assert np.allclose(fig4["dendritic_weight"].values[:, 0], 0.05 * inv, rtol=1e-15)


@pytest.mark.parametrize(
    "options", [{"inverse_attenuation": (0.5, 2.0)}, {"inverse_attenuation": ()}, {"protocol": "frozen"}, {"eta": -1.0}]
)
def test_fig4_rejects_bad_input(options):
    with pytest.raises(ValueError):
        experiments.figure4(**options)


def test_fig4_and_fig5_same_seed_same_numbers():
    a, b = experiments.figure4(seed=21), experiments.figure4(seed=21)
    assert np.array_equal(a["dendritic_weight"].values, b["dendritic_weight"].values)
    assert not np.array_equal(a["dendritic_weight"].values, experiments.figure4(seed=22)["dendritic_weight"].values)
    c, d = (experiments.figure5(n_trials=2, seed=21, protocol="authors") for _ in range(2))
    assert np.array_equal(c["tau_sweep_change_trials"].values, d["tau_sweep_change_trials"].values)


# --- Fig 5, claim C6: variance scaling ------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", ["paper", "authors"])
def test_fig5_change_decreases_strictly_with_usp_std(protocol):
    ds = experiments.figure5(n_trials=8, seed=5, protocol=protocol)
    for sweep in ("tau_sweep", "rate_sweep"):
        order = np.argsort(ds[f"{sweep}_std"].values)
        change = ds[f"{sweep}_change"].values[order]
        assert np.all(change > 0)  # the 80-Hz teacher potentiates the synapse
        assert np.all(np.diff(change) < 0), (sweep, change)
    assert "yes" in experiments.claim_figure5(ds)


def test_fig5_usp_std_is_the_campbell_value():
    ds = experiments.figure5(n_trials=1, replay_authors_stream=True)
    for sweep, rates, taus in (
        ("tau_sweep", np.full(6, 10.0), ds["tau_s"].values),
        ("rate_sweep", ds["rate"].values, np.full(5, 0.020)),
    ):
        var = rates / ref.c_eps(0.010, taus, 1 / rates)  # Var(x^ε) = r/c_ε with ε0 = 1/r (Eqns 29–31)
        assert np.allclose(ds[f"{sweep}_std"].values, np.sqrt(var), rtol=1e-12)


def _authors_fig5_loop(rate, tau_s, *, eta=1e-4, w0=0.01, teacher_rate=80.0, bins=10_000):
    """The authors' Fig 5 computation written out in NumPy: RandomState(999), inputs then teacher,
    coefficients frozen at t = 0, 9 999 updates of Eqn 38 (spec §8 Fig 5, §9 C6, §10.3)."""
    dt, tau_m, eps0 = D["dt"], 0.010, 1 / rate
    rs = np.random.RandomState(999)
    spikes = rs.binomial(1, rate * dt, bins)
    teacher = rs.binomial(1, teacher_rate * dt, bins)
    x = ref.usp_traces(spikes, dt, tau_m, tau_s, eps0)[:, 0]
    ce = ref.c_eps(tau_m, tau_s, eps0)
    mu, var = eps0 * w0 * rate, w0**2 * rate / ce
    c = ref.coefficients(mu, var, ce * eps0**2 * rate, phi_max=D["phi_max"], beta=D["beta"], theta=D["theta"])
    w = w0
    for k in range(bins - 1):
        v = w * x[k]
        sig = 1 / (1 + np.exp(-D["beta"] * (v - D["theta"])))
        gamma_u = -ce * eps0 * (ce * eps0 * c.g1 * x[k] + c.g3 * v)
        gamma_w = ce * eps0 * c.g2 * x[k] + c.g4 * v
        err = (teacher[k] - D["phi_max"] * sig * dt) * D["beta"] * (1 - sig)
        w += eta * err * c.gamma_s * (ce * x[k] / rate - gamma_u + gamma_w * w)
    return 100 * (w / w0 - 1)


def test_fig5_replay_reproduces_the_authors_computation():
    ds = experiments.figure5(
        replay_authors_stream=True, protocol="authors", tau_s_values=(0.001, 0.020), rate_values=(10.0, 50.0)
    )
    assert ds["tau_sweep_change"].sel(tau_s=0.001).item() == pytest.approx(_authors_fig5_loop(10.0, 0.001), rel=1e-9)
    assert ds["rate_sweep_change"].sel(rate=50.0).item() == pytest.approx(_authors_fig5_loop(50.0, 0.020), rel=1e-9)


# --- Fig 3D–E, claim C9: vector-field geometry ----------------------------------------------------------------


@pytest.fixture(scope="module")
def fig3de():
    return experiments.figure3de(n_trials=1, duration_minutes=10.0, seed=3, samples=600, cost_step=0.02)


def test_fig3de_natural_arrows_point_much_closer_to_target(fig3de):
    angle = fig3de["angle"]
    assert angle.sizes["arrow_w1"] * angle.sizes["arrow_w2"] == 20
    natural, euclidean = angle.sel(rule="natural").values, angle.sel(rule="euclidean").values
    assert natural.mean() < 0.5 * euclidean.mean()
    assert natural.max() < 0.5 * euclidean.max()
    assert euclidean.max() > 30  # "deviate strongly (tens of degrees)"
    assert "yes" in experiments.claim_figure3de(fig3de)


def test_fig3de_natural_field_is_inverse_fisher_times_euclidean():
    rates = np.array([10.0, 50.0])
    wstar = np.array([0.075, 0.075])
    x = natspike.sample_usps(rates, 400, bins=2000, seed=8)
    points = np.array([[-0.14, 0.01], [0.04, 0.13], [0.22, -0.11]])
    natural = _figure3de._mean_update("natural", points, wstar, x, rates, natspike.Neuron())
    euclidean = _figure3de._mean_update("euclidean", points, wstar, x, rates, natspike.Neuron())
    for p, nat, euc in zip(points, natural, euclidean):  # Eqn 12: natural = G⁻¹ · Euclidean
        assert np.allclose(natspike.inverse_fisher_matrix(p, rates) @ euc, nat, rtol=1e-10, atol=0)


def test_fig3de_cost_is_nonnegative_and_smallest_at_target(fig3de):
    cost = fig3de["cost"]
    assert float(cost.min()) >= 0
    i, j = np.unravel_index(int(np.argmin(cost.values)), cost.shape)
    target = np.asarray(fig3de.attrs["target"])
    step = fig3de.attrs["cost_step"]
    assert abs(cost["cost_w1"][i] - target[0]) <= step and abs(cost["cost_w2"][j] - target[1]) <= step


def test_fig3de_euclidean_path_first_adapts_the_high_rate_weight(fig3de):
    """Euclidean descent first mostly moves w2 (50 Hz); the natural path heads straight for w*."""
    path = fig3de["path"]
    start, target = np.asarray(fig3de.attrs["start"]), np.asarray(fig3de.attrs["target"])

    def heading_error(rule):
        step = path.sel(rule=rule).values[-1] - start
        cos = step @ (target - start) / np.linalg.norm(step) / np.linalg.norm(target - start)
        return np.degrees(np.arccos(cos)), step

    nat_angle, _ = heading_error("natural")
    euc_angle, euc_step = heading_error("euclidean")
    assert nat_angle < euc_angle
    assert abs(euc_step[1]) > abs(euc_step[0])


# --- Fig 3B–C: PSTH before and after learning ------------------------------------------------------------------


@pytest.fixture(scope="module")
def fig3bc():
    return experiments.figure3bc(duration_minutes=15.0, repetitions=1000, seed=4)


def test_fig3bc_student_psth_aligns_with_teacher_after_learning(fig3bc):
    psth = {w: fig3bc["psth"].sel(weights=w).values for w in ("initial", "learned", "target")}
    before = np.corrcoef(psth["initial"], psth["target"])[0, 1]
    after = np.corrcoef(psth["learned"], psth["target"])[0, 1]
    assert after > 0.8 and after > before + 0.2
    rms = {w: np.sqrt(np.mean((psth[w] - psth["target"]) ** 2)) for w in ("initial", "learned")}
    assert rms["learned"] < 0.5 * rms["initial"]
    assert "yes" in experiments.claim_figure3bc(fig3bc)


def test_fig3bc_psth_is_the_mean_of_the_sampled_spikes(fig3bc):
    spikes = fig3bc["spikes"].values  # (weights, repetition, time)
    per_bin = int(round(fig3bc.attrs["psth_bin"] / D["dt"]))
    counts = spikes.reshape(3, spikes.shape[1], -1, per_bin).sum(axis=(1, 3)) / spikes.shape[1]
    assert np.allclose(counts, fig3bc["psth"].values)
    expected = fig3bc["rate"].values.reshape(3, -1, per_bin).sum(axis=2) * D["dt"]  # E[spikes per bin]
    assert np.allclose(counts, expected, atol=0.05)


def test_usp_traces_match_reference():
    rng = np.random.default_rng(1)
    spikes = rng.random((800, 4)) < np.array([10.0, 50.0, 5.0, 80.0]) * D["dt"]
    ours = natspike.usp_traces(spikes, neuron=natspike.Neuron(tau_s=0.004, eps0=0.5))
    assert np.allclose(ours, ref.usp_traces(spikes.astype(float), D["dt"], 0.010, 0.004, 0.5), rtol=1e-12, atol=1e-12)


# --- every Dataset serialises to netCDF3 (the CLI's format) ----------------------------------------------------


def test_datasets_save_as_netcdf3(tmp_path, fig4, fig3de, fig3bc):
    for name, ds in (
        ("4", fig4),
        ("3de", fig3de),
        ("3bc", fig3bc),
        ("5", experiments.figure5(n_trials=2, seed=1, protocol="authors")),
    ):
        path = tmp_path / f"figure{name}.nc"
        ds.to_netcdf(path, engine="scipy")
        assert path.stat().st_size > 0
        assert all(
            isinstance(v, (int, float, str, list, np.integer, np.floating, np.ndarray)) for v in ds.attrs.values()
        )
