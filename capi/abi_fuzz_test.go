package capi

import (
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/internal/config"
	"github.com/natspike/natspike/internal/version"
)

// Fuzz targets for every C ABI entry point. Each call must honour the
// contract of natspike.h whatever the arguments: a known status, an empty
// message exactly on success, never an internal fault (that would be a
// bug), and only finite numbers in the outputs of a successful call.
// Buffers always have the sizes the arguments announce (the one thing C
// callers must get right), or are NULL when a size is out of range.
//
// `go test` runs the seed corpus; `make fuzz-short` and `make soak` run
// the fuzzer (go test -run '^$' -fuzz '^FuzzX$' -fuzztime 30s ./capi).

// maxFuzzLen bounds the array lengths for which buffers are allocated.
const maxFuzzLen = 8

// fuzzNeurons seed the neuron JSON arguments.
var fuzzNeurons = []string{"{}", `{"beta":0.5,"theta":12}`, `{"transfer":"rectified_quadratic","theta":-3}`,
	`{"dt":0.001,"tau_s":0.002}`, `{"phi_max":-1}`, `{"dt":`, ``, `{"tau_x":1}`, `{"eps0":1e308}`}

// callOutcome is the status and message of one export call.
type callOutcome struct {
	export string
	status int
	msg    string
}

func outcome[S ~int32](export string, status S, err errBuffer) callOutcome {
	return callOutcome{export, int(status), err.String()}
}

// check enforces the status/message contract; internal faults are
// allowed only for the panic test hooks.
func (c callOutcome) check(t *testing.T, internalAllowed bool) {
	t.Helper()
	switch {
	case c.status < StatusOK || c.status > StatusDiverged:
		t.Fatalf("%s: unknown status %d (%q)", c.export, c.status, c.msg)
	case c.status == StatusOK && c.msg != "":
		t.Fatalf("%s: success with message %q", c.export, c.msg)
	case c.status != StatusOK && c.msg == "":
		t.Fatalf("%s: status %d without a message", c.export, c.status)
	case c.status == StatusInternal && !internalAllowed:
		t.Fatalf("%s: internal fault: %s", c.export, c.msg)
	}
}

func (c callOutcome) ok() bool { return c.status == StatusOK }

// fuzzLen maps a fuzzed length to the one passed and whether buffers exist.
func fuzzLen(n int64) (int64, bool) { return n, n >= 0 && n <= maxFuzzLen }

// filled returns n copies of the values, cycled (nil when !alloc or n = 0).
func filled(n int64, alloc bool, values ...float64) []float64 {
	if !alloc || n <= 0 {
		return nil
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = values[i%len(values)]
	}
	return out
}

func zeros(size int64, alloc bool) []float64 {
	if !alloc || size <= 0 {
		return nil
	}
	return make([]float64, size)
}

func requireFinite(t *testing.T, export, name string, xs []float64) {
	t.Helper()
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Fatalf("%s succeeded with %s[%d] = %v", export, name, i, x)
		}
	}
}

func FuzzVersion(f *testing.F) {
	for _, n := range []int32{-1, 0, 1, 5, 6, 64} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n int32) {
		if n > 1<<16 {
			t.Skip("buffer too large")
		}
		buf := newErrBuffer(max(int(n), 0))
		out, _ := buf.args()
		res := ns_version(out, cInt(n))
		status := int(res)
		if want := n > int32(len(version.Version)); (status == StatusOK) != want || (status != StatusOK && status != StatusInvalid) {
			t.Fatalf("ns_version(n=%d) = %d", n, status)
		}
		if status == StatusOK && buf.String() != version.Version {
			t.Fatalf("ns_version wrote %q", buf.String())
		}
	})
}

