package bitext_test

import (
	"fmt"

	"github.com/torchrnn/torchrnn/bitext"
)

func ExampleAlign() {
	pairs, err := bitext.Align([]byte("ein hund .\nzwei katzen .\n"), []byte("a dog .\ntwo cats .\n"), "train.de", "train.en")
	fmt.Println(pairs, err)
	_, err = bitext.Align([]byte("ein hund .\n\n"), []byte("a dog .\n"), "train.de", "train.en")
	fmt.Println(err)
	// Output:
	// [{ein hund . a dog .} {zwei katzen . two cats .}] <nil>
	// bitext: train.de:2: empty line (every line must hold a sentence)
}
