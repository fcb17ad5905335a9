package vocab

import (
	"slices"
	"strings"
	"testing"
)

// Pairs from Multi30k's raw and tokenised files (train.en, train.de).
func TestMoses(t *testing.T) {
	for _, c := range []struct{ raw, tok string }{
		{"Two young, White males are outside near many bushes.", "two young , white males are outside near many bushes ."},
		{"A little boy playing GameCube at a McDonald's.", "a little boy playing gamecube at a mcdonald &apos;s ."},
		{"A young blond-haired boy and a dark-haired girl are eating at a kid's table.", "a young blond-haired boy and a dark-haired girl are eating at a kid &apos;s table ."},
		{"Zwei junge weiße Männer sind im Freien in der Nähe vieler Büsche.", "zwei junge weiße männer sind im freien in der nähe vieler büsche ."},
		{"A man in a \"Rock & Roll\" T-shirt: 3.5 beers!", "a man in a &quot; rock &amp; roll &quot; t-shirt : 3.5 beers !"},
		{"", ""},
	} {
		if got := Moses(c.raw); !slices.Equal(got, strings.Fields(c.tok)) {
			t.Errorf("%q: %q, want %q", c.raw, got, c.tok)
		}
	}
}
