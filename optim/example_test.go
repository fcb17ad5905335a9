package optim_test

import (
	"fmt"

	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/optim"
	"github.com/torchrnn/torchrnn/torch"
)

// Three free logits trained by Adam towards class 2.
func Example() {
	torch.LockThread()
	torch.Seed(0)
	params := lstm.NewParams(torch.CPU)
	defer params.Drop()
	logits, _ := params.Uniform("logits", []int64{1, 3}, 0.1) // [1, 3]
	target, _ := torch.FromInt64s([]int64{2}, torch.CPU)      // [1]
	defer torch.Free(target)
	opt, _ := optim.New(params.List(), optim.Config{LR: 0.1})

	var first, last float64
	for i := 0; i < 50; i++ {
		loss, _ := torch.CrossEntropy(logits, target, torch.NoIgnore)
		opt.ZeroGrad()
		_ = loss.Backward()
		_ = opt.Step()
		v, _ := torch.Item(loss)
		torch.Free(loss)
		if i == 0 {
			first = v
		}
		last = v
	}
	best, _ := torch.Argmax(logits, -1)
	defer torch.Free(best)
	class, _ := torch.Int64s(best)
	fmt.Printf("loss fell below a tenth: %v; class %d after %d steps\n", last < first/10, class[0], opt.Steps)
	// Output: loss fell below a tenth: true; class 2 after 50 steps
}
