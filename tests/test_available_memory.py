"""natspike._validate.available_memory reads only the lines it needs
(it runs before every allocation that grows with the arguments, so before
every train and run_trials call); these tests pin it to a full,
straightforward parse of the same files, written here: every ``Key: N kB``
line of /proc/meminfo and /proc/self/status, and both cgroup files of v2
and v1, read in full on every call. The cases of capi/testdata/memory_cases.json
pin it to capi/memory.go, which reads the same files in Go."""

import itertools
import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from natspike import _validate as v

UNLIMITED = resource.RLIM_INFINITY
NO_LIMIT = 2**63 - 1  # the largest int64: Go's headroom where nothing limits it
SHARED_CASES = json.loads((Path(__file__).parents[1] / "capi" / "testdata" / "memory_cases.json").read_text())


def real_limits() -> list:
    """This process's soft RLIMIT_AS and RLIMIT_DATA, with the status line each caps."""
    return [
        (resource.getrlimit(resource.RLIMIT_AS)[0], "VmSize"),
        (resource.getrlimit(resource.RLIMIT_DATA)[0], "VmData"),
    ]


def full_kib_sizes(path) -> dict:
    """Every ``Key: N kB`` line of a /proc file, in bytes (sizes Go cannot hold, of 2**63 bytes and more, left
    out); {} where the file is absent."""
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return {}
    out = {}
    for line in lines:
        key, _, rest = line.partition(":")
        fields = rest.split()
        if fields and fields[0].isdigit() and int(fields[0]) * 1024 <= NO_LIMIT:
            out[key] = int(fields[0]) * 1024
    return out


def full_available_memory(meminfo, status, cgroup_files, soft_limits) -> int:
    """The headroom by the definition: (MemAvailable, else MemFree) + SwapFree (physical memory when meminfo holds
    no sizes), capped by the first cgroup pair with a numeric limit below 2**60 and a numeric usage below 2**63, and
    by every finite soft limit minus the status line it caps; at most the largest int64."""
    info = full_kib_sizes(meminfo)
    if info:
        limit = info.get("MemAvailable", info.get("MemFree", 0)) + info.get("SwapFree", 0)
    else:
        limit = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    cgroup = NO_LIMIT
    for limit_file, usage_file in cgroup_files:
        try:
            cap, usage = Path(limit_file).read_text().strip(), Path(usage_file).read_text().strip()
        except OSError:
            continue
        if cap.isdigit() and usage.isdigit() and int(cap) < 2**60 and int(usage) <= NO_LIMIT:
            cgroup = max(0, int(cap) - int(usage))
            break
    sizes, rlimit = full_kib_sizes(status), NO_LIMIT
    for soft, key in soft_limits:
        if soft != UNLIMITED and soft >= 0:
            rlimit = min(rlimit, max(0, soft - sizes.get(key, 0)))
    return min(limit, cgroup, rlimit)


MEMINFO = {
    "typical": "MemTotal:       16318412 kB\nMemFree:         1021380 kB\nMemAvailable:    9123456 kB\n"
    "Buffers:          123456 kB\nSwapTotal:       2097148 kB\nSwapFree:        2000000 kB\nHugePages_Total:       0\n",
    "old kernel (no MemAvailable)": "MemTotal: 1000 kB\nMemFree: 700 kB\nSwapFree: 5 kB\n",
    "no swap line": "MemAvailable: 123 kB\nMemFree: 5 kB",  # and no final newline
    "first line, tabs, no unit": "MemAvailable:\t42\nSwapFree:\t\t7 kB\n",
    "a key twice": "MemAvailable: 10 kB\nSwapFree: 1 kB\nMemAvailable: 20 kB\n",
    "not numbers": "MemAvailable: 12a kB\nMemFree: -5 kB\nSwapFree: 3 kB\n MemAvailable: 99 kB\nMemAvailable:: 4 kB\n",
    "sizes, but none of ours": "MemTotal: 1000 kB\nCached: 3 kB\n",
    "no size at all": "MemAvailable: lots\nhello\n",
    "empty": "",
    "missing": None,
}
STATUS = {
    "typical": "Name:\tpython\nVmPeak:\t  500000 kB\nVmSize:\t  400000 kB\nVmData:\t  100000 kB\nThreads:\t4\n",
    "no VmData": "VmSize: 300 kB\n",
    "missing": None,
}
LIMITS = {
    "none": [(UNLIMITED, "VmSize"), (UNLIMITED, "VmData")],
    "address space": [(2**32, "VmSize"), (UNLIMITED, "VmData")],
    "data, below its usage": [(UNLIMITED, "VmSize"), (1000, "VmData")],
    "both": [(2**33, "VmSize"), (2**31, "VmData")],
}
CGROUPS = {  # (v2 limit, v2 usage, v1 limit, v1 usage); None: the file is missing
    "v2 limit": ("8589934592\n", "1073741824\n", None, None),
    "v2 max, v1 limit": ("max\n", "5000\n", "4294967296\n", "1000\n"),
    "v2 max, no v1": ("max\n", "5000\n", None, None),
    "v1 unlimited": (None, None, "9223372036854771712\n", "3549650944\n"),
    "v2 limit without usage, v1 limit": ("1000000\n", None, "2000000\n", "10\n"),
    "usage above the limit": ("1000\n", "5000\n", None, None),
    "empty files": ("", "", "", ""),
    "none": (None, None, None, None),
}


