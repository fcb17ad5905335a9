// Package seq turns token sequences into the rectangular int64 batches a
// recurrent model eats. It is pure Go: every result is a flat row-major
// slice plus its shape, ready to become a tensor; nothing here touches
// libtorch.
//
// Three jobs, one file each:
//
//   - Padding (pad.go): a batch of ragged sequences becomes ids [B, T] and
//     lengths [B], padded on the right, truncated from the head or the tail
//     (into a new slice, or with Shape and PadInto into memory the caller
//     has, such as a tensor's).
//   - Bucketing (bucket.go): a [Sampler] picks which examples share a batch,
//     grouping similar lengths (like torchtext's BucketIterator) so that
//     little of each batch is padding, deterministically per seed and epoch.
//   - Language-model batching (lm.go): [Batchify] cuts one long token stream
//     into B parallel rows, and [Windows] walks them in BPTT windows of
//     inputs x and next-token targets y.
//
// Everything is batch-first: row b of a [B, T] slice is ids[b*T : (b+1)*T].
//
// A classifier epoch reads:
//
//	s, err := seq.NewSampler(lengths, seq.Options{Batch: 32, Seed: 1, Shuffle: true, Bucket: true})
//	for _, batch := range s.Epoch(epoch) {
//		ids, lens, T, err := seq.Pad(gather(batch), 400, seq.KeepTail, padID) // [B, T], [B]
//		...
//	}
//
// A language-model epoch reads:
//
//	data, N, err := seq.Batchify(stream, 20) // [20, N]
//	w := seq.NewWindows(data, 20, N, 35)
//	for w.Next() {
//		x, y, L := w.Window() // [20, L], [20, L]
//		...
//	}
//	if err := w.Err(); err != nil { ... }
package seq
