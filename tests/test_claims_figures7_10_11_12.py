"""Claims C7 (Fig 7), C13 (Fig 10), C10 (Fig 11) and C11 (Fig 12A–B) of the spec, at reduced size.

Each test states the paper's claim (spec §9) and checks it on a Dataset of
``natspike.experiments``: signs, orderings, closed forms from the spec, or an
independent NumPy computation (``tests/reference``, which never imports
natspike).
"""

import natspike
import numpy as np
import pytest
import reference as ref
from natspike import experiments
from scipy.stats import spearmanr

# ----------------------------------------------------------------------------------------------------------------
# Fig 7 / C7: homo- and heterosynaptic sign rules
# ----------------------------------------------------------------------------------------------------------------

# The claim's rows (n·w_st) and columns (n·w_ust), with 1.04, the edge of the paper's plotted region.
ST = [1.0, 1.04, 1.5, 2.0, 2.5, 3.0, 4.5, 5.0]
UST = [1.0, 1.04, 2.5, 4.5, 5.0]
# Coefficients every 10 bins (5 ms): ~10x faster; test_sparse_refresh_matches_every_bin bounds the difference.
REFRESH = 10


@pytest.fixture(scope="module")
def fig7():
    return experiments.figure7(grid=(ST, UST), n_trials=8, seed=7, coefficient_refresh=REFRESH)


def test_sparse_refresh_matches_every_bin():
    kw = dict(grid=([1.5, 4.5], [2.5]), n_trials=2, seed=3)
    every = experiments.figure7(**kw)
    sparse = experiments.figure7(**kw, coefficient_refresh=REFRESH)
    for name in ("change_st_trials", "change_ust_trials"):
        a, b = every[name].values, sparse[name].values
        assert np.all(np.abs(a - b) <= 1e-3 * np.abs(a)), name


def test_fig7_fast_coefficients_match_exact_quadrature():
    kw = dict(grid=([1.5, 4.5], [2.5]), n_trials=2, seed=3, duration=10.0)
    exact, fast = experiments.figure7(**kw, fast=False), experiments.figure7(**kw)
    assert exact.attrs["coefficient_tolerance"] == 0.0 and fast.attrs["coefficient_tolerance"] == 1e-9
    for name in ("change_st_trials", "change_ust_trials"):
        np.testing.assert_allclose(fast[name].values, exact[name].values, rtol=1e-6, err_msg=name)


def test_fig7_stimulated_change_does_not_depend_on_unstimulated_weights(fig7):
    # Unstimulated inputs are silent, so w_ust never enters V: columns differ only by noise.
    trials = fig7["change_st_trials"].values  # (st, ust, replicate)
    reps = trials.shape[2]
    pooled_sem = np.sqrt(trials.var(axis=(1, 2), ddof=1) / reps)[:, None]
    means = trials.mean(axis=2)
    deviation = np.abs(means - means.mean(axis=1, keepdims=True)) / pooled_sem
    assert deviation.max() < 5


def test_fig7_region_O1_small_stimulated_weights(fig7):
    row = fig7.sel(w_st=1.0)
    assert (row["change_st"] > 0).all() and (row["change_ust"] < 0).all()


def test_fig7_zero_error_line_flips_both_signs(fig7):
    st = fig7["w_st"].values
    for u in fig7["w_ust"].values[fig7["w_ust"].values <= 2.5]:
        col = fig7.sel(w_ust=u)
        s, v = np.sign(col["change_st"].values), np.sign(col["change_ust"].values)
        flip_st = np.nonzero(np.diff(s) < 0)[0]
        flip_ust = np.nonzero(np.diff(v) > 0)[0]
        assert flip_st.size == 1 and flip_ust.size == 1, (u, s, v)
        assert 1.5 <= st[flip_st[0] + 1] and st[flip_st[0]] <= 2.5  # spec: line between 1.5 and 2.5
        assert abs(int(flip_st[0]) - int(flip_ust[0])) <= 1
    line = fig7["zero_error_line"].values
    assert np.all((line > 1.5) & (line < 2.5))


def test_fig7_region_O2(fig7):
    sub = fig7.sel(w_st=2.5).where(fig7["w_ust"] <= 2.5, drop=True)
    assert (sub["change_st"] < 0).all() and (sub["change_ust"] > 0).all()


def test_fig7_region_S_both_depress(fig7):
    sub = fig7.sel(w_st=[4.5, 5.0], w_ust=[4.5, 5.0])
    assert (sub["change_st"] < 0).all() and (sub["change_ust"] < 0).all()
    assert (sub["sign_product"] == 1).all()


def test_fig7_changes_fit_the_colour_range(fig7):
    sub = fig7.sel(w_st=[v for v in ST if v >= 1.04], w_ust=[v for v in UST if v >= 1.04])
    assert float(np.abs(sub["change_st"]).max()) <= 12.5
    assert float(np.abs(sub["change_ust"]).max()) <= 12.5


def test_fig7_claim_line_and_netcdf_attrs(fig7):
    assert "claim C7 holds: yes" in experiments.claim_figure7(fig7)
    for key, value in fig7.attrs.items():
        assert isinstance(value, (int, float, str, list)) and not isinstance(value, bool), key


