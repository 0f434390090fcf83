"""A layer of m output neurons on shared afferent spikes (the reference's own loop).

Every neuron sees the same input spikes (hence the same USP traces) and has its own teacher spikes, its own
weights and its own rule state: neuron j's trajectory is the single-neuron simulation (``rules.simulate``)
of its initial weights and teacher on the shared inputs. Never imports natspike.
"""

import numpy as np

from .kernel import usp_traces
from .rules import simulate
from .sampling import draw_input_spikes, draw_teacher_spikes


def make_layer_task(rng, rates, w_star, n_bins, *, dt, tau_m, tau_s, eps0, phi_max, beta, theta):
    """Shared input spikes (n_bins, n) and, for each row of ``w_star`` (m, n), realizable-teacher spikes
    drawn from that neuron's teacher on the shared USPs: returns (spikes, y of shape (m, n_bins))."""
    spikes = draw_input_spikes(rng, rates, n_bins, dt)
    x = usp_traces(spikes, dt, tau_m, tau_s, eps0)
    y = np.stack([draw_teacher_spikes(rng, w, x, dt, phi_max=phi_max, beta=beta, theta=theta) for w in w_star])
    return spikes, y


def simulate_layer(rule, w0, rates, input_spikes, teacher_spikes, **kw):
    """Trajectories of a layer, shape (m, K + 1, n): row j from initial weights ``w0[j]`` and teacher spikes
    ``teacher_spikes[j]`` (shape (m, K)), all on ``input_spikes`` (K, n); keywords as ``rules.simulate``."""
    w0, y = np.atleast_2d(w0), np.atleast_2d(teacher_spikes)
    if w0.shape[0] != y.shape[0]:
        raise ValueError(f"w0 has {w0.shape[0]} rows but teacher_spikes {y.shape[0]}: one per neuron")
    return np.stack([simulate(rule, w, rates, input_spikes, yj, **kw) for w, yj in zip(w0, y)])
