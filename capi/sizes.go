package capi

import (
	"fmt"
	"strings"
	"unsafe"

	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/core/rule"
	"github.com/natspike/natspike/core/sweep"
)

// What each export allocates itself, by the argument that makes it large,
// checked with checkMemory before anything is allocated. The caller's
// arrays are not counted: they exist already.

// fisherMemory: the n×n symmetric matrix fisherInto builds before copying it out.
func fisherMemory(n int) error {
	return checkMemory(memoryTerm{"weights", 8 * sq(n), fmt.Sprintf("the %d x %d Fisher matrix", n, n)})
}

// memory: every chain keeps its n×n sum, each running chain also an n×n
// block and its chunk of USP samples (twice: MonteCarloMatrix scales a copy).
func (j mcJob) memory() error {
	n, nw := len(j.w), workers(mcChains, 1)
	rows := min(j.samples/mcChains+1, mcChunk)
	return checkMemory(
		memoryTerm{"weights", 8 * sq(n) * float64(mcChains+nw+1),
			fmt.Sprintf("a Monte-Carlo Fisher matrix of %d weights (%d partial %d x %d sums)", n, mcChains+nw+1, n, n)},
		memoryTerm{"samples", 8 * float64(n) * float64(rows+min(rows, 256)) * float64(nw),
			fmt.Sprintf("%d chains' blocks of %d samples x %d weights", nw, rows, n)})
}

// directionsMemory: one rule.Step per sample when the factors are wanted.
func directionsMemory(samples int, factors bool) error {
	if !factors {
		return nil
	}
	step := float64(unsafe.Sizeof(rule.Step{}))
	return checkMemory(memoryTerm{"samples", step * float64(samples), fmt.Sprintf("the factors of %d samples", samples)})
}

// trialMemory: for each of `running` concurrent trials, the outputs the
// caller did not pass (shared ones too after the first slot, see
// namedBuffers.result) and what learn.Run allocates: its test set and its
// input pool.
func trialMemory(lc learn.Config, b namedBuffers, running int) error {
	k, n := float64(running), len(lc.Rates)
	var terms []memoryTerm
	for _, o := range lc.Present() {
		if b[o.Name] != nil && !(o.Shared && running > 1) {
			continue
		}
		size, dims := 1.0, []string{}
		for _, s := range o.Shape(lc) {
			size *= float64(s)
			dims = append(dims, fmt.Sprint(s))
		}
		terms = append(terms, memoryTerm{outputParam(o), 8 * size * k,
			fmt.Sprintf("recording %s (%s per trial) in %d trial(s)", o.Name, strings.Join(dims, " x "), running)})
	}
	samples := lc.TestSamples
	if samples == 0 {
		samples = learn.DefaultTestSamples
	}
	if lc.HasObjective() {
		terms = append(terms, memoryTerm{"test_samples", 8 * float64(samples*n) * k,
			fmt.Sprintf("the test set of %d samples x %d afferents in %d trial(s)", samples, n, running)})
	}
	if spikes := lc.PoolSpikes(); spikes > 0 {
		terms = append(terms, memoryTerm{"input_pool_size", (4*spikes + 8*float64(lc.InputPool.Size*n)) * k,
			fmt.Sprintf("an input pool of %.3g spikes in %d trial(s)", spikes, running)})
	}
	return checkMemory(terms...)
}

// runningTrials is how many trials of a run execute at once (sweep.Run).
func runningTrials(workers, trials int) int { return max(1, min(sweep.Workers(workers), trials)) }

// maxBatch is how many independent trials a worker of run_trials steps in
// lockstep at most (learn.RunBatch; four exponentials per AVX2 instruction).
const maxBatch = 4

// batchSize is how many trials of run_trials each worker steps in lockstep:
// maxBatch, fewer when there are too few trials to keep every worker busy.
func batchSize(workers, trials int) int {
	return max(1, min(maxBatch, trials/sweep.Workers(workers)))
}

// runningBatches is how many trials of run_trials execute at once: a batch
// of g on each running worker.
func runningBatches(workers, trials, g int) int {
	return min(trials, g*runningTrials(workers, (trials+g-1)/g))
}

// outputParam names the argument that sets an output's length.
func outputParam(o learn.Output) string {
	for _, d := range o.Dims {
		switch d {
		case learn.DimRecords:
			return "record_every"
		case learn.DimTraces:
			return "trace_every"
		}
	}
	return "n"
}

func sq(n int) float64 { return float64(n) * float64(n) }
