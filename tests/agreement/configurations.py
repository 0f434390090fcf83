"""The configurations of the agreement matrix: ways of computing the same learning trajectory.

Each is compared with the reference (``natspike.train`` with ``exact=True``: dense, quadrature in every
bin), which is the fused one-pass loop for the two-exponential kernel and the four-pass loop for the alpha
kernel. A
configuration states what it claims (bit-identical, or a relative tolerance and where the docs say so)
and where it has a hole: ``refused`` (train refuses the combination, and the test checks that it does),
``n/i`` (not implemented), ``n/a`` (not applicable) or ``go`` (not reachable from Python; a Go test
covers it). A later engine is one more subclass in CONFIGURATIONS.
"""

from dataclasses import dataclass
from functools import cache
from typing import ClassVar

import natspike
import numpy as np
import reference as ref

from .scenarios import BINS, POOL_INTERVAL, RECORD_STRIDE, N, Task


@dataclass(frozen=True)
class Claim:
    """What a configuration promises against the default: rtol None means bit-identical."""

    rtol: float | None
    source: str

    def __str__(self):
        return "bit-identical" if self.rtol is None else f"≤ {self.rtol:g} relative"


@dataclass(frozen=True)
class Hole:
    kind: str  # "refused", "n/i", "n/a" or "go"
    reason: str
    refusal: str | None = None  # for "refused": a word the ValueError must contain


def run_default(task: Task, **options):
    """Weights (records × n) and V (per bin) of natspike.train on the task, with extra options."""
    res = natspike.train(task.scenario.rule, task.w0, task.rates, **task.train_kwargs(**options))
    return {"weights": res.weights, "voltage": res.voltage}


@cache
def baseline(task: Task):
    return run_default(task, exact=True)


class Configuration:
    """One way of computing a trajectory; subclasses set name and options, or override run."""

    name = ""
    options: ClassVar[dict] = {}

    def claim(self, scenario) -> Claim:
        raise NotImplementedError

    def hole(self, scenario) -> Hole | None:
        return None

    def run(self, task: Task):
        return run_default(task, **self.options)


class FourPass(Configuration):
    name = "four-pass"

    def claim(self, scenario):
        return Claim(None, "core/learn/doc.go: the pipelined form is bit-identical to the four-pass form")

    def hole(self, scenario):
        if scenario.kernel == "alpha":
            return Hole("n/a", "the alpha kernel is not pipelined: its default run is the four-pass loop")
        return Hole(
            "go", "not selectable from Python: go test ./core/learn -run TestFusedLoopIsBitIdenticalToFourPassLoop"
        )


def _event_driven_hole(scenario):
    if scenario.inputs == "pool":
        return Hole("refused", "the input pool is not combinable with event_driven", refusal="event_driven")
    if scenario.kernel == "alpha":
        return Hole("refused", "event-driven mode needs tau_m != tau_s", refusal="event_driven")
    return None


class Default(Configuration):
    name = "default"

    def claim(self, scenario):
        return Claim(1e-8, "train docstring: the default agrees with exact=True to 1e-8 of the weight change")


class DenseQuadrature(Configuration):
    name = "dense quadrature"
    options: ClassVar[dict] = {"event_driven": False, "coefficient_tolerance": 0}

    def claim(self, scenario):
        return Claim(None, "train docstring: exact=True is the dense loop with quadrature at every refresh")


class EventDriven(Configuration):
    name = "event-driven"
    options: ClassVar[dict] = {"event_driven": True, "coefficient_tolerance": 0}

    def claim(self, scenario):
        return Claim(1e-9, "train docstring: equal to the dense evaluation up to rounding, bounded by 1e-9")

    def hole(self, scenario):
        return _event_driven_hole(scenario)


class CoefficientCache(Configuration):
    name = "cache 1e-9"
    options: ClassVar[dict] = {"event_driven": False, "coefficient_tolerance": 1e-9}

    def claim(self, scenario):
        if scenario.rule == "euclidean":
            return Claim(
                None, "train docstring: a speed-up of the natural and approximate rules; Euclidean has no coefficients"
            )
        return Claim(1e-6, "README: ≤ tol on the coefficients; trajectories held to test_speed_options.py's 1e-6")


class EventDrivenCache(EventDriven):
    name = "event+cache"
    options: ClassVar[dict] = {"event_driven": True, "coefficient_tolerance": 1e-9}

    def claim(self, scenario):
        if scenario.rule == "euclidean":
            return super().claim(scenario)
        return Claim(1e-6, "tests/test_speed_options.py: both options together within 1e-6")


