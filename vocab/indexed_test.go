package vocab

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// CountIndexed counts as CountTokens does and EncodeIndexed encodes as
// EncodeAll does, over enough documents for several parallel chunks.
func TestIndexedMatchesCountAndEncode(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4)) // 8 chunks whatever the machine
	rng := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(rng, 1.2, 1, 5000)
	docs := make([][]string, 3000)
	for i := range docs {
		doc := make([]string, rng.IntN(40))
		for j := range doc {
			doc[j] = fmt.Sprintf("w%d", zipf.Uint64())
		}
		docs[i] = doc
	}
	want, got := CountTokens(docs), CountIndexed(docs)
	if !reflect.DeepEqual(got.Ordered(), want.Ordered()) {
		t.Fatalf("CountIndexed: %d tokens, CountTokens %d, or a different order or count", got.Len(), want.Len())
	}
	for _, opt := range []Options{{}, {MinFreq: 3}, {MaxSize: 100, EOS: true}} {
		v := New(want, opt)
		if e, g := v.EncodeAll(docs), v.EncodeIndexed(got); !reflect.DeepEqual(g, e) {
			t.Errorf("%+v: EncodeIndexed differs from EncodeAll", opt)
		}
	}
	// The documents share memory; appending to one leaves the next as it was.
	ids := New(want, Options{}).EncodeIndexed(got)
	next := append([]int64(nil), ids[1]...)
	ids[0] = append(ids[0], -1, -1)
	if !reflect.DeepEqual(ids[1], next) {
		t.Errorf("appending to document 0 changed document 1: %v, was %v", ids[1], next)
	}
	if e := New(nil, Options{}).EncodeIndexed(CountIndexed(nil)); len(e) != 0 {
		t.Errorf("no documents: %v", e)
	}
}

func TestCountTextsMatchesTokenizeThenCount(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	rng := rand.New(rand.NewPCG(3, 4))
	texts := make([]string, 2000)
	for i := range texts {
		for range rng.IntN(30) {
			texts[i] += fmt.Sprintf("W%d ", rng.IntN(300))
		}
	}
	want, got := CountIndexed(TokenizeAll(texts, Whitespace)), CountTexts(texts, Whitespace)
	if !reflect.DeepEqual(got.Ordered(), want.Ordered()) || !reflect.DeepEqual(got.docs, want.docs) {
		t.Fatal("CountTexts differs from CountIndexed(TokenizeAll)")
	}
	if got.Len() == 0 || got.Ordered()[0].Token != strings.ToLower(got.Ordered()[0].Token) {
		t.Errorf("tokens not lower-cased by the tokenizer: %v", got.Ordered()[:1])
	}
}

// CountTexts with IMDB counts straight from the tokenizer's buffer; the
// result equals counting IMDB's token lists, quirks included (tags, glued
// emoticons, Python's lower-casing).
func TestCountTextsIMDBMatchesTokenLists(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	rng := rand.New(rand.NewPCG(7, 8))
	pieces := []string{"Great", "MOVIE", " ", " ", "<br />", "<b>x</b>", ":)", ";-(", "=)", ".", "ΟΔΥΣΣΕΥΣ", "İstanbul",
		"naïve", "don't", "a_b", "1984", "<", ">", "é", "\xff", "extraordinarily-long-words-here", "\u00a0"}
	texts := make([]string, 3000)
	for i := range texts {
		var b strings.Builder
		for range rng.IntN(40) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		texts[i] = b.String()
	}
	want, got := CountIndexed(TokenizeAll(texts, IMDB)), CountTexts(texts, IMDB)
	if !reflect.DeepEqual(got.Ordered(), want.Ordered()) || !reflect.DeepEqual(got.docs, want.docs) {
		t.Fatal("CountTexts(IMDB) differs from CountIndexed(TokenizeAll(IMDB))")
	}
	glued := 0
	for _, tc := range want.Ordered() {
		if len(tc.Token) > 2 && strings.HasSuffix(tc.Token, ")") {
			glued++
		}
	}
	if glued == 0 || want.Count(";(") == 0 || want.Count("istanbul") > 0 || want.Count("stanbul") == 0 {
		t.Errorf("the test texts lack a glued (%d) or a separate emoticon (%d), or İ (%d, %d)",
			glued, want.Count(";("), want.Count("istanbul"), want.Count("stanbul"))
	}
}

func TestIsIMDB(t *testing.T) {
	wrapped := Tokenizer(func(s string) []string { return IMDB(s) })
	for _, c := range []struct {
		tok  Tokenizer
		want bool
	}{{IMDB, true}, {imdb, true}, {wrapped, false}, {Whitespace, false}, {nil, false}} {
		if got := isIMDB(c.tok); got != c.want {
			t.Errorf("isIMDB(%p) = %v", c.tok, got)
		}
	}
}

// byCount's sort of packed words orders as the stable sort by count.
func TestByCountIsStableByCount(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	c := NewCounter()
	for i := range 50000 {
		c.see(fmt.Sprint(i%7000), 1+rng.IntN(3)*rng.IntN(40), true)
	}
	got, want := c.byCount(), c.byCountStable()
	if !reflect.DeepEqual(got, want) {
		t.Fatal("byCount differs from the stable sort by count")
	}
	if c.counts[got[0]] < c.counts[got[len(got)-1]] || NewCounter().byCount() != nil {
		t.Error("not by count, most frequent first, or not nil when empty")
	}
}
