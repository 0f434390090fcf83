package config

import "testing"

func TestCheckParamGivesTheTrialsMessage(t *testing.T) {
	if err := CheckParam("coefficient_tolerance", 1e-9); err != nil {
		t.Fatal(err)
	}
	want := "coefficient_tolerance must be None (automatic) or in [0, 1), got 1" // as TestParamsRefuseValuesOutsideTheirRange has it
	if err := CheckParam("coefficient_tolerance", 1); err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	if err := CheckParam("no_such_parameter", 0); err == nil {
		t.Error("an unknown parameter was accepted")
	}
}
