package lanes

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/core/rule"
)

// sharedRules are nine variants (two batches): the three rules, η
// factors, exact and cached coefficients, a refresh schedule and the
// authors' convention.
func sharedRules() []rule.Config {
	var rs []rule.Config
	for _, f := range []float64{0.5, 1, 2} {
		rs = append(rs, rule.DefaultConfig(rule.Natural, f*2e-2))
	}
	rs[1].CoefficientTol = 1e-9
	rs = append(rs, rule.DefaultConfig(rule.Euclidean, 2e-3), rule.DefaultConfig(rule.Approximate, 2e-2))
	a := rule.DefaultConfig(rule.Approximate, 2e-2)
	a.CoefficientTol, a.Refresh = 1e-9, 5
	au := rule.DefaultConfig(rule.Natural, 2e-2/0.3)
	au.LR, au.Refresh = rule.Authors, rule.Frozen
	return append(rs, a, au, rule.DefaultConfig(rule.Euclidean, 4e-3), rule.DefaultConfig(rule.Natural, 1e-2))
}

// TestSharedEqualsSeparate: variants sharing one trial's inputs give
// exactly what separate runs of that trial give.
func TestSharedEqualsSeparate(t *testing.T) {
	for _, events := range []bool{false, true} {
		t.Run(fmt.Sprintf("events=%v", events), func(t *testing.T) { sharedEqualsSeparate(t, events) })
	}
}

func sharedEqualsSeparate(t *testing.T, events bool) {
	cfg := fig3Config(rule.Natural, 1, 1, 16)
	cfg.Rates[2] = 0
	cfg.EventDriven = events
	rules := sharedRules()
	shared := make([]learn.Result, len(rules))
	if err := RunShared(context.Background(), cfg, 5, rules, shared); err != nil {
		t.Fatal(err)
	}
	for j, rc := range rules {
		c := cfg
		c.Rule = rc
		alone := make([]learn.Result, 1)
		if err := Run(context.Background(), c, []uint64{5}, alone); err != nil {
			t.Fatal(err)
		}
		for i, w := range alone[0].Weights {
			if shared[j].Weights[i] != w {
				t.Fatalf("rules[%d] (%v): weight %d = %v shared, %v alone", j, rc.Kind, i, shared[j].Weights[i], w)
			}
		}
		for i, kl := range alone[0].KL {
			if shared[j].KL[i] != kl {
				t.Fatalf("rules[%d]: KL[%d] = %v shared, %v alone", j, i, shared[j].KL[i], kl)
			}
		}
	}
	if shared[0].Final[0] == shared[2].Final[0] {
		t.Fatal("different learning rates gave the same weights")
	}
}

func TestSharedRejects(t *testing.T) {
	cfg := fig3Config(rule.Natural, 1, 0.1, 4)
	rules := []rule.Config{rule.DefaultConfig(rule.Natural, 1e-2), rule.DefaultConfig(rule.Natural, 1e-2)}
	rules[1].SilentRate = 1
	err := RunShared(context.Background(), cfg, 0, rules, make([]learn.Result, 2))
	if err == nil || !strings.Contains(err.Error(), "silent_rate") {
		t.Errorf("different silent rates: error %v", err)
	}
	rules[1] = rule.DefaultConfig(rule.Natural, -1)
	err = RunShared(context.Background(), cfg, 0, rules, make([]learn.Result, 2))
	if err == nil || !strings.Contains(err.Error(), "rules[1]") || !strings.Contains(err.Error(), "eta") {
		t.Errorf("eta = -1: error %v", err)
	}
	if err := RunShared(context.Background(), cfg, 0, rules, make([]learn.Result, 1)); err == nil {
		t.Error("result count mismatch accepted")
	}
}

func TestSharedDivergenceNamesRule(t *testing.T) {
	cfg := fig3Config(rule.Euclidean, 1, 1, 10)
	rules := []rule.Config{rule.DefaultConfig(rule.Euclidean, 1e-4), rule.DefaultConfig(rule.Euclidean, 1e6)}
	err := RunShared(context.Background(), cfg, 0, rules, make([]learn.Result, 2))
	if !errors.Is(err, learn.ErrDiverged) || !strings.Contains(err.Error(), "rules[1]") {
		t.Fatalf("error %v, want ErrDiverged naming rules[1]", err)
	}
}
