package decode

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/torch"
)

// markov is a toy model whose next-token distribution depends on the
// previous token alone, fixed by hand: logp[prev][next]. Its state is the
// previous token of each row.
type markov struct {
	logp [][]float64
}

func (m markov) Step(tokens *torch.Tensor, _ *torch.Tensor) (logp, attn, next *torch.Tensor, err error) {
	defer tensor.Catch(&err, "markov")
	V := len(m.logp)
	flat := make([]float32, 0, V*V)
	for _, row := range m.logp {
		for _, p := range row {
			flat = append(flat, float32(p))
		}
	}
	table := tensor.Must(tensor.Float32(flat, []int64{int64(V), int64(V)}, torch.CPU))
	defer table.MustDrop()
	logp = tensor.Must(table.IndexSelect(0, tokens, false))
	return logp, nil, tensor.Must(tokens.ShallowClone()), nil
}

func (m markov) Expand(st *torch.Tensor, k int) (*torch.Tensor, error) {
	return st.Repeat([]int64{1}, false) // unused: the state is the last token
}

func (m markov) Reorder(st *torch.Tensor, idx *torch.Tensor) (*torch.Tensor, error) {
	return st.IndexSelect(0, idx, false)
}

func (m markov) Drop(st *torch.Tensor) {
	if st != nil {
		st.MustDrop()
	}
}

const (
	bos, eos = 0, 1
)

// logTable turns rows of probabilities into log-probabilities.
func logTable(p [][]float64) [][]float64 {
	out := make([][]float64, len(p))
	for i, row := range p {
		for _, x := range row {
			out[i] = append(out[i], math.Log(x))
		}
	}
	return out
}

// bruteForce scores every sequence of tokens other than <eos> up to maxLen outputs
// (<eos> included; at maxLen <eos> is forced) and returns the best.
func bruteForce(logp [][]float64, maxLen int, alpha float64) (best []int64, bestScore float64) {
	bestScore = math.Inf(-1)
	var walk func(prefix []int64, prev int64, lp float64)
	walk = func(prefix []int64, prev int64, lp float64) {
		end := lp + logp[prev][eos]
		if s := (Options{Alpha: alpha}).score(end, len(prefix)+1); s > bestScore {
			best, bestScore = slices.Clone(prefix), s
		}
		if len(prefix)+1 >= maxLen {
			return
		}
		for tok := int64(0); tok < int64(len(logp)); tok++ {
			if tok == eos {
				continue
			}
			walk(append(prefix, tok), tok, lp+logp[prev][tok])
		}
	}
	walk(nil, bos, 0)
	return best, bestScore
}

func search(t *testing.T, m markov, k, maxLen int, alpha float64) Hypothesis {
	t.Helper()
	torch.LockThread() // the test's goroutine: libtorch keeps errors per thread
	init := tensor.Must(tensor.Int64([]int64{bos}, []int64{1}, torch.CPU))
	defer init.MustDrop()
	opt := Options{BOS: bos, EOS: eos, MaxLen: []int{maxLen}, Alpha: alpha}
	var hyps []Hypothesis
	var err error
	if k == 0 {
		hyps, err = Greedy[*torch.Tensor](m, init, 1, opt)
	} else {
		hyps, err = Beam[*torch.Tensor](m, init, 1, k, opt)
	}
	if err != nil {
		t.Fatal(err)
	}
	return hyps[0]
}

// On a hand-made distribution greedy decoding takes the likelier first
// token (a: 0.5) into a poor sequence (a <eos>: 0.5*0.4 = 0.2); beam
// search of width 2 keeps b (0.4) and finds b <eos> (0.4*0.9 = 0.36), the
// best by brute force.
func TestBeamFindsWhatGreedyMisses(t *testing.T) {
	//           to: bos  eos   a     b
	m := markov{logTable([][]float64{
		{1e-9, 0.1, 0.5, 0.4},   // from bos
		{1e-9, 1, 1e-9, 1e-9},   // from eos (never used)
		{1e-9, 0.4, 0.3, 0.3},   // from a
		{1e-9, 0.9, 0.05, 0.05}, // from b
	})}
	greedy := search(t, m, 0, 5, 0)
	if !slices.Equal(greedy.Tokens, []int64{2}) || math.Abs(greedy.LogProb-math.Log(0.2)) > 1e-5 {
		t.Errorf("greedy: %v (log-prob %.4f), want [2] (log 0.2 = %.4f)", greedy.Tokens, greedy.LogProb, math.Log(0.2))
	}
	best, score := bruteForce(m.logp, 5, 0)
	beam := search(t, m, 2, 5, 0)
	if !slices.Equal(beam.Tokens, best) || math.Abs(beam.LogProb-score) > 1e-5 {
		t.Errorf("beam 2: %v (log-prob %.4f), brute force %v (%.4f)", beam.Tokens, beam.LogProb, best, score)
	}
	if !slices.Equal(best, []int64{3}) {
		t.Errorf("brute force %v, want [3]", best)
	}
	if b1 := search(t, m, 1, 5, 0); !slices.Equal(b1.Tokens, greedy.Tokens) || b1.LogProb != greedy.LogProb {
		t.Errorf("beam 1: %v %.6f, greedy %v %.6f", b1.Tokens, b1.LogProb, greedy.Tokens, greedy.LogProb)
	}
}

// A beam wider than the number of sequences keeps every one, so it must
// return the brute-force best, with and without length normalisation, and
// with sequences cut at the maximum length.
func TestWideBeamIsExhaustive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 20 {
		V := 3 // bos, eos, one token: any but eos may follow, 1+2+4+8 sequences of at most 4 outputs
		p := make([][]float64, V)
		for i := range p {
			sum := 0.0
			for range V {
				x := r.Float64() + 0.01
				p[i] = append(p[i], x)
				sum += x
			}
			for j := range p[i] {
				p[i][j] /= sum
			}
		}
		m := markov{logTable(p)}
		for _, alpha := range []float64{0, 1} {
			best, score := bruteForce(m.logp, 4, alpha)
			got := search(t, m, 16, 4, alpha)
			if !slices.Equal(got.Tokens, best) || math.Abs(got.Score-score) > 1e-5 {
				t.Errorf("trial %d alpha %v: beam %v score %.5f, brute force %v score %.5f", trial, alpha, got.Tokens, got.Score, best, score)
			}
		}
		g, b1 := search(t, m, 0, 6, 0), search(t, m, 1, 6, 0)
		if !slices.Equal(g.Tokens, b1.Tokens) || math.Abs(g.LogProb-b1.LogProb) > 1e-6 {
			t.Errorf("trial %d: greedy %v %.6f, beam 1 %v %.6f", trial, g.Tokens, g.LogProb, b1.Tokens, b1.LogProb)
		}
	}
}

func TestOptionsChecked(t *testing.T) {
	torch.LockThread()
	m := markov{logTable([][]float64{{.5, .5}, {.5, .5}})}
	init := tensor.Must(tensor.Int64([]int64{bos}, []int64{1}, torch.CPU))
	defer init.MustDrop()
	for _, opt := range []Options{{EOS: eos}, {EOS: eos, MaxLen: []int{0}}, {EOS: eos, MaxLen: []int{3}, Alpha: math.NaN()}} {
		if _, err := Beam[*torch.Tensor](m, init, 1, 2, opt); err == nil {
			t.Errorf("%+v: no error", opt)
		}
	}
}
