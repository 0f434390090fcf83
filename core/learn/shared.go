package learn

import (
	"context"
	"fmt"
	"reflect"
	"slices"

	"github.com/natspike/natspike/core/rule"
)

// SharedFields are the Config fields in which configurations run by
// RunShared may differ; every other field must be equal.
var SharedFields = []string{"Rule", "Param", "EventDriven", "TraceEvery", "RecordSpikes", "KeepState", "State", "Progress"}

// RunShared runs the configurations cfgs of one trial on one draw of its
// inputs and teacher and fills res[j] as Run(ctx, cfgs[j], res[j]) would.
// Configurations that differ in a field outside SharedFields are refused
// with an error naming the field; a layer (Neurons > 0) is refused.
func RunShared(ctx context.Context, cfgs []Config, res []*Result) error {
	if len(res) != len(cfgs) {
		return fmt.Errorf("configurations: %d results for %d configurations", len(res), len(cfgs))
	}
	if len(cfgs) == 0 {
		return nil
	}
	cfgs = append([]Config(nil), cfgs...)
	for j := range cfgs {
		cfgs[j].setDefaults()
		if err := cfgs[j].Validate(); err != nil {
			return fmt.Errorf("configuration %d: %w", j, err)
		}
	}
	if err := checkShared(cfgs); err != nil {
		return err
	}
	l, err := newShared(cfgs, res)
	if err != nil {
		return err
	}
	return l.run(ctx)
}

// checkShared refuses configurations that would draw different streams
// (every field outside SharedFields must equal configuration 0's) and layers.
func checkShared(cfgs []Config) error {
	if cfgs[0].Neurons != 0 {
		return fmt.Errorf("neurons: configurations sharing a trial must be single neurons, not layers (run a layer's configurations one by one)")
	}
	t := reflect.TypeFor[Config]()
	first := reflect.ValueOf(cfgs[0])
	for j := 1; j < len(cfgs); j++ {
		c := reflect.ValueOf(cfgs[j])
		for i := range t.NumField() {
			name := t.Field(i).Name
			if slices.Contains(SharedFields, name) || reflect.DeepEqual(first.Field(i).Interface(), c.Field(i).Interface()) {
				continue
			}
			return fmt.Errorf("%s: configuration %d differs from configuration 0; configurations sharing a trial's "+
				"inputs and teacher may differ only in %v", name, j, SharedFields)
		}
	}
	return nil
}

// newShared builds a layer whose members are the configurations' trials:
// one input source, one draw of the test sets and one teacher uniform per
// bin for all of them.
func newShared(cfgs []Config, res []*Result) (*layer, error) {
	src, in, err := cfgs[0].source()
	if err != nil {
		return nil, err
	}
	sets, err := cfgs[0].testSets()
	if err != nil {
		return nil, err
	}
	lc := cfgs[0]
	lc.Progress = sharedProgress(cfgs)
	l := newLayerOn(lc, src, "configuration")
	if lc.Teacher.Kind != ReplayTeacher {
		l.teacherU = new(float64)
	}
	for j, c := range cfgs {
		c.Progress = nil
		t, err := newTrial(c, res[j], sets, in)
		if err != nil {
			return nil, fmt.Errorf("configuration %d: %w", j, err)
		}
		if j > 0 && t.start != l.neurons[0].start {
			return nil, fmt.Errorf("state: configuration %d continues from bin %d, configuration 0 from bin %d; "+
				"configurations sharing a trial must continue from the same bin", j, t.start, l.neurons[0].start)
		}
		t.sharedU = l.teacherU
		l.neurons = append(l.neurons, t)
	}
	l.coefficientLanes()
	return l, nil
}

// coefficientLanes sets l.lanes to the lanes of the event-driven members'
// coefficients (rule.NewCoefficientLanes; nil where none serve).
func (l *layer) coefficientLanes() {
	var evs []*rule.Events
	for _, t := range l.neurons {
		if t.events != nil {
			evs = append(evs, t.events)
		}
	}
	l.lanes = rule.NewCoefficientLanes(evs)
}

// sharedProgress reports a shared run's bins to every configuration's Progress.
func sharedProgress(cfgs []Config) func(int) {
	var ps []func(int)
	for _, c := range cfgs {
		if c.Progress != nil {
			ps = append(ps, c.Progress)
		}
	}
	if len(ps) == 0 {
		return nil
	}
	return func(bins int) {
		for _, p := range ps {
			p(bins)
		}
	}
}

// drawTeacher draws the teacher's uniform of bin k once for every member
// that shares it (RunShared: l.teacherU is not nil).
func (l *layer) drawTeacher(k int) {
	t := l.neurons[0]
	*l.teacherU = t.teacherKey.Float64(uint64(t.start + k))
}

// teacherUniform returns the uniform of the teacher's stream at bin k: the
// one its layer drew for all configurations (RunShared) or its own.
func (t *trial) teacherUniform(k int) float64 {
	if t.sharedU != nil {
		return *t.sharedU
	}
	return t.teacherKey.Float64(uint64(t.start + k))
}