func FuzzCoefficients(f *testing.F) {
	for _, js := range fuzzNeurons {
		f.Add(js, 0.0, 3.85, 78.0, int64(1), 0.0)
		f.Add(js, 0.0, 3.85, 78.0, int64(300), 1e-9)
	}
	f.Add("{}", math.NaN(), 1.0, 1.0, int64(3), 1e-9)
	f.Add("{}", 100.0, 1.0, 1.0, int64(2), 1e-9)
	f.Add("{}", 1e300, 1e300, 1e300, int64(1), 1e-9)
	f.Add("{}", -1e-300, 1e-300, 1e-300, int64(8), 1e-9)
	f.Add("{}", 0.0, 1.0, 1.0, int64(-1), 1e-9)
	f.Add("{}", 0.0, 1.0, 1.0, int64(1)<<50, 1e-9)
	f.Add("{}", 0.0, 1.0, 1.0, int64(4), math.NaN())
	f.Add("{}", 0.0, 1.0, 1.0, int64(4), 1.0)
	f.Fuzz(func(t *testing.T, js string, mu, variance, q float64, n int64, tol float64) {
		n, alloc := fuzzLen(n)
		m, v, qq := filled(n, alloc, mu, mu/2), filled(n, alloc, variance), filled(n, alloc, q)
		out := zeros(n*int64(len(CoefficientColumns)), alloc)
		var progress int64
		err := newErrBuffer(512)
		e, el := err.args()
		c := outcome("ns_coefficients", ns_coefficients(cString(js), cDoubles(m), cDoubles(v), cDoubles(qq), cLongLong(n), cDouble(tol),
			cDoubles(out), nil, cCounter(&progress), e, el), err)
		c.check(t, false)
		if c.ok() {
			requireFinite(t, c.export, "out", out)
		}
	})
}

func FuzzFisherMatrix(f *testing.F) {
	for _, js := range fuzzNeurons {
		f.Add(js, 0.02, -0.01, 10.0, 50.0, int64(2), false)
	}
	f.Add("{}", 0.0, 0.0, 10.0, 10.0, int64(2), false)
	f.Add("{}", 0.1, 0.1, 0.0, 1.0, int64(3), true)
	f.Add("{}", math.Inf(1), 0.1, 1.0, 1.0, int64(1), true)
	f.Add("{}", 1e200, -1e200, 1e6, 1e-6, int64(8), false)
	f.Add("{}", 0.1, 0.1, 1.0, 1.0, int64(0), true)
	f.Add("{}", 0.1, 0.1, 1.0, 1.0, int64(1)<<30, false)
	f.Fuzz(func(t *testing.T, js string, w0, w1, r0, r1 float64, n int64, inverse bool) {
		n, alloc := fuzzLen(n)
		w, r, out := filled(n, alloc, w0, w1), filled(n, alloc, r0, r1), zeros(n*n, alloc)
		err := newErrBuffer(512)
		e, el := err.args()
		var c callOutcome
		if inverse {
			c = outcome("ns_inverse_fisher_matrix", ns_inverse_fisher_matrix(cString(js), cDoubles(w), cDoubles(r),
				cLongLong(n), cDoubles(out), e, el), err)
		} else {
			c = outcome("ns_fisher_matrix", ns_fisher_matrix(cString(js), cDoubles(w), cDoubles(r), cLongLong(n),
				cDoubles(out), e, el), err)
		}
		c.check(t, false)
		if c.ok() {
			requireFinite(t, c.export, "out", out)
		}
	})
}

