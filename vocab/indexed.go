package vocab

import "reflect"

// Indexed is a Counter that also keeps every document as the first-seen
// positions of its tokens, so that a vocabulary built from the counts
// encodes the documents with one slice lookup per token instead of a
// second string-map lookup (EncodeIndexed).
type Indexed struct {
	*Counter
	docs [][]int32 // per document, each token's position in Counter's order
}

// Lengths returns the number of tokens of each document, in order.
func (x *Indexed) Lengths() []int {
	out := make([]int, len(x.docs))
	for i, d := range x.docs {
		out[i] = len(d)
	}
	return out
}

// CountIndexed counts tokenized documents like CountTokens, in parallel
// chunks merged in order, and indexes them.
func CountIndexed(docs [][]string) *Indexed {
	return countIndexed(len(docs), func(t *internTable, i int, dst []int32) []int32 { return t.addAll(dst, docs[i]) })
}

// countIndexed counts and indexes documents 0..n-1: index counts document
// i's tokens in a chunk's table and appends their positions there to dst.
// The documents of a chunk take their positions from shared blocks.
func countIndexed(n int, index func(t *internTable, i int, dst []int32) []int32) *Indexed {
	chunks := chunkCount(n)
	pos := make([][]int32, n)
	free := make([][]int32, chunks) // chunk k's block, from its free part on
	merged, remaps := countTables(n, chunks, func(k int, t *internTable, i int) {
		if cap(free[k]) < 1<<10 {
			free[k] = make([]int32, 0, 1<<16)
		}
		p := index(t, i, free[k])
		if cap(p) == cap(free[k]) { // still in the block
			free[k] = free[k][len(p):len(p)]
		}
		pos[i] = p[:len(p):len(p)]
	})
	// A chunk's local positions map to the merged ones.
	forChunks(chunks, workersFor(n), func(k int) {
		if remap := remaps[k]; remap != nil {
			for i := n * k / chunks; i < n*(k+1)/chunks; i++ {
				for j, p := range pos[i] {
					pos[i][j] = remap[p]
				}
			}
		}
	})
	return &Indexed{Counter: merged.counter(), docs: pos}
}

// EncodeIndexed encodes the documents x counted, in parallel: each distinct
// token is looked up in v once. v need not come from x's counts (tokens it
// lacks become UnkID). The documents' ids share one allocation, each its
// own part of it (appending to one never writes into the next).
func (v *Vocab) EncodeIndexed(x *Indexed) [][]int64 {
	ids := make([]int64, len(x.tokens))
	parallelFor(len(ids), func(i int) { ids[i] = v.ID(x.tokens[i]) })
	starts := make([]int, len(x.docs)+1)
	for i, d := range x.docs {
		starts[i+1] = starts[i] + len(d)
	}
	all := make([]int64, starts[len(x.docs)])
	out := make([][]int64, len(x.docs))
	parallelFor(len(out), func(i int) {
		doc := all[starts[i]:starts[i+1]:starts[i+1]]
		for j, p := range x.docs[i] {
			doc[j] = ids[p]
		}
		out[i] = doc
	})
	return out
}

// CountTexts tokenizes texts with tok, counts and indexes the tokens in
// one pass over each text, in parallel chunks merged in order: the token
// lists are dropped as soon as they are counted, so that their memory is
// reused rather than kept (CountIndexed(TokenizeAll(texts, tok)) gives the
// same result). With IMDB, the tokens are counted straight from the
// tokenizer's buffer, without a []string per text.
func CountTexts(texts []string, tok Tokenizer) *Indexed {
	if isIMDB(tok) {
		return countIndexed(len(texts), func(t *internTable, i int, dst []int32) []int32 { return indexIMDB(t, texts[i], dst) })
	}
	return countIndexed(len(texts), func(t *internTable, i int, dst []int32) []int32 { return t.addAll(dst, tok(texts[i])) })
}

// isIMDB reports whether tok runs IMDB's code (so gives IMDB's tokens).
func isIMDB(tok Tokenizer) bool {
	return tok != nil && reflect.ValueOf(tok).Pointer() == reflect.ValueOf(imdb).Pointer()
}
