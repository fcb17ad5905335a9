package dist_test

import (
	"fmt"

	"github.com/torchrnn/torchrnn/dist"
)

// A job of one process: Join serves its own rendezvous, and a sum over the
// ranks is the values themselves. With WORLD_SIZE=2, each of two processes
// would get both processes' sums.
func Example() {
	env := dist.Env{Rank: 0, Size: 1, MasterAddr: "127.0.0.1", MasterPort: 29571}
	g, err := dist.Join(env, dist.Options{Backend: dist.Gloo, Check: "same flags"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer g.Close()
	sums, err := g.SumFloat64s([]float64{1.5, 2})
	fmt.Println(sums, err)
	// Output: [1.5 2] <nil>
}
