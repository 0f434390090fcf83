package config

import "fmt"

// CheckParam checks a value of the parameter called name against its range
// in Params, with the message a trial's configuration gets for that value.
func CheckParam(name string, v float64) error {
	for _, p := range Params {
		if p.Name == name {
			return p.check(v)
		}
	}
	return fmt.Errorf("config: no parameter %q", name)
}
