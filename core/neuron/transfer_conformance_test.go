package neuron

import (
	"math"
	"testing"
)

// Conformance of every Transfer, in the style of gonum's stat/distuv
// distribution tests: one checker of the properties the learning rules and
// the Fisher quadrature rely on, applied to one row per transfer function.
// A new transfer function is its own file plus one row in transferRows.

type transferRow struct {
	family string // registered family the row exercises ("" for a test-only transfer)
	t      Transfer
}

var transferRows = []transferRow{
	{"sigmoid", DefaultSigmoid()},
	{"sigmoid", Sigmoid{PhiMax: 40, Beta: 2, Theta: -5}},
	{"rectified_quadratic", RectifiedQuadratic{Scale: 0.25, Theta: 10}},
	{"rectified_quadratic", RectifiedQuadratic{Scale: 3, Theta: -3}},
	{"", softplus{PhiMax: 20, Beta: 0.5, Theta: 4}}, // test-only toy, below
}

func TestTransferConformance(t *testing.T) {
	for _, row := range transferRows {
		checkTransfer(t, row.t)
	}
}

// TestEveryTransferFamilyHasARow fails for a registered family that no row
// of transferRows exercises, and checks that each family builds the row's
// type from its defaults.
func TestEveryTransferFamilyHasARow(t *testing.T) {
	for _, f := range TransferFamilies() {
		found := false
		for _, row := range transferRows {
			found = found || row.family == f.Name
		}
		if !found {
			t.Errorf("transfer family %q has no row in transferRows", f.Name)
		}
		built := f.Build(nil)
		if err := built.Validate(); err != nil {
			t.Errorf("family %q with its defaults: %v", f.Name, err)
		}
		checkTransfer(t, built)
	}
}

// checkTransfer tests, on a grid of potentials around the transfer's
// interesting range, that φ is finite, ≥ 0 and non-decreasing; that φ' is
// the derivative of φ (central differences); that the score factor is φ'/φ
// and the Fisher density φ'²/φ where φ > 0, and both are 0 where φ = 0; that
// LogPhi is log φ; and, if t implements FisherSupport, that the density
// outside its window is below the promised fraction of its maximum.
func checkTransfer(t *testing.T, tr Transfer) {
	t.Helper()
	if err := tr.Validate(); err != nil {
		t.Fatalf("%#v: Validate: %v", tr, err)
	}
	prev := math.Inf(-1)
	for v := -80.0; v <= 80; v += 0.37 {
		phi := tr.Phi(v)
		if !(phi >= 0) || math.IsInf(phi, 0) {
			t.Fatalf("%#v: φ(%v) = %v, want finite and >= 0", tr, v, phi)
		}
		if phi < prev*(1-1e-15) {
			t.Errorf("%#v: φ decreases at %v (%v < %v)", tr, v, phi, prev)
		}
		prev = phi
		checkDerivative(t, tr, v)
		checkDerived(t, tr, v, phi)
	}
	if s, ok := tr.(FisherSupport); ok {
		checkFisherWindow(t, tr, s)
	}
}

func checkDerivative(t *testing.T, tr Transfer, v float64) {
	t.Helper()
	h := 1e-5 * math.Max(1, math.Abs(v))
	if tr.Phi(v-h) == 0 { // at or near a kink where φ starts: one-sided, and φ' may jump
		return
	}
	fd := (tr.Phi(v+h) - tr.Phi(v-h)) / (2 * h)
	if d := math.Abs(fd - tr.DPhi(v)); d > 1e-6*math.Max(1, math.Abs(fd)) {
		t.Errorf("%#v: φ'(%v) = %v, central difference %v", tr, v, tr.DPhi(v), fd)
	}
}

func checkDerived(t *testing.T, tr Transfer, v, phi float64) {
	t.Helper()
	score, density, logPhi := tr.ScoreFactor(v), tr.FisherDensity(v), tr.LogPhi(v)
	if phi == 0 {
		if score != 0 || density != 0 || !math.IsInf(logPhi, -1) {
			t.Errorf("%#v at %v where φ = 0: score %v, density %v, log φ %v; want 0, 0, -Inf", tr, v, score, density, logPhi)
		}
		return
	}
	dphi := tr.DPhi(v)
	close := func(got, want float64) bool { return math.Abs(got-want) <= 1e-12*math.Max(1e-300, math.Abs(want)) }
	if phi > 1e-300 && !close(score, dphi/phi) {
		t.Errorf("%#v: score factor at %v = %v, φ'/φ = %v", tr, v, score, dphi/phi)
	}
	if phi > 1e-300 && !close(density, dphi*dphi/phi) {
		t.Errorf("%#v: Fisher density at %v = %v, φ'²/φ = %v", tr, v, density, dphi*dphi/phi)
	}
	if math.Abs(logPhi-math.Log(phi)) > 1e-12*math.Max(1, math.Abs(logPhi)) {
		t.Errorf("%#v: log φ at %v = %v, log of φ = %v", tr, v, logPhi, math.Log(phi))
	}
}