def _file(directory: Path, name: str, text) -> str:
    path = directory / name
    if text is not None:
        directory.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())
    return str(path)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """Path of every synthetic file by (kind, case); a missing case's path does not exist."""
    root = tmp_path_factory.mktemp("memory")
    paths = {}
    for kind, cases in (("meminfo", MEMINFO), ("status", STATUS)):
        for i, (case, text) in enumerate(cases.items()):
            paths[kind, case] = _file(root / f"{kind}{i}", kind, text)
    for i, (case, texts) in enumerate(CGROUPS.items()):
        names = ("memory.max", "memory.current", "memory.limit_in_bytes", "memory.usage_in_bytes")
        files = [_file(root / f"cgroup{i}", name, text) for name, text in zip(names, texts, strict=True)]
        paths["cgroup", case] = ((files[0], files[1]), (files[2], files[3]))
    return paths


def _point_at(monkeypatch, meminfo, status, cgroup_files, soft_limits):
    monkeypatch.setattr(v, "MEMINFO", meminfo)
    monkeypatch.setattr(v, "STATUS", status)
    monkeypatch.setattr(v, "CGROUP_FILES", cgroup_files)
    monkeypatch.setattr(v, "_soft_limits", lambda: soft_limits)


def test_every_combination_of_synthetic_files_matches_the_full_parse(monkeypatch, synthetic):
    combos = itertools.product(MEMINFO, STATUS, LIMITS, CGROUPS)
    seen = set()
    for meminfo, status, limits, cgroup in combos:
        files = (synthetic["meminfo", meminfo], synthetic["status", status], synthetic["cgroup", cgroup])
        _point_at(monkeypatch, *files, LIMITS[limits])
        expected = full_available_memory(*files, LIMITS[limits])
        assert v.available_memory() == expected, (meminfo, status, limits, cgroup)
        seen.add(expected)
    assert len(seen) > 12  # the cases do reach different limits


@pytest.mark.parametrize("case", sorted(MEMINFO))
def test_meminfo_values_match_the_full_parse(synthetic, case):
    full = full_kib_sizes(synthetic["meminfo", case])
    fast = v._kib_values(synthetic["meminfo", case], v._MEMINFO_LINES)
    wanted = {k: full[k] for k in ("MemAvailable", "MemFree", "SwapFree") if k in full}
    assert fast == (wanted if full else None)


def test_the_limit_cases_of_the_synthetic_files(monkeypatch, synthetic):
    """Hand-computed values of a few combinations, so that the full parse above is checked too."""
    cases = {
        ("typical", "typical", "none", "none"): (9123456 + 2000000) * 1024,
        ("old kernel (no MemAvailable)", "typical", "none", "none"): (700 + 5) * 1024,
        ("a key twice", "typical", "none", "none"): (20 + 1) * 1024,
        ("first line, tabs, no unit", "typical", "none", "none"): (42 + 7) * 1024,
        ("not numbers", "typical", "none", "none"): 3 * 1024,  # MemFree -5 is not a size: MemAvailable is absent
        ("sizes, but none of ours", "typical", "none", "none"): 0,
        ("typical", "typical", "none", "v2 limit"): 8589934592 - 1073741824,
        ("typical", "typical", "none", "v2 max, v1 limit"): 4294967296 - 1000,
        ("typical", "typical", "none", "v2 limit without usage, v1 limit"): 2000000 - 10,
        ("typical", "typical", "none", "usage above the limit"): 0,
        ("typical", "typical", "address space", "none"): 2**32 - 400000 * 1024,
        ("typical", "missing", "address space", "none"): 2**32,
        ("typical", "typical", "data, below its usage", "none"): 0,
        ("typical", "no VmData", "both", "none"): 2**31,
    }
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for case in ("no size at all", "empty", "missing"):
        cases[case, "typical", "none", "none"] = physical
    for (meminfo, status, limits, cgroup), expected in cases.items():
        files = (synthetic["meminfo", meminfo], synthetic["status", status], synthetic["cgroup", cgroup])
        _point_at(monkeypatch, *files, LIMITS[limits])
        assert v.available_memory() == expected == full_available_memory(*files, LIMITS[limits])


def _snapshot(directory: Path, path: str) -> str:
    """A copy of a /proc or /sys file (its contents change between reads), or a missing path."""
    copy = directory / path.strip("/").replace("/", "_")
    try:
        copy.write_bytes(Path(path).read_bytes())
    except OSError:
        pass
    return str(copy)


