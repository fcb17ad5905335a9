package infer

import (
	"runtime"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/torchrnn/torchrnn/internal/libtorch"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/lstm"
	"github.com/torchrnn/torchrnn/sample"
	"github.com/torchrnn/torchrnn/vocab"
)

const alphabet = "abcdefghijklmnopqrstuvwxyz .,;:!?'\n"

// tinyGenerator is a char-level generator over alphabet with fresh weights.
func tinyGenerator(t testing.TB, cell lstm.Cell) *Generator {
	t.Helper()
	v := vocab.New(vocab.CountTokens([][]string{vocab.Chars(alphabet)}), vocab.Options{})
	libtorch.Seed(11)
	m, err := lstm.NewLM(lstm.Config{Vocab: v.Len(), Embed: 8, Hidden: 24, Layers: 2, Cell: cell}, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	return NewGenerator(m, v, "char", gotch.CPU)
}

// TestStreamsAsSingleSamples: k streams sampled as one batch give the texts
// Generate gives one at a time with seeds seed..seed+k-1, the prompt's
// tokens first.
func TestStreamsAsSingleSamples(t *testing.T) {
	runtime.LockOSThread()
	for _, cell := range []lstm.Cell{lstm.LSTM, lstm.GRU} {
		g := tinyGenerator(t, cell)
		prompt, _, err := g.Encode("the ")
		if err != nil {
			t.Fatal(err)
		}
		o := sample.Options{Temperature: 0.9, TopK: 20}
		const k, n, seed = 4, 120, 40
		batch := make([]strings.Builder, k)
		err = g.GenerateStreams(prompt, n, k, o, seed, func(s int, id int64) error {
			batch[s].WriteString(g.Text(id))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for s := 0; s < k; s++ {
			var one strings.Builder
			err := g.Generate(prompt, n, o, seed+uint64(s), func(id int64) error { one.WriteString(g.Text(id)); return nil })
			if err != nil {
				t.Fatal(err)
			}
			if one.String() != batch[s].String() {
				t.Errorf("%s stream %d: batch %q, alone %q", cell, s, batch[s].String(), one.String())
			}
		}
	}
	if err := tinyGenerator(t, lstm.LSTM).GenerateStreams([]int64{2}, 1, MaxStreams+1, sample.Options{}, 1, nil); err == nil {
		t.Errorf("%d streams: no error", MaxStreams+1)
	}
}

// TestLongPromptInPieces: a prompt longer than promptChunk, fed in pieces
// with the state carried over, leaves the state and last logits of one
// forward over all of it.
func TestLongPromptInPieces(t *testing.T) {
	runtime.LockOSThread()
	g := tinyGenerator(t, lstm.LSTM)
	text := strings.Repeat("to be, or not to be; that is the question.\n", 2*promptChunk/40)
	prompt, _, err := g.Encode(text)
	if err != nil {
		t.Fatal(err)
	}
	if len(prompt) <= 2*promptChunk {
		t.Fatalf("prompt of %d tokens: want more than two pieces", len(prompt))
	}
	tensor.NoGrad(func() {
		last, state := g.feed(prompt)
		defer state.Drop()
		x := tensor.Must(tensor.Int64(prompt, []int64{1, int64(len(prompt))}, gotch.CPU))
		defer x.MustDrop()
		all, want, err := g.Model.Forward(x, lstm.State{}, false) // [1, P, V]
		if err != nil {
			t.Fatal(err)
		}
		defer want.Drop()
		defer all.MustDrop()
		row := tensor.Must(all.Select(1, int64(len(prompt)-1), false))
		defer row.MustDrop()
		for name, pair := range map[string][2][]float32{
			"logits": {last, tensor.Val(tensor.Float32s(row))},
			"H":      {tensor.Val(tensor.Float32s(state.H)), tensor.Val(tensor.Float32s(want.H))},
			"C":      {tensor.Val(tensor.Float32s(state.C)), tensor.Val(tensor.Float32s(want.C))},
		} {
			for i := range pair[0] {
				if d := pair[0][i] - pair[1][i]; d > 1e-4 || d < -1e-4 {
					t.Fatalf("%s[%d]: %g in pieces, %g at once", name, i, pair[0][i], pair[1][i])
				}
			}
		}
	})
}

// TestEncodeLongPrompt: a prompt of 100,000 characters is one id a
// character (BenchmarkEncode times it).
func TestEncodeLongPrompt(t *testing.T) {
	g := tinyGenerator(t, lstm.LSTM)
	text := strings.Repeat("abc\n", 25000)
	ids, _, err := g.Encode(text)
	if err != nil || len(ids) != len(text) {
		t.Fatalf("%d ids, %v; want %d", len(ids), err, len(text))
	}
	want, _ := g.vocab.Lookup("c")
	if ids[len(ids)-2] != want {
		t.Errorf("id %d for the last c, want %d", ids[len(ids)-2], want)
	}
}

// BenchmarkEncode encodes a prompt of 100,000 characters.
func BenchmarkEncode(b *testing.B) {
	g := tinyGenerator(b, lstm.LSTM)
	text := strings.Repeat("to be, or not to be; that is the question.\n", 100000/43)
	for i := 0; i < b.N; i++ {
		if _, _, err := g.Encode(text); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(text)*b.N)/b.Elapsed().Seconds(), "chars/s")
}
