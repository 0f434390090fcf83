"""Independent NumPy/SciPy reference implementation of natspike's science.

Written from ``shared/spec/PAPER.md`` only (Kreutzer, Petrovici & Senn, eLife 2022;11:e66526) and used
by pytest to cross-check the Go core.  It never imports ``natspike``.

Units: time in s, rates in Hz, voltages in mV (above rest), ε0 in mV·s (default 1).

Modules
-------
kernel        PSP kernel ε(t), c_ε, discrete USP traces (Eqns 26-31)
transfer      sigmoid φ and its derivatives (Eqn 24)
coefficients  I1..I3, c1..c3, γ_s, g1..g4, γ_u, γ_w, approximate Fisher matrix and inverse (Eqns 68-109)
rules         Euclidean / natural / approximate rules, plasticity components, ``simulate`` (Eqns 10-17, 114)
metrics       Bernoulli and Poisson KL, log-likelihood, RMS rate error, weight distance (Eqns 9, 51)
sampling      Bernoulli inputs and teachers for test-data generation
spikeformats  spike times (per-neuron trains, index/time pairs) → per-bin 0/1 matrices
"""

from .coefficients import (
    Coefficients,
    centred_integrals,
    coefficients,
    fisher_coefficients,
    fisher_matrix,
    gamma_u,
    gamma_w,
    integration_breakpoints,
    inverse_fisher_coefficients_closed,
    inverse_fisher_coefficients_code,
    inverse_fisher_coefficients_paper,
    inverse_fisher_matrix,
    total_rate,
    voltage_integrals,
    voltage_moments,
)
from .kernel import c_eps, usp_kernel, usp_traces, usp_traces_loop
from .metrics import kl_bernoulli, kl_cost, kl_poisson, log_likelihood_bin, rms_rate_error, weight_distance
from .rules import (
    RULES,
    effective_rates,
    learning_signal,
    plasticity_components,
    rule_coefficients,
    simulate,
    weight_update,
)
from .sampling import draw_input_spikes, draw_poisson_teacher, draw_teacher_spikes, make_realizable_task
from .spikeformats import bin_of, matrix_from_pairs, matrix_from_trains, vector_from_train
from .transfer import log_phi, phi, phi_prime, phi_prime_over_phi, phi_prime_sq_over_phi, sigma

#: Paper defaults (spec §0, §8): seconds, Hz, mV.
DEFAULTS = dict(dt=5e-4, tau_m=1e-2, tau_s=3e-3, eps0=1.0, phi_max=100.0, beta=0.3, theta=10.0)

__all__ = [
    "DEFAULTS",
    # spikeformats
    "bin_of",
    "matrix_from_trains",
    "matrix_from_pairs",
    "vector_from_train",
    # kernel
    "usp_kernel",
    "c_eps",
    "usp_traces",
    "usp_traces_loop",
    # transfer
    "sigma",
    "phi",
    "log_phi",
    "phi_prime",
    "phi_prime_over_phi",
    "phi_prime_sq_over_phi",
    # coefficients
    "voltage_moments",
    "total_rate",
    "integration_breakpoints",
    "centred_integrals",
    "voltage_integrals",
    "fisher_coefficients",
    "inverse_fisher_coefficients_paper",
    "inverse_fisher_coefficients_code",
    "inverse_fisher_coefficients_closed",
    "Coefficients",
    "coefficients",
    "gamma_u",
    "gamma_w",
    "fisher_matrix",
    "inverse_fisher_matrix",
    # rules
    "RULES",
    "effective_rates",
    "learning_signal",
    "rule_coefficients",
    "weight_update",
    "plasticity_components",
    "simulate",
    # metrics
    "kl_bernoulli",
    "kl_poisson",
    "log_likelihood_bin",
    "kl_cost",
    "rms_rate_error",
    "weight_distance",
    # sampling
    "draw_input_spikes",
    "draw_teacher_spikes",
    "draw_poisson_teacher",
    "make_realizable_task",
]
