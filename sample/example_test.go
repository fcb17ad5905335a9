package sample_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/torchrnn/torchrnn/sample"
)

func Example() {
	logits := []float32{2.0, 1.0, 0.5, -1.0} // one step of a model over 4 tokens
	greedy := sample.Pick(logits, sample.Options{}, nil)
	p := sample.Probabilities(logits, sample.Options{Temperature: 1, TopK: 2})
	rng := rand.New(rand.NewPCG(1, 2))
	drawn := sample.Pick(logits, sample.Options{Temperature: 1, TopK: 2}, rng)
	fmt.Printf("greedy %d; top-2 probabilities %.3f; drawn from the top 2: %v\n", greedy, p, drawn < 2)
	// Output: greedy 0; top-2 probabilities [0.731 0.269 0.000 0.000]; drawn from the top 2: true
}