func FuzzMonteCarloFisher(f *testing.F) {
	for _, js := range fuzzNeurons {
		f.Add(js, 0.02, 50.0, int64(2), int64(16), int64(1))
	}
	f.Add("{}", 0.02, 50.0, int64(2), int64(0), int64(-5))
	f.Add("{}", 0.02, 5000.0, int64(2), int64(9), int64(7))
	f.Add("{}", math.NaN(), 5.0, int64(1), int64(9), int64(7))
	f.Add("{}", 0.02, 50.0, int64(1), int64(1)<<40, int64(7))
	f.Fuzz(func(t *testing.T, js string, w, r float64, n, samples, seed int64) {
		if samples > 64 && samples <= 1<<34 {
			t.Skip("too many samples for a fuzz iteration")
		}
		n, alloc := fuzzLen(n)
		ws, rs, out := filled(n, alloc, w, -w/2), filled(n, alloc, r, r/3), zeros(n*n, alloc)
		err := newErrBuffer(512)
		e, el := err.args()
		c := outcome("ns_monte_carlo_fisher", ns_monte_carlo_fisher(cString(js), cDoubles(ws), cDoubles(rs), cLongLong(n),
			cLongLong(samples), cLongLong(seed), cDoubles(out), nil, nil, e, el), err)
		c.check(t, false)
		if c.ok() {
			requireFinite(t, c.export, "out", out)
		}
	})
}

func FuzzSampleUSPs(f *testing.F) {
	for _, js := range fuzzNeurons {
		f.Add(js, 10.0, int64(2), int64(3), int64(50), int64(1))
	}
	f.Add("{}", 10.0, int64(2), int64(0), int64(1), int64(0))
	f.Add("{}", -1.0, int64(2), int64(3), int64(50), int64(0))
	f.Add("{}", 2000.0, int64(1), int64(3), int64(50), int64(0))
	f.Add("{}", 10.0, int64(3), int64(-1), int64(0), int64(0))
	f.Add("{}", 10.0, int64(1), int64(1)<<40, int64(1), int64(0))
	f.Fuzz(func(t *testing.T, js string, r float64, n, samples, bins, seed int64) {
		if samples > 0 && bins > 0 && samples <= 1<<34 && bins <= 1<<32 && samples*min(bins, 1<<20) > 20000 {
			t.Skip("too much work for a fuzz iteration")
		}
		n, alloc := fuzzLen(n)
		rs := filled(n, alloc, r, r/2)
		out := zeros(n*max(min(samples, 64), 0), alloc && samples <= 64)
		if samples > 64 { // the export must reject the size before writing
			rs = nil
		}
		err := newErrBuffer(512)
		e, el := err.args()
		c := outcome("ns_sample_usps", ns_sample_usps(cString(js), cDoubles(rs), cLongLong(n), cLongLong(samples),
			cLongLong(bins), cLongLong(seed), cDoubles(out), nil, nil, e, el), err)
		c.check(t, false)
		if c.ok() {
			requireFinite(t, c.export, "out", out)
		}
	})
}

// fuzzConfigs seed the train config JSON arguments.
var fuzzConfigs = []string{
	`{"rule":"natural","eta":0.001,"duration":0.01,"teacher":"realizable","test_samples":2,"test_bins":20}`,
	`{"rule":"euclidean","eta":1e-7,"duration":0.02,"teacher":"poisson","teacher_rate":20,"record_every":0.005,"trace_every":0.0015,"test_samples":3,"test_bins":10}`,
	`{"rule":"approximate","eta":0.001,"duration":0.01,"teacher":"replay","coefficient_refresh":"frozen"}`,
	`{"rule":"natural","eta":1e12,"duration":0.05,"teacher":"realizable","lr_convention":"authors","test_samples":1,"test_bins":1}`,
	`{"rule":"natural","eta":-1,"duration":0.01}`, `{"rule":"newton"}`, `{"duration":1e300}`, `{"seed":-1}`, `{`, ``,
	`{"rule":"natural","eta":0.001,"duration":0.01,"neuron":{"transfer":"rectified_quadratic"},"test_samples":2,"test_bins":5}`,
	`{"rule":"natural","eta":0.001,"duration":0.01,"teacher":"poisson","teacher_rates":[20,30],"neurons":2,"test_samples":2,"test_bins":5}`,
}

