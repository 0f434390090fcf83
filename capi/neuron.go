package capi

/*
#include <stdint.h>
*/
import "C"

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/natspike/natspike/core/fisher"
	"github.com/natspike/natspike/core/input"
	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/core/rule"
	"github.com/natspike/natspike/internal/config"
)

// The neuron's equations over whole arrays, so that Python composes them
// instead of rewriting them: the transfer function and its derived
// quantities, the USP filter of given spike trains, and the rules' update
// directions.

// TransferQuantities names what ns_transfer evaluates, by its quantity argument.
var TransferQuantities = map[string]func(neuron.Transfer, float64) float64{
	"phi":            neuron.Transfer.Phi,
	"dphi":           neuron.Transfer.DPhi,
	"score_factor":   neuron.Transfer.ScoreFactor,
	"fisher_density": neuron.Transfer.FisherDensity,
	"log_phi":        neuron.Transfer.LogPhi,
}

//export ns_transfer
func ns_transfer(neuronJSON, quantity *C.char, v *C.double, n C.longlong, out *C.double, err *C.char, errlen C.int) C.int {
	return guard(err, errlen, func() error {
		c, m, e := neuronAndLen(neuronJSON, n, false)
		if e != nil {
			return e
		}
		if e := checkBuffers(m, buffer{"v", v}, buffer{"out", out}); e != nil {
			return e
		}
		if quantity == nil {
			return errors.New("quantity is NULL")
		}
		return transferInto(c, C.GoString(quantity), doubles(v, m), doubles(out, m))
	})
}

// transferInto writes quantity(v[i]) into out[i]; log φ may be −Inf where φ = 0.
func transferInto(c config.NeuronConfig, quantity string, v, out []float64) error {
	f, ok := TransferQuantities[quantity]
	if !ok {
		return fmt.Errorf("quantity must be phi, dphi, score_factor, fisher_density or log_phi, got %q", quantity)
	}
	if err := checkFinite("v", v); err != nil {
		return err
	}
	tr, _, err := c.Build()
	if err != nil {
		return err
	}
	for i, x := range v {
		out[i] = f(tr, x)
	}
	return nil
}

//export ns_usp_traces
func ns_usp_traces(neuronJSON *C.char, spikes *C.double, bins, n C.longlong, out *C.double, err *C.char, errlen C.int) C.int {
	return guard(err, errlen, func() error {
		c, m, e := neuronAndLen(neuronJSON, n, false)
		if e != nil {
			return e
		}
		if e := checkProduct("bins x n", int64(bins), int64(n)); e != nil {
			return e
		}
		size := int(bins) * m
		if e := checkBuffers(size, buffer{"spikes", spikes}, buffer{"out", out}); e != nil {
			return e
		}
		return uspTraces(c, doubles(spikes, size), m, doubles(out, size))
	})
}

// uspTraces filters a bins × n 0/1 spike matrix through the USP traces of
// the neuron's kernel (Eqn 28 and its two-trace recursion, or the alpha
// kernel's for τ_m = τ_s), from zero traces: row b of out is x^ε in bin b,
// which the bin's own spikes do not change yet.
func uspTraces(c config.NeuronConfig, spikes []float64, n int, out []float64) error {
	_, k, err := c.Build()
	if err != nil {
		return err
	}
	src, err := input.NewReplay(spikes, n)
	if err != nil {
		return err
	}
	tr := input.NewTraces(k, n)
	var active []int
	for lo := 0; lo < len(spikes); lo += n {
		if active, err = src.Next(active); err != nil {
			return err
		}
		tr.Step(active)
		copy(out[lo:lo+n], tr.X)
	}
	return nil
}

// directionRule is the JSON form of ns_update_directions' rule argument.
type directionRule struct {
	Rule string  `json:"rule"`
	CU   float64 `json:"c_u"`
	CW   float64 `json:"c_w"`
}

// DirectionFactors names the columns of ns_update_directions' factors output, in order.
var DirectionFactors = [...]string{"v", "sum_x", "gamma_s", "gamma_u", "gamma_w"}

