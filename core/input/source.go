package input

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/natspike/natspike/core/neuron"
)

// Source yields the afferent spikes of successive bins.
type Source interface {
	// Next appends the indices of the afferents that spike in the next bin
	// to dst[:0] and returns it.
	Next(dst []int) ([]int, error)
	// N returns the number of afferents.
	N() int
}

const minNormal = 0x1p-1022 // smallest normal float64, ≈ 2.2e-308

// ValidateRates checks that every rate is finite, 0 or at least the
// smallest normal float64 (c_ε x/r must stay finite), and r·dt < 1 (the
// Bernoulli spike probability; user guide, "Inputs").
func ValidateRates(rates []float64, dt float64) error {
	if len(rates) == 0 {
		return fmt.Errorf("rates must have at least one afferent (n >= 1)")
	}
	for i, r := range rates {
		if math.IsNaN(r) || math.IsInf(r, 0) || r < 0 {
			return fmt.Errorf("rates[%d] must be finite and >= 0 Hz, got %v", i, r)
		}
		if r > 0 && r < minNormal {
			return fmt.Errorf("rates[%d] = %v Hz is subnormal (the rule divides by it): use 0 for a silent afferent or a rate >= %v Hz", i, r, minNormal)
		}
		if r*dt >= 1 {
			return fmt.Errorf("rates[%d]*dt must be < 1 (rate < %v Hz at dt = %v s), got %v", i, 1/dt, dt, r*dt)
		}
	}
	return nil
}

// Poisson is a population of independent Poisson afferents in discrete
// time: afferent i spikes in each bin with probability r_i·dt (user guide, "Inputs"). It is
// simulated event by event: the gap to the next spike is geometric. Pending
// spikes sit in a timing wheel (a ring of per-bin buckets) with a heap for
// the rare spikes beyond its horizon; the spikes of a bin are handled in
// ascending afferent order, so the random stream is consumed in (bin,
// afferent) order and the spike trains depend only on the seed.
type Poisson struct {
	logq  []float64 // log(1 − r_i dt); 0 for silent afferents
	rng   *rand.Rand
	sched scheduler
	bin   int64
}

// NewPoisson validates the rates and schedules each afferent's first spike.
func NewPoisson(rates []float64, dt float64, rng *rand.Rand) (*Poisson, error) {
	if err := ValidateRates(rates, dt); err != nil {
		return nil, err
	}
	p := &Poisson{logq: make([]float64, len(rates))}
	for i, r := range rates {
		p.logq[i] = math.Log1p(-r * dt)
	}
	p.sched = newScheduler(len(rates), wheelSize(rates, dt))
	p.Restart(rng)
	return p, nil
}

// Restart discards pending spikes, rewinds to bin 0 and draws every
// afferent's first spike from rng, exactly as NewPoisson does.
func (p *Poisson) Restart(rng *rand.Rand) {
	p.rng, p.bin = rng, 0
	p.sched.clear()
	for i, lq := range p.logq {
		if lq != 0 {
			p.sched.add(p.gap(i)-1, 0, i)
		}
	}
}

// wheelSize returns the number of bins the timing wheel spans: a power of
// two around eight mean gaps at the mean rate, so that few gaps overflow.
func wheelSize(rates []float64, dt float64) int {
	sum, active := 0.0, 0
	for _, r := range rates {
		if r > 0 {
			sum, active = sum+r*dt, active+1
		}
	}
	span := 64.0
	if active > 0 {
		span = math.Min(math.Max(8*float64(active)/sum, 64), 4096)
	}
	size := 64
	for float64(size) < span {
		size *= 2
	}
	return size
}

// gap draws the number of bins to afferent i's next spike.
func (p *Poisson) gap(i int) int64 { return geometricGap(p.rng, p.logq[i]) }

