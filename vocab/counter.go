package vocab

import (
	"hash/maphash"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

// A Counter counts tokens and remembers the order in which they were first
// seen, like Python's collections.Counter filled in corpus order. The zero
// value is an empty Counter; a nil *Counter reads as empty.
type Counter struct {
	index  map[string]int // token -> position in tokens and counts
	tokens []string       // in order of first occurrence
	counts []int
}

// NewCounter returns an empty Counter.
func NewCounter() *Counter {
	return &Counter{index: make(map[string]int)}
}

// Add counts tokens, in order.
func (c *Counter) Add(tokens []string) {
	for _, t := range tokens {
		c.see(t, 1, true)
	}
}

// Merge adds the counts of o, which must have counted text that comes
// after the text c counted: tokens new to c keep o's first-seen order.
func (c *Counter) Merge(o *Counter) {
	for j, t := range o.tokens {
		c.see(t, o.counts[j], false)
	}
}

// see counts tok n more times and returns its position in first-seen
// order. A new token is cloned when clone is set, so as not to pin the
// caller's text.
func (c *Counter) see(tok string, n int, clone bool) int {
	if i, ok := c.index[tok]; ok {
		c.counts[i] += n
		return i
	}
	if c.index == nil {
		c.index = make(map[string]int)
	}
	if clone {
		tok = strings.Clone(tok)
	}
	i := len(c.tokens)
	c.index[tok] = i
	c.tokens = append(c.tokens, tok)
	c.counts = append(c.counts, n)
	return i
}

// Count returns how many times tok was seen.
func (c *Counter) Count(tok string) int {
	if c == nil {
		return 0
	}
	if i, ok := c.index[tok]; ok {
		return c.counts[i]
	}
	return 0
}

// Len returns the number of distinct tokens.
func (c *Counter) Len() int {
	if c == nil {
		return 0
	}
	return len(c.tokens)
}

// TokenCount is a token and how many times it was seen.
type TokenCount struct {
	Token string
	Count int
}

// Ordered returns the distinct tokens in order of first occurrence.
func (c *Counter) Ordered() []TokenCount {
	if c == nil {
		return nil
	}
	out := make([]TokenCount, len(c.tokens))
	for i, t := range c.tokens {
		out[i] = TokenCount{t, c.counts[i]}
	}
	return out
}

// Count tokenizes texts with tok and counts the tokens. It works on
// contiguous chunks of texts in parallel, one goroutine per core, and
// merges the chunks in order, so the result equals a sequential count.
func Count(texts []string, tok Tokenizer) *Counter {
	return countChunks(len(texts), func(i int) []string { return tok(texts[i]) })
}

// CountTokens counts already tokenized documents in parallel; see Count.
func CountTokens(docs [][]string) *Counter {
	return countChunks(len(docs), func(i int) []string { return docs[i] })
}

// minChunk is the fewest documents worth a goroutine of their own.
const minChunk = 256

// countChunks counts documents 0..n-1, whose tokens doc gives, as Count
// does.
func countChunks(n int, doc func(i int) []string) *Counter {
	merged, _ := countTables(n, chunkCount(n), func(_ int, t *internTable, i int) {
		for _, tok := range doc(i) {
			t.add(tok, 1)
		}
	})
	return merged.counter()
}

// countTables counts documents 0..n-1 in chunks contiguous chunks that the
// goroutines take in turn, each chunk in a table of its own (add counts
// document i in chunk k's table t), and merges the tables in order into
// the first, which it returns. remaps[k] maps chunk k's positions to the
// merged ones (nil for chunk 0).
func countTables(n, chunks int, add func(k int, t *internTable, i int)) (merged *internTable, remaps [][]int32) {
	parts := make([]*internTable, chunks)
	seed := maphash.MakeSeed() // shared: the tables are merged into one another
	forChunks(chunks, workersFor(n), func(k int) {
		t := newInternTable(min(n/chunks*8, 1<<16), seed) // skip early growth
		for i := n * k / chunks; i < n*(k+1)/chunks; i++ {
			add(k, t, i)
		}
		parts[k] = t
	})
	remaps = make([][]int32, chunks)
	for k, p := range parts[1:] {
		remaps[k+1] = parts[0].mergeRemap(p)
	}
	return parts[0], remaps
}

// workersFor is how many goroutines share n documents: one per core, and
// no more than one per minChunk documents.
func workersFor(n int) int { return min(runtime.GOMAXPROCS(0), max(1, n/minChunk)) }

// chunkCount is how many contiguous chunks n documents are counted in.
func chunkCount(n int) int {
	if w := workersFor(n); w > 1 {
		return 2 * w // so a descheduled goroutine does not stall the rest
	}
	return 1
}

// parallelFor calls f(i) for i in [0, n) on one goroutine per core, in
// chunks of 64 that the goroutines take in turn.
func parallelFor(n int, f func(i int)) {
	const chunk = 64
	forChunks((n+chunk-1)/chunk, workersFor(n), func(k int) {
		for i := k * chunk; i < min(n, (k+1)*chunk); i++ {
			f(i)
		}
	})
}

// forChunks calls f(k) for k in [0, chunks) on the given number of
// goroutines, each taking the next chunk when done with one.
func forChunks(chunks, workers int, f func(k int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for k := int(next.Add(1) - 1); k < chunks; k = int(next.Add(1) - 1) {
				f(k)
			}
		})
	}
	wg.Wait()
}

// TokenizeAll tokenizes texts in parallel, one goroutine per core.
func TokenizeAll(texts []string, tok Tokenizer) [][]string {
	docs := make([][]string, len(texts))
	parallelFor(len(texts), func(i int) { docs[i] = tok(texts[i]) })
	return docs
}
