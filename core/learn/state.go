package learn

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math"

	"github.com/natspike/natspike/core/counter"
	"github.com/natspike/natspike/core/fisher"
	"github.com/natspike/natspike/core/rule"
	"github.com/natspike/natspike/core/seed"
)

// A trial's end state (Config.KeepState, Result.State) is a vector of
// StateWords(n) numbers: everything the next bin depends on besides the
// configuration. Config.State accepts it, and Run then continues the
// trial as if it had never stopped: the same weights, traces, staged
// update, Fisher coefficients and cache, and the position of the random
// streams. The streams are counter-based (doc.go, "Random streams"): the
// inputs, the teacher's and the student's spikes of bin b are drawn at
// position b of their streams whatever was drawn before, so the bins
// before the continuation (one word) are their whole state; there are no
// generator words and no pending spikes. The test set is regenerated from
// (Seed, Trial). Records and trace samples of the continuation are taken
// every RecordEvery and TraceEvery bins from its start; record times count
// from the start of the first part. Recording spikes in one part only
// changes nothing else (the student's stream is read at the bin's position).
//
// This holds for every form, the event-driven one included (its whole lazy
// state is saved), at any split.
//
// Format 3 (this layout) replaced format 2, which held PCG generator
// states and the Poisson source's pending spikes; a format-2 state is
// refused with an error that says so (the streams changed, so no
// conversion can continue it).

// Layout of a state vector.
const (
	stateMagic   = 0x6e7373746174652d // "nsstate-"
	stateVersion = 3
	coeffWords   = 14
	eventAt      = 5 + 4 + coeffWords + 1 // where the event-driven scalars start
	headWords    = eventAt + rule.EventScalarWords + 1
	sumWords     = 1 // a checksum of all other words, last
)

// StateWords returns the length of the state of a trial with n afferents.
func StateWords(n int) int { return headWords + fisher.CacheStateWords + 7*n + sumWords }

// checksum hashes the bits of every word but the last.
func checksum(st []float64) uint64 {
	h := fnv.New64a()
	var b [8]byte
	for _, x := range st[:len(st)-sumWords] {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(x))
		h.Write(b[:])
	}
	return h.Sum64()
}

// ErrState marks a state that Config.State cannot continue from.
var ErrState = errors.New("state")

func (c Config) validateState() error {
	if (c.KeepState || c.State != nil) && c.InputPool.Size > 0 {
		return fmt.Errorf("keep_state and resume are not available with input_pool_size (the authors' pool protocol)")
	}
	if (c.KeepState || c.State != nil) && c.Schedule.Segments() > 1 {
		return fmt.Errorf("keep_state and resume are not available with a rate schedule of several segments")
	}
	if err := CheckStateFormat(c.State); err != nil {
		return err
	}
	if c.State != nil && len(c.State) != StateWords(len(c.Rates)) {
		return fmt.Errorf("%w: the state has %d entries, a trial with %d afferents needs %d (a state of another configuration?)",
			ErrState, len(c.State), len(c.Rates), StateWords(len(c.Rates)))
	}
	return nil
}

// digest identifies what a state belongs to: everything that determines
// the dynamics except the length of a part and what it records.
func (c Config) digest() uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%T%#v|%#v|%#v|%T%#v|%d %v %d %d %v %v %d %d|", c.Transfer, c.Transfer, c.Kernel, c.Rule, c.Param, c.Param,
		c.Teacher.Kind, c.Teacher.Rate, c.Seed, c.Trial, c.EventDriven, c.InputSpikes != nil || c.InputEvents != nil,
		c.TestSamples, c.TestBins)
	if c.Neuron != 0 { // neuron j of a layer has streams of its own; a single neuron's digest is unchanged
		fmt.Fprintf(h, "neuron %d|", c.Neuron)
	}
	for _, xs := range [][]float64{c.Rates, c.Teacher.Weights} {
		for _, x := range xs {
			_ = binary.Write(h, binary.LittleEndian, math.Float64bits(x))
		}
		h.Write([]byte{'|'})
	}
	return h.Sum64()
}

// stateWriter and stateReader move numbers in and out of a state vector.
type stateWriter struct{ w []float64 }

func (s *stateWriter) put(xs ...float64) { s.w = append(s.w, xs...) }
func (s *stateWriter) bits(u uint64)     { s.put(math.Float64frombits(u)) }

type stateReader struct{ r []float64 }

func (s *stateReader) next(k int) []float64 {
	x := s.r[:k]
	s.r = s.r[k:]
	return x
}
func (s *stateReader) one() float64       { return s.next(1)[0] }
func (s *stateReader) bits() uint64       { return math.Float64bits(s.one()) }
func (s *stateReader) integer() int       { return int(s.one()) }
func (s *stateReader) flag() bool         { return s.one() == 1 }
func (s *stateReader) into(dst []float64) { copy(dst, s.next(len(dst))) }

