package counter

// Source adapts a Poisson population and a stream key to input.Source:
// Next returns the spikes of bins 0, 1, 2, … in turn, the same as
// Poisson.Spikes at those bins, so an engine that reads an input.Source
// (learn.Run) draws exactly the inputs the lanes engine draws.
type Source struct {
	p   *Poisson
	key Key
	bin uint64
}

// NewSource returns the Source of stream key over p, at bin 0. p must not
// be shared with another goroutine.
func NewSource(p *Poisson, key Key) *Source { return &Source{p: p, key: key} }

// Next appends the afferents spiking in the next bin to dst[:0].
func (s *Source) Next(dst []int) ([]int, error) { return s.Draw(dst), nil }

// Draw is Next without its error (always nil), for callers that hold a
// *Source.
func (s *Source) Draw(dst []int) []int {
	b := s.bin
	s.bin = b + 1
	return appendSpikes(s.p, dst, s.key, b)
}

// N returns the number of afferents.
func (s *Source) N() int { return s.p.N() }

// Bin returns the bin that Next draws next: with the key, the complete
// state of the source.
func (s *Source) Bin() uint64 { return s.bin }

// Seek makes Next continue at bin.
func (s *Source) Seek(bin uint64) { s.bin = bin }

// SetRates switches to new rates from the next bin on (Poisson.SetRates).
func (s *Source) SetRates(rates []float64, dt float64) error { return s.p.SetRates(rates, dt) }
