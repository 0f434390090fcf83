package bindings

import (
	"strings"

	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/core/rule"
)

// The names Python validates against come from the core's tables, so a rule
// or transfer function added there is accepted here without another edit.
// Lists cross gopy as comma-separated strings (its slice handles cost a call
// per element).

// RuleNames returns the plasticity rules, comma-separated, in Kind order.
func RuleNames() string { return strings.Join(rule.Names(), ",") }

// TransferNames returns the transfer-function families, comma-separated.
func TransferNames() string { return strings.Join(neuron.TransferNames(), ",") }

// TransferParameters returns the parameters the family name reads,
// comma-separated (e.g. "phi_max,beta,theta" for "sigmoid").
func TransferParameters(name string) (params string, err error) {
	defer protect(&err)
	f, err := neuron.LookupTransfer(name)
	if err != nil {
		return "", err
	}
	names := make([]string, len(f.Parameters))
	for i, p := range f.Parameters {
		names[i] = p.Name
	}
	return strings.Join(names, ","), nil
}
