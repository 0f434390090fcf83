"""The command line refuses every bad argument, --out included, before computing anything."""

import os
import subprocess
import sys
import time

import pytest


def _cli(*args, cwd):
    start = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "natspike", *args], capture_output=True, text=True, cwd=cwd, timeout=60)
    return out, time.monotonic() - start


@pytest.mark.parametrize(
    "args, message",
    [
        (["demo", "--out", "/proc/x"], "--out"),
        (["figure", "3f", "--out", "/proc/self/x"], "--out"),
        (["figure", "3f", "--out", "/sys/x"], "--out"),
        (["figure", "3f", "--out", "file.txt"], "--out"),
        (["figure", "3f", "--out", ""], "--out"),
        (["figure", "3f", "--trials", "0"], "--trials"),
        (["figure", "3f", "--trials", "-3"], "--trials"),
        (["figure", "3f", "--minutes", "nan"], "--minutes"),
        (["figure", "3f", "--minutes", "-1"], "--minutes"),
        (["figure", "3f", "--minutes", "inf"], "--minutes"),
        (["figure", "3f", "--seed", "-1"], "--seed"),
        (["figure", "4", "--trials", "3"], "--trials"),
        (["figure", "3x"], "invalid choice"),
        (["paper", "--only", "3f,3x"], "--only"),
        (["paper", "--only", ","], "--only"),
        (["paper", "--out", "/proc/x"], "--out"),
        (["paper", "--store", "file.txt"], "--store"),
        (["paper", "--store", "/sys/x"], "--store must be a folder"),
        (["paper", "--store", "full"], "--store"),
        (["paper", "--seed", "-1"], "--seed"),
    ],
)
def test_bad_arguments_fail_at_once_naming_the_option(args, message, tmp_path):
    (tmp_path / "file.txt").write_text("x")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "mine.txt").write_text("not a paper results folder")
    out, seconds = _cli(*args, cwd=tmp_path)
    assert out.returncode != 0
    assert message in out.stderr, out.stderr[-500:]
    assert "Traceback" not in out.stderr
    assert seconds < 20, "the arguments were checked only after computing"
    assert not list(tmp_path.glob("*.png"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_a_read_only_out_folder_is_refused_before_computing(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        out, seconds = _cli("figure", "3f", "--out", str(ro / "sub"), cwd=tmp_path)
    finally:
        ro.chmod(0o700)
    assert out.returncode != 0 and "--out" in out.stderr and seconds < 20
