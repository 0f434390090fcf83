"""The neuron model: transfer function and PSP kernel parameters."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from . import _describe, _native
from ._typing import ArrayLike, FloatArray
from ._units import check_plausible, dimension_of, in_units, physical
from ._validate import contiguous, empty, finite, real_array, real_scalar

#: What the Go core can evaluate over arrays (see :meth:`Neuron.phi` and its siblings).
_QUANTITIES = ("phi", "dphi", "score_factor", "fisher_density", "log_phi")


class _TransferParameters(Mapping):
    """Transfer-function name -> the names of the parameters it reads, live from Go's registry."""

    def __getitem__(self, transfer):
        return tuple(_describe.transfers()[transfer])

    def __iter__(self):
        return iter(_describe.transfers())

    def __len__(self):
        return len(_describe.transfers())

    def __repr__(self):
        return repr(dict(self))


#: Parameters each transfer function reads (the others do not apply to it).
TRANSFER_PARAMETERS = _TransferParameters()


def _transfers() -> tuple[str, ...]:
    """The transfer-function families, as registered in the Go core (core/neuron)."""
    return tuple(_describe.transfers())


def _transfer_only() -> frozenset[str]:
    """Every name a transfer function of any family reads."""
    return frozenset(p for params in _describe.transfers().values() for p in params)


def _optional(name: str, doc: str) -> property:
    """A read-only property: the parameter ``name``, None where the transfer function does not read it."""

    def get(self: Neuron) -> float | None:
        value: float | None = self._values.get(name)
        return value

    return property(get, doc=doc)


def _required(name: str, doc: str) -> property:
    """A read-only property: the parameter ``name``, which every neuron has."""

    def get(self: Neuron) -> float:
        value: float = self._values[name]
        return value

    return property(get, doc=doc)


def _transfer_property() -> property:
    def get(self: Neuron) -> str:
        value: str = self._values["transfer"]
        return value

    return property(get, doc="Transfer function name.")


class _Default:
    """Marks a parameter the caller did not pass (the transfer's default applies, if it reads it)."""

    def __repr__(self) -> str:
        return "<default>"