@cache
def recovered_teacher(task: Task):
    """The teacher spikes Go drew for the task (realizable or Poisson teacher), read off two probe runs.

    The teacher's draws depend on the seed, the inputs and w* only, never on the student, so probes with
    other weights see the same spikes. A Euclidean probe moves the weights by e Σx with
    e = η (y − φ dt) φ'/φ, whose sign is the spike wherever Σx > 0; where x = 0 (before the first input
    spike, after a pool restart) an approximate-rule probe moves them by −e γ_s c_ε c_u instead. The
    replayed-teacher column then checks the recovery: replaying these spikes must reproduce the run.
    """
    kw = task.train_kwargs(eta=1e-4, attenuation=None, record_every=task.neuron.dt, trace_every=None, exact=True)
    drift = {
        rule: np.diff(natspike.train(rule, np.full(N, 1e-3), task.rates, **kw).weights, axis=0).sum(axis=1)
        for rule in ("euclidean", "approximate")
    }
    return np.where(drift["euclidean"] != 0, drift["euclidean"] > 0, drift["approximate"] < 0).astype(np.uint8)


def teacher_spikes(task: Task):
    return task.teacher if task.scenario.teacher == "replay" else recovered_teacher(task)


def _reset_bins(task: Task):
    """Bins between the pool's trace restarts, or 0 for continuous input."""
    return round(POOL_INTERVAL / task.neuron.dt) if task.scenario.inputs == "pool" else 0


@cache
def recovered_inputs(task: Task):
    """The input spikes Go drew (Poisson or pool), read off probe runs that do not learn (η = 1e-300 rounds
    away): with weights 1 on afferent i and 0 elsewhere, V is afferent i's USP x_i, and the spikes follow
    from the trace recursion, restarted where the pool restarts the traces. Checked: they reproduce x."""
    kw = task.train_kwargs(eta=1e-300, attenuation=None, record_every=None, exact=True)
    x = np.stack([natspike.train("euclidean", np.eye(N)[i], task.rates, **kw).voltage for i in range(N)], axis=1)
    assert x.shape == (BINS, N)
    return _spikes_from_usps(x, task.neuron, _reset_bins(task))


def _spikes_from_usps(x, neuron, reset):
    """Spikes s such that the two-exponential recursion (Eqn 28 sampled per bin) gives the USPs x; a
    spike of bin k first shows in x of bin k + 1, so the last bin's (and, with restarts, each interval's
    last bin's) spikes are invisible, and irrelevant."""
    dm, ds = np.exp(-neuron.dt / neuron.tau_m), np.exp(-neuron.dt / neuron.tau_s)
    gain = neuron.eps0 / (neuron.tau_m - neuron.tau_s)
    jump = gain * (dm - ds)  # x one bin after a spike
    spikes = np.zeros_like(x)
    P, S = np.zeros(x.shape[1]), np.zeros(x.shape[1])
    for k in range(x.shape[0]):
        restart = reset and k % reset == 0
        if restart:
            P[:], S[:] = 0.0, 0.0
        P, S = P * dm, S * ds
        if k and not restart:
            spikes[k - 1] = x[k] - gain * (P - S) > jump / 2
            P, S = P + spikes[k - 1] * dm, S + spikes[k - 1] * ds
        np.testing.assert_allclose(x[k], gain * (P - S), rtol=1e-9, atol=1e-9, err_msg=f"bin {k}: not a spike train")
    return spikes


class ReplayedTeacher(Configuration):
    name = "replayed teacher"

    def claim(self, scenario):
        return Claim(None, "the teacher enters the rule only through its spikes (an invariance)")

    def hole(self, scenario):
        return (
            Hole("n/a", "the scenario's teacher is already a replayed train") if scenario.teacher == "replay" else None
        )

    def run(self, task):
        return run_default(task, teacher=recovered_teacher(task), exact=True)


class NumpyReference(Configuration):
    name = "NumPy reference"

    def claim(self, scenario):
        return Claim(1e-10, "README speed options: the exact path agrees with the NumPy reference to 1e-10")

    def hole(self, scenario):
        if scenario.transfer != "sigmoid":
            return Hole("n/i", "tests/reference implements only the sigmoid transfer")
        return None

    def run(self, task):
        spikes = task.spikes if task.spikes is not None else recovered_inputs(task)
        traj, details = ref.simulate(
            task.scenario.rule,
            task.w0,
            task.rates,
            spikes.astype(float),
            teacher_spikes(task).astype(float),
            reset_every=_reset_bins(task),
            eta=task.eta,
            attenuation=task.attenuation,
            coefficients="gauss",
            return_details=True,
            **task.reference_params(),
        )
        return {"weights": traj[::RECORD_STRIDE], "voltage": details["V"]}


CONFIGURATIONS = [
    Default(),
    DenseQuadrature(),
    FourPass(),
    EventDriven(),
    CoefficientCache(),
    EventDrivenCache(),
    ReplayedTeacher(),
    NumpyReference(),
]
