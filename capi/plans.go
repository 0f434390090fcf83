package capi

import (
	"sync"
	"sync/atomic"

	"github.com/natspike/natspike/internal/config"
)

// Every natspike.train and run_trials call crosses into Go twice with the
// same configuration text: once to plan (bindings.TrainPlan: Python sizes
// its checks and allocates the outputs from the plan) and once to run
// (ns_train, ns_run_trials). Parsing and planning are pure functions of
// (text, n, trials), so the two crossings share one: PlanTrain keeps the
// last heldPlans successful plans by that key, and the run finds the plan
// call's. Nothing is handed out that a caller must free: the memo is
// bounded, and an entry is only ever read (the runs read a configuration,
// as the goroutines of one ns_run_trials already share theirs).
const (
	heldPlans   = 16      // plans kept, least recently used dropped first (a few per worker thread)
	maxHeldText = 1 << 16 // bytes; a longer text (a large layer's teacher_rates) is not kept
)

type planKey struct {
	text      string
	n, trials int
}

type heldPlan struct {
	cfg  config.TrainConfig
	plan config.Plan
	used uint64 // plans.clock at the last use
}

var plans struct {
	sync.Mutex
	byKey map[planKey]*heldPlan
	clock uint64
}

// trainParses counts the configuration texts PlanTrain parsed.
var trainParses atomic.Int64

// TrainParses returns how many configuration texts PlanTrain has parsed (a
// diagnostic: tests check that a plan and its run parse once).
func TrainParses() int64 { return trainParses.Load() }

// PlanTrain returns the configuration of a run given as JSON text (in the
// API's units) and its plan for n afferents and trials trials (0: the one
// trial of ns_train), parsing the text only if no recent call planned the
// same (text, n, trials).
func PlanTrain(text string, n, trials int) (config.TrainConfig, config.Plan, error) {
	k := planKey{text, n, trials}
	plans.Lock()
	if h, ok := plans.byKey[k]; ok {
		plans.clock++
		h.used = plans.clock
		plans.Unlock()
		return h.cfg, h.plan, nil
	}
	plans.Unlock()
	trainParses.Add(1)
	c, err := config.ParseTrain([]byte(text))
	if err != nil {
		return config.TrainConfig{}, config.Plan{}, err
	}
	p, err := c.Plan(n, trials)
	if err != nil {
		return c, config.Plan{}, err
	}
	if len(text) <= maxHeldText {
		hold(k, c, p)
	}
	return c, p, nil
}

// hold keeps the plan of k, dropping the least recently used beyond heldPlans.
func hold(k planKey, c config.TrainConfig, p config.Plan) {
	plans.Lock()
	defer plans.Unlock()
	if plans.byKey == nil {
		plans.byKey = make(map[planKey]*heldPlan, heldPlans+1)
	}
	plans.clock++
	plans.byKey[k] = &heldPlan{c, p, plans.clock}
	if len(plans.byKey) <= heldPlans {
		return
	}
	var oldest planKey
	first := true
	for key, h := range plans.byKey {
		if first || h.used < plans.byKey[oldest].used {
			oldest, first = key, false
		}
	}
	delete(plans.byKey, oldest)
}

// heldCount is the number of plans kept (tests).
func heldCount() int {
	plans.Lock()
	defer plans.Unlock()
	return len(plans.byKey)
}
