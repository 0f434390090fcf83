package capi

import "C"

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"

	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/core/sweep"
	"github.com/natspike/natspike/internal/config"
)

// plannedConfigurations parses the JSON array of configurations, checks
// that they may share their trials (config.CheckShared) and have one plan,
// and returns that plan.
func plannedConfigurations(js *C.char, n int64, trials int) ([]config.TrainConfig, config.Plan, error) {
	if err := checkLen("n", n); err != nil {
		return nil, config.Plan{}, err
	}
	if js == nil {
		return nil, config.Plan{}, errors.New("configurations JSON is NULL")
	}
	cfgs, err := parseConfigurations([]byte(C.GoString(js)))
	if err != nil {
		return nil, config.Plan{}, err
	}
	var plan config.Plan
	for j, c := range cfgs {
		p, err := c.Plan(int(n), trials)
		if err != nil {
			return nil, config.Plan{}, fmt.Errorf("configuration %d: %w", j, err)
		}
		if j == 0 {
			plan = p
		} else if !reflect.DeepEqual(p, plan) {
			return nil, config.Plan{}, fmt.Errorf("configurations: configuration %d records other outputs than configuration 0", j)
		}
	}
	if err := config.CheckShared(cfgs); err != nil {
		return nil, config.Plan{}, err
	}
	if cfgs[0].Teacher == config.TeacherReplay {
		return nil, config.Plan{}, errors.New("teacher: a replayed spike train cannot be shared by independent trials; use train()")
	}
	return cfgs, plan, nil
}

// parseConfigurations decodes a JSON array of train configurations, each
// over config.DefaultTrain and strictly (config.ParseTrain), in one pass
// over the text. A text that does not decode so is read again by
// explainConfigurations, for the error of its first fault.
func parseConfigurations(data []byte) ([]config.TrainConfig, error) {
	if cfgs, ok := decodeConfigurations(data); ok {
		return cfgs, nil
	}
	return explainConfigurations(data)
}

// decodeConfigurations is the one pass: ok is false for any fault.
func decodeConfigurations(data []byte) (cfgs []config.TrainConfig, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return nil, false
	}
	cfgs = []config.TrainConfig{} // [] is no configuration, not null
	for dec.More() {
		c := config.DefaultTrain()
		if dec.Decode(&c) != nil {
			return nil, false
		}
		cfgs = append(cfgs, c)
	}
	if t, err := dec.Token(); err != nil || t != json.Delim(']') {
		return nil, false
	}
	_, err := dec.Token()
	return cfgs, err == io.EOF // nothing after the array
}

// explainConfigurations reads the array, then each configuration, and
// returns the error of the first that is wrong (or the configurations,
// were none).
func explainConfigurations(data []byte) ([]config.TrainConfig, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("configurations: a JSON array of train configurations is required: %w", err)
	}
	cfgs := make([]config.TrainConfig, len(raw))
	for j, r := range raw {
		c, err := config.ParseTrain(r)
		if err != nil {
			return nil, fmt.Errorf("configuration %d: %w", j, err)
		}
		cfgs[j] = c
	}
	return cfgs, nil
}

// configurationsJob runs trials first … first+trials−1 of every
// configuration, the configurations of a trial together (learn.RunShared).
type configurationsJob struct {
	jobs []trialsJob // one per configuration: its outputs, the inputs shared
}

// newConfigurationsJob splits every output buffer, which holds a leading
// configuration axis, into the configurations' own and matches them.
func newConfigurationsJob(cfgs []config.TrainConfig, plan config.Plan, b namedBuffers, n, trials, first int) (configurationsJob, error) {
	k := len(cfgs)
	var job configurationsJob
	for j, c := range cfgs {
		own := namedBuffers{}
		for name, xs := range b {
			own[name] = xs
		}
		for _, o := range plan.Outputs {
			xs, size := b[o.Name], product(o.Shape)
			if o.Origin == learn.FromInput || xs == nil {
				continue
			}
			if len(xs) != k*size {
				return job, fmt.Errorf("buffers: %s must have %d entries (%d configurations x %d), got %d", o.Name, k*size, k, size, len(xs))
			}
			own[o.Name] = xs[j*size : (j+1)*size]
		}
		a, err := own.match(plan, n, c.Neurons, trials)
		if err != nil {
			return job, err
		}
		if a.ResumeState != nil {
			return job, errors.New("resume_state: configurations sharing trials cannot be continued; resume each configuration alone")
		}
		job.jobs = append(job.jobs, trialsJob{cfg: c, n: n, trials: trials, first: first, arrays: a, out: own, completed: own["completed"]})
	}
	return job, nil
}

func (job configurationsJob) run(ctx context.Context, workers int, progress func(int)) error {
	lcs := make([]learn.Config, len(job.jobs))
	for j, tj := range job.jobs {
		var err error
		if lcs[j], err = tj.config(0); err != nil {
			return fmt.Errorf("configuration %d: %w", j, err)
		}
	}
	j0 := job.jobs[0] // every configuration has the same plan, so the same memory
	if err := trialMemory(lcs[0], j0.out, runningTrials(workers, j0.trials)*len(lcs)); err != nil {
		return err
	}
	return sweep.Run(ctx, j0.first, j0.trials, workers, safeTrial(func(ctx context.Context, i int) error {
		return job.trial(ctx, i, progress)
	}), func(i int) {
		for _, tj := range job.jobs {
			if tj.completed != nil {
				tj.completed[i-tj.first] = 1
			}
		}
	})
}

// trial runs trial i of every configuration on one draw of its inputs.
func (job configurationsJob) trial(ctx context.Context, i int, progress func(int)) error {
	lcs := make([]learn.Config, len(job.jobs))
	res := make([]learn.Result, len(job.jobs))
	ptrs := make([]*learn.Result, len(job.jobs))
	for j, tj := range job.jobs {
		lc, err := tj.config(i - tj.first)
		if err != nil {
			return fmt.Errorf("configuration %d: %w", j, err)
		}
		lc.Trial, lc.Progress = uint64(i), progress
		lcs[j], res[j] = lc, tj.out.result(lc, i-tj.first)
		ptrs[j] = &res[j]
	}
	if err := learn.RunShared(ctx, lcs, ptrs); err != nil {
		return err
	}
	for j := range lcs {
		if err := checkTrial(nil, lcs[j], &res[j]); err != nil {
			return fmt.Errorf("configuration %d: %w", j, err)
		}
	}
	return nil
}