func checkFisherWindow(t *testing.T, tr Transfer, s FisherSupport) {
	t.Helper()
	const relTol = 1e-8
	lo, hi, scale := s.FisherWindow(relTol)
	if !(lo < hi) || !(scale > 0) {
		t.Fatalf("%#v: FisherWindow = [%v, %v], scale %v", tr, lo, hi, scale)
	}
	peak := 0.0
	for v := lo; v <= hi; v += scale / 50 {
		peak = math.Max(peak, tr.FisherDensity(v))
	}
	for _, v := range []float64{lo - scale, lo - 10*scale, hi + scale, hi + 10*scale} {
		if d := tr.FisherDensity(v); d > relTol*peak {
			t.Errorf("%#v: Fisher density %v at %v outside the window [%v, %v] exceeds %g of its peak %v",
				tr, d, v, lo, hi, relTol, peak)
		}
	}
}

// softplus is a test-only transfer function, φ(V) = φ_max log(1 + e^{β(V−θ)}),
// written as a user would add one: it proves that the conformance checker and
// the Fisher engine need nothing beyond the Transfer interface.
type softplus struct{ PhiMax, Beta, Theta float64 }

func (s softplus) Validate() error {
	if err := CheckPositive("phi_max", s.PhiMax); err != nil {
		return err
	}
	if err := CheckPositive("beta", s.Beta); err != nil {
		return err
	}
	return CheckFinite("theta", s.Theta)
}

func (s softplus) Phi(v float64) float64 { return s.PhiMax * softplusOf(s.Beta*(v-s.Theta)) }
func (s softplus) DPhi(v float64) float64 {
	return s.PhiMax * s.Beta * Logistic(s.Beta*(v-s.Theta))
}
func (s softplus) ScoreFactor(v float64) float64 {
	z := s.Beta * (v - s.Theta)
	return s.Beta * Logistic(z) / softplusOf(z)
}
func (s softplus) FisherDensity(v float64) float64 { return s.DPhi(v) * s.ScoreFactor(v) }
func (s softplus) LogPhi(v float64) float64 {
	return math.Log(s.PhiMax) + math.Log(softplusOf(s.Beta*(v-s.Theta)))
}

func softplusOf(z float64) float64 {
	if z > 0 {
		return z + math.Log1p(math.Exp(-z))
	}
	return math.Log1p(math.Exp(z))
}

// A deliberately broken transfer (φ' off by 1 %) must fail the checker.
type wrongDerivative struct{ Sigmoid }

func (w wrongDerivative) DPhi(v float64) float64 { return 1.01 * w.Sigmoid.DPhi(v) }

func TestCheckTransferCatchesAWrongDerivative(t *testing.T) {
	inner := &testing.T{}
	done := make(chan struct{})
	go func() { // checkTransfer may call Fatalf, which ends the goroutine
		defer close(done)
		checkDerivative(inner, wrongDerivative{DefaultSigmoid()}, 10)
	}()
	<-done
	if !inner.Failed() {
		t.Error("checkDerivative accepted a derivative that is off by 1 %")
	}
}

// TestValidateEnforcesTheDeclaredRanges pins each family's Validate to the
// ranges its Parameters declare: a value just outside is refused with the
// message of Parameter.Check, and the defaults and a value inside pass.
func TestValidateEnforcesTheDeclaredRanges(t *testing.T) {
	for _, f := range TransferFamilies() {
		for _, p := range f.Parameters {
			bad := []float64{math.NaN(), math.Inf(1)}
			if p.Positive {
				bad = append(bad, 0, -1)
			}
			for _, x := range bad {
				v := f.Defaults()
				v[p.Name] = x
				err, want := f.Build(v).Validate(), p.Check(x)
				if err == nil || want == nil || err.Error() != want.Error() {
					t.Errorf("%s with %s = %v: Validate %v, declared range gives %v", f.Name, p.Name, x, err, want)
				}
			}
			v := f.Defaults()
			v[p.Name] = map[bool]float64{true: 1e-3, false: -7}[p.Positive]
			if err := f.Build(v).Validate(); err != nil {
				t.Errorf("%s with %s = %v inside its range: %v", f.Name, p.Name, v[p.Name], err)
			}
		}
	}
}

func TestForeignNamesTheTransferAndItsParameters(t *testing.T) {
	f, _ := LookupTransfer("rectified_quadratic")
	err := f.Foreign(map[string]float64{"theta": 1, "phi_max": 2, "beta": 3})
	if err == nil || err.Error() != `beta does not apply to transfer "rectified_quadratic", whose parameters are scale, theta` {
		t.Errorf("Foreign: %v", err)
	}
	if err := f.Foreign(map[string]float64{"theta": 1, "scale": 2}); err != nil {
		t.Errorf("own parameters refused: %v", err)
	}
}
