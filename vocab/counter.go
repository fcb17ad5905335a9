package vocab

import (
	"runtime"
	"strings"
	"sync"
)

// A Counter counts tokens and remembers the order in which they were first
// seen, like Python's collections.Counter filled in corpus order.
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
	if c.index == nil {
		c.index = make(map[string]int)
	}
	for _, t := range tokens {
		if i, ok := c.index[t]; ok {
			c.counts[i]++
			continue
		}
		t = strings.Clone(t) // do not pin the caller's text
		c.index[t] = len(c.tokens)
		c.tokens = append(c.tokens, t)
		c.counts = append(c.counts, 1)
	}
}

// Merge adds the counts of o, which must have counted text that comes
// after the text c counted: tokens new to c keep o's first-seen order.
func (c *Counter) Merge(o *Counter) {
	if c.index == nil {
		c.index = make(map[string]int, len(o.tokens))
	}
	for j, t := range o.tokens {
		if i, ok := c.index[t]; ok {
			c.counts[i] += o.counts[j]
			continue
		}
		c.index[t] = len(c.tokens)
		c.tokens = append(c.tokens, t)
		c.counts = append(c.counts, o.counts[j])
	}
}

// Count returns how many times tok was seen.
func (c *Counter) Count(tok string) int {
	if i, ok := c.index[tok]; ok {
		return c.counts[i]
	}
	return 0
}

// Len returns the number of distinct tokens.
func (c *Counter) Len() int { return len(c.tokens) }

// TokenCount is a token and how many times it was seen.
type TokenCount struct {
	Token string
	Count int
}

// Ordered returns the distinct tokens in order of first occurrence.
func (c *Counter) Ordered() []TokenCount {
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
	return countChunks(len(texts), func(c *Counter, i int) { c.Add(tok(texts[i])) })
}

// CountTokens counts already tokenized documents in parallel; see Count.
func CountTokens(docs [][]string) *Counter {
	return countChunks(len(docs), func(c *Counter, i int) { c.Add(docs[i]) })
}

// minChunk is the fewest documents worth a goroutine of their own.
const minChunk = 256

func countChunks(n int, add func(c *Counter, i int)) *Counter {
	workers := min(runtime.GOMAXPROCS(0), max(1, n/minChunk))
	parts := make([]*Counter, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Go(func() {
			c := NewCounter()
			for i := lo; i < hi; i++ {
				add(c, i)
			}
			parts[w] = c
		})
	}
	wg.Wait()
	for _, p := range parts[1:] {
		parts[0].Merge(p)
	}
	return parts[0]
}

// parallelFor calls f(i) for i in [0, n) on one goroutine per core.
func parallelFor(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), max(1, n/minChunk))
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				f(i)
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