def test_fig7_claim_and_title_count_replicates_in_words(fig7):
    import matplotlib

    matplotlib.use("Agg")
    from natspike import plotting

    one = fig7.isel(replicate=slice(0, 1))
    for ds, words in ((fig7, "8 replicates,"), (one, "1 replicate,")):
        assert f"grid, {words}" in experiments.claim_figure7(ds)
        assert f"grid, {words}" in plotting.figure7(ds)._suptitle.get_text()


def test_fig7_authors_protocol_is_a_small_perturbation():
    kw = dict(grid=([1.5, 4.5], [2.5]), n_trials=2, seed=3, coefficient_refresh=None)
    paper = experiments.figure7(**kw)
    kw.pop("coefficient_refresh")
    authors = experiments.figure7(**kw, protocol="authors")
    a, b = paper["change_st_trials"].values, authors["change_st_trials"].values
    assert not np.array_equal(a, b) and np.all(np.sign(a) == np.sign(b))
    assert np.all(np.abs(a - b) <= 0.05 * np.abs(a))


def test_fig7_examples_follow_regions_O1_O2_S():
    ds = experiments.figure7_examples(n_trials=2, seed=11, coefficient_refresh=REFRESH, record_every=10.0)
    end = ds.isel(time=-1).mean("replicate")
    want = {1.6: (1, -1), 2.5: (-1, 1), 4.5: (-1, -1)}  # spec §8: markers in O1, O2, S
    for v, (s, u) in want.items():
        e = end.sel(example=v)
        assert np.sign(float(e["change_st"])) == s and np.sign(float(e["change_ust"])) == u, v
    assert ds["change_st"].isel(time=0).values == pytest.approx(0.0)


def test_fig7_rejects_bad_arguments():
    with pytest.raises(ValueError, match="protocol"):
        experiments.figure7(grid=2, n_trials=1, protocol="fast")
    with pytest.raises(ValueError, match="trials"):
        experiments.figure7(grid=2, n_trials=0)
    with pytest.raises(ValueError, match="grid"):
        experiments.figure7(grid=1)


# ----------------------------------------------------------------------------------------------------------------
# Fig 10 / C13: the global factor γ_s
# ----------------------------------------------------------------------------------------------------------------

D = ref.DEFAULTS
C_EPS = ref.c_eps(D["tau_m"], D["tau_s"], D["eps0"])


@pytest.fixture(scope="module")
def fig10():
    return experiments.figure10(samples=60, seed=5)


def test_fig10_gamma_s_positive_and_matches_numpy_quadrature(fig10):
    assert (fig10["gamma_s"] > 0).all()
    for r in (5.0, 45.0):
        for k in range(3):
            p = fig10.sel(rate=r, sample=k)
            want = ref.coefficients(
                float(p["mean_v"]),
                float(p["var_v"]),
                C_EPS * 100 * r,
                phi_max=D["phi_max"],
                beta=D["beta"],
                theta=D["theta"],
            ).gamma_s
            assert float(p["gamma_s"]) == pytest.approx(want, rel=1e-6)


def test_fig10_mean_gamma_s_grows_with_rate(fig10):
    means = fig10["gamma_s"].mean("sample").values
    assert means[-1] > means[0]
    rates = np.broadcast_to(fig10["rate"].values[:, None], fig10["gamma_s"].shape)
    assert spearmanr(rates.ravel(), fig10["gamma_s"].values.ravel())[0] > 0.2


def test_fig10_gamma_s_minimal_where_fisher_weight_peaks():
    # C13: at small σ², γ_s is minimal near μ = θ − ln2/β and grows faster above it than below.
    ds = experiments.figure10(samples=1, seed=0)
    curve = ds["gamma_s_curve"].sel(curve_var=1.0)
    mu = ds["mu"].values
    peak = D["theta"] - np.log(2) / D["beta"]
    argmin = mu[int(np.argmin(curve.values))]
    assert abs(argmin - peak) < 0.3
    for d in (3.0, 5.0, 10.0):
        assert np.interp(argmin + d, mu, curve.values) > np.interp(argmin - d, mu, curve.values)
    # Spec C13 [V] values at q = 78 (σ² = 1 and 25).
    spec = {1.0: (43.2, 2.52, 0.92, 0.91, 3.81, 44.8), 25.0: (16.8, 1.97, 1.21, 1.26, 2.30, 7.52)}
    for var, values in spec.items():
        got = np.interp([-10, 0, 5, 10, 15, 20], mu, ds["gamma_s_curve"].sel(curve_var=var).values)
        assert got == pytest.approx(values, rel=0.02)


# ----------------------------------------------------------------------------------------------------------------
# Fig 11 / C10: coefficient approximations
# ----------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fig11():
    return experiments.figure11(samples=20, usp_samples=20, seed=9)


