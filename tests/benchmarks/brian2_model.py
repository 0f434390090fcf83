"""natspike's learning trial written in Brian2, for the side-by-side benchmark (``make bench``).

Runs in the Brian2 environment (``.venv/brian2-env``, see requirements-bench.txt), never imports
natspike, and is driven by ``bench_table.py`` through JSON files::

    python brian2_model.py jobs.json results.json

Model (the discrete-time contract of core/learn, spec §1–§3): n Poisson afferents (Bernoulli spikes,
``rand() < r dt``) feed two traces P, S (``pm``, ``ps``; Brian2 reserves ``S``) that decay exactly by e^{-dt/τ_m}, e^{-dt/τ_s} per bin and
jump by 1 at a spike after the bin's USP x = ε0 (P − S)/(τ_m − τ_s) has been used; the student's
V = Σ w x and the teacher's V* = Σ w* x are summed variables; the teacher spikes with probability
φ(V*) dt; every bin each synapse is updated with e = η (y − φ(V) dt) ψ(V):

* euclidean:   w += e x                                                        (Eqn 10)
* natural:     w += e γ_s (c_ε x / r − γ_u + γ_w w), γ_u, γ_w from g1 … g4     (Eqns 17, 108, 109)
* approximate: w += e γ_s (c_ε x / r − c_ε c_u + c_w V w)                      (Eqn 114)

The natural and approximate rules use coefficients frozen at their t = 0 values (γ_s, g1 … g4 are
passed in), as natspike's ``coefficient_refresh="frozen"``: per-bin quadrature has no Brian2
equivalent. Within a bin the schedule is: decay (inputs, order 0) → summed V, V*, Σx (order 4) →
e (order 6) → weights (order 7) → input spikes (thresholds) → trace jumps (resets).
"""

import json
import os
import resource
import sys
import time

import numpy as np


def _children_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _update_code(rule):
    if rule == "euclidean":
        return "w += err_post * x_pre"
    if rule == "natural":
        return "w += err_post * gamma_s * (ceps * x_pre / rhat_pre - gu_post + gw_post * w)"
    return "w += err_post * gamma_s * (ceps * x_pre / rhat_pre - ceps * c_u + c_w * V_post * w)"


def _error_code(p):
    psi = "(1 - sig)" if p["lr_convention"] == "authors" else "beta * (1 - sig)"
    code = [
        "sig = 1 / (1 + exp(-beta * (V - theta)))",
        "sigstar = 1 / (1 + exp(-beta * (Vstar - theta)))",
        "y = int(rand() < phi_max * sigstar * dt_s)",
        f"err = eta * (y - phi_max * sig * dt_s) * {psi}",
        "phisum += phi_max * sig * dt_s",
    ]
    if p["rule"] == "natural":
        code += ["gu = -ceps * eps0 * (ceps * eps0 * g1 * sumx + g3 * V)", "gw = ceps * eps0 * g2 * sumx + g4 * V"]
    return "\n".join(code)