_UNSET = _Default()


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
        Maximal firing rate of the sigmoid, in Hz (> 0). Sigmoid only.
    beta : float, default 0.3
        Steepness of the sigmoid, in 1/mV (> 0). Sigmoid only.
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
    transfer : str, default "sigmoid", keyword-only
        The transfer function: a family registered in the Go core,
        ``"sigmoid"`` (Eqn 24) or ``"rectified_quadratic"`` (Eqn 116)
        (see ``natspike.Neuron.TRANSFER_PARAMETERS``).
    scale : float, default 0.25, keyword-only
        Curvature of the rectified quadratic, in Hz/mV² (> 0); with 1/4,
        ``phi'^2/phi = 1`` above threshold (Eqn 116). Rectified quadratic only.
    **params : float
        The parameters of any other transfer function registered in the Go
        core, by the names it declares there (with their defaults, ranges
        and units); each is then also an attribute.

    A parameter the chosen transfer function does not read (see
    ``natspike.Neuron.TRANSFER_PARAMETERS``) must not be given; its attribute
    is None and :meth:`to_dict` leaves it out. The methods :meth:`phi`,
    :meth:`dphi`, :meth:`score_factor`, :meth:`fisher_density` and
    :meth:`log_phi` evaluate the transfer function over arrays in the Go core.

    Every parameter but ``transfer`` may also be a Quantity (``quantities``,
    ``pint``, Brian2), converted to the units above; plain values that look
    like ms or V (``tau_m=10``, ``theta=0.01``) raise a
    :class:`natspike.UnitWarning` (see ``natspike._units``).

    Raises
    ------
    TypeError
        If a parameter is not a real number (or ``transfer`` not a string),
        or no transfer function reads a keyword.
    ValueError
        If a parameter is out of range, or does not apply to the transfer
        function; the message names it and the transfer's parameters.

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
    _c_eps: float
    _go: Any
    _json: bytes
    _values: dict[str, Any]
    TRANSFER_PARAMETERS = TRANSFER_PARAMETERS

    def __getattr__(self, name):  # a transfer parameter of another family, say debug_softplus's kappa
        if name in _transfer_only():
            return self._values.get(name)
        raise AttributeError(f"'Neuron' object has no attribute {name!r}")

    def __init__(
        self,
        phi_max: float | _Default = _UNSET,
        beta: float | _Default = _UNSET,
        theta: float | _Default = _UNSET,
        tau_m: float = 0.010,
        tau_s: float = 0.003,
        dt: float = 0.0005,
        eps0: float = 1.0,
        *,
        transfer: str = "sigmoid",
        scale: float | _Default = _UNSET,
        **params: float,
    ) -> None:
        _native.check_process()
        own = dict(phi_max=phi_max, beta=beta, theta=theta, scale=scale, **params)
        own = {k: v for k, v in own.items() if v is not _UNSET}
        _refuse_unknown_parameters(transfer, own)
        kernel = dict(tau_m=tau_m, tau_s=tau_s, dt=dt, eps0=eps0)
        values: dict[str, Any] = {name: _parameter(v, name, transfer) for name, v in {**own, **kernel}.items()}
        if not isinstance(transfer, str):
            raise TypeError(f"transfer must be a string, one of {_transfers()}, got {type(transfer).__name__}")
        _refuse_foreign_parameters(transfer, values)
        gon = _native.go.DecodeNeuron(json.dumps({"transfer": transfer, **values}))
        problem = gon.Problem()
        if problem:
            raise ValueError(problem)
        full = json.loads(gon.JSON())
        values = {"transfer": transfer, **{k: float(full[k]) for k in TRANSFER_PARAMETERS[transfer]}}
        values.update((k, float(full[k])) for k in _describe.kernel())
        object.__setattr__(self, "_values", values)
        object.__setattr__(self, "_go", gon)
        object.__setattr__(self, "_json", gon.JSON().encode())
        c_eps = gon.CEps()
        if not c_eps < float("inf"):  # 2 (τ_m + τ_s) / eps0² overflows for tiny eps0
            raise ValueError(
                f"eps0 = {eps0} gives c_eps = 2 (tau_m + tau_s) / eps0^2 = {c_eps}; |eps0| must be at least "
                f"{(2 * (values['tau_m'] + values['tau_s']) / 1.7e308) ** 0.5:.3g} (and finite)"
            )
        object.__setattr__(self, "_c_eps", c_eps)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Neuron is immutable; use neuron.replace({name}=...)")

    phi_max = _optional("phi_max", "Maximal sigmoid rate (Hz); None for others.")
    beta = _optional("beta", "Sigmoid steepness (1/mV); None for others.")
    theta = _optional("theta", "Midpoint or threshold (mV).")
    tau_m = _required("tau_m", "Membrane time constant (s).")
    tau_s = _required("tau_s", "Synaptic time constant (s).")
    dt = _required("dt", "Time step (s).")
    eps0 = _required("eps0", "PSP kernel prefactor.")
    scale = _optional("scale", "Rectified-quadratic curvature (Hz/mV²); else None.")
    transfer = _transfer_property()

    @property
    def c_eps(self) -> float:
        """c_ε = (∫ε² dt)⁻¹ = 2 (τ_m + τ_s) / ε0², in s (Eqn 31; 0.026 s by default)."""
        return self._c_eps

    def phi(self, v: ArrayLike) -> FloatArray | float:
        """Firing rate φ(V) in Hz at somatic potentials ``v`` (mV above rest).

        The neuron's own transfer function, evaluated by the Go core: the
        sigmoid of Eqn 24 or the rectified quadratic of Eqn 116.

        Parameters
        ----------
        v : array_like
            Potentials in mV (finite).

        Returns
        -------
        ndarray or numpy.float64
            φ(v), of the shape of ``v``.

        Raises
        ------
        TypeError, ValueError
            If ``v`` is not real-valued or not finite.

        References
        ----------
        Kreutzer, Petrovici & Senn (2022), eLife 11:e66526, Eqns 24, 116.

        Examples
        --------
        >>> import natspike
        >>> float(natspike.Neuron().phi(10.0))
        50.0
        >>> natspike.Neuron(transfer="rectified_quadratic").phi([8.0, 12.0]).tolist()
        [0.0, 1.0]
        """
        return self._evaluate("phi", v)

    def dphi(self, v: ArrayLike) -> FloatArray | float:
        """Derivative φ'(V) in Hz/mV at potentials ``v`` (mV); see :meth:`phi`.

        Examples
        --------
        >>> import natspike
        >>> float(natspike.Neuron().dphi(10.0))  # β φ_max / 4
        7.5
        """
        return self._evaluate("dphi", v)

    def score_factor(self, v: ArrayLike) -> FloatArray | float:
        """Score factor φ'(V)/φ(V) in 1/mV, the factor of the error in Eqn 10; 0 where φ = 0.

        For the sigmoid it is β (1 − φ/φ_max); see :meth:`phi` for ``v``.

        Examples
        --------
        >>> import natspike
        >>> float(natspike.Neuron().score_factor(10.0))
        0.15
        """
        return self._evaluate("score_factor", v)

    def fisher_density(self, v: ArrayLike) -> FloatArray | float:
        """Fisher density φ'(V)²/φ(V) in Hz/mV², the weight of Eqns 67 and 77–79; 0 where φ = 0.

        Examples
        --------
        >>> import natspike
        >>> float(natspike.Neuron(transfer="rectified_quadratic").fisher_density(11.0))  # Eqn 116
        1.0
        """
        return self._evaluate("fisher_density", v)

    def log_phi(self, v: ArrayLike) -> FloatArray | float:
        """log φ(V) (φ in Hz), exact in the tails and −inf where φ = 0; see :meth:`phi`."""
        return self._evaluate("log_phi", v)

    def _evaluate(self, quantity: str, v: ArrayLike) -> FloatArray | float:
        a = finite(real_array(physical(v, "v"), "v"), "v")
        flat = contiguous(a.ravel())
        out = empty(flat.shape, "v")
        _native.call(_native.functions["ns_transfer"], self._json, quantity.encode(), flat, flat.size, out)
        return out.reshape(a.shape) if a.ndim else out[0]

    def to_dict(self) -> dict[str, Any]:
        """The parameters as a dict (JSON-serialisable; keys as in ``__init__``).

        Parameters the transfer function does not read (``beta`` of the
        rectified quadratic, say) are left out.
        """
        return dict(self._values)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Neuron:
        """Inverse of :meth:`to_dict`; omitted keys take the defaults.

        Parameters the transfer does not read are refused, except when they
        hold the default value (as in dicts written by natspike ≤ 0.x, which
        listed every parameter).
        """
        own, old = TRANSFER_PARAMETERS.get(d.get("transfer", "sigmoid"), ()), _foreign_defaults()
        return cls(**{k: v for k, v in d.items() if k in own or k not in old or v != old[k]})

    def to_json(self) -> str:
        """The parameters as a JSON object (the form that crosses the C ABI)."""
        return self._json.decode()

    @classmethod
    def from_json(cls, text: str) -> Neuron:
        """Inverse of :meth:`to_json`."""
        return cls.from_dict(json.loads(text))

    def replace(self, **changes: Any) -> Neuron:
        """A copy with some parameters changed.

        Changing ``transfer`` drops the parameters the new transfer function
        does not read (unless given in ``changes``, which is then an error).
        """
        base = self.to_dict()
        transfer = changes.get("transfer", self.transfer)
        if transfer != self.transfer:
            base = {
                k: v for k, v in base.items() if k not in _transfer_only() or k in TRANSFER_PARAMETERS.get(transfer, ())
            }
        return type(self)(**{**base, **changes})

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Neuron):
            return NotImplemented
        return self._values == other._values

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._values.items())))

    def __repr__(self) -> str:
        d = self.to_dict()
        transfer = d.pop("transfer")
        args = ", ".join(f"{k}={v!r}" for k, v in d.items())
        return f"Neuron({args}, transfer={transfer!r})"

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:  # the Go handle is process-local: pickle the parameters
        return (Neuron.from_dict, (self.to_dict(),))


