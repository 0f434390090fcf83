package capi

/*
#include <stdint.h>
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

//export ns_train_plan
func ns_train_plan(configJSON *C.char, out *C.longlong, err *C.char, errlen C.int) C.int {
	return guard(err, errlen, func() error {
		c, e := parseTrain(configJSON)
		if e != nil {
			return e
		}
		lc := learn.Config{Duration: c.Duration, RecordEvery: c.RecordEvery, TraceEvery: c.TraceEvery}
		lc.Kernel.Dt = c.Neuron.Dt
		if e := c.Neuron.Validate(); e != nil {
			return e
		}
		if !(c.Duration >= c.Neuron.Dt) || c.Duration > float64(int64(1)<<40)*c.Neuron.Dt {
			return fmt.Errorf("duration must be >= dt = %v s and at most 2^40 bins, got %v", c.Neuron.Dt, c.Duration)
		}
		plan := unsafe.Slice((*int64)(unsafe.Pointer(out)), 3)
		plan[0], plan[1], plan[2] = int64(lc.Bins()), int64(lc.Records()), int64(lc.Traces())
		return nil
	})
}

// trialBuffers are the caller-owned outputs of one trial.
type trialBuffers struct {
	times, weights, kl, rateError, distance, final, voltage, rate *C.double
}

//export ns_train
func ns_train(configJSON *C.char, n C.longlong, rates, w0, teacherWeights, teacherSpikes, inputSpikes, attenuation *C.double,
	teacherBins, inputBins C.longlong,
	times, weights, kl, rateError, distance, final, voltage, rate *C.double,
	cancel *C.int32_t, progress *C.int64_t, err *C.char, errlen C.int) C.int {
	return guard(err, errlen, func() error {
		c, e := parseTrain(configJSON)
		if e != nil {
			return e
		}
		m := int(n)
		if e := checkLen("n", int64(n)); e != nil {
			return e
		}
		if e := checkLen("teacherBins", int64(teacherBins)); e != nil {
			return e
		}
		if e := checkProduct("inputBins x n", int64(inputBins), int64(n)); e != nil {
			return e
		}
		a := config.Arrays{Rates: doubles(rates, m), W0: doubles(w0, m), TeacherWeights: doubles(teacherWeights, m),
			TeacherSpikes: doubles(teacherSpikes, int(teacherBins)), InputSpikes: doubles(inputSpikes, int(inputBins)*m),
			Attenuation: doubles(attenuation, m)}
		lc, e := c.Learn(a, 0)
		if e != nil {
			return e
		}
		res := trialBuffers{times, weights, kl, rateError, distance, final, voltage, rate}.result(lc, 0)
		ctx, stop := watchCancel((*int32)(unsafe.Pointer(cancel)))
		defer stop()
		lc.Progress = binProgress(progress)
		return checkTrial(learn.Run(ctx, lc, &res), &res)
	})
}

// result views the caller's buffers for trial slot i of a stack of trials.
func (b trialBuffers) result(lc learn.Config, i int) learn.Result {
	n, rec, tr := len(lc.Rates), lc.Records(), lc.Traces()
	// Record times are the same for every trial: slot 0 writes them, the
	// others write private copies, so no two goroutines share memory.
	times := make([]float64, rec)
	if i == 0 && b.times != nil {
		times = doubles(b.times, rec)
	}
	res := learn.Result{Times: times, Weights: slot(b.weights, i, rec*n), Final: slot(b.final, i, n)}
	if lc.HasObjective() {
		res.KL, res.RateError = slot(b.kl, i, rec), slot(b.rateError, i, rec)
	}
	if lc.HasTarget() {
		res.WeightDistance = slot(b.distance, i, rec)
	}
	if tr > 0 {
		res.Voltage, res.Rate = slot(b.voltage, i, tr), slot(b.rate, i, tr)
	}
	return res
}

// slot returns entries [i·size, (i+1)·size) of a caller buffer, or a fresh
// slice when the caller passed NULL (so that Run never writes through NULL).
func slot(p *C.double, i, size int) []float64 {
	if p == nil {
		return make([]float64, size)
	}
	return doubles(p, (i+1)*size)[i*size:]
}

func binProgress(p *C.int64_t) func(int) {
	pr := Progress{(*int64)(unsafe.Pointer(p))}
	return func(k int) { pr.Add(int64(k)) }
}

//export ns_run_trials
func ns_run_trials(configJSON *C.char, n, trials, firstTrial C.longlong, workers C.int,
	rates, w0, teacherWeights, attenuation *C.double,
	times, weights, kl, rateError, distance, final, completed *C.double,
	cancel *C.int32_t, progress *C.int64_t, err *C.char, errlen C.int) C.int {
	return guard(err, errlen, func() error {
		c, e := parseTrain(configJSON)
		if e != nil {
			return e
		}
		if e := checkLen("n", int64(n)); e != nil {
			return e
		}
		if trials < 0 || firstTrial < 0 || firstTrial > maxLen {
			return fmt.Errorf("n_trials and the first trial index must be in [0, 2^40], got %d and %d", trials, firstTrial)
		}
		if e := checkProduct("n_trials x n", int64(trials), int64(n)); e != nil {
			return e
		}
		if e := checkBuffers(int(trials*n), buffer{"rates", rates}, buffer{"w0", w0}); e != nil {
			return e
		}
		if c.Teacher == config.TeacherReplay {
			return errors.New("teacher: a replayed spike train cannot be shared by independent trials; use train()")
		}
		job := trialsJob{cfg: c, n: int(n), trials: int(trials), first: int(firstTrial),
			rates: doubles(rates, int(n)), attenuation: doubles(attenuation, int(n)),
			w0: doubles(w0, int(trials*n)), teacher: doubles(teacherWeights, int(trials*n)),
			out:       trialBuffers{times: times, weights: weights, kl: kl, rateError: rateError, distance: distance, final: final},
			completed: doubles(completed, int(trials))}
		ctx, stop := watchCancel((*int32)(unsafe.Pointer(cancel)))
		defer stop()
		return job.run(ctx, int(workers), binProgress(progress))
	})
}

// checkTrial passes err through and otherwise reports the first recorded
// value that is NaN or ±Inf as a divergence, naming the time and the
// quantity: learn.Run checks weights and potential, but a metric can still
// overflow (e.g. D_KL once the student's spike probability φ·dt exceeds 1).
func checkTrial(err error, res *learn.Result) error {
	if err != nil {
		return err
	}
	perRecord := []struct {
		name string
		xs   []float64
	}{{"weights", res.Weights}, {"kl", res.KL}, {"rate_error", res.RateError}, {"weight_distance", res.WeightDistance}}
	for _, q := range perRecord {
		stride := max(len(q.xs)/max(len(res.Times), 1), 1)
		for i, x := range q.xs {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				j := min(i/stride, len(res.Times)-1)
				return fmt.Errorf("%w at t = %.6g s (record %d): %s is %v (for kl or rate_error: the student's "+
					"spike probability phi*dt left [0, 1) on the test set)", learn.ErrDiverged, res.Times[j], j, q.name, x)
			}
		}
	}
	for _, e := range []error{checkResult(nil, "voltage", res.Voltage), checkResult(nil, "rate", res.Rate)} {
		if e != nil {
			return fmt.Errorf("%w: %w", learn.ErrDiverged, e)
		}
	}
	return nil
}

// trialsJob runs trials first … first+trials−1 that share one configuration
// and differ in initial and target weights and in their random streams.
type trialsJob struct {
	cfg                    config.TrainConfig
	n, trials, first       int
	rates, attenuation     []float64
	w0, teacher, completed []float64
	out                    trialBuffers
}

func (j trialsJob) run(ctx context.Context, workers int, progress func(int)) error {
	if j.trials == 0 {
		return nil
	}
	if _, err := j.config(0); err != nil { // validate once before spawning
		return err
	}
	return sweep.Run(ctx, j.first, j.trials, workers, safeTrial(func(ctx context.Context, i int) error {
		slotIdx := i - j.first
		lc, err := j.config(slotIdx)
		if err != nil {
			return err
		}
		lc.Trial, lc.Progress = uint64(i), progress
		res := j.out.result(lc, slotIdx)
		return checkTrial(learn.Run(ctx, lc, &res), &res)
	}), func(i int) {
		if j.completed != nil {
			j.completed[i-j.first] = 1
		}
	})
}

func (j trialsJob) config(slotIdx int) (learn.Config, error) {
	a := config.Arrays{Rates: j.rates, Attenuation: j.attenuation,
		W0: j.w0[slotIdx*j.n : (slotIdx+1)*j.n]}
	if j.teacher != nil {
		a.TeacherWeights = j.teacher[slotIdx*j.n : (slotIdx+1)*j.n]
	}
	return j.cfg.Learn(a, uint64(j.first+slotIdx))
}

func parseTrain(js *C.char) (config.TrainConfig, error) {
	if js == nil {
		return config.TrainConfig{}, errors.New("train config JSON is NULL")
	}
	return config.ParseTrain([]byte(C.GoString(js)))
}
