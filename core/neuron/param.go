package neuron

import "fmt"

// Parametrization maps learned weights w to somatic amplitudes w^s = f(w)
// component-wise (Eqn 14). The natural-gradient rule divides by f'(w)
// (Eqn 13); the Euclidean rule multiplies by it (chain rule, Eqn 44).
type Parametrization interface {
	// Somatic writes f(w) into dst and returns it.
	Somatic(dst, w []float64) []float64
	// Derivative writes f'(w) into dst and returns it; every entry must be > 0.
	Derivative(dst, w []float64) []float64
}

// Somatic is the identity parametrization w^s = w.
type Somatic struct{}

// Somatic copies w into dst.
func (Somatic) Somatic(dst, w []float64) []float64 { copy(dst, w); return dst }

// Derivative fills dst with ones.
func (Somatic) Derivative(dst, w []float64) []float64 {
	for i := range dst {
		dst[i] = 1
	}
	return dst
}

// Dendritic is the attenuated parametrization w^s_i = α_i w^d_i of Eqn 16,
// with 0 < α_i ≤ 1 (α = e^{−d/λ} for a synapse at distance d from the soma).
type Dendritic struct {
	Alpha []float64
}

// NewDendritic validates the attenuations (each in (0, 1]).
func NewDendritic(alpha []float64) (Dendritic, error) {
	for i, a := range alpha {
		if !(a > 0 && a <= 1) {
			return Dendritic{}, fmt.Errorf("attenuation[%d] must be in (0, 1], got %v", i, a)
		}
	}
	return Dendritic{Alpha: alpha}, nil
}

// Somatic writes α ⊙ w into dst.
func (d Dendritic) Somatic(dst, w []float64) []float64 {
	for i, a := range d.Alpha {
		dst[i] = a * w[i]
	}
	return dst
}

// Derivative copies α into dst.
func (d Dendritic) Derivative(dst, w []float64) []float64 { copy(dst, d.Alpha); return dst }

// Componentwise is a general smooth parametrization given by scalar f and
// f' (e.g. an exponential spine-size model f(w) = e^w, f' = e^w).
type Componentwise struct {
	F, DF func(float64) float64
}

// Somatic writes f(w) into dst.
func (c Componentwise) Somatic(dst, w []float64) []float64 {
	for i, x := range w {
		dst[i] = c.F(x)
	}
	return dst
}

// Derivative writes f'(w) into dst.
func (c Componentwise) Derivative(dst, w []float64) []float64 {
	for i, x := range w {
		dst[i] = c.DF(x)
	}
	return dst
}
