"""Export to Neo: :meth:`natspike.Result.to_neo`.

A :class:`neo.Block` with one :class:`neo.Segment` per trial holding the
recorded spike trains (``student`` and ``teacher``, :class:`neo.SpikeTrain`
in s from the start to the end of the run; for a layer one of each per neuron,
``student neuron j`` annotated ``neuron=j``) and the recorded traces
(``voltage`` in mV and ``rate`` in Hz, :class:`neo.AnalogSignal` sampled
every ``trace_every``, one channel per neuron: one, or m for a layer, each
channel annotated ``neuron=j`` in its ``array_annotations``); the
block is annotated with the run's parameters, seed and version. Neo is
optional: ``pip install natspike[neo]``.
"""

from __future__ import annotations

import numpy as np

from ._recorded import spike_times
from ._result import end_time

#: Traces exported as AnalogSignals: output name -> unit.
SIGNALS = {"voltage": "mV", "rate": "Hz"}


def _neo():
    try:
        import neo
        import quantities as pq
    except ImportError:
        raise ImportError(
            "Result.to_neo needs the optional dependency neo: pip install 'natspike[neo]' (or pip install neo)"
        ) from None
    return neo, pq


def to_neo(result):
    """The result as a neo.Block (see the module docstring)."""
    from ._export import _attributes

    neo, pq = _neo()
    t_start, t_stop = float(np.asarray(result.times)[0]), end_time(result)
    block = neo.Block(name="natspike result", description=f"natspike {result.version}")
    block.annotate(**_attributes(result))
    trials = [None] if result.n_trials is None else range(result.n_trials)
    trains = {"student": spike_times(result, "spike_bits"), "teacher": spike_times(result, "teacher_spike_bits")}
    for i in trials:
        seg = neo.Segment(name="trial" if i is None else f"trial {i}", index=0 if i is None else i)
        for who, times in trains.items():
            if times is not None:
                t = times if i is None else times[i]
                for name, neuron, train in _per_neuron(who, t):
                    st = neo.SpikeTrain(train * pq.s, t_start=t_start * pq.s, t_stop=t_stop * pq.s, name=name)
                    if neuron is not None:
                        st.annotate(neuron=neuron)
                    seg.spiketrains.append(st)
        for name, unit in SIGNALS.items():
            trace = vars(result).get(name)
            if trace is not None:
                values = np.asarray(trace if i is None else trace[i], dtype=float)
                # Neo's signals are (time, channel): one channel, or one per neuron of a layer, whose traces
                # are (neuron, time); channel j is annotated neuron=j, as the spike trains are.
                samples = values[:, None] if values.ndim == 1 else values.T
                seg.analogsignals.append(
                    neo.AnalogSignal(
                        samples,
                        units=unit,
                        sampling_period=float(result.params["trace_every"]) * pq.s,
                        t_start=t_start * pq.s,
                        name=name,
                        array_annotations={"neuron": np.arange(samples.shape[1])},
                    )
                )
        block.segments.append(seg)
    return block


def _per_neuron(who: str, times):
    """(name, neuron, times) of each spike train of one trial: ``who`` alone, or per neuron of a layer
    (``"student neuron 2"``, annotated ``neuron=2``)."""
    if isinstance(times, np.ndarray):
        return [(who, None, times)]
    return [(f"{who} neuron {j}", j, t) for j, t in enumerate(times)]