// geometricGap draws the number of bins to the next spike, ≥ 1,
// P(k) = (1−p)^{k−1} p, where logq = log(1 − p) < 0.
func geometricGap(rng *rand.Rand, logq float64) int64 {
	u := 1 - rng.Float64() // in (0, 1]
	k := math.Floor(math.Log(u) / logq)
	if k > 1e15 {
		k = 1e15
	}
	return 1 + int64(k)
}

// N returns the number of afferents.
func (p *Poisson) N() int { return len(p.logq) }

// Next returns the afferents that spike in the current bin, in ascending
// order, and advances.
func (p *Poisson) Next(dst []int) ([]int, error) {
	dst = p.sched.due(dst[:0], p.bin)
	for _, i := range dst {
		p.sched.add(p.bin+p.gap(i), p.bin, i)
	}
	p.bin++
	return dst, nil
}

// Replay plays back a dense spike matrix of bins × n entries (row-major,
// non-zero = spike).
type Replay struct {
	spikes []float64
	n      int
	bin    int
}

// NewReplay validates a bins × n spike matrix (entries 0 or 1).
func NewReplay(spikes []float64, n int) (*Replay, error) {
	if n < 1 {
		return nil, fmt.Errorf("input spikes need n >= 1 afferents, got %d", n)
	}
	if len(spikes)%n != 0 {
		return nil, fmt.Errorf("input spikes: length %d is not a multiple of n = %d", len(spikes), n)
	}
	for j, s := range spikes {
		if s != 0 && s != 1 {
			return nil, fmt.Errorf("input spikes[%d, %d] must be 0 or 1, got %v", j/n, j%n, s)
		}
	}
	return &Replay{spikes: spikes, n: n}, nil
}

// Bins returns the number of bins that can be replayed.
func (r *Replay) Bins() int { return len(r.spikes) / r.n }

// N returns the number of afferents.
func (r *Replay) N() int { return r.n }

// Next returns the afferents that spike in the next recorded bin.
func (r *Replay) Next(dst []int) ([]int, error) {
	if r.bin >= r.Bins() {
		return dst[:0], fmt.Errorf("input spikes exhausted after %d bins", r.Bins())
	}
	dst = dst[:0]
	row := r.spikes[r.bin*r.n : (r.bin+1)*r.n]
	for i, s := range row {
		if s != 0 {
			dst = append(dst, i)
		}
	}
	r.bin++
	return dst, nil
}

// Traces holds the per-afferent state of the USP filter (user guide, "PSP kernel"):
// P ← P e^{−dt/τ_m} + s, S ← S e^{−dt/τ_s} + s, x^ε = ε0/(τ_m − τ_s)(P − S).
// For τ_m = τ_s the second trace becomes R ← e^{−dt/τ}(R + P) and
// x^ε = ε0 dt/τ² · R, the exact samples of the alpha kernel.
type Traces struct {
	P, S   []float64 // fast and slow traces (S holds R in the alpha limit)
	X      []float64 // current USPs x^ε
	dm, ds float64
	gain   float64
	alpha  bool
}

// NewTraces returns zeroed traces for n afferents.
func NewTraces(k neuron.Kernel, n int) *Traces {
	dm, ds := k.Decays()
	return &Traces{P: make([]float64, n), S: make([]float64, n), X: make([]float64, n),
		dm: dm, ds: ds, gain: k.TraceGain(), alpha: k.Alpha()}
}

// Reset sets all traces to zero.
func (t *Traces) Reset() {
	clear(t.P)
	clear(t.S)
	clear(t.X)
}

// Recursion returns the per-bin decays of P and S and the gain g of
// x^ε = g·(P − S), and whether the traces follow the alpha-kernel recursion
// instead (see Traces), for callers that fuse the trace update into their
// own loop over afferents.
func (t *Traces) Recursion() (dm, ds, gain float64, alpha bool) { return t.dm, t.ds, t.gain, t.alpha }