// trainWork returns the plan of a run of trials trials (0: ns_train),
// whether planning succeeded, and the cost of the test set in afferent-bins.
func trainWork(cfg string, n int64, trials int) (plan config.Plan, ok bool, testCost int64) {
	tc, err := config.ParseTrain([]byte(cfg))
	if err != nil {
		return plan, false, 0
	}
	testCost = int64(min(max(tc.TestSamples, 0), 1<<20)) * int64(min(max(tc.TestBins, 0), 1<<24)) * max(n, 1)
	plan, err = tc.Plan(int(min(max(n, 0), maxFuzzLen)), trials)
	return plan, err == nil, testCost
}

// trialOutputs are the output buffers announced by a plan, by name.
type trialOutputs map[string][]float64

// newTrialOutputs allocates the outputs of a plan (NULL if !alloc).
func newTrialOutputs(plan config.Plan, ok, alloc bool) (trialOutputs, bufferTable) {
	o, table := trialOutputs{}, bufferTable{}
	if !ok {
		return o, table
	}
	for _, p := range plan.Outputs {
		if p.Origin != learn.FromInput {
			o[p.Name] = zeros(int64(product(p.Shape)), alloc)
			table.add(p.Name, o[p.Name], int64(product(p.Shape)))
		}
	}
	return o, table
}

func (o trialOutputs) requireFinite(t *testing.T, export string) {
	for name, xs := range o {
		requireFinite(t, export, name, xs)
	}
}

// budget decides how a fuzzed trial runs: skipped (its test set alone is
// too costly), cancelled from the start (long: stops at bin 256), or whole.
func budget(t *testing.T, plan config.Plan, ok bool, testCost, n, trials int64) (cancel int32) {
	if testCost > 200_000*max(trials, 1) {
		t.Skip("test set too large for a fuzz iteration")
	}
	if neurons := planNeurons(plan); neurons > 16 {
		t.Skip("layer too large for a fuzz iteration")
	}
	if !ok || int64(plan.Bins)*max(n, 1)*max(trials, 1) > 100_000 {
		return 1
	}
	return 0
}

// planNeurons returns the number of neurons of a planned layer (1 for a
// single neuron): the leading axis of its final weights after any trial axis.
func planNeurons(plan config.Plan) int {
	for _, o := range plan.Outputs {
		if o.Name == "final_weights" && len(o.Shape) >= 2 {
			return o.Shape[len(o.Shape)-2]
		}
	}
	return 1
}

