// Package vectors reads pretrained word vectors (GloVe, word2vec text and
// binary, fastText .vec) into an embedding matrix aligned with a
// vocabulary, as PyTorch users fill nn.Embedding.from_pretrained:
//
//	m, err := vectors.Load("glove.6B.100d.txt", v, vectors.Options{Dim: 100})
//	fmt.Println(m.Coverage) // how many tokens the file covers
//	emb, err := lstm.NewEmbedding(p, "embedding", int64(v.Len()), 100, vocab.PadID,
//		lstm.EmbeddingOptions{Vectors: m.Rows, Frozen: true})
//
// A token takes its own vector, else that of its case-folded form, else a
// draw from N(0, 1) (nn.Embedding's init, seeded by Options.Seed) or zeros
// (Options.Zeros); the <pad> row is zero. The file is streamed: only the
// vectors of the vocabulary's words are kept, and the rest are checked
// (field count, UTF-8 words, well-formed numbers) without being converted,
// so a damaged line anywhere is an error naming it. Write goes the other
// way, for exporting an embedding or making test files.
//
// Nothing here touches libtorch: the package returns Go slices and has no
// tensors to free. A Scanner is not safe for concurrent use.
package vectors
