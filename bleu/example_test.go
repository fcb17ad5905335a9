package bleu_test

import (
	"fmt"

	"github.com/torchrnn/torchrnn/bleu"
)

func ExampleCorpusText() {
	hyps := []string{"a man rides a bike .", "two dogs play in snow ."}
	refs := []string{"a man is riding a bike .", "two dogs play in the snow ."}
	s, err := bleu.CorpusText(hyps, refs)
	if err != nil {
		panic(err)
	}
	// 1-grams 5+6 of 12 match, 2-grams 3+4 of 10, 3-grams 1+2 of 8, 4-grams
	// 0+1 of 6; BP = exp(1 - 14/12).
	fmt.Println(s)
	// Output: BLEU = 37.88 91.7/70.0/37.5/16.7 (BP = 0.846 ratio = 0.857 hyp_len = 12 ref_len = 14)
}
