package learn

import (
	"math"
	"slices"
	"testing"

	"github.com/natspike/natspike/core/counter"
	"github.com/natspike/natspike/core/input"
	"github.com/natspike/natspike/core/rule"
	"github.com/natspike/natspike/core/seed"
)

// TestInputsAreTheCounterStream: the Poisson inputs of a trial (a single
// neuron or a layer) are exactly counter.Poisson's spikes of the key
// (Seed, Trial, seed.Inputs) at position "bin", also across the segments
// of a rate schedule (each bin drawn with its segment's rates). So
// counter's statistical tests (Bernoulli counts per afferent, χ² of the
// group totals, lag, cross-afferent and cross-trial correlations) are
// tests of learn.Run's inputs.
func TestInputsAreTheCounterStream(t *testing.T) {
	base := fig3Config(rule.Natural, 2e-3, 0.5, 12)
	base.Seed, base.Trial = 31, 5
	later := make([]float64, 12)
	for i := range later {
		later[i] = 5 + 7*float64(i%4)
	}
	sched := base
	sched.Schedule = input.RateSchedule{Starts: []int{0, 300, 650},
		Rates: slices.Concat(base.Rates, later, base.Rates)}
	layer := layerOf(base, 3)
	for name, cfg := range map[string]Config{"neuron": base, "layer": layer, "schedule": sched} {
		cfg.setDefaults()
		l, err := newLayer(cfg, &Result{})
		if err != nil {
			t.Fatal(err)
		}
		key := counter.NewKey(cfg.Seed, cfg.Trial, seed.Inputs)
		var got []int
		for k := range cfg.Bins() {
			if err := l.nextSegment(k); err != nil {
				t.Fatal(err)
			}
			rates := cfg.Rates
			if cfg.Schedule.Segments() > 0 {
				rates = cfg.Schedule.Segment(l.segment)
			}
			ref, err := counter.NewPoisson(rates, cfg.Kernel.Dt)
			if err != nil {
				t.Fatal(err)
			}
			got, _ = l.src.Next(got)
			want := ref.SpikesInt(nil, key, uint64(k))
			if !slices.Equal(got, want) {
				t.Fatalf("%s, bin %d: inputs %v, counter stream %v", name, k, got, want)
			}
		}
	}
}

// TestSpikeTrainsAreTheCounterStreams: the teacher's spike of bin k is
// u_k < r* dt (Poisson teacher) and the student's u'_k < φ_k dt, with u_k
// and u'_k the uniforms at position k of the streams (Seed, Trial,
// seed.Teacher) and (Seed, Trial, seed.StudentSpikes); in the continuation
// of a trial at position start + k.
func TestSpikeTrainsAreTheCounterStreams(t *testing.T) {
	cfg := fig3Config(rule.Natural, 2e-3, 4, 10)
	cfg.Teacher = Teacher{Kind: PoissonTeacher, Rate: 25}
	cfg.Seed, cfg.Trial, cfg.TraceEvery, cfg.RecordSpikes, cfg.KeepState = 9, 2, 1, true, true
	first := runOrFail(t, cfg)
	second := cfg
	second.State = first.State
	cont := runOrFail(t, second)
	teacher := counter.NewKey(cfg.Seed, cfg.Trial, seed.Teacher)
	student := counter.NewKey(cfg.Seed, cfg.Trial, seed.StudentSpikes)
	dt, bins := cfg.Kernel.Dt, cfg.Bins()
	for part, res := range []Result{first, cont} {
		var wantT, wantS []int
		for k := range bins {
			pos := uint64(part*bins + k)
			if teacher.Float64(pos) < cfg.Teacher.Rate*dt {
				wantT = append(wantT, k)
			}
			if student.Float64(pos) < res.Rate[k]*dt {
				wantS = append(wantS, k)
			}
		}
		if got := unpackBits(res.TeacherSpikeBits); !slices.Equal(got, wantT) || len(got) < 100 {
			t.Errorf("part %d: %d teacher spikes, %d from the counter stream", part, len(got), len(wantT))
		}
		if got := unpackBits(res.SpikeBits); !slices.Equal(got, wantS) || len(got) < 20 {
			t.Errorf("part %d: %d student spikes, %d from the counter stream", part, len(got), len(wantS))
		}
	}
}

// pcgStreams draws the inputs and the realizable teacher's spikes of trial
// cfg.Trial as learn.Run drew them before the counter-based streams: a
// PCG-driven input.Poisson (geometric gaps) of seed.PCG(Seed, Trial,
// seed.Inputs) and one uniform per bin of seed.PCG(Seed, Trial,
// seed.Teacher) compared with φ(w*·x) dt, x the USPs of the bin.
func pcgStreams(t *testing.T, cfg Config) (events, teacher []float64) {
	t.Helper()
	src, err := input.NewPoisson(cfg.Rates, cfg.Kernel.Dt, seed.Stream(cfg.Seed, cfg.Trial, seed.Inputs))
	if err != nil {
		t.Fatal(err)
	}
	u := seed.Stream(cfg.Seed, cfg.Trial, seed.Teacher)
	tr := input.NewTraces(cfg.Kernel, len(cfg.Rates))
	teacher = make([]float64, cfg.Bins())
	var spikes []int
	for k := range teacher {
		spikes, _ = src.Next(spikes)
		tr.Step(spikes)
		if u.Float64() < cfg.Transfer.Phi(dot(cfg.Teacher.Weights, tr.X))*cfg.Kernel.Dt {
			teacher[k] = 1
		}
		for _, i := range spikes {
			events = append(events, float64(k), float64(i))
		}
	}
	return events, teacher
}