func FuzzTrain(f *testing.F) {
	for _, cfg := range fuzzConfigs {
		f.Add(cfg, int64(3), 0.01, 10.0, 0.02, 0.5, uint8(0))
	}
	f.Add(fuzzConfigs[2], int64(2), 0.01, 10.0, 0.02, 0.5, uint8(7))
	f.Add(fuzzConfigs[0], int64(2), math.NaN(), 10.0, 0.02, 2.0, uint8(1))
	f.Add(fuzzConfigs[0], int64(2), 0.01, 3000.0, math.Inf(-1), 0.0, uint8(3))
	f.Add(fuzzConfigs[0], int64(-3), 0.01, 10.0, 0.02, 0.5, uint8(0))
	f.Add(fuzzConfigs[0], int64(1)<<45, 0.01, 10.0, 0.02, 0.5, uint8(0))
	f.Add(fuzzConfigs[0], int64(2), 0.01, 10.0, 0.02, 0.5, uint8(8))
	f.Add(fuzzConfigs[0], int64(3), 0.01, 10.0, 0.02, 0.5, uint8(0x30))
	f.Add(fuzzConfigs[1], int64(4), 0.01, 10.0, 0.02, 1.0, uint8(0x10))
	f.Fuzz(func(t *testing.T, cfg string, n int64, w, r, teacher, alpha float64, extras uint8) {
		n, alloc := fuzzLen(n)
		plan, ok, testCost := trainWork(cfg, n, 0)
		cancel := budget(t, plan, ok, testCost, n, 1)
		bins := max(min(int64(plan.Bins), 4096), 0)
		o, table := newTrialOutputs(plan, ok, alloc)
		table.add("rates", filled(n, alloc, r, r/2), n)
		table.add("w0", filled(n, alloc, w, -w), n)
		table.add("teacher_weights", filled(n, alloc, teacher, w), n)
		if extras&1 != 0 { // a replayed teacher train, possibly too short
			spikes := filled(bins-int64(extras>>4), alloc, 0, 1, 0, 0)
			table.add("teacher_spikes", spikes, int64(len(spikes)))
		}
		if extras&2 != 0 {
			table.add("attenuation", filled(n, alloc, alpha), n)
		}
		if extras&4 != 0 { // replayed inputs: bins × n
			inputs := filled(bins*n, alloc, 0, 0, 1, math.Abs(alpha))
			table.add("input_spikes", inputs, int64(len(inputs)))
		}
		if extras&8 != 0 { // a name that is neither an input nor an output
			table.add("gamma_x", filled(n, alloc, 1), n)
		}
		addSparseAndSchedule(&table, extras, n, bins, alloc, alpha, r)
		var progress int64
		err := newErrBuffer(512)
		e, el := err.args()
		b, nb := table.args()
		c := outcome("ns_train", ns_train(cString(cfg), cLongLong(n), b, nb, cFlag(&cancel), cCounter(&progress), e, el), err)
		c.check(t, false)
		if c.ok() {
			o.requireFinite(t, c.export)
		}
		if c.ok() && extras&8 != 0 {
			t.Fatalf("ns_train accepted an unknown buffer name")
		}
	})
}

// addSparseAndSchedule adds, for some values of extras, sparse input
// events (valid or not: alpha may be fractional or out of range) and a
// two-segment rate schedule starting at bin 0 and bins/2 (rates r, r/2 or
// r, 2r; possibly a first row unequal to the rates).
func addSparseAndSchedule(table *bufferTable, extras uint8, n, bins int64, alloc bool, alpha, r float64) {
	if extras&0x14 == 0x10 {
		events := filled(2*min(bins, 64), alloc, 0, 0, 1, math.Abs(alpha), 2, alpha*float64(n))
		table.add("input_events", events, int64(len(events)))
	}
	if extras&0x20 != 0 {
		table.add("schedule_starts", filled(2, alloc, 0, float64(bins/2)), 2)
		table.add("schedule_rates", filled(2*n, alloc, r, r/2, 2*r), 2*n)
	}
}

func FuzzRunTrials(f *testing.F) {
	for _, cfg := range fuzzConfigs {
		f.Add(cfg, int64(2), int64(3), int64(0), int32(2), 0.01, 10.0, 0.02, 0.5, false)
	}
	f.Add(fuzzConfigs[0], int64(2), int64(2), int64(-1), int32(1), 0.01, 10.0, 0.02, 0.5, true)
	f.Add(fuzzConfigs[0], int64(2), int64(-2), int64(5), int32(-4), 0.01, 10.0, 0.02, 0.5, true)
	f.Add(fuzzConfigs[1], int64(2), int64(0), int64(5), int32(0), 0.01, 10.0, 0.02, 0.5, false)
	f.Add(fuzzConfigs[3], int64(2), int64(4), int64(1)<<62, int32(3), 0.01, 10.0, 0.02, 0.5, false)
	f.Fuzz(func(t *testing.T, cfg string, n, trials, first int64, workers int32, w, r, teacher, alpha float64, hasAtt bool) {
		n, alloc := fuzzLen(n)
		if trials > 4 {
			trials = 4 + trials%2 // more trials add no new paths, only time
		}
		allocTrials := alloc && trials >= 0
		tr := max(trials, 0)
		plan, ok, testCost := trainWork(cfg, n, int(max(tr, 1)))
		cancel := budget(t, plan, ok, testCost, n, max(trials, 1))
		o, table := newTrialOutputs(plan, ok && tr > 0, allocTrials)
		table.add("rates", filled(n, alloc, r, r/2), n)
		table.add("w0", filled(tr*n, allocTrials, w, -w, w/3), tr*n)
		table.add("teacher_weights", filled(tr*n, allocTrials, teacher, w), tr*n)
		if hasAtt {
			table.add("attenuation", filled(n, alloc, alpha), n)
		}
		var progress int64
		err := newErrBuffer(512)
		e, el := err.args()
		b, nb := table.args()
		c := outcome("ns_run_trials", ns_run_trials(cString(cfg), cLongLong(n), cLongLong(trials), cLongLong(first),
			cInt(workers%8), b, nb, cFlag(&cancel), cCounter(&progress), e, el), err)
		c.check(t, false)
		if c.ok() {
			o.requireFinite(t, c.export)
			for i, done := range o["completed"] {
				if done != 1 {
					t.Fatalf("ns_run_trials succeeded but completed[%d] = %v", i, done)
				}
			}
		}
	})
}

