package capi

/*
#include <stdint.h>

typedef struct {
	const char *name;
	double *data;
	long long len;
} ns_buffer;
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"math"
	"unsafe"

	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/core/sweep"
	"github.com/natspike/natspike/internal/config"
)

// namedBuffers are the caller's arrays of one call, by name: the inputs of
// inputLengths and the outputs of the run's plan (config.Plan).
type namedBuffers map[string][]float64

// bind reads the caller's table of {name, data, len}; a name may appear once.
func bind(table *C.ns_buffer, count C.int) (namedBuffers, error) {
	if count < 0 || count > 1024 || (count > 0 && table == nil) {
		return nil, fmt.Errorf("buffers: a table of %d entries at %p is invalid", int(count), table)
	}
	b := namedBuffers{}
	for _, e := range unsafe.Slice(table, int(count)) {
		if e.name == nil {
			return nil, errors.New("buffers: an entry has a NULL name")
		}
		name := C.GoString(e.name)
		if _, dup := b[name]; dup {
			return nil, fmt.Errorf("buffers: %q is given twice", name)
		}
		if err := checkLen(name+" length", int64(e.len)); err != nil {
			return nil, err
		}
		if e.data == nil && e.len > 0 {
			return nil, fmt.Errorf("%s is a NULL pointer", name)
		}
		b[name] = doubles(e.data, int(e.len))
		if b[name] == nil {
			b[name] = []float64{}
		}
	}
	return b, nil
}

// inputLengths gives each input buffer's required length for n afferents,
// m neurons of a layer (0: a single neuron) and trials trials (0: one trial
// of ns_train), or -1 when any length is accepted (and checked by the core:
// spike trains of at least so many bins).
func inputLengths(n, m, trials int) map[string]int {
	perTrial := n * max(m, 1) * max(trials, 1)
	return map[string]int{"rates": n, "attenuation": n, "w0": perTrial, "teacher_weights": perTrial,
		"teacher_spikes": -1, "input_spikes": -1, "input_events": -1, "schedule_starts": -1, "schedule_rates": -1,
		"resume_state": learn.StateWords(n) * max(m, 1) * max(trials, 1)}
}

// match checks every buffer against the inputs and the plan's outputs and
// returns the arrays of the trial inputs.
func (b namedBuffers) match(plan config.Plan, n, m, trials int) (config.Arrays, error) {
	want := inputLengths(n, m, trials)
	for _, o := range plan.Outputs {
		if o.Origin != learn.FromInput {
			want[o.Name] = product(o.Shape)
		}
	}
	if err := learn.CheckStateFormat(b["resume_state"]); err != nil {
		return config.Arrays{}, err // a state of an earlier format has another length: say so, not that
	}
	for name, xs := range b {
		size, ok := want[name]
		switch {
		case !ok:
			return config.Arrays{}, fmt.Errorf("buffers: %q is neither an input nor an output of this run", name)
		case size >= 0 && len(xs) != size:
			return config.Arrays{}, fmt.Errorf("buffers: %s must have %d entries, got %d", name, size, len(xs))
		}
	}
	if trials > 0 && (b["teacher_spikes"] != nil || b["input_spikes"] != nil) {
		return config.Arrays{}, errors.New("buffers: teacher_spikes and input_spikes cannot be shared by independent trials; " +
			"use ns_train (input_events can)")
	}
	if in := b["input_spikes"]; in != nil && (n == 0 || len(in)%n != 0) {
		return config.Arrays{}, fmt.Errorf("buffers: input_spikes must hold bins x %d afferents, got %d entries", n, len(in))
	}
	if b["rates"] == nil || b["w0"] == nil {
		return config.Arrays{}, errors.New("buffers: rates and w0 are required")
	}
	return config.Arrays{Rates: b["rates"], W0: b["w0"], TeacherWeights: b["teacher_weights"],
		TeacherSpikes: b["teacher_spikes"], InputSpikes: b["input_spikes"], Attenuation: b["attenuation"],
		InputEvents: b["input_events"], ScheduleStarts: b["schedule_starts"], ScheduleRates: b["schedule_rates"],
		ResumeState: b["resume_state"]}, nil
}

func product(shape []int) int {
	p := 1
	for _, s := range shape {
		p *= s
	}
	return p
}

// result views the caller's output buffers for trial slot i of a stack of
// trials (or the single trial of ns_train, i = 0); outputs the caller did
// not pass get private memory, so that Run never writes through NULL.
func (b namedBuffers) result(lc learn.Config, i int) learn.Result {
	var res learn.Result
	for _, o := range lc.Present() {
		size := o.Size(lc)
		dst := b[o.Name]
		switch {
		case dst == nil:
			dst = make([]float64, size)
		case o.Shared && i > 0:
			// Slot 0 writes the shared record times; the others write
			// private copies, so no two goroutines share memory.
			dst = make([]float64, size)
		case !o.Shared:
			dst = dst[i*size : (i+1)*size]
		}
		*o.Slot(&res) = dst
	}
	return res
}

// planned returns the configuration and its plan for n afferents
// (PlanTrain: the plan call's parse, when Python planned it just before).
func planned(configJSON *C.char, n int64, trials int) (config.TrainConfig, config.Plan, error) {
	if err := checkLen("n", n); err != nil {
		return config.TrainConfig{}, config.Plan{}, err
	}
	if configJSON == nil {
		return config.TrainConfig{}, config.Plan{}, errors.New("train config JSON is NULL")
	}
	return PlanTrain(C.GoString(configJSON), int(n), trials)
}

//export ns_train
func ns_train(configJSON *C.char, n C.longlong, buffers *C.ns_buffer, nbuffers C.int,
	cancel *C.int32_t, progress *C.int64_t, err *C.char, errlen C.int) C.int {
	return guard(err, errlen, func() error {
		c, plan, e := planned(configJSON, int64(n), 0)
		if e != nil {
			return e
		}
		b, e := bind(buffers, nbuffers)
		if e != nil {
			return e
		}
		a, e := b.match(plan, int(n), c.Neurons, 0)
		if e != nil {
			return e
		}
		lc, e := c.Learn(a, 0)
		if e != nil {
			return e
		}
		if e := trialMemory(lc, b, 1); e != nil {
			return e
		}
		res := b.result(lc, 0)
		ctx, stop := watchCancel((*int32)(unsafe.Pointer(cancel)))
		defer stop()
		lc.Progress = binProgress(progress)
		return checkTrial(learn.Run(ctx, lc, &res), lc, &res)
	})
}

func binProgress(p *C.int64_t) func(int) {
	pr := Progress{(*int64)(unsafe.Pointer(p))}
	return func(k int) { pr.Add(int64(k)) }
}

//export ns_run_trials
func ns_run_trials(configJSON *C.char, n, trials, firstTrial C.longlong, workers C.int,
	buffers *C.ns_buffer, nbuffers C.int, cancel *C.int32_t, progress *C.int64_t, err *C.char, errlen C.int) C.int {
	return guard(err, errlen, func() error {
		if e := checkTrials(n, trials, firstTrial); e != nil {
			return e
		}
		c, plan, e := planned(configJSON, int64(n), max(int(trials), 1))
		if e != nil {
			return e
		}
		if c.Teacher == config.TeacherReplay {
			return errors.New("teacher: a replayed spike train cannot be shared by independent trials; use train()")
		}
		b, e := bind(buffers, nbuffers)
		if e != nil {
			return e
		}
		if trials == 0 {
			return nil
		}
		a, e := b.match(plan, int(n), c.Neurons, int(trials))
		if e != nil {
			return e
		}
		job := trialsJob{cfg: c, n: int(n), trials: int(trials), first: int(firstTrial), arrays: a, out: b,
			completed: b["completed"]}
		ctx, stop := watchCancel((*int32)(unsafe.Pointer(cancel)))
		defer stop()
		return job.run(ctx, int(workers), binProgress(progress))
	})
}

// ns_run_configurations runs trials of several configurations that share
// their inputs and teacher (learn.RunShared; natspike.h).
//
//export ns_run_configurations
func ns_run_configurations(configsJSON *C.char, n, trials, firstTrial C.longlong, workers C.int,
	buffers *C.ns_buffer, nbuffers C.int, cancel *C.int32_t, progress *C.int64_t, err *C.char, errlen C.int) C.int {
	return guard(err, errlen, func() error {
		if e := checkTrials(n, trials, firstTrial); e != nil {
			return e
		}
		cfgs, plan, e := plannedConfigurations(configsJSON, int64(n), max(int(trials), 1))
		if e != nil {
			return e
		}
		b, e := bind(buffers, nbuffers)
		if e != nil {
			return e
		}
		if trials == 0 {
			return nil
		}
		job, e := newConfigurationsJob(cfgs, plan, b, int(n), int(trials), int(firstTrial))
		if e != nil {
			return e
		}
		ctx, stop := watchCancel((*int32)(unsafe.Pointer(cancel)))
		defer stop()
		return job.run(ctx, int(workers), binProgress(progress))
	})
}

// checkTrials validates the number of trials and the first trial's index.
func checkTrials(n, trials, firstTrial C.longlong) error {
	if trials < 0 || firstTrial < 0 || firstTrial > maxLen {
		return fmt.Errorf("n_trials and the first trial index must be in [0, 2^40], got %d and %d", trials, firstTrial)
	}
	return checkProduct("n_trials x n", int64(trials), int64(n))
}

// checkTrial passes err through and otherwise reports the first recorded
// value that is NaN or ±Inf as a divergence, naming the time and the
// quantity: learn.Run checks weights and potential, but a metric can still
// overflow (e.g. D_KL once the student's spike probability φ·dt exceeds 1).
func checkTrial(err error, lc learn.Config, res *learn.Result) error {
	if err != nil {
		return err
	}
	for _, o := range lc.Present() {
		xs := *o.Slot(res)
		if len(o.Dims) == 0 || o.Dims[0] != learn.DimRecords {
			if e := checkResult(nil, o.Name, xs); e != nil {
				return fmt.Errorf("%w: %w", learn.ErrDiverged, e)
			}
			continue
		}
		rows := max(lc.Neurons, 1) // a layer's outputs: one row of records per neuron
		perRow := len(xs) / rows
		stride := max(perRow/max(len(res.Times), 1), 1)
		for i, x := range xs {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				j := min(i%perRow/stride, len(res.Times)-1)
				return fmt.Errorf("%w at t = %.6g s (record %d)%s: %s is %v (for kl or rate_error: the student's "+
					"spike probability phi*dt left [0, 1] on the test set)", learn.ErrDiverged, res.Times[j], j,
					ofNeuron(lc, i/perRow), o.Name, x)
			}
		}
	}
	return nil
}

// ofNeuron names neuron j of a layer in an error (nothing for a single neuron).
func ofNeuron(lc learn.Config, j int) string {
	if lc.Neurons == 0 {
		return ""
	}
	return fmt.Sprintf(" of neuron %d", j)
}

// trialsJob runs trials first … first+trials−1 that share one configuration
// and differ in initial and target weights and in their random streams.
type trialsJob struct {
	cfg              config.TrainConfig
	n, trials, first int
	arrays           config.Arrays // W0 and TeacherWeights: trials × n
	out              namedBuffers
	completed        []float64
}

// run steps batches of batchSize consecutive trials in lockstep on the
// workers (learn.RunBatch); a failing trial is named by its own index.
func (j trialsJob) run(ctx context.Context, workers int, progress func(int)) error {
	lc, err := j.config(0) // validate and size once before spawning
	if err != nil {
		return err
	}
	g := batchSize(workers, j.trials)
	if err := trialMemory(lc, j.out, runningBatches(workers, j.trials, g)); err != nil {
		return err
	}
	span := func(b int) (lo, hi int) { return j.first + b*g, j.first + min((b+1)*g, j.trials) }
	err = sweep.Run(ctx, 0, (j.trials+g-1)/g, workers, func(ctx context.Context, b int) error {
		lo, hi := span(b)
		err := safeTrial(func(ctx context.Context, _ int) error { return j.runBatch(ctx, lo, hi, progress) })(ctx, b)
		var named *trialsError
		if err == nil || err == ctx.Err() || errors.As(err, &named) {
			return err
		}
		return &trialsError{lo, hi, err} // a panic: the batch's trials
	}, func(b int) {
		for lo, hi := span(b); j.completed != nil && lo < hi; lo++ {
			j.completed[lo-j.first] = 1
		}
	})
	// sweep.Run names a failure by its batch; trialsError names the trials.
	var named *trialsError
	if ctx.Err() == nil && errors.As(err, &named) {
		return named
	}
	return err
}

// runBatch runs trials lo … hi−1 (learn.RunBatch) and checks each one's
// recorded values (checkTrial); an error names the lowest failing trial.
func (j trialsJob) runBatch(ctx context.Context, lo, hi int, progress func(int)) error {
	lcs, res := make([]learn.Config, hi-lo), make([]learn.Result, hi-lo)
	ptrs := make([]*learn.Result, hi-lo)
	for k := range lcs {
		lc, err := j.config(lo + k - j.first)
		if err != nil {
			return &trialsError{lo + k, lo + k + 1, err}
		}
		lc.Trial, lc.Progress = uint64(lo+k), progress
		lcs[k], res[k] = lc, j.out.result(lc, lo+k-j.first)
		ptrs[k] = &res[k]
	}
	err := learn.RunBatch(ctx, lcs, ptrs)
	var failed *learn.TrialError
	ran := len(lcs) // the trials that ran to their end: those before the lowest failing one
	if errors.As(err, &failed) {
		ran = failed.Index
	} else if err != nil {
		return err
	}
	for k := range ran {
		if err := checkTrial(nil, lcs[k], &res[k]); err != nil {
			return &trialsError{lo + k, lo + k + 1, err}
		}
	}
	if failed != nil {
		return &trialsError{lo + failed.Index, lo + failed.Index + 1, failed.Err}
	}
	return nil
}

// trialsError is the error of trials lo … hi−1 of run_trials (one trial, or
// the batch that panicked).
type trialsError struct {
	lo, hi int
	err    error
}

func (e *trialsError) Error() string {
	if e.hi == e.lo+1 {
		return fmt.Sprintf("trial %d: %v", e.lo, e.err)
	}
	return fmt.Sprintf("trials %d to %d: %v", e.lo, e.hi-1, e.err)
}

func (e *trialsError) Unwrap() error { return e.err }

func (j trialsJob) config(slotIdx int) (learn.Config, error) {
	a, size := j.arrays, j.n*max(j.cfg.Neurons, 1) // the initial and target weights of one trial
	a.W0 = a.W0[slotIdx*size : (slotIdx+1)*size]
	if a.TeacherWeights != nil {
		a.TeacherWeights = a.TeacherWeights[slotIdx*size : (slotIdx+1)*size]
	}
	if a.ResumeState != nil {
		w := learn.StateWords(j.n) * max(j.cfg.Neurons, 1) // one state per neuron of a layer
		a.ResumeState = a.ResumeState[slotIdx*w : (slotIdx+1)*w]
	}
	return j.cfg.Learn(a, uint64(j.first+slotIdx))
}
