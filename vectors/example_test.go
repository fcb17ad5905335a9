package vectors_test

import (
	"fmt"
	"strings"

	"github.com/torchrnn/torchrnn/vectors"
	"github.com/torchrnn/torchrnn/vocab"
)

// A GloVe file (no header) for the tokens of a tiny corpus: "good" is
// found as it is, "Film" through "film", and "meh" is missing.
func ExampleRead() {
	v := vocab.Build([]string{"good Film meh"}, strings.Fields, vocab.Options{})
	glove := "the 0.1 0.2\ngood 0.5 -0.5\nfilm 1.5 2\n"
	m, err := vectors.Read(strings.NewReader(glove), v, vectors.Options{Dim: 2, Zeros: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for id, row := range m.Rows {
		fmt.Println(v.Token(int64(id)), row)
	}
	fmt.Println(m.Coverage)
	// Output:
	// <pad> [0 0]
	// <unk> [0 0]
	// good [0.5 -0.5]
	// Film [1.5 2]
	// meh [0 0]
	// vectors: 2 of 3 tokens found (66.7%; 1 exact, 1 case-folded), 1 set to zero; 3 words of 2 dimensions (glove)
}

// Reading a word2vec text file word by word.
func ExampleScanner() {
	file := "2 3\nking 0.5 0.25 1\nqueen 0.5 0.75 1\n"
	sc := vectors.NewScanner(strings.NewReader(file), vectors.Auto)
	for sc.Scan() {
		v, _ := sc.Vector()
		fmt.Printf("%s %v\n", sc.Word(), v)
	}
	fmt.Println(sc.Format(), sc.Dim(), sc.Err())
	// Output:
	// king [0.5 0.25 1]
	// queen [0.5 0.75 1]
	// word2vec 3 <nil>
}