def test_this_machines_files_match_the_full_parse(monkeypatch, tmp_path):
    """/proc/meminfo, /proc/self/status and the cgroup files of this machine, copied once, with this process's
    real soft limits and with both limits set."""
    meminfo, status = _snapshot(tmp_path, v.MEMINFO), _snapshot(tmp_path, v.STATUS)
    cgroup_files = tuple(tuple(_snapshot(tmp_path, f) for f in pair) for pair in v.CGROUP_FILES)
    real = real_limits()
    assert v._soft_limits() == real
    used = full_kib_sizes(status)
    assert used["VmSize"] > 0 and used["VmData"] > 0
    both = [(used["VmSize"] + 2**30, "VmSize"), (used["VmData"] + 2**29, "VmData")]
    for limits in (real, both):
        _point_at(monkeypatch, meminfo, status, cgroup_files, limits)
        assert v.available_memory() == full_available_memory(meminfo, status, cgroup_files, limits)
    assert v.available_memory() <= 2**29  # the last limits were set
    assert v._kib_values(status, v._STATUS_LINES) == {k: used[k] for k in ("VmSize", "VmData")}


def test_the_live_reading_is_within_what_changes_between_two_reads():
    """Unpatched, on the live files: the full parse read just before and just after brackets it, to the memory other
    processes take or free in between (a few MiB on a busy machine)."""
    files = (v.MEMINFO, v.STATUS, v.CGROUP_FILES)
    limits = real_limits()
    before = full_available_memory(*files, limits)
    fast = v.available_memory()
    after = full_available_memory(*files, limits)
    assert min(before, after) - 64 * 2**20 <= fast <= max(before, after) + 64 * 2**20


@pytest.mark.skipif(shutil.which("prlimit") is None, reason="needs util-linux prlimit")
def test_the_memory_check_refuses_with_the_same_message_under_a_real_limit():
    """check_memory's refusal, under ``prlimit --as``: the headroom it names is the full parse's."""
    script = (
        "import resource, sys\nsys.path.insert(0, sys.argv[1])\n"
        "from test_available_memory import full_available_memory, real_limits\nfrom natspike import _validate as v\n"
        "lim = real_limits()\n"
        "try:\n    v.check_memory(2**40, 'n_trials', 'a test')\nexcept MemoryError as exc:\n    print(exc)\n"
        "print(v.available_memory(), full_available_memory(v.MEMINFO, v.STATUS, v.CGROUP_FILES, lim))\n"
    )
    cmd = ["prlimit", f"--as={4 * 2**30}", sys.executable, "-c", script, str(Path(__file__).parent)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    message, numbers = out.stdout.strip().splitlines()
    fast, full = map(int, numbers.split())
    assert 1 * 2**30 < fast < 4 * 2**30 and abs(fast - full) < 16 * 2**20
    assert message.startswith("n_trials: a test would need 1 TiB, more than the ")
    assert message.endswith(" GiB of memory available")


def test_the_files_and_thresholds_are_those_of_go():
    """natspike._validate reads the files capi/memory.go reads, with its thresholds: both are pinned to the shared
    cases (capi/memory_test.go checks Go's)."""
    files = SHARED_CASES["files"]
    assert (v.MEMINFO, v.STATUS) == (files["meminfo"], files["status"])
    assert [list(pair) for pair in v.CGROUP_FILES] == files["cgroup"]
    assert (v.CGROUP_NO_LIMIT, v.NO_LIMIT) == (SHARED_CASES["cgroup_no_limit"], SHARED_CASES["no_limit"])


def _as_python_sees_it(soft):
    """An rlimit as the resource module returns it on Linux: RLIM_INFINITY for none, 2**63 and more as negative."""
    return UNLIMITED if soft is None else soft - 2**64 if soft >= 2**63 else soft


def _mem_total() -> int:
    sizes = full_kib_sizes("/proc/meminfo")
    if "MemTotal" not in sizes:
        pytest.skip("no /proc/meminfo")
    return sizes["MemTotal"]


@pytest.mark.parametrize("case", SHARED_CASES["cases"], ids=lambda c: c["name"])
def test_the_shared_cases_give_the_headroom_go_gives(monkeypatch, tmp_path, case):
    """The cases capi/memory_test.go runs through Go give the same hand-computed headroom here ("physical": MemTotal,
    what sysconf reports)."""
    v2, v1 = ("memory.max", "memory.current"), ("memory.limit_in_bytes", "memory.usage_in_bytes")
    cgroup = [_file(tmp_path, name, text) for name, text in zip(v2 + v1, case["cgroup"], strict=True)]
    files = (_file(tmp_path, "meminfo", case["meminfo"]), _file(tmp_path, "status", case["status"]))
    files += (((cgroup[0], cgroup[1]), (cgroup[2], cgroup[3])),)
    limits = [(_as_python_sees_it(case["rlimit_as"]), "VmSize"), (_as_python_sees_it(case["rlimit_data"]), "VmData")]
    _point_at(monkeypatch, *files, limits)
    want = _mem_total() if case["want"] == "physical" else case["want"]
    assert v.available_memory() == want
