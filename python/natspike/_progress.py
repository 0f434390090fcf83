"""Progress bars that suit where the output goes.

- a terminal: tqdm's text bar;
- Jupyter: tqdm's widget when ``ipywidgets`` is installed (``pip install natspike[jupyter]``), else the
  text bar (no "IProgress not found" warning);
- anything else (a pipe, a log file, a batch job): :class:`LogBar`, at most one line per 10 % and a final
  line, instead of one carriage-return update per refresh; each line before the last says about how long is
  left at the rate so far.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

#: A line is written each time another tenth of the total is done.
LOG_STEPS = 10


class LogBar:
    """A tqdm-like bar (``update``, ``n``, ``total``, ``close``, context manager) for non-terminals."""

    def __init__(
        self,
        total: float | None,
        desc: str | None = None,
        unit: str = "it",
        file: TextIO | None = None,
        clock: Any = time.perf_counter,
    ):
        self.total, self.desc, self.unit = total, desc or "progress", unit
        self.n: float = 0
        self.file = file if file is not None else sys.stderr
        self._clock = clock
        self._start = clock()
        self._written = 0  # tenths already reported
        self._closed = False

    def update(self, n: float = 1) -> None:
        self.n += n
        if self.total:
            tenths = min(LOG_STEPS, int(LOG_STEPS * self.n / self.total))
            if tenths > self._written:
                self._written = tenths
                self._line()

    def _line(self) -> None:
        done = f"{_count(self.n)}/{_count(self.total)}" if self.total else _count(self.n)
        percent = f"{100 * self.n / self.total:3.0f} % " if self.total else ""
        elapsed = self._clock() - self._start
        left = ""
        if self.total and 0 < self.n < self.total:  # at the rate so far
            left = f", about {_span(elapsed * (self.total - self.n) / self.n)} left"
        print(f"{self.desc}: {percent}({done} {self.unit}) {elapsed:.0f} s{left}", file=self.file, flush=True)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            if self._written < LOG_STEPS:  # unfinished or without a total: say where it stopped
                self._line()

    def __enter__(self) -> LogBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _span(seconds: float) -> str:
    """A duration as a person reads it: seconds up to 90 s, minutes up to 90 min, then hours."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _count(x: float) -> str:
    """A count as written: whole numbers in full (``:g`` would print 12052500 of 1.2e8 bins as
    1.20525e+07/1.2e+08), others as ``:g``."""
    return f"{x:.0f}" if float(x).is_integer() else f"{x:g}"


def _in_jupyter() -> bool:
    if "IPython" not in sys.modules:
        return False
    shell = sys.modules["IPython"].get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def progress_bar(enabled: bool, total: float | None, desc: str | None, **options: Any) -> Any:
    """A progress bar over ``total`` units (tqdm's, or :class:`LogBar` for logs), or None when not
    ``enabled``. ``options`` are tqdm's (``unit``, ``unit_scale``...); LogBar uses ``unit``."""
    if not enabled:
        return None
    if _in_jupyter() and importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.notebook import tqdm

        return tqdm(total=total, desc=desc, **options)
    if _in_jupyter() or _isatty(sys.stderr):
        from tqdm.std import tqdm

        return tqdm(total=total, desc=desc, **options)
    return LogBar(total, desc, unit=options.get("unit", "it"))


def track(items: Iterable[Any], enabled: bool, desc: str | None) -> Iterator[Any] | Iterable[Any]:
    """``items``, advancing a :func:`progress_bar` per item when ``enabled``."""
    if not enabled:
        return items
    items = list(items)
    return _tracked(items, progress_bar(True, len(items), desc))


def _tracked(items: list[Any], bar: Any) -> Iterator[Any]:
    with bar:
        for item in items:
            yield item
            bar.update(1)
