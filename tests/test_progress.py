"""Progress bars: few lines in logs, tqdm on terminals, no widget warning in Jupyter."""

import io
import subprocess
import sys
import textwrap

import nbformat
import pytest
from natspike import _progress
from nbclient import NotebookClient
from tqdm import notebook, std

TRAIN = textwrap.dedent("""
    import numpy as np, natspike
    n = 10
    w0, teacher = np.random.default_rng(0).uniform(-0.1, 0.1, size=(2, n))
    natspike.train("natural", w0, np.full(n, 20.0), teacher=teacher, duration=60.0, eta=1e-4,
                   record_every=1.0, seed=1, progress=True)
""")


def test_log_bar_writes_one_line_per_tenth():
    out = io.StringIO()
    with _progress.LogBar(6890, "Fig 3F", unit="bin", file=out) as bar:
        for _ in range(689):
            bar.update(10)
    lines = out.getvalue().splitlines()
    assert len(lines) == 10 and "\r" not in out.getvalue()
    assert [line.split(":")[1].split("%")[0].strip() for line in lines] == [str(p) for p in range(10, 101, 10)]
    assert lines[-1].startswith("Fig 3F: 100 % (6890/6890 bin)")


def test_log_bar_says_how_long_is_left_at_the_rate_so_far():
    out, now = io.StringIO(), iter([0.0, 100.0, 1500.0, 14_400.0, 15_000.0, 15_000.0])
    with _progress.LogBar(1000, "Fig 9", unit="bin", file=out, clock=lambda: next(now)) as bar:
        for done in (100, 250, 900, 1000):  # 10 % in 100 s; 25 % in 1500 s; 90 % in 4 h: 900 s, 4500 s, 1600 s left
            bar.update(done - bar.n)
    assert out.getvalue().splitlines() == [
        "Fig 9:  10 % (100/1000 bin) 100 s, about 15 min left",
        "Fig 9:  25 % (250/1000 bin) 1500 s, about 75 min left",
        "Fig 9:  90 % (900/1000 bin) 14400 s, about 27 min left",
        "Fig 9: 100 % (1000/1000 bin) 15000 s",
    ]


def test_log_bar_writes_large_bin_counts_in_full():
    out = io.StringIO()
    with _progress.LogBar(120_000_000.0, "euclidean x 100 trials", unit="bin", file=out) as bar:
        bar.update(12_052_500.0)
    assert "10 % (12052500/120000000 bin)" in out.getvalue().splitlines()[0]


def test_log_bar_reports_where_an_unfinished_run_stopped():
    out = io.StringIO()
    bar = _progress.LogBar(100, "x", file=out)
    bar.update(5)
    bar.close()
    bar.close()
    assert out.getvalue().splitlines() == [out.getvalue().splitlines()[0]] and "5 % (5/100 it)" in out.getvalue()


@pytest.mark.parametrize(
    "jupyter, widgets, tty, kind",
    [
        (False, False, False, _progress.LogBar),
        (False, True, True, std.tqdm),
        (True, True, False, notebook.tqdm),
        (True, False, False, std.tqdm),
    ],
)
def test_progress_bar_suits_the_output(monkeypatch, jupyter, widgets, tty, kind):
    monkeypatch.setattr(_progress, "_in_jupyter", lambda: jupyter)
    monkeypatch.setattr(_progress.importlib.util, "find_spec", lambda name: object() if widgets else None)
    monkeypatch.setattr(_progress, "_isatty", lambda stream: tty)
    if kind is notebook.tqdm:
        monkeypatch.setattr(notebook, "tqdm", type("FakeWidgetBar", (), {"__init__": lambda self, **kw: None}))
        kind = notebook.tqdm
    bar = _progress.progress_bar(True, 10, "d", unit="bin")
    assert type(bar) is kind
    assert _progress.progress_bar(False, 10, "d") is None


def test_track_yields_every_item_and_counts_them(monkeypatch, capsys):
    monkeypatch.setattr(_progress, "_isatty", lambda stream: False)
    assert list(_progress.track(range(5), True, "items")) == [0, 1, 2, 3, 4]
    assert capsys.readouterr().err.splitlines()[-1].startswith("items: 100 % (5/5 it)")
    assert list(_progress.track((1, 2), False, "items")) == [1, 2]


@pytest.mark.timeout(120)
def test_training_into_a_pipe_writes_a_handful_of_lines():
    out = subprocess.run([sys.executable, "-c", TRAIN], capture_output=True, text=True, timeout=110, check=True)
    lines = out.stderr.splitlines()
    assert 1 <= len(lines) <= 11 and "\r" not in out.stderr, out.stderr
    assert lines[-1].startswith("natural: 100 %")


#: A first cell that makes ipywidgets unimportable in the kernel, as where it is not installed.
WITHOUT_WIDGETS = "import sys; sys.modules['ipywidgets'] = None"


def run_in_kernel(cells, tmp_path):
    """The outputs of the last cell of a notebook of ``cells`` executed by a real IPython kernel (nbclient)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, timeout=150, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    return nb.cells[-1].outputs


def stream_text(outputs):
    return "".join(o.get("text", "") for o in outputs if o.output_type == "stream")


@pytest.mark.timeout(180)
def test_jupyter_shows_a_progress_widget_without_warnings(tmp_path):
    """With ipywidgets (the jupyter extra, in the test requirements) train(progress=True) shows tqdm's
    widget, and the kernel prints neither "IProgress not found" nor a TqdmWarning."""
    pytest.importorskip("ipywidgets")
    outputs = run_in_kernel([TRAIN], tmp_path)
    widgets = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    text = stream_text(outputs)
    assert len(widgets) == 1, outputs
    assert "IProgress" not in text and "TqdmWarning" not in text, text
    assert not [o for o in outputs if o.output_type == "error"], outputs


@pytest.mark.timeout(180)
def test_jupyter_without_ipywidgets_shows_a_text_bar_without_warnings(tmp_path):
    outputs = run_in_kernel([WITHOUT_WIDGETS, TRAIN], tmp_path)
    text = stream_text(outputs)
    assert not [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert "IProgress" not in text and "TqdmWarning" not in text, text
    assert "natural: 100%" in text.replace("\r", "\n"), text


def test_the_jupyter_extra_brings_ipywidgets():
    from importlib.metadata import requires

    assert any(r.startswith("ipywidgets") and 'extra == "jupyter"' in r for r in requires("natspike")), requires(
        "natspike"
    )
