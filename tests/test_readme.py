"""The README's ```python blocks run, in order, in one fresh namespace, and do what the README says.

The README shows paper-size runs (minutes to hours of simulated learning, up to 1000 trials); the test
runs each call of run_trials and sweep at a reduced size, set here in one place (MAX_*), and leaves the
code otherwise as written: one trial of train runs at its stated size. The block that needs a SLURM
cluster is compiled, not run. Files the blocks write go to a temporary directory.
"""

import re
from pathlib import Path

import natspike
import numpy as np
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
MAX_DURATION = 30.0  # s of learning per trial in run_trials and sweep
MAX_TRIALS = 2
MAX_AXIS = 3  # values per grid axis of sweep: first, middle and last
NEEDS_CLUSTER = "SLURMCluster"  # blocks that cannot run on one machine


def _blocks():
    text = README.read_text()
    return [(text[: m.start()].count("\n") + 2, m.group(1)) for m in BLOCK.finditer(text)]


def _smaller(kw):
    kw = dict(kw)
    if "n_trials" in kw:
        kw["n_trials"] = min(kw["n_trials"], MAX_TRIALS)
    if kw.get("duration", 0) > MAX_DURATION:
        factor = MAX_DURATION / kw["duration"]
        kw["duration"] = MAX_DURATION
        if kw.get("record_every"):  # about the same number of records, a whole number of bins (train refuses others)
            dt = kw["neuron"].dt if kw.get("neuron") is not None else natspike.Neuron().dt
            kw["record_every"] = max(round(kw["record_every"] * factor / dt), 1) * dt
    return kw


def _axis(values):
    values = list(values)
    return values if len(values) <= MAX_AXIS else [values[0], values[len(values) // 2], values[-1]]


class Run:
    """The blocks' namespaces after each block, and the unpatched run_trials and sweep."""

    def __init__(self, real):
        self.real, self.after = real, []

    def after_block(self, marker):
        """The namespace after the block containing marker (a block is found by its text, not its place)."""
        found = [ns for code, ns in self.after if marker in code]
        assert len(found) == 1, f"{len(found)} README blocks contain {marker!r}: update this test"
        return found[0]


@pytest.fixture(scope="module")
def readme(tmp_path_factory):
    """Run every block, in order, in one namespace."""
    real = {"run_trials": natspike.run_trials, "sweep": natspike.sweep}
    patch = pytest.MonkeyPatch()
    patch.setattr(natspike, "run_trials", lambda *a, **kw: real["run_trials"](*a, **_smaller(kw)))
    patch.setattr(
        natspike, "sweep", lambda grid, **kw: real["sweep"]({k: _axis(v) for k, v in grid.items()}, **_smaller(kw))
    )
    patch.chdir(tmp_path_factory.mktemp("readme"))
    namespace, run = {}, Run(real)
    try:
        for line, code in _blocks():
            if NEEDS_CLUSTER not in code:
                exec(compile(code, f"README.md:{line}", "exec"), namespace)
            run.after.append((code, dict(namespace)))
        yield run
    finally:
        patch.undo()


def test_cluster_block_compiles():
    blocks = [(line, code) for line, code in _blocks() if NEEDS_CLUSTER in code]
    assert len(blocks) == 1, "the SLURM example is gone or doubled: update NEEDS_CLUSTER"
    for line, code in blocks:
        compile(code, f"README.md:{line}", "exec")


FIRST, SWEEPS, STORE, DASK = (
    "many = natspike.run_trials",
    "ds7 = natspike.sweep",
    'store="fig9d-store"',
    "LocalCluster(",
)


def test_first_experiment_learns(readme):
    ns = readme.after_block(FIRST)
    res = ns["res"]
    assert res.weights.shape == (11, 100) and res.times[-1] == 600.0
    assert res.kl[-1] < 0.5 * res.kl[0], f"natural-gradient learning did not halve D_KL in 600 s: {res.kl}"
    assert res.weight_distance[-1] < res.weight_distance[0]
    many = ns["many"]
    np.testing.assert_array_equal(natspike.load("euclidean.npz").weights, many.weights)


def test_run_trials_example_has_a_decreasing_learning_curve(readme):
    many = readme.after_block(FIRST)["many"]
    if np.array_equal(many.initial_weights, many.target_weights):
        pytest.xfail(
            "issue 10: the example passes the same callable as weights and teacher, and run_trials gives both "
            "the same stream, so every trial starts at its target and the curve cannot decrease"
        )
    curve = many.kl.mean(axis=0)
    assert curve[-1] < curve[0], f"trial-averaged D_KL does not decrease: {curve}"


def test_sweep_examples_have_the_documented_dimensions_and_learn(readme):
    ns = readme.after_block(SWEEPS)
    kl = ns["ds"]["kl"].mean("trial")
    assert kl.dims == ("rule", "eta_factor", "time")
    assert bool((kl.isel(time=-1) < kl.isel(time=0)).all()), f"D_KL did not decrease at every grid point: {kl}"
    ds7 = ns["ds7"]
    assert ds7["weights"].dims[:3] == ("w_stim", "w_unstim", "trial")
    assert ds7.sizes["w_stim"] == ds7.sizes["w_unstim"] == MAX_AXIS


def test_store_example_resumes_from_its_store(readme):
    ns = readme.after_block(STORE)
    first = ns["ds"]
    assert first.attrs["computed_trials"] > 0 and first.attrs["loaded_trials"] == 0
    again = natspike.sweep(
        ns["grid"], setup=ns["setup"], **ns["options"], n_trials=1000, seed=2022, store="fig9d-store"
    )
    assert again.attrs["computed_trials"] == 0 and again.attrs["loaded_trials"] == first.attrs["computed_trials"]
    np.testing.assert_array_equal(again["weights"].values, first["weights"].values)


def test_dask_example_is_bit_identical_to_a_local_run(readme):
    ns = readme.after_block(DASK)
    local = readme.real["run_trials"](
        "natural",
        ns["draw"],
        ns["rates"],
        teacher=ns["draw"],
        **_smaller(dict(n_trials=1000, duration=8000.0, record_every=100.0)),
        seed=2022,
        eta=6e-4,
        lr_convention="authors",
    )
    np.testing.assert_array_equal(ns["res"].weights, local.weights)
    np.testing.assert_array_equal(ns["res"].kl, local.kl)


def test_resume_example_continues_bit_for_bit_and_exports_to_neo(readme):
    ns = readme.after_block("later = natspike.resume(first")
    assert ns["same"] and ns["later"].times[0] == 1.0 and ns["first"].spikes.size > 0
    seg = ns["block"].segments[0]
    np.testing.assert_array_equal(seg.spiketrains[0].magnitude, ns["first"].spikes)
    np.testing.assert_array_equal(seg.analogsignals[0].magnitude[:, 0], ns["first"].voltage)
