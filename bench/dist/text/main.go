// Command text prints the first N characters (default 200,000) of the
// built-in tiny shakespeare, the text bench/dist.sh trains on.
package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/torchrnn/torchrnn/corpus"
)

func main() {
	n := 200000
	if len(os.Args) > 1 {
		v, err := strconv.Atoi(os.Args[1])
		if err != nil || v < 1 {
			fmt.Fprintf(os.Stderr, "text: %q: want a number of characters\n", os.Args[1])
			os.Exit(2)
		}
		n = v
	}
	text, err := corpus.TinyShakespeare()
	if err != nil {
		fmt.Fprintln(os.Stderr, "text:", err)
		os.Exit(1)
	}
	r := []rune(text)
	fmt.Print(string(r[:min(n, len(r))]))
}
