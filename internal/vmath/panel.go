package vmath

import "math"

// LogisticPanel is one Gauss–Legendre panel of the logistic transfer
// function's Fisher integrals (package fisher's sigmoid kernel): nodes
// u_j = C + H t_j of a rule (t_j, w_j) on [−1, 1], z_j = Beta (u_j − Theta),
// s_j = 1/(1+e^{−z_j}), q_j = 1 − s_j, d_j = u_j − Mu,
// g_j = e^{Shift − d_j² Inv2v} and fg_j = H w_j s_j q_j² g_j.
type LogisticPanel struct {
	H, C, Mu, Beta, Theta, Shift, Inv2v, V float64
}

// PanelTerms is the number of sums LogisticPanel.Sums adds to.
const PanelTerms = 7

// usePanelKernel is whether LogisticPanel.Sums runs the AVX2 kernel: where
// ExpSlice does and the Go compiler does not fuse multiply-adds (the
// generic code would then round differently from the kernel).
var usePanelKernel = useAVX2 && !compilerFuses

// Sums adds each node's fg (1, u, u², l, l² − 3sq, d, d² − V), l = 1 − 3s,
// to acc[0] … acc[6], node after node; with first set it adds only fg to
// acc[0]. len(nodes) = len(weights) must be a multiple of 4 and at most
// MaxPanelNodes. Every operation is rounded on its own, in the order of
// the generic code, so the AVX2 kernel (four nodes per register, chosen
// at run time) gives the same sums bit for bit.
func (p *LogisticPanel) Sums(acc *[PanelTerms]float64, nodes, weights []float64, first bool) {
	n := len(nodes)
	weights = weights[:n]
	if usePanelKernel && n%4 == 0 && n <= MaxPanelNodes {
		params := [8]float64{p.H, p.C, p.Mu, p.Beta, p.Theta, p.Shift, p.Inv2v, p.V}
		if n == 0 || logisticPanelKernel(acc, &nodes[0], &weights[0], n, &params) {
			return
		}
	}
	p.sumsGeneric(acc, nodes, weights, first)
}

// MaxPanelNodes bounds the nodes of a panel the AVX2 kernel takes.
const MaxPanelNodes = 32

// sumsGeneric is Sums in Go: the exponentials of all nodes first
// (ExpSlice), then the sums in node order.
func (p *LogisticPanel) sumsGeneric(acc *[PanelTerms]float64, nodes, weights []float64, first bool) {
	n := len(nodes)
	var buf [2 * MaxPanelNodes]float64
	e := buf[:2*n] // e^{−|z|} of node j at j, its g at n + j
	if 2*n > len(buf) {
		e = make([]float64, 2*n)
	}
	for j, t := range nodes {
		u := p.C + p.H*t
		d := u - p.Mu
		e[j], e[n+j] = -math.Abs(p.Beta*(u-p.Theta)), p.Shift-d*d*p.Inv2v
	}
	ExpSlice(e, e)
	for j, t := range nodes {
		u := p.C + p.H*t
		r := 1 / (1 + e[j])
		s, q := r, e[j]*r // s = logistic(z), q = 1 − s
		if p.Beta*(u-p.Theta) < 0 {
			s, q = q, s
		}
		d := u - p.Mu
		fg := p.H * weights[j] * s * q * q * e[n+j]
		acc[0] += fg
		if first {
			continue
		}
		l := 1 - 3*s
		acc[1] += fg * u
		acc[2] += fg * u * u
		acc[3] += fg * l
		acc[4] += fg * (l*l - 3*s*q)
		acc[5] += fg * d
		acc[6] += fg * (d*d - p.V)
	}
}
