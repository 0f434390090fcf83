package rule

import (
	"strings"
	"testing"
)

// TestEveryKindHasARow fails when a Kind below numKinds lacks its row in
// the rules table, or a natural rule lacks one of its functions: a new rule
// cannot silently run as another.
func TestEveryKindHasARow(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Kinds() {
		p := rules[k]
		if p.name == "" || p.equation == "" {
			t.Errorf("Kind %d has no name or equation in the rules table", int(k))
		}
		if seen[p.name] {
			t.Errorf("rule name %q is used twice", p.name)
		}
		seen[p.name] = true
		if got, err := ParseKind(p.name); err != nil || got != k {
			t.Errorf("ParseKind(%q) = %v, %v; want %v", p.name, got, err, k)
		}
		if p.natural != (p.fisher != noFisher) {
			t.Errorf("rule %q: natural = %v but fisher needs = %d", p.name, p.natural, p.fisher)
		}
		if k.String() != p.name || k.Natural() != p.natural {
			t.Errorf("Kind %d: String %q, Natural %v", int(k), k.String(), k.Natural())
		}
	}
	if want := []string{"euclidean", "natural", "approximate"}; strings.Join(Names(), ",") != strings.Join(want, ",") {
		t.Errorf("Names() = %v, want %v", Names(), want)
	}
}

func TestUnknownKindIsRefusedEverywhere(t *testing.T) {
	for _, k := range []Kind{-1, numKinds, numKinds + 7} {
		if k.Valid() {
			t.Errorf("Kind %d is valid", int(k))
		}
		if err := DefaultConfig(k, 1).Validate(); err == nil || !strings.Contains(err.Error(), `"approximate"`) {
			t.Errorf("Validate(kind %d) = %v, want an error listing the rules", int(k), err)
		}
		if s := k.String(); !strings.HasPrefix(s, "Kind(") {
			t.Errorf("String of unknown kind = %q", s)
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Kind(%d).Natural() did not panic", int(k))
				}
			}()
			k.Natural()
		}()
	}
	if _, err := ParseKind("hebbian"); err == nil || !strings.Contains(err.Error(), `"euclidean", "natural", "approximate"`) {
		t.Errorf("ParseKind(hebbian) error %v", err)
	}
}
