// Command gotrain times natspike trials in pure Go, with the configuration
// that natspike.train sends through the C ABI, so that bench_table.py can
// measure the Python overhead of train (make bench).
//
//	gotrain < job.json
//
// The job is {"config": <train config JSON>, "rates": [...], "w0": [...],
// "teacher": [...], "repeats": k}; the output is
// {"cpu_s": [...], "wall_s": [...]}, one entry per repeat.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/internal/config"
)

type job struct {
	Config  json.RawMessage `json:"config"`
	Rates   []float64       `json:"rates"`
	W0      []float64       `json:"w0"`
	Teacher []float64       `json:"teacher"`
	Repeats int             `json:"repeats"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gotrain:", err)
		os.Exit(1)
	}
}

func run() error {
	var j job
	if err := json.NewDecoder(os.Stdin).Decode(&j); err != nil {
		return err
	}
	tc, err := config.ParseTrain(j.Config)
	if err != nil {
		return err
	}
	lc, err := tc.Learn(config.Arrays{Rates: j.Rates, W0: j.W0, TeacherWeights: j.Teacher}, 0)
	if err != nil {
		return err
	}
	runtime.LockOSThread()
	var out struct {
		CPU  []float64 `json:"cpu_s"`
		Wall []float64 `json:"wall_s"`
	}
	for range max(j.Repeats, 1) {
		c0, t0 := processCPU(), time.Now()
		if err := learn.Run(context.Background(), lc, &learn.Result{}); err != nil {
			return err
		}
		out.CPU = append(out.CPU, (processCPU() - c0).Seconds())
		out.Wall = append(out.Wall, time.Since(t0).Seconds())
	}
	return json.NewEncoder(os.Stdout).Encode(out)
}

// processCPU returns the CPU time of the whole process (all threads), like
// Python's time.process_time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
