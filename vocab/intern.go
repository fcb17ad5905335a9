package vocab

import (
	"hash/maphash"
	"unsafe"
)

// internTable counts the tokens of one chunk of documents: an
// open-addressing hash table of first-seen positions over the token bytes,
// kept back to back in one arena. Counting a token already seen costs one
// hash and, almost always, one probe, and allocates nothing; a Go
// map[string]int would also need each token as its own string.
type internTable struct {
	slots  []uint64 // hash>>32<<32 | position+1, 0 when empty; len a power of 2
	ends   []uint32 // end of position i's bytes in arena (start: ends[i-1])
	arena  []byte
	counts []int
	seed   maphash.Seed
}

// newInternTable returns a table sized for about n distinct tokens; seed
// is shared by the tables that are merged into one another.
func newInternTable(n int, seed maphash.Seed) *internTable {
	size := 1024
	for size < 2*n {
		size *= 2
	}
	return &internTable{slots: make([]uint64, size), seed: seed,
		ends: make([]uint32, 0, n), arena: make([]byte, 0, 8*n), counts: make([]int, 0, n)}
}

// token returns position i's bytes, valid until the next add.
func (t *internTable) token(i int) string {
	start := uint32(0)
	if i > 0 {
		start = t.ends[i-1]
	}
	return unsafe.String(unsafe.SliceData(t.arena[start:]), int(t.ends[i]-start))
}

// add counts tok n more times and returns its position in first-seen
// order. tok is copied when new, so it may be a view of a reused buffer.
func (t *internTable) add(tok string, n int) int32 {
	h := maphash.String(t.seed, tok)
	tag := h >> 32 << 32
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return t.insert(i, tag, tok, n)
		}
		if s&^0xffffffff == tag {
			if p := int32(s&0xffffffff) - 1; t.token(int(p)) == tok {
				t.counts[p] += n
				return p
			}
		}
	}
}

// insert puts tok, new, in the empty slot i.
func (t *internTable) insert(i, tag uint64, tok string, n int) int32 {
	p := int32(len(t.counts))
	t.arena = append(t.arena, tok...)
	t.ends = append(t.ends, uint32(len(t.arena)))
	t.counts = append(t.counts, n)
	t.slots[i] = tag | uint64(p+1)
	if 4*len(t.counts) > 3*len(t.slots) {
		t.grow()
	}
	return p
}

// grow doubles the slots and puts every position back.
func (t *internTable) grow() {
	old := t.slots
	t.slots = make([]uint64, 2*len(old))
	mask := uint64(len(t.slots) - 1)
	for _, s := range old {
		if s == 0 {
			continue
		}
		h := maphash.String(t.seed, t.token(int(s&0xffffffff)-1))
		i := h & mask
		for t.slots[i] != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}

// mergeRemap adds o's counts to t, o's tokens new to t in o's first-seen
// order, and returns for each of o's positions the token's position in t.
func (t *internTable) mergeRemap(o *internTable) []int32 {
	remap := make([]int32, len(o.counts))
	for j, n := range o.counts {
		remap[j] = t.add(o.token(j), n)
	}
	return remap
}

// counter returns t's counts as a Counter. Its tokens share one string.
func (t *internTable) counter() *Counter {
	all := string(t.arena)
	c := &Counter{index: make(map[string]int, len(t.counts)),
		tokens: make([]string, len(t.counts)), counts: t.counts}
	start := uint32(0)
	for i, end := range t.ends {
		tok := all[start:end]
		c.tokens[i] = tok
		c.index[tok] = i
		start = end
	}
	return c
}
