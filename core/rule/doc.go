// Package rule implements the per-bin synaptic plasticity rules of
// Kreutzer, Petrovici & Senn (eLife 2022): the Euclidean-gradient rule
// (Eqn 10 with the chain rule of Eqn 44), the natural-gradient rule
// (Eqns 13, 17, 38 with γ_s, γ_u, γ_w of Eqns 107–109) and the approximate
// natural-gradient rule (Eqn 114). The rectified-quadratic special case of
// Eqns 115–124 is the natural rule with neuron.RectifiedQuadratic, whose Fisher
// coefficients are exact (c1 = 1, c2 = c3 = 0).
//
// Every rule applies, in bin t with USPs x_t, teacher spike y_t ∈ {0, 1}
// and V_t = Σ f(w) x_t, the update
//
//	Δw = e_t · u_t,   e_t = η (y_t − φ(V_t) dt) φ'(V_t)/φ(V_t),
//
// where u_t is f'(w) ⊙ x_t (Euclidean) or γ_s f'(w)^{-1} ⊙ [c_ε x_t/r − γ_u 1
// + γ_w f(w)] (natural; approximate with γ_u = c_ε c_u, γ_w = c_w V_t).
// Silent afferents (r = 0) enter the rule with the infinitesimal rate
// SilentRate (user guide, "Inputs"), which makes their homosynaptic term exactly 0.
//
// A Learner runs bin by bin through Update, or through the fused
// Advance/Stage/Flush pipeline (one pass over the synapses per bin,
// bit-identical to Update), or event-driven through Events (O(1) per bin
// plus O(1) per input spike, equal up to rounding). Config.CoefficientTol
// replaces per-refresh quadrature by a fisher.Cache with that error bound.
//
// Everything that differs between the rules lives in one table, rules in
// rule.go (name, equation, whether it preconditions by the inverse Fisher
// matrix, which coefficients and heterosynaptic factors it uses — a
// fisherNeeds value that the per-bin code switches on, so no bin makes an
// indirect call): a new rule is a Kind and its row (and a fisherNeeds case if
// it needs other coefficients), and TestEveryKindHasARow fails without it. The
// rule names reach Python from that table (bindings.RuleNames).
package rule
