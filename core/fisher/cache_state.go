package fisher

// CacheStateWords is the length of a Cache's state (AppendState).
const CacheStateWords = 7 + cachePatches*(8+3*cacheNodes*cacheNodes) + taylorWords

// taylorWords is the length of the Taylor layer's state.
const taylorWords = 12 + 3*6

// AppendState appends the Cache's complete state (patch sizes, patches,
// ring position, Taylor layer and counters) to dst as CacheStateWords
// numbers.
func (c *Cache) AppendState(dst []float64) []float64 {
	dst = append(dst, c.fracMu, c.fracVar, float64(c.next), float64(c.Fits), float64(c.Hits), float64(c.Direct),
		float64(c.Recentres))
	for i := range c.patches {
		p := &c.patches[i]
		valid := 0.0
		if p.valid {
			valid = 1
		}
		dst = append(dst, valid, p.mu0, p.hMu, p.v0, p.hV)
		dst = append(dst, p.scale[:]...)
		for k := range p.coef {
			dst = append(dst, p.coef[k][:]...)
		}
	}
	t := &c.taylor
	dst = append(dst, float64(t.count), t.q, t.mu0, t.v0, t.muLo, t.muHi, t.vLo, t.vHi, t.aspect,
		float64(t.served), float64(t.skip), float64(t.backoff))
	for a := range t.d {
		dst = append(dst, t.d[a][:]...)
	}
	return dst
}

// SetState restores a state written by AppendState (len(src) ≥
// CacheStateWords) and returns the rest of src.
func (c *Cache) SetState(src []float64) []float64 {
	c.fracMu, c.fracVar, c.next = src[0], src[1], (int(src[2])%cachePatches+cachePatches)%cachePatches
	c.Fits, c.Hits, c.Direct, c.Recentres = int(src[3]), int(src[4]), int(src[5]), int(src[6])
	src = src[7:]
	for i := range c.patches {
		p := &c.patches[i]
		p.valid, p.mu0, p.hMu, p.v0, p.hV = src[0] == 1, src[1], src[2], src[3], src[4]
		src = src[5+copy(p.scale[:], src[5:]):]
		for k := range p.coef {
			src = src[copy(p.coef[k][:], src):]
		}
		p.derive()
	}
	t := &c.taylor
	t.count = min(max(int(src[0]), 0), 3)
	t.q, t.mu0, t.v0, t.muLo, t.muHi, t.vLo, t.vHi, t.aspect = src[1], src[2], src[3], src[4], src[5], src[6], src[7], src[8]
	t.served, t.skip, t.backoff = int(src[9]), int(src[10]), int(src[11])
	t.gen++
	if !t.boxValid() {
		t.count = 0
	}
	src = src[12:]
	for a := range t.d {
		src = src[copy(t.d[a][:], src):]
	}
	return src
}
