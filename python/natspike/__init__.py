"""natspike — natural-gradient learning for spiking neurons.

A reimplementation of Kreutzer, Petrovici & Senn, "Natural-gradient learning
for spiking neurons", eLife 2022;11:e66526. The science is written in Go and
compiled into one native library; this package drives it with NumPy arrays.

Public API
----------
Neuron                 the neuron model (transfer function, PSP kernel)
coefficients           Fisher / inverse-Fisher coefficients (Eqns 77–82, 101–105)
voltage_statistics     the operating point μ_V, σ_V², q of the inputs (Eqns 29–31, 36)
fisher_matrix          the analytic Fisher matrix G (Eqn 81)
inverse_fisher_matrix  its closed-form inverse (Eqns 100–105)
sample_usps, usp_traces  unweighted synaptic potentials (Eqns 26–28)
update_direction       a rule's update direction (Eqns 10, 38, 114); RULES names the rules
rule_factors           its scalars V, Σx, γ_s, γ_u, γ_w (Eqns 107–109, 114)
train                  one learning trial (Euclidean, natural, approximate rules)
run_trials             many trials on all cores or a Dask cluster
run_configurations     the same trials under several rules or learning rates, inputs drawn once
sweep                  run_trials over a parameter grid, resumable from a results store
Result, load           recorded learning curves with parameters and seed
time_to_threshold      when a D_KL learning curve first falls below a threshold
SpikeTrain             a spike train given by the user (teacher or inputs), in s
RateSchedule           piecewise-constant afferent rates, accepted wherever rates is
UnitWarning            a plain number that looks like another unit (ms for s, V for mV)
experiments, plotting  the paper's figures (submodules)

Processes: the Go runtime does not survive ``os.fork()``. With
multiprocessing use the "spawn" or "forkserver" start method.
"""

from ._native import version as _go_version

__version__ = _go_version()

from ._configurations import run_configurations
from ._export import time_to_threshold
from ._fisher import (
    Coefficients,
    coefficients,
    fisher_matrix,
    inverse_fisher_matrix,
    sample_usps,
    usp_traces,
    voltage_statistics,
)
from ._native import DivergenceError
from ._neuron import Neuron
from ._result import Result, load
from ._resume import resume
from ._rules import RULES, rule_factors, update_direction
from ._schedule import RateSchedule
from ._spiketrain import SpikeTrain
from ._sweep import sweep
from ._train import train
from ._trials import TrialsInterrupted, run_trials
from ._units import UnitWarning

__all__ = [
    "__version__",
    "Neuron",
    "Coefficients",
    "coefficients",
    "fisher_matrix",
    "inverse_fisher_matrix",
    "sample_usps",
    "usp_traces",
    "voltage_statistics",
    "update_direction",
    "rule_factors",
    "RULES",
    "train",
    "run_trials",
    "run_configurations",
    "resume",
    "sweep",
    "Result",
    "load",
    "DivergenceError",
    "SpikeTrain",
    "RateSchedule",
    "time_to_threshold",
    "UnitWarning",
    "TrialsInterrupted",
    "experiments",
    "plotting",
]


def __getattr__(name: str) -> object:  # experiments and plotting import xarray/matplotlib: load them on first use
    if name in ("experiments", "plotting"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'natspike' has no attribute {name!r}")
