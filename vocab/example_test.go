package vocab_test

import (
	"fmt"
	"os"

	"github.com/torchrnn/torchrnn/vocab"
)

func ExampleIMDB() {
	fmt.Printf("%q\n", vocab.IMDB("This movie is GREAT :-)<br /><br />Loved it!"))
	fmt.Printf("%q\n", vocab.IMDB("So :) good"))
	// Output:
	// ["this" "movie" "is" "great" "loved" "it" ":)"]
	// ["so" "good:)"]
}

func ExampleWhitespace() {
	fmt.Printf("%q\n", vocab.Whitespace("Don't PANIC,\tΟΔΥΣΣΕΥΣ"))
	// Output: ["don't" "panic," "οδυσσευς"]
}

func ExampleChars() {
	fmt.Printf("%q\n", vocab.Chars("né 😀"))
	// Output: ["n" "é" " " "😀"]
}

func ExampleBuild() {
	reviews := []string{"A good film.", "A bad film, a bad plot."}
	v := vocab.Build(reviews, vocab.IMDB, vocab.Options{})
	ids := v.Encode(vocab.IMDB("a good plot twist"))
	fmt.Println(v.Len(), ids)
	fmt.Println(v.Decode(ids))
	// Output:
	// 7 [2 5 6 1]
	// [a good plot <unk>]
}

func ExampleVocab_WriteTo() {
	c := vocab.NewCounter()
	c.Add([]string{"the", "the", "new york", "#1"})
	v := vocab.New(c, vocab.Options{EOS: true})
	v.WriteTo(os.Stdout)
	// Output:
	// #vocab v1 size=6 bos=false eos=true
	// <pad>
	// <unk>
	// <eos>
	// the
	// "new york"
	// "#1"
}
