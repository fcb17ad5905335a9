package main

import (
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/torchrnn/torchrnn/infer"
)

// explainTexts prints each text's prediction line, then one line per token
// the model read: its attention weight and the token (quoted when it holds
// white space or control characters), indented by a tab:
//
//	pos	0.9312	A moving, beautifully acted film.
//		0.0210	a
//		0.4127	moving
func explainTexts(p *infer.Predictor, texts []string, stdout io.Writer) int {
	exps, err := p.Explain(texts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "predict: -explain:", err)
		return 2
	}
	for i, e := range exps {
		fmt.Fprintf(stdout, "%s\t%.4f\t%s\n", e.Label, e.Prob, snippet(texts[i]))
		for j, tok := range e.Tokens {
			fmt.Fprintf(stdout, "\t%.4f\t%s\n", e.Weights[j], printable(tok))
		}
	}
	return 0
}

// printable is tok, or tok quoted when it would not read as one token.
func printable(tok string) string {
	for _, r := range tok {
		if r <= ' ' || r == 0x7f || !strconv.IsPrint(r) {
			return strconv.Quote(tok)
		}
	}
	return tok
}
