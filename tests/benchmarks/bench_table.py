"""natspike side by side with the NumPy reference and Brian2, in one run, as one table (``make bench``).

Every number below is measured in the same invocation, on the same machine, as CPU time (the
machine is shared, so CPU time, not wall time, is the fair measure of work; wall-clock numbers are
kept in the JSON output). Sections:

1. ns per synapse-step of ``natspike.train`` for each rule at n = 100, 1000, 10000 (single thread),
   as the marginal cost of more bins (two durations, so the fixed setup cancels); modes: default
   (event-driven where it applies + the coefficient cache at 1e-9), ``exact=True`` (dense, quadrature
   every bin), ``coefficient_refresh="frozen"`` (exact, the work Brian2 does) and the dense loop with the
   cache; and ns per trial-bin of ``run_trials`` (one worker), default and exact, against a lean
   vectorized NumPy loop of the Euclidean rule (one bin per iteration);
2. the same trial in the tests' vectorized NumPy reference (``tests/reference``), validated by
   replaying its spikes through natspike (identical trajectories);
3. the same model in Brian2 (``brian2_model.py``; runtime/cython and cpp_standalone, compile time
   separately), validated statistically against natspike (mean output rate and weight drift per
   input group over a seed set) before its times count;
4. ``coefficients`` per evaluation versus ``scipy.integrate.quad``, with the accuracy reached, default and
   ``coefficient_tolerance=0``, on scattered points and along a learning-like random walk;
5. ``run_trials`` throughput with 1 and 2 workers; 6. Python overhead of ``train`` versus pure Go
   (``gotrain``); 7. peak memory of a long trial; 8. the Go benchmarks (dense versus event-driven
   bins, coefficient engine and cache); 9. the full Fig 3F estimated from a measured subset, and
   ``experiments.figure3f(n_trials=16, duration_minutes=60)`` in CPU-s.

Usage::

    python tests/benchmarks/bench_table.py [--quick] [--brian2-python PY] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))  # tests/ → import reference

import natspike  # noqa: E402
import reference as ref  # noqa: E402

D = ref.DEFAULTS
DT = D["dt"]
RULES = ("euclidean", "natural", "approximate")
SIZES = (100, 1000, 10000)
#: Table 1 learning rates for 10/50 Hz in the authors' (1 − σ) convention (spec §8, Fig 3F).
ETA = {"euclidean": 4.5e-7, "natural": 6e-4, "approximate": 4.5e-4}
MODES = {
    "default": {},
    "exact": {"exact": True},
    "frozen": {"coefficient_refresh": "frozen", "exact": True},
    "dense+cache": {"event_driven": False},
}
C_EPS = ref.c_eps(D["tau_m"], D["tau_s"], D["eps0"])


def fig3(n, seed=0):
    """Rates 10/50 Hz, w0 and w* ~ U(−1/n, 1/n) (Fig 3F)."""
    rng = np.random.default_rng(seed)
    rates = np.where(np.arange(n) < n // 2, 10.0, 50.0)
    w0, wstar = rng.uniform(-1 / n, 1 / n, (2, n))
    return rates, w0, wstar


def cpu_and_wall(fn):
    c0, t0 = time.process_time(), time.perf_counter()
    out = fn()
    return time.process_time() - c0, time.perf_counter() - t0, out


def say(*args):
    print(*args, file=sys.stderr, flush=True)


# 1. natspike ------------------------------------------------------------------------------------


def natspike_cost(rule, n, mode, reps):
    """Marginal CPU ns per synapse-step of train(): (t(T) − t(T/4)) / (ΔK n), median of reps."""
    rates, w0, wstar = fig3(n)
    long = {100: 100.0, 1000: 30.0, 10000: 5.0}[n]
    kw = dict(teacher=wstar, eta=ETA[rule], lr_convention="authors", seed=1, test_samples=1, test_bins=1, **MODES[mode])
    run = lambda d: cpu_and_wall(lambda: natspike.train(rule, w0, rates, duration=d, **kw))
    dk = round(long / DT) - round(long / 4 / DT)
    cpu, wall = [], []
    for _ in range(reps):
        c1, w1, _ = run(long / 4)
        c2, w2, _ = run(long)
        cpu.append((c2 - c1) / dk / n * 1e9)
        wall.append((w2 - w1) / dk / n * 1e9)
    return {"cpu_ns": float(np.median(cpu)), "wall_ns": float(np.median(wall))}


# 2. NumPy reference ---------------------------------------------------------------------------


def numpy_cost(rule, n):
    """CPU ns per synapse-step of reference.simulate, and its deviation from natspike on its spikes."""
    rates, w0, wstar = fig3(n)
    bins = {100: 400, 1000: 200, 10000: 60}[n]
    rng = np.random.default_rng(2)
    spikes, _, y = ref.make_realizable_task(rng, rates, wstar, bins, **D)
    kw = dict(eta=ETA[rule], lr_convention="authors", coefficients="gauss")
    cpu, wall, traj = cpu_and_wall(lambda: ref.simulate(rule, w0, rates, spikes, y, **kw, **D))
    res = natspike.train(
        rule,
        w0,
        rates,
        teacher=natspike.SpikeTrain.from_bins(y.astype(np.uint8), dt=DT),
        inputs=spikes.astype(np.uint8),
        exact=True,
        duration=bins * DT,
        record_every=DT,
        eta=ETA[rule],
        lr_convention="authors",
    )
    dev = float(np.abs(res.weights - traj).max() / np.abs(traj).max())
    return {"cpu_ns": cpu / bins / n * 1e9, "wall_ns": wall / bins / n * 1e9, "deviation": dev, "bins": bins}


def trials_cost(rule, n, mode, reps, n_trials=4):
    """Marginal CPU ns per trial-bin of run_trials (1 worker): (t(T) − t(T/4)) / (ΔK trials), median of reps."""
    rates, w0, wstar = fig3(n)
    long = {100: 40.0, 1000: 8.0, 10000: 1.0}[n]
    kw = dict(teacher=wstar, eta=ETA[rule], lr_convention="authors", seed=1, test_samples=1, test_bins=1)
    kw.update(n_trials=n_trials, workers=1, **MODES[mode])
    run = lambda d: cpu_and_wall(lambda: natspike.run_trials(rule, w0, rates, duration=d, **kw))
    dk = (round(long / DT) - round(long / 4 / DT)) * n_trials
    cpu = []
    for _ in range(reps):
        c1, _, _ = run(long / 4)
        c2, _, _ = run(long)
        cpu.append((c2 - c1) / dk * 1e9)
    return {"cpu_ns": float(np.median(cpu))}


def lean_numpy_euclidean(n, bins, seed=0):
    """CPU ns per bin of a lean vectorized NumPy loop of the Euclidean rule, one bin per iteration: Bernoulli
    inputs, the two trace recursions, V, φ, a realizable teacher and the update (Eqns 10, 24, 28)."""
    rates, w0, wstar = fig3(n, seed)
    rng = np.random.default_rng(seed)
    p = rates * DT
    dm, ds = math.exp(-DT / D["tau_m"]), math.exp(-DT / D["tau_s"])
    gain = D["eps0"] / (D["tau_m"] - D["tau_s"])
    beta, theta, phimax, eta = D["beta"], D["theta"], D["phi_max"], ETA["euclidean"]
    P, S, w = np.zeros(n), np.zeros(n), w0.copy()

    def loop():
        nonlocal P, S, w
        for _ in range(bins):
            s = rng.random(n) < p
            P = P * dm + s
            S = S * ds + s
            x = gain * (P - S)
            sig = 1 / (1 + math.exp(-beta * (w @ x - theta)))
            y = rng.random() < phimax / (1 + math.exp(-beta * (wstar @ x - theta))) * DT
            w += eta * (y - phimax * sig * DT) * (1 - sig) * x

    cpu, _, _ = cpu_and_wall(loop)
    return {"cpu_ns_per_bin": cpu / bins * 1e9, "cpu_ns_per_synapse_step": cpu / bins / n * 1e9}


def figure3f_cpu(minutes):
    """CPU-s of experiments.figure3f(n_trials=16, duration_minutes=minutes) at its defaults (2 workers)."""
    from natspike import experiments

    cpu, wall, _ = cpu_and_wall(lambda: experiments.figure3f(n_trials=16, duration_minutes=minutes))
    return {"minutes": minutes, "cpu_s": cpu, "wall_s": wall, "load": os.getloadavg()[0]}


# 3. Brian2 ------------------------------------------------------------------------------------

BRIAN2_DURATION = {100: 20.0, 1000: 5.0, 10000: 1.0}
VALIDATION_SEEDS = 6
VALIDATION_DURATION = 20.0


def frozen_coefficients(w0, rates):
    mu = D["eps0"] * np.sum(w0 * rates)
    var = np.sum(w0**2 * rates) / C_EPS
    q = C_EPS * D["eps0"] ** 2 * np.sum(rates)
    c = natspike.coefficients(mu, var, q)
    return {k: float(getattr(c, k)) for k in ("gamma_s", "g1", "g2", "g3", "g4")}


def brian2_jobs(sizes, directory):
    runtime, standalone = [], []
    params = {k: D[k] for k in ("dt", "tau_m", "tau_s", "eps0", "phi_max", "beta", "theta")}
    for rule in RULES:
        for n in sizes:
            rates, w0, wstar = fig3(n)
            base = dict(
                rates=rates.tolist(),
                w0=w0.tolist(),
                wstar=wstar.tolist(),
                params={**params, "eta": ETA[rule], "rule": rule, "lr_convention": "authors"},
                coefficients=frozen_coefficients(w0, rates) if rule != "euclidean" else None,
            )
            validate = n == min(sizes)
            duration = VALIDATION_DURATION if validate else BRIAN2_DURATION[n]
            for s in range(VALIDATION_SEEDS if validate else 1):
                runtime.append(
                    {**base, "name": f"{rule}/{n}/{s}", "device": "runtime", "seed": 100 + s, "duration": duration}
                )
            standalone.append(
                {
                    **base,
                    "name": f"{rule}/{n}",
                    "device": "cpp_standalone",
                    "duration": duration,
                    "repeats": VALIDATION_SEEDS if validate else 1,
                    "directory": directory,
                }
            )
    return runtime, standalone


def run_brian2(python, jobs, tag, workdir):
    jobs_path, out_path = Path(workdir) / f"{tag}_jobs.json", Path(workdir) / f"{tag}_results.json"
    jobs_path.write_text(json.dumps(jobs))
    proc = subprocess.run(
        [python, str(HERE / "brian2_model.py"), str(jobs_path), str(out_path)],
        capture_output=True,
        text=True,
        cwd=workdir,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"Brian2 {tag} failed:\n{proc.stderr[-3000:]}")
    return {r["name"]: r for r in json.loads(out_path.read_text())}


def group_statistics(w_start, w_final, mean_rate, n):
    drift = np.asarray(w_final) - np.asarray(w_start)
    return np.array([mean_rate, drift[: n // 2].mean() * n, drift[n // 2 :].mean() * n])


def natspike_statistics(rule, n):
    rates, w0, wstar = fig3(n)
    extra = {} if rule == "euclidean" else {"coefficient_refresh": "frozen"}
    stats = []
    for s in range(VALIDATION_SEEDS):
        res = natspike.train(
            rule,
            w0,
            rates,
            teacher=wstar,
            duration=VALIDATION_DURATION,
            eta=ETA[rule],
            lr_convention="authors",
            seed=200 + s,
            trace_every=DT,
            **extra,
        )
        stats.append(group_statistics(w0, res.final_weights, res.rate.mean(), n))
    return np.array(stats)


def compare_statistics(a, b):
    """Largest |mean difference| / standard error over the three statistics."""
    se = np.sqrt(a.var(axis=0, ddof=1) / len(a) + b.var(axis=0, ddof=1) / len(b))
    return float(np.max(np.abs(a.mean(axis=0) - b.mean(axis=0)) / se))


def brian2_section(python, sizes, workdir):
    runtime_jobs, standalone_jobs = brian2_jobs(sizes, str(Path(workdir) / "standalone"))
    say("  brian2 runtime (cython) ...")
    rt = run_brian2(python, runtime_jobs, "runtime", workdir)
    say("  brian2 cpp_standalone (compiles one project per rule and size) ...")
    sa = run_brian2(python, standalone_jobs, "standalone", workdir)
    n0 = min(sizes)
    out = {}
    for rule in RULES:
        ours = natspike_statistics(rule, n0)
        rt_stats = np.array(
            [
                group_statistics(r["w_start"], r["w_final"], r["mean_rate"], n0)
                for k, r in rt.items()
                if k.startswith(f"{rule}/{n0}/")
            ]
        )
        sa0 = sa[f"{rule}/{n0}"]
        sa_stats = np.array([group_statistics(sa0["w_start"], r["w_final"], r["mean_rate"], n0) for r in sa0["runs"]])
        z_rt, z_sa = compare_statistics(rt_stats, ours), compare_statistics(sa_stats, ours)
        for n in sizes:
            r = rt[f"{rule}/{n}/0"]
            s = sa[f"{rule}/{n}"]
            bins = round((VALIDATION_DURATION if n == n0 else BRIAN2_DURATION[n]) / DT)
            best = min(s["runs"], key=lambda x: x["run_cpu_s"])
            out[(rule, n)] = {
                "runtime_cpu_ns": r["run_cpu_s"] / bins / n * 1e9,
                "runtime_compile_s": r["compile_s"],
                "standalone_cpu_ns": best["run_cpu_s"] / bins / n * 1e9,
                "standalone_loop_wall_ns": best["loop_wall_s"] / bins / n * 1e9,
                "standalone_compile_s": s["compile_s"],
                "z_runtime": z_rt,
                "z_standalone": z_sa,
                "stats_natspike": ours.mean(axis=0).tolist(),
                "stats_runtime": rt_stats.mean(axis=0).tolist(),
                "stats_standalone": sa_stats.mean(axis=0).tolist(),
                "valid": bool(z_rt < 4 and z_sa < 4),
            }
    return out


# 4. coefficients --------------------------------------------------------------------------------


def scipy_moments(mu, var):
    """I1, I2, I3 by scipy.integrate.quad over the real line, asked for 1e-8 relative accuracy."""
    from scipy.integrate import quad

    p = D
    sd = math.sqrt(var)

    def f(u, k):
        z = p["beta"] * (u - p["theta"])
        s = 0.5 * (1 + math.tanh(z / 2))
        g = math.exp(-((u - mu) ** 2) / (2 * var)) / (sd * math.sqrt(2 * math.pi))
        return p["phi_max"] * p["beta"] ** 2 * s * (1 - s) ** 2 * g * u**k

    return [quad(f, -np.inf, np.inf, args=(k,), epsabs=0, epsrel=1e-8, limit=200)[0] for k in range(3)]


def moments_error(got, want, mu, var):
    """Error of (I1, I2, I3) relative to I1 (|μ| + σ)^k, the natural scale of I_{k+1}."""
    scale = want[0] * np.array([1, abs(mu) + math.sqrt(var), (abs(mu) + math.sqrt(var)) ** 2])
    return float(np.max(np.abs(np.asarray(got) - np.asarray(want)) / scale))


def walk_points(points, seed=5):
    """A learning-like random walk of (μ_V, σ_V²) (steps of 0.3 % of σ_V and σ_V² per point)."""
    rng = np.random.default_rng(seed)
    mu = 1.7 + np.cumsum(0.003 * rng.standard_normal(points))
    var = 4.0 * np.exp(np.cumsum(0.003 * rng.standard_normal(points)))
    return mu, var, np.full(points, 78.0)


def per_point_cpu_us(mu, var, q, **kw):
    """Best of three CPU times of one vectorized natspike.coefficients call, per point; and its result."""
    natspike.coefficients(mu[:10], var[:10], q[:10], **kw)  # warm up
    runs = [cpu_and_wall(lambda: natspike.coefficients(mu, var, q, **kw)) for _ in range(3)]
    return min(r[0] for r in runs) / mu.size * 1e6, runs[0][2]


def coefficients_section(points):
    """scipy.integrate.quad and natspike.coefficients (default and exact=quadrature) in the same run, on
    scattered points (no locality: the default evaluates them by quadrature) and along a random walk
    (the default interpolates it with the coefficient cache at 1e-9)."""
    rng = np.random.default_rng(4)
    mu = rng.uniform(-10, 20, points)
    var = np.exp(rng.uniform(np.log(0.5), np.log(300), points))
    q = np.full(points, 78.0)
    out = {}
    for name, kw in (("default", {}), ("exact", {"coefficient_tolerance": 0})):
        out[f"natspike_{name}_cpu_us"], c = per_point_cpu_us(mu, var, q, **kw)
        wmu, wvar, wq = walk_points(8 * points)
        out[f"walk_{name}_cpu_us"], wc = per_point_cpu_us(wmu, wvar, wq, **kw)
        walk_sub = range(0, wmu.size, wmu.size // 20)
        out[f"walk_{name}_error"] = max(
            moments_error((wc.I1[i], wc.I2[i], wc.I3[i]), voltage_truth(wmu[i], wvar[i]), wmu[i], wvar[i])
            for i in walk_sub
        )
        sub = range(0, points, max(1, points // 40))
        out[f"natspike_{name}_error"] = max(
            moments_error((c.I1[i], c.I2[i], c.I3[i]), voltage_truth(mu[i], var[i]), mu[i], var[i]) for i in sub
        )
    truth = [voltage_truth(mu[i], var[i]) for i in sub]
    scipy_cpu, _scipy_wall, plain = cpu_and_wall(lambda: [scipy_moments(mu[i], var[i]) for i in sub])
    out["scipy_cpu_us"] = scipy_cpu / len(sub) * 1e6
    walk_cpu, _, _ = cpu_and_wall(lambda: [scipy_moments(wmu[i], wvar[i]) for i in walk_sub])
    out["scipy_walk_cpu_us"] = walk_cpu / len(walk_sub) * 1e6
    out["scipy_error"] = max(moments_error(s, t, mu[i], var[i]) for s, t, i in zip(plain, truth, sub))
    out["natspike_cpu_us"], out["natspike_error"] = out["natspike_default_cpu_us"], out["natspike_default_error"]
    return out


def voltage_truth(mu, var):
    return ref.voltage_integrals(mu, var, phi_max=D["phi_max"], beta=D["beta"], theta=D["theta"])


# 5. run_trials, 6. overhead, 7. memory ----------------------------------------------------------


def run_trials_section(n_trials, duration):
    """Wall-time efficiency T1 / (2 T2), and the CPU-time one (work inflation by parallelism)."""
    rates, w0, wstar = fig3(100)
    out = {"load_before": os.getloadavg()[0]}
    for workers in (1, 2):
        kw = dict(
            teacher=wstar,
            n_trials=n_trials,
            seed=3,
            duration=duration,
            eta=ETA["natural"],
            lr_convention="authors",
            workers=workers,
        )
        cpu, wall, _ = cpu_and_wall(lambda: natspike.run_trials("natural", w0, rates, **kw))
        out[workers] = {"wall_s": wall, "cpu_s": cpu, "trials_per_s": n_trials / wall}
    out["efficiency"] = out[1]["wall_s"] / (2 * out[2]["wall_s"])
    out["cpu_efficiency"] = out[1]["cpu_s"] / out[2]["cpu_s"]
    return out


def overhead_section(gotrain, duration, reps=5):
    rates, w0, wstar = fig3(100)
    kw = dict(teacher=wstar, duration=duration, eta=ETA["natural"], lr_convention="authors", seed=9)
    res = natspike.train("natural", w0, rates, **kw)
    py = [cpu_and_wall(lambda: natspike.train("natural", w0, rates, **kw))[:2] for _ in range(reps)]
    cfg = {k: res.params[k] for k in natspike._describe.params()}  # the JSON train sends to Go
    cfg.update(neuron=res.params["neuron"].to_dict(), teacher="realizable", teacher_rate=0.0, seed=res.seed)
    job = {"config": cfg, "rates": rates.tolist(), "w0": w0.tolist(), "teacher": wstar.tolist(), "repeats": reps}
    proc = subprocess.run([gotrain], input=json.dumps(job), capture_output=True, text=True, check=True)
    go = json.loads(proc.stdout)
    py_cpu, py_wall = min(p[0] for p in py), min(p[1] for p in py)
    go_cpu, go_wall = min(go["cpu_s"]), min(go["wall_s"])
    tiny = dict(kw, duration=DT, test_samples=1, test_bins=1)
    fixed = min(cpu_and_wall(lambda: natspike.train("natural", w0, rates, **tiny))[0] for _ in range(50))
    return {
        "python_cpu_s": py_cpu,
        "go_cpu_s": go_cpu,
        "python_wall_s": py_wall,
        "go_wall_s": go_wall,
        "overhead_cpu": py_cpu / go_cpu - 1,
        "overhead_wall": py_wall / go_wall - 1,
        "duration": duration,
        "fixed_call_cpu_s": fixed,
    }


MEMORY_SCRIPT = """
import resource, sys, numpy as np, natspike
n, duration = 1000, float(sys.argv[1])
rng = np.random.default_rng(0)
rates = np.where(np.arange(n) < n // 2, 10.0, 50.0)
w0, ws = rng.uniform(-1 / n, 1 / n, (2, n))
natspike.train("euclidean", w0, rates, teacher=ws, duration=duration, eta=4.5e-7, lr_convention="authors")
# this process's own peak in KiB (VmHWM): ru_maxrss keeps the peak of the process image exec replaced
status = open("/proc/self/status").read() if sys.platform == "linux" else ""
print(status.split("VmHWM:")[1].split()[0] if "VmHWM:" in status else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def memory_section(long):
    def peak(duration):
        out = subprocess.run(
            [sys.executable, "-c", MEMORY_SCRIPT, str(duration)], capture_output=True, text=True, check=True
        )
        return int(out.stdout.split()[-1]) / 1024  # MiB

    short_mb, long_mb = peak(1.0), peak(long)
    dense_mb = round(long / DT) * 1000 * 8 / 2**20
    return {"short_mib": short_mb, "long_mib": long_mb, "long_s": long, "dense_history_mib": dense_mb}


# 8. Go benchmarks -------------------------------------------------------------------------------

GO_BENCH = re.compile(r"^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op(.*)$")


def go_benchmarks(count):
    cmd = [
        "go",
        "test",
        "-run",
        "^$",
        "-count",
        str(count),
        "-bench",
        "BenchmarkBin|BenchmarkCoefficients$|BenchmarkCacheCoefficients|BenchmarkGammaS$|BenchmarkCacheGammaS|"
        "BenchmarkInputSource|BenchmarkDriftStep",
        "./core/learn",
        "./core/fisher",
        "./core/counter",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=True)
    rows = {}
    for line in proc.stdout.splitlines():
        m = GO_BENCH.match(line)
        if not m:
            continue
        metrics = {"ns/op": float(m.group(2))}
        for value, unit in re.findall(r"([\d.e+-]+) (\S+)", m.group(3)):
            metrics[unit] = float(value)
        rows.setdefault(m.group(1), []).append(metrics)
    return {k: {u: float(np.median([r[u] for r in v])) for u in v[0]} for k, v in rows.items()}


# 9. Fig 3F --------------------------------------------------------------------------------------


def figure3f_estimate(trials, short, long, options):
    """Fig 3F protocol (natspike.experiments.figure3f) on 2 workers: `trials` trials × 3 rules at two
    durations; the full run (1000 trials × 8000 s) is extrapolated linearly in both (setup + per-second)."""
    rates, _, _ = fig3(100)
    draw = lambda rng: rng.uniform(-1 / 100, 1 / 100, size=(2, 100))

    def measure(seconds):
        runs = [
            cpu_and_wall(
                lambda: natspike.run_trials(
                    rule,
                    lambda rng: draw(rng)[0],
                    rates,
                    teacher=lambda rng: draw(rng)[1],
                    n_trials=trials,
                    seed=2022,
                    duration=seconds,
                    eta=ETA[rule],
                    lr_convention="authors",
                    record_every=min(100.0, seconds),
                    workers=2,
                    **options,
                )
            )
            for rule in RULES
        ]
        return sum(r[1] for r in runs), sum(r[0] for r in runs)

    def extrapolate(short_value, long_value):
        per_second = (long_value - short_value) / (long - short)
        return (short_value - per_second * short + per_second * 8000) * 1000 / trials

    (w_short, c_short), (w_long, c_long) = measure(short), measure(long)
    return {
        "trials": trials,
        "seconds": [short, long],
        "subset_wall_s": [w_short, w_long],
        "subset_cpu_s": [c_short, c_long],
        "full_wall_s": extrapolate(w_short, w_long),
        "full_cpu_s": extrapolate(c_short, c_long),
        "load": os.getloadavg()[0],
    }


# table ------------------------------------------------------------------------------------------


def fmt(x, digits=3):
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def ratio(a, b):
    return a / b if a and b else None


def print_table(r):
    p = print
    p(f"# natspike performance ({r['machine']})\n")
    p("## 1–3. CPU ns per synapse-step (single thread; natspike = marginal cost of train(), Fig 3F setting)\n")
    p(
        "| rule | n | natspike default | exact | frozen (exact) | dense+cache | NumPy ref | Brian2 runtime | "
        "Brian2 cpp_standalone | NumPy/default | NumPy/exact | Brian2 sa/default | Brian2 sa/frozen |"
    )
    p("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for rule in RULES:
        for n in SIZES:
            ns = r["natspike"].get(f"{rule}/{n}", {})
            npy = r["numpy"].get(f"{rule}/{n}", {}).get("cpu_ns")
            b2 = r["brian2"].get(f"{rule}/{n}", {})
            sa = b2.get("standalone_cpu_ns") if b2.get("valid") else None
            rt = b2.get("runtime_cpu_ns") if b2.get("valid") else None
            get = lambda m: ns.get(m, {}).get("cpu_ns")
            best = get("default")
            p(
                f"| {rule} | {n} | {fmt(best)} | {fmt(get('exact'))} | {fmt(get('frozen'))} | {fmt(get('dense+cache'))} | "
                f"{fmt(npy)} | {fmt(rt)} | {fmt(sa)} | {fmt(ratio(npy, best))} | {fmt(ratio(npy, get('exact')))} | "
                f"{fmt(ratio(sa, best))} | {fmt(ratio(sa, get('frozen')))} |"
            )
    lean = r["lean_numpy"]
    p(
        "\n## 1b. run_trials: CPU ns per trial-bin (1 worker, 4 trials, marginal cost), against a lean vectorized "
        "NumPy loop of the Euclidean rule (one bin per iteration)\n"
    )
    p(
        "| rule | n | default | exact | exact / default | lean NumPy / default | train default, lean NumPy / natspike per synapse-step |"
    )
    p("|---|---|---|---|---|---|---|")
    for rule in RULES:
        for n in SIZES:
            t = r["trials"].get(f"{rule}/{n}", {})
            d, e = t.get("default", {}).get("cpu_ns"), t.get("exact", {}).get("cpu_ns")
            ln = lean.get(str(n), {})
            tr = r["natspike"].get(f"{rule}/{n}", {}).get("default", {}).get("cpu_ns")
            p(
                f"| {rule} | {n} | {fmt(d)} | {fmt(e)} | {fmt(ratio(e, d))} | {fmt(ratio(ln.get('cpu_ns_per_bin'), d))} | "
                f"{fmt(ratio(ln.get('cpu_ns_per_synapse_step'), tr))} |"
            )
    p(
        "\nLean NumPy loop, CPU ns per bin: "
        + ", ".join(f"n = {k}: {fmt(v['cpu_ns_per_bin'])}" for k, v in lean.items())
    )
    p(
        "\nValidation: NumPy reference replayed through natspike (max |Δw| / max|w|):",
        ", ".join(f"{k} {v['deviation']:.1e}" for k, v in r["numpy"].items()),
    )
    p(
        "Brian2 vs natspike, largest |Δmean|/SE of (mean rate, n·drift group 1, n·drift group 2) over "
        f"{VALIDATION_SEEDS} seeds × {VALIDATION_DURATION:g} s at n = {min(r['sizes'])} (times count if < 4):"
    )
    for rule in RULES:
        b = r["brian2"].get(f"{rule}/{min(r['sizes'])}")
        if b:
            p(
                f"  {rule}: runtime {b['z_runtime']:.2f}, cpp_standalone {b['z_standalone']:.2f}; means natspike "
                f"{np.round(b['stats_natspike'], 4).tolist()}, Brian2 standalone {np.round(b['stats_standalone'], 4).tolist()}"
            )
    comp = {k: v for k, v in r["brian2"].items() if k.endswith(f"/{min(r['sizes'])}")}
    if comp:
        p(
            "Brian2 compile time (s): "
            + ", ".join(
                f"{k} runtime {v['runtime_compile_s']:.0f} / standalone {v['standalone_compile_s']:.0f}"
                for k, v in comp.items()
            )
        )
    c = r["coefficients"]
    p("\n## 4. Fisher coefficients per evaluation (CPU)\n")
    p("| method | µs / evaluation | max error of I1..I3 | speed-up vs scipy |")
    p("|---|---|---|---|")
    p(f"| scipy.integrate.quad (epsrel 1e-8, 3 integrals) | {fmt(c['scipy_cpu_us'])} | {c['scipy_error']:.1e} | 1 |")
    if "scipy_walk_cpu_us" in c:
        p(f"| scipy.integrate.quad, along the random walk | {fmt(c['scipy_walk_cpu_us'])} | – | 1 |")
    for key, label in (
        ("natspike_default", "natspike.coefficients, default (Python, vectorized; scattered: quadrature)"),
        ("natspike_exact", "natspike.coefficients, coefficient_tolerance=0 (quadrature; scattered)"),
        ("walk_default", "natspike.coefficients, default, along a random walk (cache at 1e-9)"),
        ("walk_exact", "natspike.coefficients, coefficient_tolerance=0, along a random walk"),
    ):
        us = c.get(f"{key}_cpu_us")
        if us is not None:
            scipy_us = c.get("scipy_walk_cpu_us", c["scipy_cpu_us"]) if key.startswith("walk") else c["scipy_cpu_us"]
            p(f"| {label} | {fmt(us)} | {c[f'{key}_error']:.1e} | {fmt(scipy_us / us)} |")
    g = r["go"]
    for name, label in (
        ("BenchmarkCoefficients", "Go Engine.Coefficients (quadrature)"),
        ("BenchmarkCacheCoefficients", "Go Cache.Coefficients (tol 1e-9, drifting point, drift step subtracted)"),
        ("BenchmarkGammaS", "Go Engine.GammaS"),
        ("BenchmarkCacheGammaS", "Go Cache.GammaS"),
    ):
        if name in g:
            drift = g.get("BenchmarkDriftStep", {}).get("cpu-ns/op", 0) if "Cache" in name else 0
            us = (g[name].get("cpu-ns/op", g[name]["ns/op"]) - drift) / 1000
            err = "≤ 1e-9 (tested)" if "Cache" in name else f"{c['natspike_error']:.1e}"
            p(f"| {label} | {fmt(us)} | {err} | {fmt(c['scipy_cpu_us'] / us)} |")
    t = r["run_trials"]
    p(f"\n## 5. run_trials (natural, n = 100, {t['n_trials']} trials × {t['duration']:g} s)\n")
    p(
        f"1 worker: {t[1]['trials_per_s']:.2f} trials/s; 2 workers: {t[2]['trials_per_s']:.2f} trials/s; "
        f"parallel efficiency {100 * t['efficiency']:.0f} % in wall time (load average {t['load_before']:.1f} on "
        f"2 cores before), {100 * t['cpu_efficiency']:.0f} % in CPU time (CPU(1 worker) / CPU(2 workers))"
    )
    o = r["overhead"]
    p(
        f"\n## 6. Python overhead of train (natural, n = 100, {o['duration']:g} s, best of 5)\n\nCPU: Python "
        f"{o['python_cpu_s'] * 1e3:.1f} ms vs Go {o['go_cpu_s'] * 1e3:.1f} ms → {100 * o['overhead_cpu']:+.1f} %; wall: "
        f"{100 * o['overhead_wall']:+.1f} %; a 1-bin call costs {o['fixed_call_cpu_s'] * 1e3:.2f} ms CPU in all"
    )
    m = r["memory"]
    p(
        f"\n## 7. Peak memory (n = 1000): 1 s trial {m['short_mib']:.0f} MiB, {m['long_s']:g} s trial "
        f"{m['long_mib']:.0f} MiB (an O(steps × n) history would be {m['dense_history_mib']:,.0f} MiB)"
    )
    p("\n## 8. Go: one bin, CPU ns per synapse-step (BenchmarkBin, inputs + traces + teacher + rule)\n")
    p(
        "| rule | n | dense (exact) | dense+cache | events+cache (default) | events / dense | of which inputs | "
        "(events − inputs) / (dense − inputs) |"
    )
    p("|---|---|---|---|---|---|---|---|")
    for rule in RULES:
        for n in SIZES:
            row = {
                mode: g.get(f"BenchmarkBin/{rule}/{mode}/n={n}", {}).get("cpu-ns/synapse-step")
                for mode in ("dense", "dense+cache", "events+cache")
            }
            per_bin = g.get(f"BenchmarkInputSource/counter/n={n}", {}).get("cpu-ns/bin")  # learn.Run's inputs
            inputs = per_bin / n if per_bin else None
            ok = row["dense"] and row["events+cache"]
            share = row["events+cache"] / row["dense"] if ok else None
            learning = (row["events+cache"] - inputs) / (row["dense"] - inputs) if ok and inputs else None
            p(
                f"| {rule} | {n} | {fmt(row['dense'])} | {fmt(row['dense+cache'])} | {fmt(row['events+cache'])} | "
                f"{fmt(share)} | {fmt(inputs)} | {fmt(learning)} |"
            )
    f = r["figure3f"]
    e0 = f["default"]
    p(
        "\n## 9. Full Fig 3F (1000 trials × 3 rules × 8000 s, n = 100) on 2 workers, extrapolated (setup + "
        f"per-second cost) from {e0['trials']} trials × 3 rules at {e0['seconds'][0]:g} s and {e0['seconds'][1]:g} s\n"
    )
    for mode, e in f.items():
        p(
            f"{mode}: measured {e['subset_wall_s'][0]:.1f} s and {e['subset_wall_s'][1]:.1f} s wall (load average "
            f"{e['load']:.1f}) → full ≈ {e['full_wall_s'] / 3600:.1f} h wall here; its CPU time "
            f"{e['full_cpu_s'] / 3600:.1f} h, i.e. ≈ {e['full_cpu_s'] / 7200:.1f} h on 2 free cores"
        )


def print_figure3f(r):
    f = r.get("figure3f_16x60")
    if f:
        print(
            f"\nexperiments.figure3f(n_trials=16, duration_minutes={f['minutes']:g}): {f['cpu_s']:.1f} CPU-s, {f['wall_s']:.1f} s wall "
            f"(load average {f['load']:.1f})"
        )


def machine():
    model = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?"
    )
    return f"{model}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, natspike {natspike.__version__}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer repeats, no n = 10000 for Brian2")
    ap.add_argument("--brian2-python", default=str(ROOT / ".venv" / "brian2-env" / "bin" / "python"))
    ap.add_argument("--json", default=None, help="also write all numbers here")
    ap.add_argument("--skip-brian2", action="store_true")
    ap.add_argument("--figure3f-minutes", type=float, default=60.0, help="minutes of the figure3f(16 trials) run")
    ap.add_argument("--keep", action="store_true", help="keep the Brian2 projects (under /tmp)")
    args = ap.parse_args()
    args.brian2_python = str(Path(args.brian2_python).absolute())  # Brian2 runs with cwd = workdir
    reps = 2 if args.quick else 3
    r = {"machine": machine(), "sizes": list(SIZES), "natspike": {}, "numpy": {}, "brian2": {}}
    workdir = tempfile.mkdtemp(prefix="natspike-bench-")
    say(f"natspike benchmark; Brian2 projects under {workdir}")
    say("8. Go benchmarks ...")
    r["go"] = go_benchmarks(1 if args.quick else 3)
    say("1. natspike ...")
    for rule in RULES:
        for n in SIZES:
            modes = ("default", "exact") if rule == "euclidean" else tuple(MODES)
            r["natspike"][f"{rule}/{n}"] = {m: natspike_cost(rule, n, m, reps) for m in modes}
    say("1b. run_trials per trial-bin, lean NumPy ...")
    r["trials"] = {
        f"{rule}/{n}": {m: trials_cost(rule, n, m, reps) for m in ("default", "exact")} for rule in RULES for n in SIZES
    }
    r["lean_numpy"] = {str(n): lean_numpy_euclidean(n, {100: 20000, 1000: 10000, 10000: 2000}[n]) for n in SIZES}
    say("2. NumPy reference ...")
    for rule in RULES:
        for n in SIZES:
            r["numpy"][f"{rule}/{n}"] = numpy_cost(rule, n)
    if not args.skip_brian2:
        say("3. Brian2 ...")
        sizes = SIZES[:2] if args.quick else SIZES
        r["brian2"] = {f"{k[0]}/{k[1]}": v for k, v in brian2_section(args.brian2_python, sizes, workdir).items()}
    say("4. coefficients ...")
    r["coefficients"] = coefficients_section(2000)
    say("5. run_trials ...")
    r["run_trials"] = {**run_trials_section(16, 20.0), "n_trials": 16, "duration": 20.0}
    say("6. overhead ...")
    gotrain = Path(workdir) / "gotrain"
    subprocess.run(["go", "build", "-o", str(gotrain), "./tests/benchmarks/gotrain"], cwd=ROOT, check=True)
    r["overhead"] = overhead_section(str(gotrain), 60.0)
    say("7. memory ...")
    r["memory"] = memory_section(120.0 if args.quick else 600.0)
    say("9. Fig 3F subset ...")
    r["figure3f"] = {
        "default": figure3f_estimate(4, 10.0, 40.0, {}),
        "exact": figure3f_estimate(4, 10.0, 40.0, MODES["exact"]),
    }
    say(f"9b. experiments.figure3f(n_trials=16, duration_minutes={args.figure3f_minutes:g}) ...")
    r["figure3f_16x60"] = figure3f_cpu(args.figure3f_minutes)
    print_table(r)
    print_figure3f(r)
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=1, default=str))
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
