"""Result.to_neo: a neo.Block with the recorded spike trains and traces, units set."""

import sys

import natspike
import numpy as np
import pytest

neo = pytest.importorskip("neo")
pq = pytest.importorskip("quantities")

N = 6
RATES = np.linspace(10.0, 40.0, N)
W0, WSTAR = np.random.default_rng(2).uniform(-0.05, 0.2, (2, N))


def test_to_neo_round_trips_spikes_and_traces():
    res = natspike.train(
        "natural", W0, RATES, teacher=WSTAR, duration=0.5, eta=1e-3, seed=3, trace_every=0.002, record_spikes=True
    )
    block = res.to_neo()
    (seg,) = block.segments
    trains = {st.name: st for st in seg.spiketrains}
    np.testing.assert_array_equal(trains["student"].rescale(pq.s).magnitude, res.spikes)
    np.testing.assert_array_equal(trains["teacher"].rescale(pq.s).magnitude, res.teacher_spikes)
    assert float(trains["student"].t_stop.rescale(pq.s)) == 0.5 and float(trains["student"].t_start) == 0
    signals = {a.name: a for a in seg.analogsignals}
    np.testing.assert_array_equal(signals["voltage"].magnitude[:, 0], res.voltage)
    np.testing.assert_array_equal(signals["rate"].magnitude[:, 0], res.rate)
    assert signals["voltage"].units == pq.mV and signals["rate"].units == pq.Hz
    assert float(signals["voltage"].sampling_period.rescale(pq.s)) == 0.002
    assert block.annotations["rule"] == "natural" and block.annotations["seed"] == str(res.seed)


def test_to_neo_has_a_segment_per_trial_and_continues_in_time():
    many = natspike.run_trials(
        "natural",
        W0,
        RATES,
        teacher=30.0,
        n_trials=3,
        duration=0.2,
        eta=1e-3,
        seed=5,
        record_spikes=True,
        keep_state=True,
    )
    block = many.to_neo()
    assert [s.index for s in block.segments] == [0, 1, 2]
    for i, seg in enumerate(block.segments):
        np.testing.assert_array_equal(seg.spiketrains[0].magnitude, many.spikes[i])
    later = natspike.resume(many, duration=0.2).to_neo()
    st = later.segments[1].spiketrains[0]
    assert float(st.t_start) == 0.2 and float(st.t_stop) == pytest.approx(0.4)


def test_to_neo_without_neo_says_how_to_install_it(monkeypatch):
    res = natspike.train("natural", W0, RATES, teacher=WSTAR, duration=0.05, eta=1e-3, seed=3)
    monkeypatch.setitem(sys.modules, "neo", None)
    with pytest.raises(ImportError, match=r"pip install 'natspike\[neo\]'"):
        res.to_neo()


def test_to_neo_of_a_layer_has_one_channel_per_neuron_annotated_with_it_over_the_whole_run():
    # Neo's signals are (time, channel); a layer's traces are (neuron, time).
    m, trace_every, duration = 3, 0.002, 0.5
    w0 = np.vstack([W0 * (1 + j / 4) for j in range(m)])
    res = natspike.train(
        "natural", w0, RATES, teacher=[20.0, 30.0, 40.0], duration=duration, eta=1e-3, seed=3, trace_every=trace_every
    )
    signals = {a.name: a for a in res.to_neo().segments[0].analogsignals}
    samples = round(duration / trace_every)
    for name in ("voltage", "rate"):
        a = signals[name]
        assert a.shape == (samples, m)
        np.testing.assert_array_equal(a.array_annotations["neuron"], np.arange(m))
        assert float(a.t_stop.rescale(pq.s)) == pytest.approx(duration)
        for j in range(m):
            np.testing.assert_array_equal(a.magnitude[:, j], getattr(res, name)[j])


def _recording(rng, seconds, count, dt=0.0005):
    """Spike times of one neuron over ``seconds``: ``count`` distinct bins, each spike inside its bin."""
    bins = np.sort(rng.choice(round(seconds / dt), count, replace=False))
    return (bins + rng.uniform(0.1, 0.9, count)) * dt


def test_resume_reads_neo_trains_in_the_recordings_time_as_to_neo_writes_them():
    # A continuous 2-s recording, cut at 1 s the way Neo cuts it (time_slice keeps the recording's times, t_start
    # = 1 s). resume takes the second half as it is, as the same trains shifted to start at 0, and as the
    # teacher train that the continuation's own to_neo wrote: all three equal one 2-s train bit for bit.
    # Afferent 0 and the teacher spike at exactly 1 s, which time_slice keeps in both halves: the second's.
    rng = np.random.default_rng(11)
    at_cut = lambda t: np.sort(np.r_[t[np.floor(t / 0.0005) != 2000], 1.0])
    whole = [neo.SpikeTrain(_recording(rng, 2.0, 60) * pq.s, t_stop=2.0 * pq.s) for _ in range(N)]
    whole[0] = neo.SpikeTrain(at_cut(whole[0].magnitude) * pq.s, t_stop=2.0 * pq.s)
    teacher = neo.SpikeTrain(at_cut(_recording(rng, 2.0, 40)) * pq.s, t_stop=2.0 * pq.s)
    half = lambda train, a, b: train.time_slice(a * pq.s, b * pq.s)
    kw = dict(eta=1e-3, seed=3, record_spikes=True, record_every=0.25)
    first = natspike.train(
        "natural",
        W0,
        None,
        inputs=[half(t, 0, 1) for t in whole],
        teacher=half(teacher, 0, 1),
        duration=1.0,
        keep_state=True,
        **kw,
    )
    later = [half(t, 1, 2) for t in whole]
    assert float(later[0].t_start) == 1.0 and float(half(whole[0], 0, 1).times[-1]) == float(later[0].times[0]) == 1.0
    recorded = natspike.resume(first, duration=1.0, inputs=later, teacher=half(teacher, 1, 2))
    shifted = natspike.resume(
        first,
        duration=1.0,
        inputs=[t.time_shift(-1 * pq.s) for t in later],
        teacher=half(teacher, 1, 2).time_shift(-1 * pq.s),
    )
    (exported,) = [t for t in recorded.to_neo().segments[0].spiketrains if t.name == "teacher"]
    assert float(exported.t_start) == 1.0
    again = natspike.resume(first, duration=1.0, inputs=later, teacher=exported)
    once = natspike.train("natural", W0, first.params["rates"], inputs=whole, teacher=teacher, duration=2.0, **kw)
    for continued in (recorded, shifted, again):
        np.testing.assert_array_equal(continued.final_weights, once.final_weights)
        np.testing.assert_array_equal(continued.weights, once.weights[4:])
        np.testing.assert_array_equal(continued.spikes, once.spikes[once.spikes >= 1.0])
    with pytest.raises(
        ValueError, match=r"inputs\[0\]: .* t_start = 0 .* or at the continuation's start, 1 s .*got t_start = 0.5 s"
    ):
        natspike.resume(first, duration=1.0, inputs=[half(t, 0.5, 2) for t in whole], teacher=half(teacher, 1, 2))
    with pytest.raises(ValueError, match=r"teacher: .*continuation's start, 1 s .*got t_start = 0.5 s"):
        natspike.resume(first, duration=1.0, inputs=later, teacher=half(teacher, 0.5, 2))
