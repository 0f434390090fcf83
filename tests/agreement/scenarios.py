"""The scenarios of the agreement matrix: one small learning task each, built once.

A scenario fixes the rule, the weights' parametrization, the teacher, the input source, the PSP kernel and
the transfer function; everything else (n, bins, seeds, learning rates) is the same for all. Inputs are
replayed spike trains drawn here, so that the NumPy reference sees the same spikes as Go, except in the
scenarios whose point is Go's own input source (Poisson, the authors' input pool).
"""

from dataclasses import dataclass, fields
from functools import cache

import natspike
import numpy as np
import reference as ref

N = 10  # afferents
BINS = 400  # bins of dt = 0.5 ms: 0.2 s of learning
SEED = 5  # root seed of the Go streams (teacher, drawn inputs, test set)
# Bins between weight records: not 1, because a record flushes the fused loop's staged update, and with a
# record every bin the fused update path would never run; 7 also falls inside the pool's intervals.
RECORD_STRIDE = 7
POOL_SIZE = 8  # trains per rate group
POOL_INTERVAL = 0.05  # s per pool train: three trace restarts in BINS
TEACHER_RATE = 20.0  # Hz, Poisson teacher and replayed teacher spike train
ETA = {"euclidean": 5e-4, "natural": 5e-3, "approximate": 5e-3}
KINDS = {
    "weights": ("somatic", "dendritic"),
    "teacher": ("realizable", "poisson", "replay"),
    "inputs": ("replay", "poisson", "pool"),
    "kernel": ("two-exponential", "alpha"),
    "transfer": ("sigmoid", "rectified_quadratic"),
    "protocol": ("exact", "authors-lr", "refresh-7", "frozen", "silent"),
}
# train's options per protocol: the authors' ψ = 1 − σ (with η scaled by β to keep the step), coefficients
# recomputed every 7 bins or frozen at t = 0 (Figs 4, 5, 7), silent afferents (rate 0, spec §1.1).
PROTOCOLS = {
    "exact": {},
    "authors-lr": {"lr_convention": "authors"},
    "refresh-7": {"coefficient_refresh": 7},
    "frozen": {"coefficient_refresh": "frozen"},
    "silent": {},
}


@dataclass(frozen=True)
class Scenario:
    """One learning task; every field but ``rule`` defaults to the first of its KINDS."""

    rule: str
    weights: str = "somatic"
    teacher: str = "realizable"
    inputs: str = "replay"
    kernel: str = "two-exponential"
    transfer: str = "sigmoid"
    protocol: str = "exact"

    def __post_init__(self):
        for f in fields(self)[1:]:
            assert getattr(self, f.name) in KINDS[f.name], f"{f.name}={getattr(self, f.name)!r}"

    @property
    def name(self):
        parts = [self.rule] + [getattr(self, f.name) for f in fields(self)[1:3]]
        parts += [f"{f.name}={getattr(self, f.name)}" for f in fields(self)[3:] if getattr(self, f.name) != f.default]
        return " ".join(parts)


def all_scenarios():
    """Rules × {somatic, dendritic} × the three teachers, then each other feature with every rule."""
    out = [
        Scenario(rule, weights=w, teacher=t) for rule in ref.RULES for w in KINDS["weights"] for t in KINDS["teacher"]
    ]
    for rule in ref.RULES:
        out += [
            Scenario(rule, inputs="poisson"),
            Scenario(rule, inputs="pool", teacher="poisson"),
            Scenario(rule, kernel="alpha"),
            Scenario(rule, transfer="rectified_quadratic"),
            *(Scenario(rule, protocol=p) for p in KINDS["protocol"][1:]),
        ]
    return out


@dataclass(frozen=True, eq=False)  # hashed by identity: task() builds one per scenario
class Task:
    """A scenario made concrete: the arguments of natspike.train and of the NumPy reference."""

    scenario: Scenario
    neuron: natspike.Neuron
    rates: np.ndarray
    w0: np.ndarray
    attenuation: np.ndarray | None
    teacher: object  # what train's ``teacher`` receives: w*, a rate, or a spike train
    spikes: np.ndarray | None  # replayed input spikes (BINS, N), or None when Go draws them

    @property
    def eta(self):
        return ETA[self.scenario.rule] * (ref.DEFAULTS["beta"] if self.scenario.protocol == "authors-lr" else 1.0)

    def train_kwargs(self, **changes):
        """Keyword arguments of natspike.train for this task: V every bin, weights every RECORD_STRIDE bins."""
        kw = dict(
            teacher=self.teacher,
            duration=BINS * self.neuron.dt,
            eta=self.eta,
            seed=SEED,
            neuron=self.neuron,
            attenuation=self.attenuation,
            record_every=RECORD_STRIDE * self.neuron.dt,
            trace_every=self.neuron.dt,
            inputs=self.spikes,
        )
        if self.scenario.inputs == "pool":
            kw.update(input_pool_size=POOL_SIZE, input_pool_interval=POOL_INTERVAL)
        kw.update(PROTOCOLS[self.scenario.protocol])
        kw.update(changes)
        if isinstance(kw["teacher"], np.ndarray) and kw["teacher"].dtype.kind in "biu":  # a 0/1 spike train per bin
            kw["teacher"] = natspike.SpikeTrain.from_bins(kw["teacher"], dt=self.neuron.dt)
        return kw

    def reference_params(self):
        """The neuron's parameters and the protocol's options as tests/reference takes them (sigmoid only)."""
        n = self.neuron
        kw = dict(dt=n.dt, tau_m=n.tau_m, tau_s=n.tau_s, eps0=n.eps0, phi_max=n.phi_max, beta=n.beta, theta=n.theta)
        options = PROTOCOLS[self.scenario.protocol]
        refresh = options.get("coefficient_refresh", 1)
        kw.update(
            lr_convention=options.get("lr_convention", "exact"),
            coefficient_refresh=0 if refresh == "frozen" else refresh,
        )
        return kw


def _neuron(s: Scenario):
    kw = {}
    if s.kernel == "alpha":
        kw["tau_s"] = ref.DEFAULTS["tau_m"]
    if s.transfer == "rectified_quadratic":
        kw.update(transfer="rectified_quadratic", theta=-10.0)  # positive weights keep V > θ: φ > 0 throughout
    return natspike.Neuron(**kw)


@cache
def task(s: Scenario) -> Task:
    """The task of scenario s (built once per session; the arrays are shared, do not modify them)."""
    rng = np.random.default_rng(_stable_seed(s))
    neuron = _neuron(s)
    rates = np.where(np.arange(N) < N // 2, 10.0, 50.0)
    if s.protocol == "silent":
        rates[[0, N - 1]] = 0.0
    low, high = (0.0, 1 / N) if s.transfer == "rectified_quadratic" else (-3 / N, 3 / N)
    w0, wstar = rng.uniform(low, high, (2, N))
    alpha = rng.uniform(0.1, 1.0, N) if s.weights == "dendritic" else None
    spikes = ref.draw_input_spikes(rng, rates, BINS, neuron.dt).astype(np.uint8) if s.inputs == "replay" else None
    teacher = {
        "realizable": wstar,
        "poisson": TEACHER_RATE,
        "replay": ref.draw_poisson_teacher(rng, TEACHER_RATE, BINS, neuron.dt).astype(np.uint8),
    }[s.teacher]
    return Task(s, neuron, rates, w0 if alpha is None else w0 / alpha, alpha, teacher, spikes)


def _stable_seed(s: Scenario):
    """A seed that depends on the scenario's fields only (not on Python's hash randomization)."""
    return sum((i + 1) * ord(c) for i, c in enumerate(s.name))