def test_fig11_coefficients_match_numpy_reference(fig11):
    for r, k in ((5.0, 0), (25.0, 1), (45.0, 2)):
        p = fig11.sel(rate=r, sample=k)
        c = ref.coefficients(
            float(p["mean_v"]),
            float(p["var_v"]),
            C_EPS * 100 * r,
            phi_max=D["phi_max"],
            beta=D["beta"],
            theta=D["theta"],
        )
        for name in ("g1", "g2", "g3", "g4"):
            assert float(p[name]) == pytest.approx(getattr(c, name), rel=1e-6, abs=1e-12), name
    assert np.allclose(fig11["g2"], fig11["g3"], rtol=1e-9, atol=0)  # the inverse of a symmetric G is symmetric


def test_fig11_g1_times_q_tends_to_minus_one(fig11):
    g1q = (fig11["g1_nr"] / -fig11["minus_inv_q"]).mean("sample").values.ravel()
    total = fig11["total_rate"].values.ravel()
    order = np.argsort(total)
    gap = np.abs(g1q[order] + 1)
    assert gap[-1] < 0.02 < gap[0]
    assert spearmanr(total[order], gap)[0] < -0.9
    assert np.all(g1q < 0)


def test_fig11_mean_g4_roughly_constant_while_g1_scales(fig11):
    for g4, g1 in ((fig11["g4"], fig11["g1"]), (fig11["g4_n"], fig11["g1_n"])):
        m4, m1 = np.abs(g4.mean("sample").values), np.abs(g1.mean("sample").values)
        assert m4.max() / m4.min() < 2 < 5 < m1.max() / m1.min()
    assert (fig11["g1"] < 0).all() and (fig11["g2"] < 0).all()  # Fig 11A–C ranges: g1, g2, g3 ≤ 0


def test_fig11_gamma_u_close_to_s_and_gamma_w_close_to_g4_v(fig11):
    ratio = (fig11["gamma_u"] / fig11["s"]).values
    assert abs(np.median(ratio) - 1) < 0.1
    assert np.corrcoef(fig11["gamma_u"].values.ravel(), fig11["s"].values.ravel())[0, 1] > 0.8
    assert np.corrcoef(fig11["gamma_w"].values.ravel(), fig11["g4_v"].values.ravel())[0, 1] > 0.95
    assert np.corrcoef(fig11["gamma_w"].values.ravel(), fig11["cw_v"].values.ravel())[0, 1] > 0.9
    # s = c_ε Σx/Σr has mean c_ε ε0 (Eqn 112), since E[x_i] = ε0 r_i.
    assert float(fig11["s"].mean()) == pytest.approx(C_EPS, rel=0.05)
    assert "claim C10 holds: yes" in experiments.claim_figure11(fig11)


# ----------------------------------------------------------------------------------------------------------------
# Fig 12A–B / C11: the approximate rule points close to the natural gradient
# ----------------------------------------------------------------------------------------------------------------


def test_fig12_approximate_closer_than_euclidean_in_both_metrics():
    ds = experiments.figure12_angles(n_trials=6, usp_samples=20, seed=4)
    m = ds["mean_angle"]
    assert (m.sel(compared="approximate") < m.sel(compared="euclidean")).all()
    assert ((ds["angle"] >= 0) & (ds["angle"] <= 90)).all()  # xᵀG⁻¹x > 0: natural–Euclidean angle < 90°
    assert "approximate closer for every pattern and metric: yes" in experiments.claim_figure12_angles(ds)


def test_fig12_directions_and_fisher_angles_match_numpy_reference():
    from natspike.experiments._figure12 import angles, update_directions

    rng = np.random.default_rng(1)
    rates = np.r_[np.full(50, 10.0), np.full(50, 50.0)]
    w = rng.uniform(-5, 5, 100) / 100
    x = natspike.sample_usps(rates, 4, bins=2000, seed=2)
    mu, var = ref.voltage_moments(w, rates, c_eps=C_EPS)
    c = ref.coefficients(
        mu, var, ref.total_rate(rates, c_eps=C_EPS), phi_max=D["phi_max"], beta=D["beta"], theta=D["theta"]
    )
    g = ref.fisher_matrix(w, rates, c.c1, c.c2, c.c3, c_eps=C_EPS)
    g_inv = ref.inverse_fisher_matrix(w, rates, c.gamma_s, c.g1, c.g2, c.g3, c.g4, c_eps=C_EPS)
    d = update_directions(w, x, rates)
    natural = x @ g_inv.T  # Eqn 12: natural gradient = G⁻¹ × Euclidean gradient
    assert np.allclose(d["natural"], natural, rtol=1e-6, atol=1e-9 * np.abs(natural).max())
    approx = c.gamma_s * (C_EPS * x / rates - 0.95 * C_EPS + 0.05 * (x @ w)[:, None] * w)  # Eqn 114
    assert np.allclose(d["approximate"], approx, rtol=1e-6, atol=1e-9 * np.abs(approx).max())
    for a, b in ((natural, approx), (natural, x)):
        cos = np.einsum("ki,ij,kj->k", a, g, b) / np.sqrt(
            np.einsum("ki,ij,kj->k", a, g, a) * np.einsum("ki,ij,kj->k", b, g, b)
        )
        assert angles(a, b, g) == pytest.approx(np.degrees(np.arccos(cos)), abs=1e-6)
