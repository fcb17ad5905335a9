package vocab_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/torchrnn/torchrnn/vocab"
)

func count(docs ...string) *vocab.Counter {
	c := vocab.NewCounter()
	for _, d := range docs {
		c.Add(strings.Fields(d))
	}
	return c
}

func TestOrder(t *testing.T) {
	// Counts: b 3, a 2, c 2, d 1, e 1. Ties keep first occurrence: a before c, d before e.
	v := vocab.New(count("d a b c", "b e a b c"), vocab.Options{})
	want := []string{vocab.Pad, vocab.Unk, "b", "a", "c", "d", "e"}
	if got := v.Decode([]int64{0, 1, 2, 3, 4, 5, 6}); !slices.Equal(got, want) {
		t.Errorf("order = %q, want %q", got, want)
	}
	if v.Len() != len(want) {
		t.Errorf("Len = %d, want %d", v.Len(), len(want))
	}
}

func TestOptions(t *testing.T) {
	c := count("d a b c", "b e a b c")
	for _, tc := range []struct {
		opt  vocab.Options
		want []string
	}{
		{vocab.Options{MinFreq: 2}, []string{"<pad>", "<unk>", "b", "a", "c"}},
		{vocab.Options{MaxSize: 4}, []string{"<pad>", "<unk>", "b", "a"}},
		{vocab.Options{MaxSize: 1}, []string{"<pad>", "<unk>"}},
		{vocab.Options{BOS: true, EOS: true, MinFreq: 3}, []string{"<pad>", "<unk>", "<bos>", "<eos>", "b"}},
		{vocab.Options{EOS: true, MinFreq: 3}, []string{"<pad>", "<unk>", "<eos>", "b"}},
	} {
		v := vocab.New(c, tc.opt)
		ids := make([]int64, v.Len())
		for i := range ids {
			ids[i] = int64(i)
		}
		if got := v.Decode(ids); !slices.Equal(got, tc.want) {
			t.Errorf("%+v: got %q, want %q", tc.opt, got, tc.want)
		}
	}
	v := vocab.New(c, vocab.Options{BOS: true, EOS: true})
	if id, ok := v.BOSID(); !ok || id != 2 {
		t.Errorf("BOSID = %d, %t", id, ok)
	}
	if id, ok := v.EOSID(); !ok || id != 3 {
		t.Errorf("EOSID = %d, %t", id, ok)
	}
	if _, ok := vocab.New(c, vocab.Options{}).BOSID(); ok {
		t.Error("BOSID present without Options.BOS")
	}
}

func TestSpecialInCorpus(t *testing.T) {
	v := vocab.New(count("<unk> x <pad> x"), vocab.Options{})
	if got, want := v.Decode([]int64{0, 1, 2}), []string{"<pad>", "<unk>", "x"}; !slices.Equal(got, want) || v.Len() != 3 {
		t.Errorf("got %q (len %d), want %q", got, v.Len(), want)
	}
}

func TestEncodeDecode(t *testing.T) {
	v := vocab.New(count("the cat sat on the mat"), vocab.Options{})
	toks := []string{"the", "mat", "sat", "cat", "on"}
	if got := v.Decode(v.Encode(toks)); !slices.Equal(got, toks) {
		t.Errorf("Decode(Encode(%q)) = %q", toks, got)
	}
	if got, want := v.Encode([]string{"the", "dog"}), []int64{2, vocab.UnkID}; !slices.Equal(got, want) {
		t.Errorf("Encode = %v, want %v", got, want)
	}
	if got := v.Decode([]int64{-1, 99}); !slices.Equal(got, []string{vocab.Unk, vocab.Unk}) {
		t.Errorf("Decode out of range = %q", got)
	}
	if id, ok := v.Lookup("dog"); ok || id != 0 {
		t.Errorf("Lookup(dog) = %d, %t", id, ok)
	}
	docs := [][]string{{"the", "cat"}, {"x"}, nil}
	got := v.EncodeAll(docs)
	for i, d := range docs {
		if !slices.Equal(got[i], v.Encode(d)) {
			t.Errorf("EncodeAll[%d] = %v, want %v", i, got[i], v.Encode(d))
		}
	}
}

// TestParallelCount checks that the parallel count equals a sequential one,
// first-occurrence order included.
func TestParallelCount(t *testing.T) {
	texts := make([]string, 5000)
	for i := range texts {
		texts[i] = fmt.Sprintf("w%d w%d common w%d", i%97, i%13, i)
	}
	seq := vocab.NewCounter()
	for _, s := range texts {
		seq.Add(vocab.Whitespace(s))
	}
	par := vocab.Count(texts, vocab.Whitespace)
	if !slices.Equal(seq.Ordered(), par.Ordered()) {
		t.Fatal("parallel Count differs from sequential Add")
	}
	if !slices.Equal(par.Ordered(), vocab.CountTokens(vocab.TokenizeAll(texts, vocab.Whitespace)).Ordered()) {
		t.Fatal("CountTokens differs from Count")
	}
	if par.Count("common") != len(texts) || par.Len() != 5001 {
		t.Errorf("Count(common) = %d, Len = %d", par.Count("common"), par.Len())
	}
}
