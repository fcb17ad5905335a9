package lstm_test

import (
	"fmt"

	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/seq"
	"github.com/torchrnn/torchrnn/torch"
)

// A classifier with attention pooling shows how much each token counted:
// each row of weights sums to 1 over the sequence's own tokens and is 0
// at padding; a one-token sequence puts all its weight on that token.
func ExampleClassifier_Explain() {
	torch.LockThread()
	torch.Seed(0)
	m, _ := lstm.NewClassifier(lstm.Config{Vocab: 10, Embed: 8, Hidden: 8, Pooling: lstm.AttentionPooling, Classes: 3}, torch.CPU)
	defer m.Params.Drop()
	ids, lengths, T, _ := seq.Pad([][]int64{{3, 4, 5, 6}, {7}}, 0, seq.KeepHead, 0)
	x, _ := torch.FromInt64s(ids, torch.CPU, 2, int64(T)) // [B, T]
	logits, weights, _ := m.Explain(x, lengths, false)    // [B, 3], [B, T]
	defer torch.Free(x, logits, weights)

	w, _ := torch.Float32s(weights)
	sum := w[0] + w[1] + w[2] + w[3]
	fmt.Printf("row 0 sums to %.3f; row 1: %.3f %.3f %.3f %.3f\n", sum, w[4], w[5], w[6], w[7])
	// Output: row 0 sums to 1.000; row 1: 1.000 0.000 0.000 0.000
}
