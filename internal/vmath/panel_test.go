package vmath

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/natspike/natspike/internal/benchcpu"
	"github.com/natspike/natspike/internal/kernelenv"
)

// randomPanel returns a panel of the shapes the sigmoid kernel meets: β in
// [0.05, 5], nodes of width up to 40/β around θ ± 60/β, σ² log-uniform on
// [1e-3, 1e4], and shifts that put some exponentials out of the kernel's
// range (those panels take the generic code).
func randomPanel(r *rand.Rand) LogisticPanel {
	beta := 0.05 + 5*r.Float64()
	theta := 40*r.Float64() - 20
	v := math.Exp(math.Log(1e-3) + (math.Log(1e4)-math.Log(1e-3))*r.Float64())
	h := (40 / beta) * r.Float64()
	c := theta + (120*r.Float64()-60)/beta
	mu := c + math.Sqrt(v)*(20*r.Float64()-10)
	return LogisticPanel{H: h, C: c, Mu: mu, Beta: beta, Theta: theta, Shift: 40 * r.Float64(), Inv2v: 0.5 / v, V: v}
}

// randomRule returns n nodes in [−1, 1] (some exactly at ±1 and 0) and
// positive weights.
func randomRule(r *rand.Rand, n int) (nodes, weights []float64) {
	nodes, weights = make([]float64, n), make([]float64, n)
	for j := range nodes {
		nodes[j], weights[j] = 2*r.Float64()-1, r.Float64()
	}
	nodes[0], nodes[n-1], nodes[n/2] = -1, 1, 0
	return nodes, weights
}

// TestLogisticPanelMatchesGeneric: Sums (the AVX2 kernel where the CPU has
// it) gives the generic code's bits for each of the seven sums, over panels
// whose nodes fall on both sides of θ (and on it, z = 0), in and out of the
// kernel's exponential range, starting from non-zero sums.
func TestLogisticPanelMatchesGeneric(t *testing.T) {
	if usePanelKernel && (kernelenv.ForceGeneric() || compilerFuses || !hasAVX2()) {
		t.Fatal("the AVX2 panel kernel is chosen where the generic code must run")
	}
	r := rand.New(rand.NewPCG(12, 7))
	bad, kernelPanels := 0, 0
	for trial := range 20000 {
		n := 4 * (1 + trial%8)
		nodes, weights := randomRule(r, n)
		p := randomPanel(r)
		if trial%5 == 0 {
			p.C = p.Theta - p.H*nodes[n/2+1] // a node on θ (z = 0 up to rounding)
		}
		var start [PanelTerms]float64
		for k := range start {
			start[k] = r.NormFloat64()
		}
		got, want := start, start
		p.Sums(&got, nodes, weights, false)
		p.sumsGeneric(&want, nodes, weights, false)
		if inKernelRange(&p, nodes) {
			kernelPanels++
		}
		for k := range got {
			if math.Float64bits(got[k]) != math.Float64bits(want[k]) {
				if bad++; bad <= 10 {
					t.Errorf("panel %+v, %d nodes: sum %d is %v, generic %v", p, n, k, got[k], want[k])
				}
			}
		}
	}
	t.Logf("20000 panels (AVX2 kernel: %v; %d with every exponential in its range), %d sums differ", usePanelKernel,
		kernelPanels, bad)
	if usePanelKernel && kernelPanels < 5000 {
		t.Errorf("only %d panels exercise the kernel", kernelPanels)
	}
}

// inKernelRange reports whether every exponential argument of the panel is
// in [fastLow, fastHigh].
func inKernelRange(p *LogisticPanel, nodes []float64) bool {
	for _, t := range nodes {
		u := p.C + p.H*t
		d := u - p.Mu
		for _, x := range []float64{-math.Abs(p.Beta * (u - p.Theta)), p.Shift - d*d*p.Inv2v} {
			if !(x >= fastLow && x <= fastHigh) {
				return false
			}
		}
	}
	return true
}

// TestLogisticPanelFirst: with first set the generic code adds only to
// acc[0], and the kernel's acc[0] is the same.
func TestLogisticPanelFirst(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	nodes, weights := randomRule(r, 24)
	p := LogisticPanel{H: 1, C: 0, Mu: 0.5, Beta: 0.5, Theta: 0, Shift: 0, Inv2v: 0.5, V: 1}
	var all, first [PanelTerms]float64
	p.Sums(&all, nodes, weights, false)
	p.sumsGeneric(&first, nodes, weights, true)
	if first[0] != all[0] || first[1] != 0 || first[6] != 0 {
		t.Errorf("first: %v, all: %v", first, all)
	}
}

// BenchmarkLogisticPanel: Sums (the kernel where the CPU has it) and the
// generic code on a 24-node panel.
func BenchmarkLogisticPanel(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	nodes, weights := randomRule(r, 24)
	p := LogisticPanel{H: 2, C: 1, Mu: 0.5, Beta: 0.5, Theta: 0, Shift: 0.1, Inv2v: 0.125, V: 4}
	var acc [PanelTerms]float64
	for _, kernel := range []struct {
		name string
		run  func()
	}{
		{"Sums", func() { p.Sums(&acc, nodes, weights, false) }},
		{"generic", func() { p.sumsGeneric(&acc, nodes, weights, false) }},
	} {
		b.Run(kernel.name, func(b *testing.B) {
			m := benchcpu.Start(b)
			for range b.N {
				kernel.run()
			}
			m.Stop(1, "panel")
		})
	}
}

// TestPanelKernelFrame pins the generator's node bound to MaxPanelNodes:
// the kernel's frame holds the terms of MaxPanelNodes nodes and the eight
// broadcast parameters.
func TestPanelKernelFrame(t *testing.T) {
	asm, err := os.ReadFile("exp_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("TEXT ·logisticPanelAVX2(SB), $%d-", 8*(PanelTerms*MaxPanelNodes+8*4))
	if !strings.Contains(string(asm), want) {
		t.Errorf("exp_amd64.s has no %q: internal/asmgen's maxNodes is not MaxPanelNodes", want)
	}
}