// withObjective fills D_KL and the weight distance of a replayed-teacher
// run res from its weight records, with the objective of the realizable
// trial cfg (the same test set and teacher).
func withObjective(t *testing.T, cfg Config, res Result) Result {
	t.Helper()
	cfg.setDefaults()
	sets, err := cfg.testSets()
	if err != nil {
		t.Fatal(err)
	}
	n := len(cfg.Rates)
	obj, err := NewObjective(cfg.Transfer, cfg.Kernel.Dt, sets[0], n, func(x []float64) float64 {
		return cfg.Transfer.Phi(dot(cfg.Teacher.Weights, x))
	})
	if err != nil {
		t.Fatal(err)
	}
	records := len(res.Weights) / n
	res.KL, res.RateError, res.WeightDistance = make([]float64, records), make([]float64, records), make([]float64, records)
	for j := range records {
		w := res.Weights[j*n : (j+1)*n] // somatic weights (fig3Config)
		res.KL[j], res.RateError[j] = obj.Eval(w)
		res.WeightDistance[j] = Distance(w, cfg.Teacher.Weights)
	}
	return res
}

// meanSE returns the mean and its standard error.
func meanSE(xs []float64) (mean, se float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	v := 0.0
	for _, x := range xs {
		v += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(v / float64(len(xs)-1) / float64(len(xs)))
}

// TestLearningMatchesPCGStreams: learn.Run on its counter-based streams
// learns as it did on the PCG streams it used before (replayed here from
// pcgStreams). Fig 3F at reduced size (n = 20, 20 s), 32 trials per
// stream kind: mean D_KL and weight distance at every record agree within
// 4 standard errors of the paired difference (trial i has the same test
// set, W0 and w* with both), and both reduce D_KL.
func TestLearningMatchesPCGStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical comparison of 2 × 32 trials")
	}
	for _, kind := range []rule.Kind{rule.Euclidean, rule.Natural} {
		cfg := fig3Config(kind, map[rule.Kind]float64{rule.Euclidean: 1e-3, rule.Natural: 2e-2}[kind], 20, 20)
		cfg.RecordEvery, cfg.TestSamples, cfg.TestBins = 10000, 20, 200
		cfg.Rule.CoefficientTol, cfg.EventDriven = 1e-9, true
		const trials = 32
		counterRuns, pcgRuns := make([]Result, trials), make([]Result, trials)
		for i := range trials {
			c := cfg
			c.Trial = uint64(i)
			counterRuns[i] = runOrFail(t, c)
			events, teacher := pcgStreams(t, c)
			replay := c
			replay.InputEvents, replay.Teacher = events, Teacher{Kind: ReplayTeacher, Spikes: teacher}
			pcgRuns[i] = withObjective(t, c, runOrFail(t, replay))
		}
		compareCurves(t, kind, counterRuns, pcgRuns)
	}
}

// compareCurves checks D_KL and the weight distance of two sets of paired
// trials record by record (|z| ≤ 4 of the paired difference) and that
// both learn (mean D_KL at the end below 0.7 of the start).
func compareCurves(t *testing.T, kind rule.Kind, a, b []Result) {
	t.Helper()
	metrics := map[string]func(Result, int) float64{
		"KL":       func(r Result, j int) float64 { return r.KL[j] },
		"distance": func(r Result, j int) float64 { return r.WeightDistance[j] },
	}
	last := len(a[0].KL) - 1
	for name, get := range metrics {
		for j := 1; j <= last; j++ {
			xa, xb, d := make([]float64, len(a)), make([]float64, len(a)), make([]float64, len(a))
			for i := range a {
				xa[i], xb[i] = get(a[i], j), get(b[i], j)
				d[i] = xa[i] - xb[i]
			}
			ma, sa := meanSE(xa)
			mb, sb := meanSE(xb)
			md, sd := meanSE(d)
			if z := md / sd; math.Abs(z) > 4 || sd == 0 {
				t.Errorf("%v, record %d: %s %.4g ± %.2g (counter) vs %.4g ± %.2g (PCG), z = %.2f", kind, j, name, ma, sa, mb, sb, z)
			} else if j == last {
				t.Logf("%v, t = %v s: %s %.4g ± %.2g (counter) vs %.4g ± %.2g (PCG), z = %.2f", kind, a[0].Times[j], name, ma, sa, mb, sb, z)
			}
		}
	}
	for label, rs := range map[string][]Result{"counter": a, "PCG": b} {
		k0, kl := make([]float64, len(rs)), make([]float64, len(rs))
		for i, r := range rs {
			k0[i], kl[i] = r.KL[0], r.KL[last]
		}
		if m0, _ := meanSE(k0); !(mean(kl) < 0.7*m0) {
			t.Errorf("%v, %s streams: mean D_KL %.3g → %.3g, no learning", kind, label, m0, mean(kl))
		}
	}
}
