package torch_test

import (
	"fmt"

	"github.com/torchrnn/torchrnn/torch"
)

// Logits for two tagged sentences of two tokens, the second sentence
// padded: the padding position (label 0) counts in neither the loss nor
// the accuracy.
func Example() {
	torch.LockThread()
	logits, _ := torch.FromFloat32s([]float32{
		0.1, 2.0, -1.0, 0.3, 0.2, 1.5, // sentence 1: tags 1, 2
		0.0, 0.1, 3.0, 9.0, 0.0, 0.0, // sentence 2: tag 2, then padding
	}, torch.CPU, 2, 2, 3)
	tags, _ := torch.FromInt64s([]int64{1, 2, 2, 0}, torch.CPU, 2, 2)
	defer torch.Free(logits, tags)

	loss, err := torch.CrossEntropy(logits, tags, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer torch.Free(loss)
	v, _ := torch.Item(loss)
	correct, total, _ := torch.Accuracy(logits, tags, 0)
	fmt.Printf("loss %.4f, accuracy %d/%d\n", v, correct, total)
	// Output: loss 0.2450, accuracy 3/3
}
