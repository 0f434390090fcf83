package config

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/natspike/natspike/core/neuron"
)

// TestEveryTransferFamilyIsConfiguredFromItsOwnParameters checks that a
// neuron of each registered family writes exactly that family's parameters,
// at its defaults, and reads them back; nothing in this package lists them.
func TestEveryTransferFamilyIsConfiguredFromItsOwnParameters(t *testing.T) {
	for _, f := range neuron.TransferFamilies() {
		c, err := ParseNeuron([]byte(`{"transfer":"` + f.Name + `"}`))
		if err != nil {
			t.Fatalf("default neuron with transfer %q: %v", f.Name, err)
		}
		var keys map[string]any
		if err := json.Unmarshal([]byte(c.JSON()), &keys); err != nil {
			t.Fatal(err)
		}
		for k := range kernelKeys {
			delete(keys, k)
		}
		want := map[string]any{}
		for _, p := range f.Parameters {
			want[p.Name] = p.Default
		}
		if !reflect.DeepEqual(keys, want) {
			t.Errorf("transfer %q writes parameters %v, its family declares %v", f.Name, keys, want)
		}
		again, err := ParseNeuron([]byte(c.JSON()))
		if err != nil || !reflect.DeepEqual(again, c) {
			t.Errorf("transfer %q: round trip %+v, %v", f.Name, again, err)
		}
	}
}

// TestTransferDescriptionsAreTheFamilies pins Describe's transfers to the
// families of package neuron: names, parameters, defaults and ranges.
func TestTransferDescriptionsAreTheFamilies(t *testing.T) {
	d := Describe()
	fams := neuron.TransferFamilies()
	if len(d.Transfers) != len(fams) {
		t.Fatalf("%d transfer descriptions, %d families", len(d.Transfers), len(fams))
	}
	for i, f := range fams {
		td := d.Transfers[i]
		if td.Name != f.Name || len(td.Params) != len(f.Parameters) {
			t.Fatalf("description %+v, family %+v", td, f)
		}
		for j, p := range f.Parameters {
			q := td.Params[j]
			if q.Name != p.Name || q.Default != p.Default || q.Unit != p.Unit || (q.Min != nil) != p.Positive {
				t.Errorf("transfer %q parameter %+v described as %+v", f.Name, p, q)
			}
			if p.Positive && (*q.Min != 0 || !q.MinOpen) {
				t.Errorf("transfer %q parameter %q: range %s, want > 0", f.Name, p.Name, q.Range())
			}
		}
	}
}
