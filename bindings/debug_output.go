package bindings

import "github.com/natspike/natspike/core/learn"

// debugTeacherSpikes is a test-only output: the number of teacher spikes
// of a trial, summed bin by bin. It exists to prove that an output
// registered in one place (here) reaches the C ABI, Python's Result, the
// xarray export and the results store with no other change.
var debugTeacherSpikes = learn.Output{
	Name: "debug_teacher_spikes", Doc: "Test hook: number of teacher spikes in the trial.",
	Teachers: learn.TeacherKinds,
	Observe:  func(dst []float64, _ int, b learn.Bin) { dst[0] += b.Teacher },
}

// DebugRegisterOutput registers the test-only output debug_teacher_spikes
// (a test hook; it cannot be removed again). It returns "" or the error.
func DebugRegisterOutput() (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = "natspike internal error while registering the debug output"
		}
	}()
	if err := learn.RegisterOutput(debugTeacherSpikes); err != nil {
		return err.Error()
	}
	return ""
}
