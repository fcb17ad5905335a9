package lstm

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/sugarme/gotch/ts"
	"github.com/torchrnn/torchrnn/internal/tensor"
	"github.com/torchrnn/torchrnn/torch"
)

func floats(t *testing.T, x *ts.Tensor) []float32 {
	t.Helper()
	v, err := tensor.Float32s(x)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The CRF's forward-algorithm loss and Viterbi path equal a brute-force
// enumeration of all C^n tag paths.
func TestCRFBruteForce(t *testing.T) {
	lockThread(t)
	dev := device(t)
	rng := rand.New(rand.NewPCG(3, 4))
	const B, T, C = 3, 4, 3
	lengths := []int64{4, 2, 1}
	p := NewParams(dev)
	defer p.Drop()
	crf := newCRF(p, "crf.", C)
	em := make([]float32, B*T*C)
	for i := range em {
		em[i] = float32(rng.NormFloat64())
	}
	gold := []int64{0, 2, 1, 1, 2, 0, -1, -1, 1, -1, -1, -1}
	e := tensor.Must(tensor.Float32(em, []int64{B, T, C}, dev))
	y := tensor.Must(tensor.Int64(gold, []int64{B, T}, dev))
	defer torch.Free(e, y)
	loss, err := crf.Loss(e, y, lengths)
	if err != nil {
		t.Fatal(err)
	}
	defer loss.MustDrop()
	trans, start, end := floats(t, crf.Trans), floats(t, crf.Start), floats(t, crf.End)
	score := func(b int, path []int64) float64 {
		s := float64(start[path[0]] + end[path[len(path)-1]])
		for i, c := range path {
			s += float64(em[(b*T+i)*C+int(c)])
			if i > 0 {
				s += float64(trans[path[i-1]*C+c])
			}
		}
		return s
	}
	var want float64
	var tokens int64
	var best [][]int64
	for b, n := range lengths {
		var z float64
		var top []int64
		topScore := math.Inf(-1)
		path := make([]int64, n)
		for k := 0; k < int(math.Pow(C, float64(n))); k++ { // every path, as a base-C number
			for i, r := int64(0), k; i < n; i, r = i+1, r/C {
				path[i] = int64(r % C)
			}
			s := score(b, path)
			z += math.Exp(s)
			if s > topScore {
				topScore, top = s, slices.Clone(path)
			}
		}
		want += math.Log(z) - score(b, gold[b*T:b*T+int(n)])
		tokens += n
		best = append(best, top)
	}
	want /= float64(tokens)
	got := tensor.Val(loss.Float64Value(nil))
	if math.Abs(got-want) > 1e-5 {
		t.Errorf("CRF loss %.7f, brute force %.7f", got, want)
	}
	paths, err := crf.Decode(e, lengths)
	if err != nil {
		t.Fatal(err)
	}
	for b := range best {
		if !slices.Equal(paths[b], best[b]) {
			t.Errorf("sentence %d: Viterbi %v, brute force %v", b, paths[b], best[b])
		}
	}
}

func spellTest(w string) []int64 {
	ids := []int64{}
	for _, r := range w {
		ids = append(ids, int64(r%7)+1)
	}
	return ids
}

// A padded batch's loss, times its tokens, equals the sum of each sentence
// run alone times its tokens: padding counts nowhere, for every cell, with
// and without a CRF, on the padded and the packed strategy.
func TestTaggerMasking(t *testing.T) {
	lockThread(t)
	dev := device(t)
	sents := [][]string{strings.Fields("a bb ccc a"), strings.Fields("dd a"), strings.Fields("e")}
	tags := [][]int64{{1, 2, 0, 1}, {2, 1}, {0}}
	word := map[string]int64{"a": 1, "bb": 2, "ccc": 3, "dd": 4, "e": 5}
	batch := func(idx ...int) (ids, y *ts.Tensor, words *Words, lengths []int64, n int64) {
		T := 0
		for _, i := range idx {
			T = max(T, len(sents[i]))
		}
		flat, ty := make([]int64, len(idx)*T), make([]int64, len(idx)*T)
		var group [][]string
		for r, i := range idx {
			for t := range T {
				ty[r*T+t] = -1
				if t < len(sents[i]) {
					flat[r*T+t], ty[r*T+t] = word[sents[i][t]], tags[i][t]
				}
			}
			lengths = append(lengths, int64(len(sents[i])))
			n += int64(len(sents[i]))
			group = append(group, sents[i])
		}
		shape := []int64{int64(len(idx)), int64(T)}
		return tensor.Must(tensor.Int64(flat, shape, dev)), tensor.Must(tensor.Int64(ty, shape, dev)),
			SpellWords(group, T, spellTest), lengths, n
	}
	lossOf := func(m *Tagger, idx ...int) float64 {
		ids, y, words, lengths, n := batch(idx...)
		defer torch.Free(ids, y)
		scores, err := m.Forward(ids, words, lengths, false)
		if err != nil {
			t.Fatal(err)
		}
		defer scores.MustDrop()
		if s := tensor.Val(scores.Size()); !slices.Equal(s, []int64{int64(len(idx)), lengths[0], 3}) && len(idx) == 1 {
			t.Fatalf("scores %v", s)
		}
		loss, err := m.Loss(scores, y, lengths, -1)
		if err != nil {
			t.Fatal(err)
		}
		defer loss.MustDrop()
		return tensor.Val(loss.Float64Value(nil)) * float64(n)
	}
	for _, cell := range []Cell{LSTM, GRU, RNNTanh} {
		for k, crf := range []bool{false, true} {
			cfg := Config{Vocab: 6, Embed: 5, Hidden: 4, Layers: 2, Cell: cell, Bidirectional: true,
				Chars: 8, CharEmbed: 3, CharHidden: 2, Classes: 3, CRF: crf}
			m, err := NewTagger(cfg, dev)
			if err != nil {
				t.Fatal(err)
			}
			m.SetStrategy([]Strategy{Padded, Packed}[k])
			whole := lossOf(m, 0, 1, 2)
			alone := lossOf(m, 0) + lossOf(m, 1) + lossOf(m, 2)
			if math.Abs(whole-alone) > 1e-4*math.Abs(alone) {
				t.Errorf("%s crf=%v: padded batch %.6f, one by one %.6f", cell, crf, whole, alone)
			}
			ids, _, words, lengths, _ := batch(0, 1, 2)
			scores := tensor.Must(m.Forward(ids, words, lengths, true))
			paths, err := m.Decode(scores, lengths)
			if err != nil || len(paths) != 3 || len(paths[0]) != 4 || len(paths[2]) != 1 {
				t.Errorf("%s crf=%v: decode %v %v", cell, crf, paths, err)
			}
			torch.Free(ids, scores)
			m.Params.Drop()
		}
	}
}

func TestSpellWords(t *testing.T) {
	w := SpellWords([][]string{{"ab", "c"}, {"c"}}, 2, spellTest)
	if w.N != 2 || w.L != 2 || !slices.Equal(w.Index, []int64{0, 1, 1, 2}) || !slices.Equal(w.Lengths, []int64{2, 1}) {
		t.Errorf("words %+v", w)
	}
	long := SpellWords([][]string{{strings.Repeat("x", 30)}}, 1, spellTest)
	if long.L != MaxWordChars {
		t.Errorf("a 30-rune word keeps %d characters, want %d", long.L, MaxWordChars)
	}
}
