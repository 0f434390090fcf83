package input

import "math/bits"

// scheduler holds one pending spike per afferent: a timing wheel whose
// buckets are bitsets over the afferents, for spikes less than the wheel's
// span ahead, and a min-heap (by bin, then afferent) for the rest. Adding a
// spike sets one bit (or pushes onto the heap, O(log n)); taking a bin's
// spikes scans n/64 words, and yields them in ascending afferent order
// without sorting.
type scheduler struct {
	wheel []uint64 // bucket b occupies words [b·words, (b+1)·words)
	words int
	mask  int64 // span − 1; the span is a power of two
	far   []pendingSpike
}

type pendingSpike struct {
	bin      int64
	afferent int
}

// maxWheelWords caps the wheel's memory (8 bytes a word) so that it stays
// within a core's L2 cache.
const maxWheelWords = 1 << 17

func newScheduler(n, span int) scheduler {
	words := (n + 63) / 64
	for span > 64 && span*words > maxWheelWords {
		span /= 2
	}
	return scheduler{wheel: make([]uint64, span*words), words: words, mask: int64(span - 1)}
}

func (s *scheduler) clear() {
	clear(s.wheel)
	s.far = s.far[:0]
}

// add schedules afferent i to spike in bin, where now ≤ bin is the current
// bin.
func (s *scheduler) add(bin, now int64, i int) {
	if bin-now <= s.mask {
		s.wheel[int(bin&s.mask)*s.words+i>>6] |= 1 << (i & 63)
		return
	}
	s.pushFar(pendingSpike{bin, i})
}

// due appends the afferents due in bin to dst, in ascending order, and
// removes them.
func (s *scheduler) due(dst []int, bin int64) []int {
	base := int(bin&s.mask) * s.words
	bucket := s.wheel[base : base+s.words]
	for len(s.far) > 0 && s.far[0].bin == bin {
		i := s.far[0].afferent
		bucket[i>>6] |= 1 << (i & 63)
		s.popFar()
	}
	for w, word := range bucket {
		if word == 0 {
			continue
		}
		for word != 0 {
			dst = append(dst, w<<6|bits.TrailingZeros64(word))
			word &= word - 1
		}
		bucket[w] = 0
	}
	return dst
}

func (p pendingSpike) before(q pendingSpike) bool {
	return p.bin < q.bin || (p.bin == q.bin && p.afferent < q.afferent)
}

func (s *scheduler) pushFar(e pendingSpike) {
	h := append(s.far, e)
	for j := len(h) - 1; j > 0; {
		parent := (j - 1) / 2
		if !h[j].before(h[parent]) {
			break
		}
		h[j], h[parent] = h[parent], h[j]
		j = parent
	}
	s.far = h
}

func (s *scheduler) popFar() {
	h := s.far
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	for j := 0; ; {
		child := 2*j + 1
		if child >= len(h) {
			break
		}
		if child+1 < len(h) && h[child+1].before(h[child]) {
			child++
		}
		if !h[child].before(h[j]) {
			break
		}
		h[j], h[child] = h[child], h[j]
		j = child
	}
	s.far = h
}
