package counter

// Source adapts a Poisson population and a stream key to input.Source:
// Next returns the spikes of bins 0, 1, 2, … in turn, the same as
// Poisson.Spikes at those bins, so an engine that reads an input.Source
// (learn.Run) can draw exactly the inputs the lanes engine draws.
type Source struct {
	p   *Poisson
	key Key
	bin uint64
	buf []int32
}

// NewSource returns the Source of stream key over p, at bin 0. p must not
// be shared with another goroutine.
func NewSource(p *Poisson, key Key) *Source { return &Source{p: p, key: key} }

// Next appends the afferents spiking in the next bin to dst[:0].
func (s *Source) Next(dst []int) ([]int, error) {
	s.buf = s.p.Spikes(s.buf, s.key, s.bin)
	s.bin++
	dst = dst[:0]
	for _, i := range s.buf {
		dst = append(dst, int(i))
	}
	return dst, nil
}

// N returns the number of afferents.
func (s *Source) N() int { return s.p.N() }
