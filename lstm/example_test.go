package lstm_test

import (
	"fmt"

	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/seq"
	"github.com/torchrnn/torchrnn/torch"
)

// A tagger built from parts: embedding -> bidirectional GRU -> a linear
// head of one's own over every step, run on one batch of two padded
// sentences; padding (tag 0) counts in no loss.
func Example() {
	torch.LockThread()
	torch.Seed(0)
	p := lstm.NewParams(torch.CPU)
	defer p.Drop()
	emb, _ := lstm.NewEmbedding(p, "embedding", 10, 8, 0, lstm.EmbeddingOptions{})
	rnn, _ := lstm.NewRNN(p, "rnn.", lstm.GRU, 8, 16, 1, true, 0)
	head, _ := lstm.NewLinear(p, "tagger", 2*16, 4) // 4 tags, 0 is padding

	ids, lengths, T, _ := seq.Pad([][]int64{{3, 4, 5}, {6, 7}}, 0, seq.KeepHead, 0)
	x, _ := torch.FromInt64s(ids, torch.CPU, 2, int64(T))                   // [B, T]
	tags, _ := torch.FromInt64s([]int64{1, 2, 3, 2, 1, 0}, torch.CPU, 2, 3) // [B, T]
	defer torch.Free(x, tags)

	e, _ := emb.Forward(x)                                       // [B, T] -> [B, T, 8]
	out, state, _ := rnn.Forward(e, lengths, lstm.State{}, true) // -> [B, T, 32]
	logits, _ := head.Forward(out)                               // -> [B, T, 4]
	loss, _ := torch.CrossEntropy(logits, tags, 0)
	defer func() { torch.Free(e, out, logits, loss); state.Drop() }()

	s, _ := torch.Shape(logits)
	h, _ := torch.Shape(state.H)
	fmt.Println("logits", s, "final H", h, "parameters", len(p.List()))
	// Output: logits [2 3 4] final H [2 2 16] parameters 11
}
