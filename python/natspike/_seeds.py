"""Seeds: how user seeds become the Go core's per-trial random streams.

Every trial draws its random numbers (input spikes, teacher spikes, test
set) from streams derived in Go from ``(root, trial index, purpose)`` only:
counter-based streams for the spikes (a number is a function of its
position, so a trial draws the same spikes in any batch or engine), PCG
streams for the test set and the input pool. The root is a 64-bit integer obtained here from the user's ``seed``:

* ``int`` (0 ≤ seed < 2**64): used as is, so ``seed=7`` means the same
  streams from Python, Go and the command line;
* ``numpy.random.SeedSequence``: its first 64-bit state word;
* ``numpy.random.Generator``: one 63-bit integer drawn from it (this
  advances the generator);
* ``None``: fresh OS entropy (the root is stored in the result, so the run
  can be repeated).

In a layer of output neurons (``weights`` of shape (m, n)) neuron j draws its
teacher's spikes from a stream derived from (root, trial index, purpose, j);
neuron 0's is the single neuron's stream, so neuron 0 of a layer equals the
neuron trained alone with the same seed.

Per-trial values drawn in Python (callables passed as ``weights``,
``teacher`` or any other per-trial argument of :func:`natspike.run_trials`
and :func:`natspike.sweep`) use one generator per (trial, purpose),
``numpy.random.default_rng(SeedSequence(root, spawn_key=(trial,
purpose_key(purpose))))``, where the purpose is the argument's name and
:func:`purpose_key` its CRC-32. It depends only on the root, the trial index
and the argument, so two identical callables (``weights=f, teacher=f``)
draw different values: initial weights never equal target weights by
accident. (Before this release both callables got the same generator.)
"""

from __future__ import annotations

import numbers
import zlib

import numpy as np

from ._checks import integer
from ._typing import Seed

_MAX = 2**64


def root_seed(seed: Seed) -> int:
    """The 64-bit root seed for ``seed`` (see the module docstring)."""
    if seed is None:
        return int(np.random.SeedSequence().generate_state(1, np.uint64)[0])
    if isinstance(seed, np.random.SeedSequence):
        return int(seed.generate_state(1, np.uint64)[0])
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**63))
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"seed must be an int, numpy.random.SeedSequence, numpy.random.Generator or None, got {type(seed).__name__}"
        )
    return integer(seed, "seed", 0, _MAX, hi_open=True)


def purpose_key(purpose: str) -> int:
    """The spawn-key word of a per-trial purpose (an argument name): its CRC-32."""
    return zlib.crc32(purpose.encode())


def trial_generator(root: int, trial: int, purpose: str) -> np.random.Generator:
    """The NumPy generator of trial ``trial``, for the argument ``purpose``, under root seed ``root``."""
    return np.random.default_rng(np.random.SeedSequence(root, spawn_key=(int(trial), purpose_key(purpose))))
