package conll_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/torchrnn/torchrnn/conll"
)

// Read a CoNLL-2000-style chunk file, score a guess as conlleval does, and
// write the guess back as an appended column.
func Example() {
	text := "He PRP B-NP\nreckons VBZ B-VP\nthe DT B-NP\ndeficit NN I-NP\n. . O\n\n"
	sents, err := conll.Read(strings.NewReader(text), "chunks.txt", conll.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	guess := []string{"B-NP", "B-VP", "B-NP", "B-NP", "O"} // splits "the deficit"
	var s conll.Score
	s.Add(sents[0].Tags, guess)
	fmt.Println(conll.Chunks(guess))
	fmt.Printf("precision %.2f recall %.2f F1 %.2f accuracy %.2f\n", s.All.Precision(), s.All.Recall(), s.All.F1(), s.Accuracy())
	conll.Write(os.Stdout, sents[0], guess)
	// Output:
	// [{0 1 NP} {1 2 VP} {2 3 NP} {3 4 NP}]
	// precision 0.50 recall 0.67 F1 0.57 accuracy 0.80
	// He PRP B-NP	B-NP
	// reckons VBZ B-VP	B-VP
	// the DT B-NP	B-NP
	// deficit NN I-NP	B-NP
	// . . O	O
}