def build(b2, job):
    """Create the network of one job; returns (net, inputs, out, syn)."""
    p, n = job["params"], len(job["rates"])
    b2.defaultclock.dt = p["dt"] * b2.second
    co = job.get("coefficients") or {}
    ns = dict(
        tau_m=p["tau_m"] * b2.second,
        tau_s=p["tau_s"] * b2.second,
        c=p["eps0"] / (p["tau_m"] - p["tau_s"]),
        phi_max=p["phi_max"],
        beta=p["beta"],
        theta=p["theta"],
        eta=p["eta"],
        dt_s=p["dt"],
        ceps=2 * (p["tau_m"] + p["tau_s"]) / p["eps0"] ** 2,
        eps0=p["eps0"],
        c_u=p.get("c_u", 0.95),
        c_w=p.get("c_w", 0.05),
        gamma_s=co.get("gamma_s", 0.0),
        g1=co.get("g1", 0.0),
        g2=co.get("g2", 0.0),
        g3=co.get("g3", 0.0),
        g4=co.get("g4", 0.0),
    )
    inputs = b2.NeuronGroup(
        n,
        """dpm/dt = -pm/tau_m : 1
                                  dps/dt = -ps/tau_s : 1
                                  x = c*(pm - ps) : 1
                                  rate : Hz (constant)
                                  rhat : 1 (constant)""",
        threshold="rand() < rate*dt",
        reset="pm += 1\nps += 1",
        method="exact",
        namespace=ns,
        order=0,
        name="inputs",
    )
    inputs.rate = np.asarray(job["rates"]) * b2.Hz
    inputs.rhat = np.asarray(job["rates"])
    out = b2.NeuronGroup(
        1,
        """V : 1
                               Vstar : 1
                               sumx : 1
                               err : 1
                               gu : 1
                               gw : 1
                               phisum : 1""",
        namespace=ns,
        order=5,
        name="out",
    )
    summed = ["V_post = w*x_pre : 1 (summed)", "Vstar_post = wstar*x_pre : 1 (summed)"]
    if p["rule"] == "natural":
        summed.append("sumx_post = x_pre : 1 (summed)")
    syn = b2.Synapses(inputs, out, "w : 1\nwstar : 1 (constant)\n" + "\n".join(summed), namespace=ns, name="syn")
    syn.connect(i=np.arange(n), j=0)
    syn.w = np.asarray(job["w0"])
    syn.wstar = np.asarray(job["wstar"])
    out.run_regularly(_error_code(p), when="groups", order=6, name="error")
    syn.run_regularly(_update_code(p["rule"]), when="groups", order=7, name="update")
    net = b2.Network(inputs, out, syn)
    return net, inputs, out, syn


def run_runtime(b2, job):
    """Cython runtime: a short first run compiles; the timed run reuses the compiled code."""
    b2.set_device("runtime")
    b2.prefs.codegen.target = "cython"
    if job.get("seed") is not None:
        b2.seed(job["seed"])
    net, _, out, syn = build(b2, job)
    t0 = time.perf_counter()
    net.run(job["params"]["dt"] * 10 * b2.second)
    compile_s = time.perf_counter() - t0
    w_start = np.array(syn.w[:])
    phisum0 = float(out.phisum[0])
    cpu0, wall0 = time.process_time(), time.perf_counter()
    net.run(job["duration"] * b2.second)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    return {
        "compile_s": compile_s,
        "run_cpu_s": cpu,
        "run_wall_s": wall,
        "w_start": w_start.tolist(),
        "w_final": np.array(syn.w[:]).tolist(),
        "mean_rate": (float(out.phisum[0]) - phisum0) / job["duration"],
    }


def run_standalone(b2, job, directory):
    """cpp_standalone: one build (compile time reported separately), then `repeats` runs."""
    if b2.get_device().__class__.__name__ != "CPPStandaloneDevice":
        b2.set_device("cpp_standalone", directory=directory, build_on_run=False)
    else:
        b2.device.reinit()
        b2.device.activate(directory=directory, build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = 0
    net, _, out, syn = build(b2, job)
    net.run(job["duration"] * b2.second)
    t0, c0 = time.perf_counter(), _children_cpu()
    b2.device.build(directory=directory, compile=True, run=False, with_output=False)
    compile_s, compile_cpu = time.perf_counter() - t0, _children_cpu() - c0
    runs = []
    for _ in range(job.get("repeats", 1)):
        c0, t0 = _children_cpu(), time.perf_counter()
        b2.device.run(directory=directory, with_output=False)
        runs.append(
            {
                "run_cpu_s": _children_cpu() - c0,
                "run_wall_s": time.perf_counter() - t0,
                "loop_wall_s": b2.device._last_run_time,
                "w_final": np.array(syn.w[:]).tolist(),
                "mean_rate": float(out.phisum[0]) / job["duration"],
            }
        )
    return {"compile_s": compile_s, "compile_cpu_s": compile_cpu, "runs": runs, "w_start": list(job["w0"])}


def main(jobs_path, results_path):
    import brian2 as b2

    b2.prefs.logging.console_log_level = "WARNING"
    with open(jobs_path) as f:
        jobs = json.load(f)
    results = []
    for k, job in enumerate(jobs):
        if job["device"] == "runtime":
            res = run_runtime(b2, job)
        else:
            res = run_standalone(b2, job, os.path.join(job["directory"], f"job{k}"))
        res["name"] = job["name"]
        results.append(res)
        with open(results_path, "w") as f:
            json.dump(results, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
