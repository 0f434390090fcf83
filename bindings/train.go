package bindings

import (
	"encoding/json"

	"github.com/natspike/natspike/capi"
	"github.com/natspike/natspike/internal/config"
)

// Describe returns, as JSON, the one description of a learning run: every
// parameter (name, type, default, range, unit, meaning), every output
// (name, unit, meaning, axes, for which teachers it exists), the teacher
// kinds and the C ABI's status codes by name. Python builds its checks,
// defaults, Result fields, store arrays and xarray variables from it.
func Describe() (js string) {
	defer func() {
		if r := recover(); r != nil {
			js = `{"error":"natspike internal error while describing a run"}`
		}
	}()
	var d struct {
		config.Description
		Statuses map[string]int `json:"statuses"`
	}
	d.Description, d.Statuses = config.Describe(), capi.StatusNames
	b, err := json.Marshal(d)
	if err != nil {
		return `{"error":"natspike internal error while describing a run"}`
	}
	return string(b)
}

// TrainPlan validates a run's configuration (JSON, in the API's units) for
// n afferents and trials trials (0: one trial of natspike.train) and
// returns its plan as JSON: {"status": 0, "plan": {bins, records, traces,
// outputs: [{name, shape, origin, input}]}}, or {"status": s, "error": msg}
// with the C ABI's status code s for a refused configuration. The run that
// follows with the same text, n and trials (ns_train, ns_run_trials) reuses
// this call's parse.
func TrainPlan(configJSON string, n, trials int) (js string) {
	defer func() {
		if r := recover(); r != nil {
			js = reply(capi.StatusInternal, "natspike internal error while planning a run; please report this bug", nil)
		}
	}()
	_, p, err := capi.PlanTrain(configJSON, n, trials) // kept for the run's call (capi/plans.go)
	if err != nil {
		return reply(capi.StatusInvalid, err.Error(), nil)
	}
	return reply(capi.StatusOK, "", &p)
}

func reply(status int, msg string, p *config.Plan) string {
	b, _ := json.Marshal(struct {
		Status int          `json:"status"`
		Error  string       `json:"error,omitempty"`
		Plan   *config.Plan `json:"plan,omitempty"`
	}{status, msg, p})
	return string(b)
}
