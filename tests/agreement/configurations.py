"""The configurations of the agreement matrix: ways of computing the same learning trajectory.

Each is compared with the default configuration (``natspike.train`` with no speed option), which is the
fused one-pass loop for the two-exponential kernel and the four-pass loop for the alpha kernel. A
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

from .scenarios import N, Task


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


BIT = Claim(None, "")


def run_default(task: Task, **options):
    """Weights (records × n) and V (per bin) of natspike.train on the task, with extra options."""
    res = natspike.train(task.scenario.rule, task.w0, task.rates, **task.train_kwargs(**options))
    return {"weights": res.weights, "voltage": res.voltage}


@cache
def baseline(task: Task):
    return run_default(task)


class Configuration:
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


class EventDriven(Configuration):
    name = "event-driven"
    options: ClassVar[dict] = {"event_driven": True}

    def claim(self, scenario):
        return Claim(1e-9, "train docstring: equal to the dense evaluation up to rounding, bounded by 1e-9")

    def hole(self, scenario):
        return _event_driven_hole(scenario)


class CoefficientCache(Configuration):
    name = "cache 1e-9"
    options: ClassVar[dict] = {"coefficient_tolerance": 1e-9}

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
    kw = task.train_kwargs(eta=1e-4, attenuation=None, trace_every=None)
    drift = {
        rule: np.diff(natspike.train(rule, np.full(N, 1e-3), task.rates, **kw).weights, axis=0).sum(axis=1)
        for rule in ("euclidean", "approximate")
    }
    return np.where(drift["euclidean"] != 0, drift["euclidean"] > 0, drift["approximate"] < 0).astype(np.uint8)


def teacher_spikes(task: Task):
    return task.teacher if task.scenario.teacher == "replay" else recovered_teacher(task)


class ReplayedTeacher(Configuration):
    name = "replayed teacher"

    def claim(self, scenario):
        return Claim(None, "the teacher enters the rule only through its spikes (an invariance)")

    def hole(self, scenario):
        return (
            Hole("n/a", "the scenario's teacher is already a replayed train") if scenario.teacher == "replay" else None
        )

    def run(self, task):
        return run_default(task, teacher=recovered_teacher(task))


class NumpyReference(Configuration):
    name = "NumPy reference"

    def claim(self, scenario):
        return Claim(1e-10, "README speed options: the default path agrees with the NumPy reference to 1e-10")

    def hole(self, scenario):
        if scenario.transfer != "sigmoid":
            return Hole("n/i", "tests/reference implements only the sigmoid transfer")
        if scenario.inputs == "pool":
            return Hole("n/i", "Go does not export the pool's spikes (test_crosscheck.py recovers them for one case)")
        if scenario.inputs != "replay":
            return Hole("n/i", "Go does not export the Poisson spikes it draws")
        return None

    def run(self, task):
        traj, details = ref.simulate(
            task.scenario.rule,
            task.w0,
            task.rates,
            task.spikes.astype(float),
            teacher_spikes(task).astype(float),
            eta=task.eta,
            attenuation=task.attenuation,
            coefficients="gauss",
            return_details=True,
            **task.reference_params(),
        )
        return {"weights": traj, "voltage": details["V"]}


CONFIGURATIONS = [
    FourPass(),
    EventDriven(),
    CoefficientCache(),
    EventDrivenCache(),
    ReplayedTeacher(),
    NumpyReference(),
]
