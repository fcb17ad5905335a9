// Package vocab turns text into token ids: tokenizers (IMDB, Whitespace,
// Chars), a token Counter that counts in parallel, and a Vocab built from
// the counts that encodes, decodes, saves and loads.
//
// Ids: <pad> = 0, <unk> = 1, then <bos> and <eos> when asked for, then the
// corpus tokens by count, most frequent first, ties in order of first
// occurrence. This is the seed's
//
//	sorted(counts.items(), key=lambda x: x[1], reverse=True)
//
// over a Counter filled in corpus order (Python's sort is stable).
package vocab

import (
	"math"
	"slices"
)

// Special tokens and their fixed ids.
const (
	Pad   = "<pad>"
	Unk   = "<unk>"
	BOS   = "<bos>"
	EOS   = "<eos>"
	PadID = 0
	UnkID = 1
)

// IsSpecial reports whether tok is one of the special tokens (<pad>, <unk>,
// <bos>, <eos>).
func IsSpecial(tok string) bool {
	return tok == Pad || tok == Unk || tok == BOS || tok == EOS
}

// Options shape a Vocab. The zero value keeps every token and adds
// neither <bos> nor <eos>.
type Options struct {
	MinFreq int  // drop tokens seen fewer times; 0 means 1 (keep all)
	MaxSize int  // at most this many ids, specials included (never fewer than the specials); 0 means no limit
	BOS     bool // reserve <bos> (id 2)
	EOS     bool // reserve <eos> (id 2, or 3 after <bos>)
}

// A Vocab maps tokens to int64 ids and back. It is safe for concurrent
// reads.
type Vocab struct {
	tokens   []string
	ids      map[string]int64
	bos, eos int64 // -1 when absent
}

// New builds a Vocab from counts. Corpus tokens equal to a special token
// are not added twice; they get the special's id.
func New(c *Counter, opt Options) *Vocab {
	v := newSpecials(opt.BOS, opt.EOS, c.Len())
	minFreq := max(opt.MinFreq, 1)
	for _, i := range c.byCount() {
		if c.counts[i] < minFreq || (opt.MaxSize > 0 && len(v.tokens) >= opt.MaxSize) {
			break // sorted by count, so nothing later qualifies either
		}
		v.add(c.tokens[i])
	}
	return v
}

// byCount returns the positions of c's tokens by count, most frequent
// first, ties in first-seen order: a stable sort by count, done as a sort
// of (MaxUint32 - count, position) words, several times faster.
func (c *Counter) byCount() []int {
	if c.Len() == 0 {
		return nil
	}
	keys := make([]uint64, len(c.counts))
	for i, n := range c.counts {
		if n > math.MaxUint32 || i > math.MaxUint32 {
			return c.byCountStable()
		}
		keys[i] = uint64(math.MaxUint32-n)<<32 | uint64(i)
	}
	slices.Sort(keys)
	order := make([]int, len(keys))
	for j, k := range keys {
		order[j] = int(k & math.MaxUint32)
	}
	return order
}

// byCountStable is byCount for counts or positions beyond 32 bits.
func (c *Counter) byCountStable() []int {
	order := make([]int, len(c.counts))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return c.counts[b] - c.counts[a] })
	return order
}

// Build counts the tokens of texts in parallel (see Count) and returns
// New(counts, opt).
func Build(texts []string, tok Tokenizer, opt Options) *Vocab {
	return New(Count(texts, tok), opt)
}

// newSpecials returns a Vocab holding only the special tokens.
func newSpecials(bos, eos bool, capacity int) *Vocab {
	v := &Vocab{ids: make(map[string]int64, capacity+4), bos: -1, eos: -1}
	v.add(Pad)
	v.add(Unk)
	if bos {
		v.bos = v.add(BOS)
	}
	if eos {
		v.eos = v.add(EOS)
	}
	return v
}

// add appends tok unless present and returns its id.
func (v *Vocab) add(tok string) int64 {
	if id, ok := v.ids[tok]; ok {
		return id
	}
	id := int64(len(v.tokens))
	v.tokens = append(v.tokens, tok)
	v.ids[tok] = id
	return id
}

// Len returns the number of ids, specials included.
func (v *Vocab) Len() int { return len(v.tokens) }

// ID returns the id of tok, or UnkID when tok is not in the vocabulary.
func (v *Vocab) ID(tok string) int64 {
	if id, ok := v.ids[tok]; ok {
		return id
	}
	return UnkID
}

// Lookup returns the id of tok and whether it is in the vocabulary.
func (v *Vocab) Lookup(tok string) (int64, bool) {
	id, ok := v.ids[tok]
	return id, ok
}

// Token returns the token with the given id, or Unk for an id out of range.
func (v *Vocab) Token(id int64) string {
	if id < 0 || id >= int64(len(v.tokens)) {
		return Unk
	}
	return v.tokens[id]
}

// BOSID returns the id of <bos> and whether the vocabulary has one.
func (v *Vocab) BOSID() (int64, bool) { return v.bos, v.bos >= 0 }

// EOSID returns the id of <eos> and whether the vocabulary has one.
func (v *Vocab) EOSID() (int64, bool) { return v.eos, v.eos >= 0 }

// Encode maps tokens to ids; unknown tokens become UnkID.
func (v *Vocab) Encode(tokens []string) []int64 {
	return v.AppendEncode(make([]int64, 0, len(tokens)), tokens)
}

// AppendEncode appends the ids of tokens to dst and returns it.
func (v *Vocab) AppendEncode(dst []int64, tokens []string) []int64 {
	for _, t := range tokens {
		dst = append(dst, v.ID(t))
	}
	return dst
}

// EncodeAll encodes documents in parallel, one goroutine per core.
func (v *Vocab) EncodeAll(docs [][]string) [][]int64 {
	out := make([][]int64, len(docs))
	parallelFor(len(docs), func(i int) { out[i] = v.Encode(docs[i]) })
	return out
}

// Decode maps ids to tokens; ids out of range become Unk.
func (v *Vocab) Decode(ids []int64) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = v.Token(id)
	}
	return out
}