func boolWord(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func coefficientWords(c fisher.Coefficients) []float64 {
	return []float64{c.Mu, c.Var, c.Q, c.I1, c.I2, c.I3, c.C1, c.C2, c.C3, c.GammaS, c.G1, c.G2, c.G3, c.G4}
}

// saveState writes the end state into res.State; the loop has flushed.
func (t *trial) saveState() error {
	ls, ok := t.learner.State()
	if !ok {
		return errors.New("learn: internal error: state saved with a staged update")
	}
	n := len(t.w)
	s := stateWriter{w: t.res.State[:0]}
	s.bits(stateMagic)
	s.put(stateVersion)
	s.bits(t.cfg.digest())
	s.put(float64(n), float64(t.start+t.cfg.Bins())) // the bins so far: the streams' position
	s.put(float64(ls.Bin), ls.SumWR, ls.SumW2R, boolWord(ls.StatsValid))
	s.put(coefficientWords(ls.Coefficients)...)
	es := newEventState(n)
	if t.events != nil {
		es = t.events.State()
	}
	s.put(float64(es.Epochs))
	s.put(es.Scalars...)
	cache := t.learner.Cache()
	s.put(boolWord(cache != nil))
	if cache != nil {
		s.w = cache.AppendState(s.w)
	} else {
		s.put(make([]float64, fisher.CacheStateWords)...)
	}
	s.put(t.w...)
	s.put(t.traces.P...)
	s.put(t.traces.S...)
	s.put(t.traces.X...)
	s.put(es.Zeta...)
	s.put(es.P...)
	s.put(es.S...)
	s.put(0)
	s.w[len(s.w)-1] = math.Float64frombits(checksum(s.w))
	if len(s.w) != StateWords(n) {
		return fmt.Errorf("learn: internal error: state of %d entries, want %d", len(s.w), StateWords(n))
	}
	return nil
}

// restore continues from cfg.State (validated for its length).
func (t *trial) restore(st []float64) error {
	r := stateReader{r: st}
	if r.bits() != stateMagic || r.one() != stateVersion {
		return fmt.Errorf("%w: not a natspike trial state of this version (format %d)", ErrState, stateVersion)
	}
	if math.Float64bits(st[len(st)-1]) != checksum(st) {
		return fmt.Errorf("%w: the state is damaged (its checksum does not match)", ErrState)
	}
	if r.bits() != t.cfg.digest() {
		return fmt.Errorf("%w: the state belongs to another configuration (neuron, rule, rates, teacher, seed, trial, "+
			"test set, event_driven or replayed inputs differ)", ErrState)
	}
	n := len(t.w)
	if r.integer() != n {
		return fmt.Errorf("%w: the state is of another number of afferents", ErrState)
	}
	if t.start = r.integer(); t.start < 0 || t.start > 1<<40 {
		return fmt.Errorf("%w: the state is damaged (bin %d)", ErrState, t.start)
	}
	if t.inputs != nil {
		t.inputs.Seek(uint64(t.start))
	}
	ls := rule.LearnerState{Bin: r.integer(), SumWR: r.one(), SumW2R: r.one(), StatsValid: r.flag()}
	c := r.next(coeffWords)
	ls.Coefficients = fisher.Coefficients{Mu: c[0], Var: c[1], Q: c[2], I1: c[3], I2: c[4], I3: c[5], C1: c[6], C2: c[7],
		C3: c[8], GammaS: c[9], G1: c[10], G2: c[11], G3: c[12], G4: c[13]}
	t.learner.SetState(ls)
	es := newEventState(n)
	es.Epochs = r.integer()
	r.into(es.Scalars)
	hasCache, cache := r.flag(), r.next(fisher.CacheStateWords)
	if lc := t.learner.Cache(); lc != nil && hasCache {
		lc.SetState(cache)
	}
	for _, dst := range [][]float64{t.w, t.traces.P, t.traces.S, t.traces.X, es.Zeta, es.P, es.S} {
		r.into(dst)
	}
	if t.events != nil {
		if err := t.events.Restore(es); err != nil {
			return fmt.Errorf("%w: %w", ErrState, err)
		}
	}
	return nil
}

// newEventState is a zero event-driven state of n afferents.
func newEventState(n int) rule.EventState {
	return rule.EventState{Zeta: make([]float64, n), P: make([]float64, n), S: make([]float64, n),
		Scalars: make([]float64, rule.EventScalarWords)}
}

// streams sets up the keys of the teacher's and the student's streams
// (neuron c.Neuron's of a layer).
func (t *trial) streams() {
	c := t.cfg
	t.teacherKey = counter.NewNeuronKey(c.Seed, c.Trial, seed.Teacher, c.Neuron)
	t.studentKey = counter.NewNeuronKey(c.Seed, c.Trial, seed.StudentSpikes, c.Neuron)
	t.recordStudent = c.RecordSpikes
}

// CheckStateFormat refuses a state of another format version with an
// error wrapping ErrState that names both versions; callers run it before
// checking the state's length, which would only say that the length is
// wrong. A vector that is not a state at all passes (later checks refuse it).
func CheckStateFormat(st []float64) error {
	if len(st) < 2 || math.Float64bits(st[0]) != stateMagic || st[1] == stateVersion {
		return nil
	}
	if st[1] == 2 {
		return fmt.Errorf("%w: the state is of format 2, written by a natspike release before the counter-based random streams; "+
			"this release continues format %d only (the streams changed, so the trial cannot be continued: run it again from the start)",
			ErrState, stateVersion)
	}
	return fmt.Errorf("%w: the state is of format %v, this release reads format %d", ErrState, st[1], stateVersion)
}