//export ns_update_directions
func ns_update_directions(neuronJSON, ruleJSON *C.char, w, rates *C.double, n C.longlong, x *C.double, samples C.longlong,
	out, factors *C.double, err *C.char, errlen C.int) C.int {
	return guard(err, errlen, func() error {
		c, m, e := neuronAndLen(neuronJSON, n, false)
		if e != nil {
			return e
		}
		if e := checkProduct("samples x n", int64(samples), int64(n)); e != nil {
			return e
		}
		size := int(samples) * m
		if e := checkBuffers(m, buffer{"weights", w}, buffer{"rates", rates}); e != nil {
			return e
		}
		if e := checkBuffers(size, buffer{"x", x}, buffer{"out", out}); e != nil {
			return e
		}
		if ruleJSON == nil {
			return errors.New("rule JSON is NULL")
		}
		if e := directionsMemory(int(samples), factors != nil); e != nil {
			return e
		}
		res := doubles(out, size)
		fac := doubles(factors, int(samples)*len(DirectionFactors)) // nil if factors is NULL
		if e := updateDirections(c, C.GoString(ruleJSON), doubles(w, m), doubles(rates, m), doubles(x, size), res, fac); e != nil {
			return e
		}
		return checkResult(checkResult(nil, "out", res), "factors", fac)
	})
}

// updateDirections fills out with rule.Learner.Directions for somatic weights
// w and, unless factors is nil, factors (samples × len(DirectionFactors))
// with each sample's scalars.
func updateDirections(c config.NeuronConfig, ruleJSON string, w, rates, x, out, factors []float64) error {
	spec := directionRule{CU: rule.DefaultCU, CW: rule.DefaultCW}
	dec := json.NewDecoder(bytes.NewReader([]byte(ruleJSON)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&spec); err != nil {
		return fmt.Errorf("rule: %w", err)
	}
	kind, err := rule.ParseKind(spec.Rule)
	if err != nil {
		return err
	}
	if err := checkFinite("weights", w); err != nil {
		return err
	}
	if err := checkAtLeast("rates", rates, 0, true); err != nil { // the natural rules divide by r
		return err
	}
	if err := checkFinite("x", x); err != nil {
		return err
	}
	tr, k, err := c.Build()
	if err != nil {
		return err
	}
	cfg := rule.DefaultConfig(kind, 1)
	cfg.CU, cfg.CW = spec.CU, spec.CW
	l, err := rule.New(cfg, tr, k, nil, rates)
	if err != nil {
		return err
	}
	var steps []rule.Step
	if factors != nil {
		steps = make([]rule.Step, len(factors)/len(DirectionFactors))
	}
	if err := l.Directions(out, w, x, steps); err != nil {
		return err
	}
	for s, st := range steps {
		copy(factors[s*len(DirectionFactors):], []float64{st.V, st.SumX, st.GammaS, st.GammaU, st.GammaW})
	}
	return nil
}

//export ns_voltage_statistics
func ns_voltage_statistics(neuronJSON *C.char, w, rates *C.double, m, n C.longlong, out *C.double, err *C.char, errlen C.int) C.int {
	return guard(err, errlen, func() error {
		c, k, e := neuronAndLen(neuronJSON, n, false)
		if e != nil {
			return e
		}
		if e := checkProduct("m x n", int64(m), int64(n)); e != nil {
			return e
		}
		size := int(m) * k
		if e := checkBuffers(size, buffer{"weights", w}, buffer{"rates", rates}); e != nil {
			return e
		}
		if e := checkBuffers(int(m), buffer{"out", out}); e != nil {
			return e
		}
		res := doubles(out, 3*int(m))
		return checkResult(voltageStatistics(c, doubles(w, size), doubles(rates, size), k, res), "out", res)
	})
}

// voltageStatistics writes μ_V, σ_V² and q (fisher.InputStatistics) of each
// of the m rows of w and rates (m × n) into out (m × 3).
func voltageStatistics(c config.NeuronConfig, w, rates []float64, n int, out []float64) error {
	if err := checkFinite("weights", w); err != nil {
		return err
	}
	if err := checkAtLeast("rates", rates, 0, false); err != nil {
		return err
	}
	_, k, err := c.Build()
	if err != nil {
		return err
	}
	for row := 0; row*n < len(w) && n > 0; row++ {
		mu, variance, q := fisher.InputStatistics(k, w[row*n:(row+1)*n], rates[row*n:(row+1)*n])
		copy(out[3*row:], []float64{mu, variance, q})
	}
	return nil
}
