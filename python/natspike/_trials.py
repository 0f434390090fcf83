"""Many trials: :func:`run_trials`, locally on all cores or on a Dask cluster."""

from __future__ import annotations

import json
import numbers

import numpy as np

from . import _native
from ._result import Result
from ._seeds import root_seed, trial_generator
from ._train import _attenuation, _config, _neuron, _outputs, _params, _plan, _progress_bar
from ._validate import contiguous, finite, vector


class TrialsInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`run_trials`; ``.result`` holds the finished trials.

    ``result.completed`` marks which trials finished; the others are zeros.
    """

    def __init__(self, result):
        super().__init__("run_trials interrupted; finished trials are in .result")
        self.result = result


def _per_trial(value, name, n_trials, n, root):
    """(n_trials, n) array from a vector, a stack, or a callable(rng) -> (n,)."""
    if callable(value):
        rows = [np.asarray(value(trial_generator(root, i)), dtype=float) for i in range(n_trials)]
        for i, row in enumerate(rows):
            if row.shape != (n,):
                raise ValueError(f"{name}(rng) must return shape ({n},), got {row.shape} for trial {i}")
        a = np.stack(rows) if rows else np.zeros((0, n))
    else:
        a = np.asarray(value)
        if a.dtype.kind not in "iuf":
            raise TypeError(f"{name} must be real numbers, an array or a callable, got dtype {a.dtype}")
        a = a.astype(float)
        if a.shape == (n,):
            a = np.broadcast_to(a, (n_trials, n))
        elif a.shape != (n_trials, n):
            raise ValueError(f"{name} must have shape ({n},) or ({n_trials}, {n}), got {a.shape}")
    return contiguous(finite(a, name))


def _n_trials(n_trials):
    if isinstance(n_trials, bool) or not isinstance(n_trials, numbers.Integral):
        raise TypeError(f"n_trials must be an int, got {type(n_trials).__name__}")
    if not 1 <= n_trials <= 10**7:
        raise ValueError(f"n_trials must be in [1, 10**7], got {n_trials}")
    return int(n_trials)


def _workers(workers):
    if workers is None:
        return 0
    if isinstance(workers, bool) or not isinstance(workers, numbers.Integral):
        raise TypeError(f"workers must be an int or None, got {type(workers).__name__}")
    if not 1 <= workers <= 1024:
        raise ValueError(f"workers must be in [1, 1024], got {workers}")
    return int(workers)


def run_trials(rule, weights, rates, *, n_trials, seed, workers=None, client=None, progress=False,
               chunk_size=None, teacher, **train_options) -> Result:
    """Run ``n_trials`` independent learning trials, on all cores or on Dask.

    Trial ``i`` draws its spikes from streams derived from ``(seed, i)``
    only, so the numbers do not depend on ``workers``, on chunking, or on
    whether the trials ran locally or on a cluster.

    Parameters
    ----------
    rule, rates : see :func:`natspike.train`.
    weights : array_like (n,) or (n_trials, n), or callable
        Initial weights, shared, per trial, or ``weights(rng) -> (n,)``
        drawn with the trial's generator ``default_rng(SeedSequence(root,
        spawn_key=(i,)))`` (e.g. ``lambda rng: rng.uniform(-1/n, 1/n, n)``
        for the paper's Fig 3F).
    teacher : float, array_like (n,) or (n_trials, n), or callable
        Poisson teacher rate (Hz), or target weights like ``weights``.
    n_trials : int
        Number of trials (≥ 1).
    seed : int, SeedSequence or Generator
        Root seed (required: results are meant to be reproducible).
    workers : int, optional
        Goroutines for local runs (default: all cores). Ignored with Dask.
    client : dask.distributed.Client, optional
        Run chunks of trials as Dask tasks on the client's cluster.
    progress : bool
        Show a tqdm progress bar (in simulated bins, or chunks with Dask).
    chunk_size : int, optional
        Trials per Dask task (default: about 4 tasks per worker thread).
    **train_options
        ``duration``, ``eta`` (required) and any other keyword of
        :func:`natspike.train` except ``inputs`` and ``trace_every``.

    Returns
    -------
    Result
        The fields of :func:`train` stacked along a leading trial axis
        (``times`` is shared), plus ``completed``, ``initial_weights`` and
        ``target_weights``.

    Raises
    ------
    TrialsInterrupted
        (a ``KeyboardInterrupt``) on Ctrl-C; its ``result`` holds the trials
        that had finished, marked in ``result.completed``.
    """
    for banned in ("inputs", "trace_every"):
        if train_options.get(banned) is not None:
            raise ValueError(f"{banned} is not supported by run_trials (each trial draws its own inputs); use train")
    n_trials, workers = _n_trials(n_trials), _workers(workers)
    root = root_seed(seed)
    r = contiguous(finite(vector(rates, "rates"), "rates"))
    w0 = _per_trial(weights, "weights", n_trials, r.size, root)
    neuron = _neuron(train_options.pop("neuron", None))
    att = _attenuation(train_options.pop("attenuation", None), r.size)
    if isinstance(teacher, numbers.Real) and not isinstance(teacher, bool):
        kind, rate, tw = "poisson", float(teacher), None
    else:
        kind, rate, tw = "realizable", 0.0, _per_trial(teacher, "teacher", n_trials, r.size, root)
    cfg = _config(rule, neuron=neuron, **train_options)
    cfg.update(teacher=kind, teacher_rate=rate, seed=root)
    bins, records, _ = _plan(cfg)
    job = _Job(json.dumps(cfg).encode(), r, att, records, kind)
    if client is not None:
        out = _run_dask(client, job, w0, tw, chunk_size, progress)
    else:
        out = _run_local(job, w0, tw, workers, progress, bins, cfg, rule)
    return _result(out, cfg, r, att, w0, tw)


class _Job:
    """Everything a chunk of trials needs (picklable, for Dask)."""

    def __init__(self, config, rates, attenuation, records, kind):
        self.config, self.rates, self.attenuation = config, rates, attenuation
        self.records, self.kind = records, kind

    def run(self, first, w0, teacher, workers=0, on_progress=None, out=None):
        count = w0.shape[0]
        out = out or _outputs(self.kind, self.records, self.rates.size, 0, trials=count)
        out.setdefault("completed", np.zeros(count))
        _native.call_cancellable(
            _native.functions["ns_run_trials"], self.config, self.rates.size, count, first, workers,
            self.rates, np.ascontiguousarray(w0), None if teacher is None else np.ascontiguousarray(teacher),
            self.attenuation, out["times"], out["weights"], out["kl"], out["rate_error"], out["weight_distance"],
            out["final_weights"], out["completed"], on_progress=on_progress)
        return out


def _run_local(job, w0, tw, workers, progress, bins, cfg, rule):
    out = _outputs(job.kind, job.records, job.rates.size, 0, trials=w0.shape[0])
    out["completed"] = np.zeros(w0.shape[0])
    bar, on_progress = _progress_bar(progress, bins * w0.shape[0], f"{rule} x {w0.shape[0]} trials")
    try:
        job.run(0, w0, tw, workers, on_progress, out)
    except KeyboardInterrupt:
        raise TrialsInterrupted(_result(out, cfg, job.rates, job.attenuation, w0, tw)) from None
    finally:
        if bar is not None:
            bar.close()
    return out


def _chunk(job, first, w0, teacher):
    """One Dask task: trials first … first+len(w0)−1 on one thread."""
    return job.run(first, w0, teacher, workers=1)


def _run_dask(client, job, w0, tw, chunk_size, progress):
    n = w0.shape[0]
    if chunk_size is None:
        threads = max(1, sum(client.nthreads().values()))
        chunk_size = max(1, -(-n // (4 * threads)))
    starts = range(0, n, chunk_size)
    futures = [client.submit(_chunk, job, s, w0[s:s + chunk_size], None if tw is None else tw[s:s + chunk_size],
                             pure=False) for s in starts]
    if progress:
        from dask.distributed import progress as dask_progress

        dask_progress(futures)
    parts = client.gather(futures)
    out = {}
    for key in parts[0]:
        if parts[0][key] is None:
            out[key] = None
        elif key == "times":
            out[key] = parts[0][key]
        else:
            out[key] = np.concatenate([p[key] for p in parts])
    return out


def _result(out, cfg, rates, att, w0, tw):
    out = dict(out)
    completed = out.pop("completed").astype(bool)
    out.pop("voltage", None)
    out.pop("rate", None)
    return Result(**out, completed=completed, initial_weights=np.array(w0),
                  target_weights=None if tw is None else np.array(tw),
                  params=_params(cfg, rates, att), seed=cfg["seed"], version=_native.version())
