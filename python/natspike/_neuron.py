"""The neuron model: transfer function and PSP kernel parameters."""

from __future__ import annotations

import json

from . import _native
from ._validate import real_scalar

# Python name -> field of the Go struct bindings.Neuron, in signature order.
_FIELDS = {
    "phi_max": "PhiMax",
    "beta": "Beta",
    "theta": "Theta",
    "tau_m": "TauM",
    "tau_s": "TauS",
    "dt": "Dt",
    "eps0": "Eps0",
    "scale": "Scale",
}
TRANSFERS = ("sigmoid", "rectified_quadratic")


class Neuron:
    """A Poisson neuron of the paper: transfer function and PSP kernel.

    The firing rate is ``phi(V)`` with either the sigmoid of Eqn 24,
    ``phi(V) = phi_max / (1 + exp(-beta (V - theta)))``, or the rectified
    quadratic of Eqn 116, ``phi(V) = scale (V - theta)^2`` for ``V > theta``.
    Each input spike adds a PSP with the kernel of Eqn 28,
    ``eps(t) = eps0 (exp(-t/tau_m) - exp(-t/tau_s)) / (tau_m - tau_s)``.
    Defaults are the paper's. Instances are immutable and hashable; use
    :meth:`replace` to vary a parameter.

    Parameters
    ----------
    phi_max : float, default 100.0
        Maximal firing rate of the sigmoid, in Hz (> 0).
    beta : float, default 0.3
        Steepness of the sigmoid, in 1/mV (> 0).
    theta : float, default 10.0
        Sigmoid midpoint, or rectified-quadratic threshold, in mV above rest.
    tau_m : float, default 0.010
        Membrane time constant, in s (> 0).
    tau_s : float, default 0.003
        Synaptic time constant, in s (> 0).
    dt : float, default 0.0005
        Simulation time step, in s (0 < dt < min(tau_m, tau_s)).
    eps0 : float, default 1.0
        PSP kernel prefactor (≙ mV·s; with 1 a PSP has unit area).
    transfer : {"sigmoid", "rectified_quadratic"}, keyword-only
        The transfer function.
    scale : float, default 0.25, keyword-only
        Curvature of the rectified quadratic, in Hz/mV² (> 0); with 1/4,
        ``phi'^2/phi = 1`` above threshold (Eqn 116).

    Raises
    ------
    TypeError
        If a parameter is not a real number (or ``transfer`` not a string).
    ValueError
        If a parameter is out of range; the message names it.

    References
    ----------
    Kreutzer, Petrovici & Senn (2022), eLife 11:e66526, Eqns 24, 28, 31, 116.

    Examples
    --------
    >>> import natspike
    >>> round(natspike.Neuron().c_eps, 6)
    0.026
    >>> natspike.Neuron(beta=0.5).replace(theta=12.0).theta
    12.0
    """

    __slots__ = ("_c_eps", "_go", "_json", "_values")

    def __init__(
        self,
        phi_max=100.0,
        beta=0.3,
        theta=10.0,
        tau_m=0.010,
        tau_s=0.003,
        dt=0.0005,
        eps0=1.0,
        *,
        transfer="sigmoid",
        scale=0.25,
    ):
        _native.check_process()
        given = dict(phi_max=phi_max, beta=beta, theta=theta, tau_m=tau_m, tau_s=tau_s, dt=dt, eps0=eps0, scale=scale)
        values = {name: real_scalar(v, name) for name, v in given.items()}
        if not isinstance(transfer, str):
            raise TypeError(f"transfer must be a string, one of {TRANSFERS}, got {type(transfer).__name__}")
        values["transfer"] = transfer
        gon = _native.go.Neuron(Transfer=transfer, **{_FIELDS[k]: values[k] for k in _FIELDS})
        problem = gon.Problem()
        if problem:
            raise ValueError(problem)
        object.__setattr__(self, "_values", values)
        object.__setattr__(self, "_go", gon)
        object.__setattr__(self, "_json", gon.JSON().encode())
        object.__setattr__(self, "_c_eps", gon.CEps())

    def __setattr__(self, name, value):
        raise AttributeError(f"Neuron is immutable; use neuron.replace({name}=...)")

    phi_max = property(lambda self: self._values["phi_max"], doc="Maximal sigmoid rate (Hz).")
    beta = property(lambda self: self._values["beta"], doc="Sigmoid steepness (1/mV).")
    theta = property(lambda self: self._values["theta"], doc="Midpoint or threshold (mV).")
    tau_m = property(lambda self: self._values["tau_m"], doc="Membrane time constant (s).")
    tau_s = property(lambda self: self._values["tau_s"], doc="Synaptic time constant (s).")
    dt = property(lambda self: self._values["dt"], doc="Time step (s).")
    eps0 = property(lambda self: self._values["eps0"], doc="PSP kernel prefactor.")
    scale = property(lambda self: self._values["scale"], doc="Rectified-quadratic curvature (Hz/mV²).")
    transfer = property(lambda self: self._values["transfer"], doc="Transfer function name.")

    @property
    def c_eps(self) -> float:
        """c_ε = (∫ε² dt)⁻¹ = 2 (τ_m + τ_s) / ε0², in s (Eqn 31; 0.026 s by default)."""
        return self._c_eps

    def to_dict(self) -> dict:
        """The parameters as a dict (JSON-serialisable; keys as in ``__init__``)."""
        return {"transfer": self.transfer, **{k: self._values[k] for k in _FIELDS}}

    @classmethod
    def from_dict(cls, d: dict) -> Neuron:
        """Inverse of :meth:`to_dict`; omitted keys take the defaults."""
        return cls(**d)

    def to_json(self) -> str:
        """The parameters as a JSON object (the form that crosses the C ABI)."""
        return self._json.decode()

    @classmethod
    def from_json(cls, text: str) -> Neuron:
        """Inverse of :meth:`to_json`."""
        return cls.from_dict(json.loads(text))

    def replace(self, **changes) -> Neuron:
        """A copy with some parameters changed."""
        return type(self).from_dict({**self.to_dict(), **changes})

    def __eq__(self, other):
        if not isinstance(other, Neuron):
            return NotImplemented
        return self._values == other._values

    def __hash__(self):
        return hash(tuple(sorted(self._values.items())))

    def __repr__(self):
        d = self.to_dict()
        transfer = d.pop("transfer")
        args = ", ".join(f"{k}={v!r}" for k, v in d.items())
        return f"Neuron({args}, transfer={transfer!r})"

    def __reduce__(self):  # the Go handle is process-local: pickle the parameters
        return (Neuron.from_dict, (self.to_dict(),))


DEFAULT = Neuron()


def resolve(neuron) -> Neuron:
    """``neuron`` itself, or the paper's neuron for None."""
    if neuron is None:
        return DEFAULT
    if not isinstance(neuron, Neuron):
        raise TypeError(f"neuron must be a natspike.Neuron or None, got {type(neuron).__name__}")
    return neuron
