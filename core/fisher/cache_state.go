package fisher

// CacheStateWords is the length of a Cache's state (AppendState).
const CacheStateWords = 6 + cachePatches*(5+3*cacheNodes*cacheNodes)

// AppendState appends the Cache's complete state (patch sizes, patches,
// ring position and counters) to dst as CacheStateWords numbers.
func (c *Cache) AppendState(dst []float64) []float64 {
	dst = append(dst, c.fracMu, c.fracVar, float64(c.next), float64(c.Fits), float64(c.Hits), float64(c.Direct))
	for i := range c.patches {
		p := &c.patches[i]
		valid := 0.0
		if p.valid {
			valid = 1
		}
		dst = append(dst, valid, p.mu0, p.hMu, p.v0, p.hV)
		for k := range p.coef {
			dst = append(dst, p.coef[k][:]...)
		}
	}
	return dst
}

// SetState restores a state written by AppendState (len(src) ≥
// CacheStateWords) and returns the rest of src.
func (c *Cache) SetState(src []float64) []float64 {
	c.fracMu, c.fracVar, c.next = src[0], src[1], (int(src[2])%cachePatches+cachePatches)%cachePatches
	c.Fits, c.Hits, c.Direct = int(src[3]), int(src[4]), int(src[5])
	src = src[6:]
	for i := range c.patches {
		p := &c.patches[i]
		p.valid, p.mu0, p.hMu, p.v0, p.hV = src[0] == 1, src[1], src[2], src[3], src[4]
		src = src[5:]
		for k := range p.coef {
			src = src[copy(p.coef[k][:], src):]
		}
	}
	return src
}