// AddSpikes adds the bin's input spikes to the traces after X has been
// computed for the bin (the second half of Step).
func (t *Traces) AddSpikes(spikes []int) {
	if t.alpha {
		for _, i := range spikes {
			t.P[i]++
		}
		return
	}
	for _, i := range spikes {
		t.P[i]++
		t.S[i]++
	}
}

// Step advances one bin with the given spiking afferents and updates X.
// A spike adds 1 to both traces, so it leaves P − S, and hence x^ε, unchanged
// in its own bin: decay and output are computed in one pass, then the
// spikes are added.
func (t *Traces) Step(spikes []int) {
	if t.alpha {
		t.stepAlpha(spikes)
		return
	}
	dm, ds, g := t.dm, t.ds, t.gain
	p, s, x := t.P, t.S[:len(t.P)], t.X[:len(t.P)]
	for i := range p {
		pi, si := p[i]*dm, s[i]*ds
		p[i], s[i], x[i] = pi, si, g*(pi-si)
	}
	for _, i := range spikes {
		p[i]++
		s[i]++
	}
}

// stepAlpha advances the alpha-kernel traces R ← d(R + P), P ← d P + s,
// x^ε = g R; the new spike enters P only, so x^ε is again unchanged.
func (t *Traces) stepAlpha(spikes []int) {
	d, g := t.dm, t.gain
	p, r, x := t.P, t.S[:len(t.P)], t.X[:len(t.P)]
	for i := range p {
		ri := d * (r[i] + p[i])
		r[i], p[i], x[i] = ri, d*p[i], g*ri
	}
	for _, i := range spikes {
		p[i]++
	}
}

// SampleUSPs fills dst (samples × n, row-major) with USP vectors, each the
// value x^ε at the last of `bins` bins of an independent Poisson train that
// starts from zero traces (the paper's test-set protocol, user guide, "Objective and test set", uses 50
// samples of 500 bins).
func SampleUSPs(dst []float64, k neuron.Kernel, rates []float64, bins int, rng *rand.Rand) error {
	n := len(rates)
	if n == 0 || len(dst)%n != 0 {
		return fmt.Errorf("SampleUSPs: dst length %d is not a multiple of n = %d", len(dst), n)
	}
	tr := NewTraces(k, n)
	src, err := NewPoisson(rates, k.Dt, rng)
	if err != nil {
		return err
	}
	var spikes []int
	for s := 0; s < len(dst)/n; s++ {
		if s > 0 {
			src.Restart(rng)
		}
		tr.Reset()
		for b := 0; b < bins; b++ {
			spikes, _ = src.Next(spikes)
			tr.Step(spikes)
		}
		copy(dst[s*n:(s+1)*n], tr.X)
	}
	return nil
}

// StationaryUSPs fills dst (samples × n, row-major) with USP vectors taken
// every stride bins from one continuous Poisson train after burn bins, i.e.
// approximately from the stationary distribution of x^ε (Eqns 29–30)
// with a correlation of e^{−stride·dt/τ} between neighbouring samples.
func StationaryUSPs(dst []float64, k neuron.Kernel, rates []float64, burn, stride int, rng *rand.Rand) error {
	n := len(rates)
	if n == 0 || len(dst)%n != 0 || stride < 1 || burn < 0 {
		return fmt.Errorf("StationaryUSPs: need len(dst) a multiple of n = %d, stride >= 1, burn >= 0", n)
	}
	src, err := NewPoisson(rates, k.Dt, rng)
	if err != nil {
		return err
	}
	tr := NewTraces(k, n)
	var spikes []int
	advance := func(bins int) {
		for b := 0; b < bins; b++ {
			spikes, _ = src.Next(spikes)
			tr.Step(spikes)
		}
	}
	advance(burn)
	for s := 0; s < len(dst)/n; s++ {
		advance(stride)
		copy(dst[s*n:(s+1)*n], tr.X)
	}
	return nil
}