func FuzzDebugPanic(f *testing.F) {
	for _, k := range []int32{-1, 0, 1, 2, 3, 4, 1 << 30} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, kind int32) {
		err := newErrBuffer(512)
		e, el := err.args()
		c := outcome("ns_debug_panic", ns_debug_panic(cInt(kind), e, el), err)
		c.check(t, true)
		want := map[int32]int{0: StatusInternal, 1: StatusInternal, 2: StatusInternal, 3: StatusNoMemory}[kind]
		if kind < 0 || kind > 3 {
			want = StatusInvalid
		}
		if c.status != want {
			t.Fatalf("ns_debug_panic(%d) = %d (%s), want %d", kind, c.status, c.msg, want)
		}
	})
}

func FuzzDebugSleep(f *testing.F) {
	for _, ms := range []int64{-1, 0, 1, 3, 1 << 40} {
		f.Add(ms, ms == 1<<40)
	}
	f.Fuzz(func(t *testing.T, ms int64, cancelled bool) {
		if ms > 5 && !cancelled {
			t.Skip("sleeps too long")
		}
		var cancel int32
		if cancelled {
			cancel = 1
		}
		var progress int64
		err := newErrBuffer(64)
		e, el := err.args()
		c := outcome("ns_debug_sleep", ns_debug_sleep(cLongLong(ms), cFlag(&cancel), cCounter(&progress), e, el), err)
		c.check(t, false)
		want := StatusOK
		if ms < 0 || ms > math.MaxInt64/int64(1e6) {
			want = StatusInvalid
		} else if cancelled && ms > 0 {
			want = StatusCancelled
		}
		// A flag set before the call cancels it before any timer starts (watchCancel), so no deadline races it.
		if c.status != want {
			t.Fatalf("ns_debug_sleep(%d, cancelled=%v) = %d (%s), want %d", ms, cancelled, c.status, c.msg, want)
		}
	})
}

func FuzzDebugArmFault(f *testing.F) {
	for _, s := range append(slices.Clone(Exports), "", "worker", "ns_nothing", "ns_train\x00x", "NS_TRAIN") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, target string) {
		defer armFault("")
		err := newErrBuffer(1024)
		e, el := err.args()
		c := outcome("ns_debug_arm_fault", ns_debug_arm_fault(cString(target), e, el), err)
		c.check(t, false)
		visible, _, _ := strings.Cut(target, "\x00") // what C sees
		known := visible == "" || visible == WorkerFault || slices.Contains(Exports, visible)
		if c.ok() != known {
			t.Fatalf("ns_debug_arm_fault(%q) = %d (%s)", target, c.status, c.msg)
		}
		if known && visible == "ns_debug_goroutines" { // the armed fault fires once, then calls work again
			out := make([]int64, 1)
			first := outcome("ns_debug_goroutines", ns_debug_goroutines(cLongLongs(out), e, el), err)
			second := outcome("ns_debug_goroutines", ns_debug_goroutines(cLongLongs(out), e, el), err)
			if first.status != StatusInternal || second.status != StatusOK || out[0] < 0 {
				t.Fatalf("armed fault: %+v then %+v", first, second)
			}
		}
	})
}

