package vocab

import (
	"hash/maphash"
	"unsafe"
)

// internTable counts the tokens of one chunk of documents: an
// open-addressing hash table of first-seen positions, with the token bytes
// back to back in one arena. A token of at most 8 bytes is compared in the
// slot itself, packed into a word; a longer one also in the arena.
// Counting a token already seen allocates nothing; a Go map[string]int
// would also need each token as its own string.
type internTable struct {
	slots  []slot // len a power of 2
	shift  uint   // 64 - log2(len(slots)): a hash's top bits pick the slot
	ends   []int  // end of position i's bytes in arena (start: ends[i-1])
	arena  []byte
	counts []int
	seed   maphash.Seed
}

// A slot holds a token's packed bytes and tag<<40 | min(len, 255)<<32 |
// position+1; meta 0 is an empty slot.
type slot struct{ key, meta uint64 }

// newInternTable returns a table sized for about n distinct tokens; seed
// is shared by the tables that are merged into one another.
func newInternTable(n int, seed maphash.Seed) *internTable {
	t := &internTable{seed: seed,
		ends: make([]int, 0, n), arena: make([]byte, 0, 8*n), counts: make([]int, 0, n)}
	t.resize(max(1024, 2*n))
	return t
}

// resize makes room for n slots (rounded up to a power of 2) and puts
// every position back.
func (t *internTable) resize(n int) {
	t.shift = 64
	for ; n > 1; n = (n + 1) / 2 {
		t.shift--
	}
	old := t.slots
	t.slots = make([]slot, 1<<(64-t.shift))
	mask := uint64(len(t.slots) - 1)
	for _, s := range old {
		if s.meta != 0 {
			i := t.hash(t.token(int(s.meta&0xffffffff)-1), s.key) >> t.shift
			for t.slots[i].meta != 0 {
				i = (i + 1) & mask
			}
			t.slots[i] = s
		}
	}
}

// pack returns a word that, with the length, tells a token of at most 8
// bytes from any other; of a longer token, its first 8 bytes.
func pack(s string) uint64 {
	switch n := len(s); {
	case n >= 8:
		return uint64(le32(s)) | uint64(le32(s[4:]))<<32
	case n >= 4:
		return uint64(le32(s)) | uint64(le32(s[n-4:]))<<32
	case n > 0:
		return uint64(s[0]) | uint64(s[n/2])<<8 | uint64(s[n-1])<<16
	}
	return 0
}

// le32 is the little-endian word of s's first 4 bytes.
func le32(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// hash returns a hash of s, whose packed bytes are key: a multiplication
// for a short token, maphash for a longer one.
func (t *internTable) hash(s string, key uint64) uint64 {
	if len(s) <= 8 {
		return (key ^ uint64(len(s))<<59) * 0x9e3779b97f4a7c15
	}
	return maphash.String(t.seed, s)
}

// token returns position i's bytes, valid until the next add.
func (t *internTable) token(i int) string {
	start := 0
	if i > 0 {
		start = t.ends[i-1]
	}
	return unsafe.String(unsafe.SliceData(t.arena[start:]), t.ends[i]-start)
}

// add counts tok n more times and returns its position in first-seen
// order. tok is copied when new, so it may be a view of a reused buffer.
func (t *internTable) add(tok string, n int) int32 {
	key := pack(tok)
	h := t.hash(tok, key)
	want := h>>8&0xffffff<<40 | uint64(min(len(tok), 255))<<32
	mask := uint64(len(t.slots) - 1)
	for i := h >> t.shift; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s.meta == 0 {
			return t.insert(i, slot{key, want}, tok, n)
		}
		if s.key == key && s.meta&^0xffffffff == want {
			if p := int32(s.meta&0xffffffff) - 1; len(tok) <= 8 || t.token(int(p)) == tok {
				t.counts[p] += n
				return p
			}
		}
	}
}

// addAll counts tokens, in order, and appends their positions to dst.
func (t *internTable) addAll(dst []int32, tokens []string) []int32 {
	for _, tok := range tokens {
		dst = append(dst, t.add(tok, 1))
	}
	return dst
}

// insert puts tok, new, in the empty slot i.
func (t *internTable) insert(i uint64, s slot, tok string, n int) int32 {
	p := int32(len(t.counts))
	t.arena = append(t.arena, tok...)
	t.ends = append(t.ends, len(t.arena))
	t.counts = append(t.counts, n)
	s.meta |= uint64(p + 1)
	t.slots[i] = s
	if 4*len(t.counts) > 3*len(t.slots) {
		t.resize(2 * len(t.slots))
	}
	return p
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
	start := 0
	for i, end := range t.ends {
		tok := all[start:end]
		c.tokens[i] = tok
		c.index[tok] = i
		start = end
	}
	return c
}
