package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/torchrnn/torchrnn/infer"
	"github.com/torchrnn/torchrnn/report"
)

// showAttention prints sentence i's attention weights as text, or saves
// them as a PNG heat map (how: "text" or a .png path; "": nothing).
func showAttention(how string, i int, tr infer.Translation, w io.Writer) error {
	if how == "" || len(tr.Source) == 0 {
		return nil
	}
	output := append(append([]string{}, tr.Tokens...), "<eos>")
	if how == "text" {
		printAttention(w, tr.Source, output, tr.Attention)
		return nil
	}
	path := how
	if i > 0 {
		path = fmt.Sprintf("%s-%d.png", strings.TrimSuffix(how, ".png"), i+1)
	}
	return report.SaveAttention(path, "attention", tr.Source, output, tr.Attention)
}

// printAttention writes one row per output token: the token, then its
// weight (in %) on each source token under a header of the source tokens.
func printAttention(w io.Writer, source, output []string, weights [][]float32) {
	width := 4
	for _, s := range append(append([]string{}, source...), output...) {
		width = max(width, len([]rune(s)))
	}
	pad := func(s string) string { return strings.Repeat(" ", width-len([]rune(s))) + s }
	fmt.Fprint(w, pad(""))
	for _, s := range source {
		fmt.Fprint(w, " ", pad(s))
	}
	fmt.Fprintln(w)
	for i, row := range weights {
		fmt.Fprint(w, pad(output[i]))
		for _, v := range row {
			fmt.Fprint(w, " ", pad(fmt.Sprintf("%.0f", 100*v)))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
}