func FuzzDebugGoroutines(f *testing.F) {
	f.Add(true)
	f.Add(false)
	f.Fuzz(func(t *testing.T, null bool) {
		out := make([]int64, 1)
		if null {
			out = nil
		}
		err := newErrBuffer(64)
		e, el := err.args()
		c := outcome("ns_debug_goroutines", ns_debug_goroutines(cLongLongs(out), e, el), err)
		c.check(t, false)
		if c.ok() == null || (!null && out[0] < 0) { // the test goroutines above this one run natspike code too
			t.Fatalf("ns_debug_goroutines(null=%v) = %+v, %v", null, c, out)
		}
	})
}

// TestExportsListMatchesHeader keeps fault.go's Exports complete: the fault
// tests iterate over it.
func TestExportsListMatchesHeader(t *testing.T) {
	b, err := os.ReadFile("natspike.h")
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	for _, m := range protoRE.FindAllStringSubmatch(string(b), -1) {
		declared = append(declared, m[1])
	}
	if !slices.Equal(declared, Exports) {
		t.Errorf("natspike.h declares %v, fault.go lists %v", declared, Exports)
	}
}

// TestEveryExportRecoversAnInjectedFault arms a fault for each export, then
// calls it twice: the first call reports an internal fault, the second works.
func TestEveryExportRecoversAnInjectedFault(t *testing.T) {
	for _, name := range Exports {
		if err := armFault(name); err != nil {
			t.Fatal(err)
		}
		first, second := callValid(t, name), callValid(t, name)
		if first.status != StatusInternal || !strings.Contains(first.msg, "fault injected into "+name) {
			t.Errorf("%s with an armed fault: %+v", name, first)
		}
		if want := map[bool]int{true: StatusInvalid}[name == "ns_debug_panic"]; second.status != want {
			t.Errorf("%s after the fault: %+v", name, second)
		}
	}
	for _, name := range []string{"ns_coefficients", "ns_sample_usps", "ns_monte_carlo_fisher", "ns_run_trials"} {
		if err := armFault(WorkerFault); err != nil {
			t.Fatal(err)
		}
		if c := callValid(t, name); c.status != StatusInternal || !strings.Contains(c.msg, "worker goroutine") {
			t.Errorf("%s with a worker fault: %+v", name, c)
		}
		if faultsArmed.Load() {
			t.Errorf("%s did not consume the worker fault", name)
		}
	}
}