def _refuse_unknown_parameters(transfer, given):
    """TypeError for a keyword that no transfer function reads (as Python does for unknown keywords)."""
    unknown = [k for k in given if k not in _transfer_only()]
    if unknown:
        raise TypeError(
            f"Neuron() got an unexpected keyword argument {unknown[0]!r}, which no transfer function reads; "
            f"it would apply to {_allowed(transfer)}"
        )


def _refuse_foreign_parameters(transfer, values):
    """ValueError for a parameter given explicitly that ``transfer`` does not read."""
    own = TRANSFER_PARAMETERS.get(transfer)
    if own is None:
        return  # an unknown transfer: the Go core's message names the allowed ones
    foreign = [k for k in values if k in _transfer_only() and k not in own]
    if foreign:
        raise ValueError(f"{foreign[0]} does not apply to {_allowed(transfer)}")


def _allowed(transfer) -> str:
    own = TRANSFER_PARAMETERS.get(transfer) if isinstance(transfer, str) else None
    kernel = ", ".join(_describe.kernel())
    if own is None:
        return f"one of the transfer functions {', '.join(_transfers())} or the kernel ({kernel})"
    return f"transfer {transfer!r}, whose parameters are {', '.join(own)} (besides the kernel's {kernel})"


def _parameter(x, name, transfer) -> float:
    """``x`` of parameter ``name`` as a float in the unit Go declares for it (a Quantity converted, a plain
    number checked for plausibility); TypeError if not real, ValueError if not finite (JSON cannot carry it
    to Go), worded as Go words the parameter's range."""
    check_plausible(name, x)
    family = _describe.transfers().get(transfer) if isinstance(transfer, str) else None
    p = _describe.kernel().get(name) or (family or {}).get(name) or _any_family_parameter(name)
    v = real_scalar(in_units(x, name, dimension_of(p["unit"])), name)
    if not math.isfinite(v):
        positive = p["min"] == 0 and p["min_open"]
        raise ValueError(f"{name} must be finite{' and > 0' if positive else ''}, got {v}")
    return v


def _any_family_parameter(name) -> dict:
    return next(f[name] for f in _describe.transfers().values() if name in f)


def _foreign_defaults() -> dict:
    """Each transfer parameter's default, for :meth:`Neuron.from_dict` (a name read by several families keeps the
    first family's)."""
    out: dict[str, Any] = {}
    for family in _describe.transfers().values():
        for name, p in family.items():
            out.setdefault(name, p["default"])
    return out


DEFAULT = Neuron()


def resolve(neuron: Neuron | None) -> Neuron:
    """``neuron`` itself, or the paper's neuron for None."""
    if neuron is None:
        return DEFAULT
    if not isinstance(neuron, Neuron):
        raise TypeError(f"neuron must be a natspike.Neuron or None, got {type(neuron).__name__}")
    return neuron