// callValid calls an export with small valid arguments.
func callValid(t *testing.T, name string) callOutcome {
	err := newErrBuffer(1024)
	e, el := err.args()
	neuron, w, r := cString("{}"), []float64{0.02, -0.01}, []float64{10, 50}
	cfgJSON := `{"rule":"natural","eta":0.001,"duration":0.01,"teacher":"realizable","test_samples":2,"test_bins":10}`
	cfg := cString(cfgJSON)
	out := make([]float64, 4*11)
	var status int
	switch name {
	case "ns_version":
		buf := newErrBuffer(64)
		p, n := buf.args()
		if s := int(ns_version(p, n)); s != StatusOK {
			return callOutcome{name, s, buf.String()}
		}
		return callOutcome{name, StatusOK, ""}
	case "ns_coefficients":
		mu, v, q := []float64{0, 1, 2, 3}, []float64{4, 4, 4, 4}, []float64{78, 78, 78, 78}
		status = int(ns_coefficients(neuron, cDoubles(mu), cDoubles(v), cDoubles(q), cLongLong(4), cDouble(1e-9), cDoubles(out), nil, nil, e, el))
	case "ns_fisher_matrix":
		status = int(ns_fisher_matrix(neuron, cDoubles(w), cDoubles(r), cLongLong(2), cDoubles(out), e, el))
	case "ns_inverse_fisher_matrix":
		status = int(ns_inverse_fisher_matrix(neuron, cDoubles(w), cDoubles(r), cLongLong(2), cDoubles(out), e, el))
	case "ns_monte_carlo_fisher":
		status = int(ns_monte_carlo_fisher(neuron, cDoubles(w), cDoubles(r), cLongLong(2), cLongLong(16), cLongLong(1), cDoubles(out), nil, nil, e, el))
	case "ns_sample_usps":
		status = int(ns_sample_usps(neuron, cDoubles(r), cLongLong(2), cLongLong(3), cLongLong(20), cLongLong(1), cDoubles(out), nil, nil, e, el))
	case "ns_transfer":
		status = int(ns_transfer(neuron, cString("phi"), cDoubles(w), cLongLong(2), cDoubles(out), e, el))
	case "ns_usp_traces":
		status = int(ns_usp_traces(neuron, cDoubles([]float64{1, 0, 0, 1}), cLongLong(2), cLongLong(2), cDoubles(out), e, el))
	case "ns_update_directions":
		status = int(ns_update_directions(neuron, cString(`{"rule":"natural"}`), cDoubles(w), cDoubles(r), cLongLong(2),
			cDoubles([]float64{1, 2, 3, 4}), cLongLong(2), cDoubles(out), cDoubles(make([]float64, 10)), e, el))
	case "ns_voltage_statistics":
		status = int(ns_voltage_statistics(neuron, cDoubles(w), cDoubles(r), cLongLong(1), cLongLong(2), cDoubles(out), e, el))
	case "ns_run_configurations":
		// no output buffers (private memory): one configuration, two trials
		table := bufferTable{}
		table.add("rates", r, 2)
		w2 := append(slices.Clone(w), w...)
		table.add("w0", w2, 4)
		table.add("teacher_weights", w2, 4)
		b, nb := table.args()
		status = int(ns_run_configurations(cString("["+cfgJSON+"]"), cLongLong(2), cLongLong(2), cLongLong(0), cInt(2), b, nb, nil, nil, e, el))
	case "ns_train", "ns_run_trials":
		trials := map[string]int{"ns_train": 0, "ns_run_trials": 2}[name]
		plan, ok, _ := trainWork(cfgJSON, 2, trials)
		if !ok {
			t.Fatalf("plan of %s failed", cfgJSON)
		}
		_, table := newTrialOutputs(plan, true, true)
		table.add("rates", r, 2)
		w2 := append(slices.Clone(w), w...)
		if name == "ns_train" {
			table.add("w0", w, 2)
			table.add("teacher_weights", w, 2)
			b, nb := table.args()
			status = int(ns_train(cfg, cLongLong(2), b, nb, nil, nil, e, el))
		} else {
			table.add("w0", w2, 4)
			table.add("teacher_weights", w2, 4)
			b, nb := table.args()
			status = int(ns_run_trials(cfg, cLongLong(2), cLongLong(2), cLongLong(0), cInt(2), b, nb, nil, nil, e, el))
		}
	case "ns_debug_panic":
		status = int(ns_debug_panic(cInt(-1), e, el)) // an invalid kind: NS_INVALID unless a fault fires
	case "ns_debug_sleep":
		status = int(ns_debug_sleep(cLongLong(1), nil, nil, e, el))
	case "ns_debug_arm_fault":
		status = int(ns_debug_arm_fault(cString(""), e, el))
	case "ns_debug_goroutines":
		status = int(ns_debug_goroutines(cLongLongs(make([]int64, 1)), e, el))
	default:
		t.Fatalf("no valid call for %s", name)
	}
	return callOutcome{name, int(status), err.String()}
}
